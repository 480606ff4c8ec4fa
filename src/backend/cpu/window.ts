/**
 * The cpu window kernels (im2col, col2im, pool, poolGrad): plain loops over output pixels and
 * window taps, written to be obviously right, since every other backend is tested against them.
 * Sums are taken in float64 and rounded once, as the cpu reduce does.
 */
import type { KernelAttrs, WindowAttrs } from '../backend.js';

type Pool = KernelAttrs['pool'];

/**
 * Call `fn(row, ky, kx, iy, ix)` for every tap of every output pixel, where row is the output pixel's
 * flat index (b, oy, ox) and (iy, ix) the input position, which may lie in the padding.
 */
function forEachTap(w: WindowAttrs, fn: (row: number, b: number, ky: number, kx: number, iy: number, ix: number) => void): void {
  for (let b = 0; b < w.batch; b++) {
    for (let oy = 0; oy < w.outH; oy++) {
      for (let ox = 0; ox < w.outW; ox++) {
        const row = (b * w.outH + oy) * w.outW + ox;
        for (let ky = 0; ky < w.kH; ky++) {
          const iy = oy * w.strideH - w.padTop + ky * w.dilationH;
          for (let kx = 0; kx < w.kW; kx++) {
            fn(row, b, ky, kx, iy, ox * w.strideW - w.padLeft + kx * w.dilationW);
          }
        }
      }
    }
  }
}

const inside = (w: WindowAttrs, iy: number, ix: number): boolean => iy >= 0 && iy < w.inH && ix >= 0 && ix < w.inW;

/** cols[row, (ky*kW + kx)*inC + c] = x[b, iy, ix, c], or 0 in the padding. */
export function im2col(x: Float32Array, cols: Float32Array, w: WindowAttrs): void {
  const C = w.inC;
  const K = w.kH * w.kW * C;
  forEachTap(w, (row, b, ky, kx, iy, ix) => {
    const dst = row * K + (ky * w.kW + kx) * C;
    if (!inside(w, iy, ix)) {
      cols.fill(0, dst, dst + C);
      return;
    }
    const src = ((b * w.inH + iy) * w.inW + ix) * C;
    for (let c = 0; c < C; c++) cols[dst + c] = x[src + c]!;
  });
}

/** The adjoint of im2col: dx[b, iy, ix, c] = sum of the cols entries im2col copied from it. */
export function col2im(cols: Float32Array, dx: Float32Array, w: WindowAttrs): void {
  const C = w.inC;
  const K = w.kH * w.kW * C;
  const acc = new Float64Array(dx.length);
  forEachTap(w, (row, b, ky, kx, iy, ix) => {
    if (!inside(w, iy, ix)) return;
    const src = row * K + (ky * w.kW + kx) * C;
    const dst = ((b * w.inH + iy) * w.inW + ix) * C;
    for (let c = 0; c < C; c++) acc[dst + c]! += cols[src + c]!;
  });
  dx.set(acc);
}

/**
 * For each output pixel, the real taps of its window in row-major order (ky, then kx) as flat input
 * offsets of channel 0, and the flat output offset of its channel 0. A window with no real tap
 * (possible only with dilation) gets an empty list.
 */
function windows(w: WindowAttrs, fn: (out: number, taps: readonly number[]) => void): void {
  const taps: number[] = [];
  let current = -1;
  forEachTap(w, (row, b, _ky, _kx, iy, ix) => {
    if (row !== current) {
      if (current >= 0) fn(current * w.inC, taps);
      current = row;
      taps.length = 0;
    }
    if (inside(w, iy, ix)) taps.push(((b * w.inH + iy) * w.inW + ix) * w.inC);
  });
  if (current >= 0) fn(current * w.inC, taps);
}

/** max or mean over each window's real taps, per channel (0 for a window without any). */
export function pool(x: Float32Array, y: Float32Array, at: Pool): void {
  windows(at, (out, taps) => {
    for (let c = 0; c < at.inC; c++) {
      if (taps.length === 0) {
        y[out + c] = 0;
      } else if (at.op === 'max') {
        let best = x[taps[0]! + c]!;
        for (const t of taps) if (x[t + c]! > best) best = x[t + c]!;
        y[out + c] = best;
      } else {
        let s = 0;
        for (const t of taps) s += x[t + c]!;
        y[out + c] = s / taps.length;
      }
    }
  });
}

/** dx: max sends each window's dy to its first maximal real tap; avg spreads dy / count over the real taps. */
export function poolGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, at: Pool): void {
  const acc = new Float64Array(dx.length);
  windows(at, (out, taps) => {
    if (taps.length === 0) return;
    for (let c = 0; c < at.inC; c++) {
      const g = dy[out + c]!;
      if (at.op === 'max') {
        let arg = taps[0]! + c;
        for (const t of taps) if (x[t + c]! > x[arg]!) arg = t + c;
        acc[arg]! += g;
      } else {
        for (const t of taps) acc[t + c]! += g / taps.length;
      }
    }
  });
  dx.set(acc);
}
