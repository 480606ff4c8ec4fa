/**
 * The cpu window kernels (im2col, col2im, pool, poolGrad): plain loops over output pixels and
 * window taps, written to be obviously right, since every other backend is tested against them.
 * Output pixel (oy, ox) reads taps (oy * strideH - padTop + ky * dilationH, ox * strideW - padLeft +
 * kx * dilationW); taps outside the image are padding. Sums are taken in float64 and rounded once.
 */
import type { KernelAttrs, WindowAttrs } from '../backend.js';

type Pool = KernelAttrs['pool'];

/** The flat offset of pixel (iy, ix) of image b (channel 0), or -1 when the tap falls in the padding. */
function at(w: WindowAttrs, b: number, iy: number, ix: number): number {
  return iy >= 0 && iy < w.inH && ix >= 0 && ix < w.inW ? ((b * w.inH + iy) * w.inW + ix) * w.inC : -1;
}

/** `fn(row, tap, src)` for every tap of every output pixel: row = (b, oy, ox), tap = ky * kW + kx, src from `at`. */
function forEachTap(w: WindowAttrs, fn: (row: number, tap: number, src: number) => void): void {
  let row = 0;
  for (let b = 0; b < w.batch; b++) {
    for (let oy = 0; oy < w.outH; oy++) {
      for (let ox = 0; ox < w.outW; ox++, row++) {
        for (let ky = 0; ky < w.kH; ky++) {
          const iy = oy * w.strideH - w.padTop + ky * w.dilationH;
          for (let kx = 0; kx < w.kW; kx++) {
            fn(row, ky * w.kW + kx, at(w, b, iy, ox * w.strideW - w.padLeft + kx * w.dilationW));
          }
        }
      }
    }
  }
}

/** cols[row, (ky*kW + kx)*inC + c] = x[b, iy, ix, c], or 0 in the padding. */
export function im2col(x: Float32Array, cols: Float32Array, w: WindowAttrs): void {
  const C = w.inC;
  let dst = 0;
  for (let b = 0; b < w.batch; b++) {
    for (let oy = 0; oy < w.outH; oy++) {
      for (let ox = 0; ox < w.outW; ox++) {
        for (let ky = 0; ky < w.kH; ky++) {
          const iy = oy * w.strideH - w.padTop + ky * w.dilationH;
          for (let kx = 0; kx < w.kW; kx++, dst += C) {
            const src = at(w, b, iy, ox * w.strideW - w.padLeft + kx * w.dilationW);
            for (let c = 0; c < C; c++) cols[dst + c] = src < 0 ? 0 : x[src + c]!;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: dx[b, iy, ix, c] = the sum of the cols entries im2col copied from it. */
export function col2im(cols: Float32Array, dx: Float32Array, w: WindowAttrs): void {
  const C = w.inC;
  const taps = w.kH * w.kW;
  const acc = new Float64Array(dx.length);
  forEachTap(w, (row, tap, dst) => {
    if (dst < 0) return;
    const src = (row * taps + tap) * C;
    for (let c = 0; c < C; c++) acc[dst + c]! += cols[src + c]!;
  });
  dx.set(acc);
}

/**
 * For each output pixel, `fn(out, taps, count)`: the offsets (channel 0) of its window's real taps in
 * row-major order (ky, then kx) in taps[0..count), and the output offset of its channel 0. A window
 * without a real tap (possible only with dilation) gets count 0.
 */
function windows(w: WindowAttrs, fn: (out: number, taps: Int32Array, count: number) => void): void {
  const taps = new Int32Array(w.kH * w.kW);
  let count = 0;
  forEachTap(w, (row, tap, src) => {
    if (tap === 0) count = 0;
    if (src >= 0) taps[count++] = src;
    if (tap === taps.length - 1) fn(row * w.inC, taps, count);
  });
}

/** max or mean over each window's real taps, per channel (0 for a window without any). */
export function pool(x: Float32Array, y: Float32Array, p: Pool): void {
  windows(p, (out, taps, count) => {
    for (let c = 0; c < p.inC; c++) {
      if (count === 0) {
        y[out + c] = 0;
      } else if (p.op === 'max') {
        let best = x[taps[0]! + c]!;
        for (let t = 1; t < count; t++) if (x[taps[t]! + c]! > best) best = x[taps[t]! + c]!;
        y[out + c] = best;
      } else {
        let s = 0;
        for (let t = 0; t < count; t++) s += x[taps[t]! + c]!;
        y[out + c] = s / count;
      }
    }
  });
}

/** dx: max sends each window's dy to its first maximal real tap; avg spreads dy / count over the real taps. */
export function poolGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, p: Pool): void {
  const acc = new Float64Array(dx.length);
  windows(p, (out, taps, count) => {
    for (let c = 0; c < p.inC; c++) {
      const g = dy[out + c]!;
      if (count === 0) continue;
      if (p.op === 'max') {
        let arg = taps[0]! + c;
        for (let t = 1; t < count; t++) if (x[taps[t]! + c]! > x[arg]!) arg = taps[t]! + c;
        acc[arg]! += g;
      } else {
        for (let t = 0; t < count; t++) acc[taps[t]! + c]! += g / count;
      }
    }
  });
  dx.set(acc);
}
