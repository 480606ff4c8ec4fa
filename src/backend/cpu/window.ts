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

/**
 * The real taps of output pixel (b, oy, ox) in row-major window order (ky, then kx): their input
 * offsets (channel 0) go to taps[0..count), and count is returned. A window without a real tap
 * (possible only with dilation) has count 0.
 */
function realTaps(w: WindowAttrs, b: number, oy: number, ox: number, taps: Int32Array): number {
  let count = 0;
  for (let ky = 0; ky < w.kH; ky++) {
    const iy = oy * w.strideH - w.padTop + ky * w.dilationH;
    for (let kx = 0; kx < w.kW; kx++) {
      const src = at(w, b, iy, ox * w.strideW - w.padLeft + kx * w.dilationW);
      if (src >= 0) taps[count++] = src;
    }
  }
  return count;
}

/** `fn(row, taps, count)` for every output pixel (row = its flat index b, oy, ox) with its real taps. */
function forEachWindow(w: WindowAttrs, fn: (row: number, taps: Int32Array, count: number) => void): void {
  const taps = new Int32Array(w.kH * w.kW);
  let row = 0;
  for (let b = 0; b < w.batch; b++) {
    for (let oy = 0; oy < w.outH; oy++) {
      for (let ox = 0; ox < w.outW; ox++, row++) fn(row, taps, realTaps(w, b, oy, ox, taps));
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
  const acc = new Float64Array(dx.length);
  let src = 0;
  for (let b = 0; b < w.batch; b++) {
    for (let oy = 0; oy < w.outH; oy++) {
      for (let ox = 0; ox < w.outW; ox++) {
        for (let ky = 0; ky < w.kH; ky++) {
          const iy = oy * w.strideH - w.padTop + ky * w.dilationH;
          for (let kx = 0; kx < w.kW; kx++, src += C) {
            const dst = at(w, b, iy, ox * w.strideW - w.padLeft + kx * w.dilationW);
            if (dst >= 0) for (let c = 0; c < C; c++) acc[dst + c]! += cols[src + c]!;
          }
        }
      }
    }
  }
  dx.set(acc);
}

/** max or mean over each window's real taps, per channel (0 for a window without any). */
export function pool(x: Float32Array, y: Float32Array, p: Pool): void {
  const C = p.inC;
  const max = p.op === 'max';
  forEachWindow(p, (row, taps, count) => {
    const out = row * C;
    if (count === 0) {
      y.fill(0, out, out + C);
      return;
    }
    for (let c = 0; c < C; c++) {
      if (max) {
        // strictly greater: the first maximal tap wins
        let best = x[taps[0]! + c]!;
        for (let t = 1; t < count; t++) if (x[taps[t]! + c]! > best) best = x[taps[t]! + c]!;
        y[out + c] = best;
      } else {
        let sum = 0;
        for (let t = 0; t < count; t++) sum += x[taps[t]! + c]!;
        y[out + c] = sum / count;
      }
    }
  });
}

/** dx: max sends each window's dy to its first maximal real tap; avg spreads dy / count over the real taps. */
export function poolGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, p: Pool): void {
  const C = p.inC;
  const acc = new Float64Array(dx.length);
  const arg = new Int32Array(C);
  forEachWindow(p, (row, taps, count) => {
    if (count === 0) return;
    const out = row * C;
    if (p.op === 'avg') {
      for (let t = 0; t < count; t++) {
        const src = taps[t]!;
        for (let c = 0; c < C; c++) acc[src + c]! += dy[out + c]! / count;
      }
      return;
    }
    for (let c = 0; c < C; c++) arg[c] = taps[0]! + c;
    for (let t = 1; t < count; t++) {
      const src = taps[t]!;
      for (let c = 0; c < C; c++) if (x[src + c]! > x[arg[c]!]!) arg[c] = src + c;
    }
    for (let c = 0; c < C; c++) acc[arg[c]!]! += dy[out + c]!;
  });
  dx.set(acc);
}
