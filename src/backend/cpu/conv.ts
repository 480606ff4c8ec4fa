/**
 * The cpu convolution kernels. conv2d is composed from this backend's im2col, col2im and matmul
 * (the reference the implicit GEMMs of the other backends are tested against); depthwise is plain
 * loops over output elements and window taps, summed in float64 and rounded once.
 */
import type { KernelAttrs, WindowAttrs } from '../backend.js';
import { matmulInto } from './matmul.js';
import { col2im, im2col } from './window.js';

type MatmulAttrs = KernelAttrs['matmul'];
const plain = (m: number, n: number, k: number, alpha: number): MatmulAttrs => ({
  batch: 1, m, n, k, transposeA: false, transposeB: false, aBatched: false, bBatched: false, bias: false, activation: 'linear', alpha,
});

/**
 * conv2d without its epilogue (the caller adds bias and activation): forward cols · filter;
 * filterGrad colsᵀ · dy; inputGrad col2im(dy · filterᵀ).
 */
export function conv2d(a: Float32Array, b: Float32Array, out: Float32Array, at: KernelAttrs['conv2d']): void {
  const K = at.kH * at.kW * at.inC, pixels = at.batch * at.outH * at.outW;
  const cols = new Float32Array(pixels * K);
  if (at.mode === 'inputGrad') {
    matmulInto(a, b, cols, { ...plain(pixels, K, at.outC, at.alpha), transposeB: true });
    col2im(cols, out, at);
    return;
  }
  im2col(a, cols, at);
  if (at.mode === 'forward') matmulInto(cols, b, out, plain(pixels, at.outC, K, at.alpha));
  else matmulInto(cols, b, out, { ...plain(K, at.outC, pixels, at.alpha), transposeA: true });
}

/** The input row a tap reads for output row o, or -1 in the padding (columns alike). */
const reach = (o: number, k: number, stride: number, pad: number, dil: number, size: number): number => {
  const i = o * stride - pad + k * dil;
  return i >= 0 && i < size ? i : -1;
};

/** `fn(xOffset, outPixel, tap)` for every real tap of every output pixel (offsets at channel 0). */
function forEachTap(w: WindowAttrs, fn: (xAt: number, pixel: number, tap: number) => void): void {
  let pixel = 0;
  for (let b = 0; b < w.batch; b++) {
    for (let oy = 0; oy < w.outH; oy++) {
      for (let ox = 0; ox < w.outW; ox++, pixel++) {
        for (let ky = 0; ky < w.kH; ky++) {
          const iy = reach(oy, ky, w.strideH, w.padTop, w.dilationH, w.inH);
          if (iy < 0) continue;
          for (let kx = 0; kx < w.kW; kx++) {
            const ix = reach(ox, kx, w.strideW, w.padLeft, w.dilationW, w.inW);
            if (ix >= 0) fn(((b * w.inH + iy) * w.inW + ix) * w.inC, pixel, ky * w.kW + kx);
          }
        }
      }
    }
  }
}

/** The depthwise kernel's three passes (see KernelAttrs['depthwise']). */
export function depthwise(a: Float32Array, b: Float32Array, out: Float32Array, at: KernelAttrs['depthwise']): void {
  const C = at.inC, M = at.mult, OC = C * M;
  const acc = new Float64Array(out.length);
  if (at.mode === 'forward') {
    forEachTap(at, (xAt, pixel, tap) => {
      for (let c = 0; c < C; c++) for (let q = 0; q < M; q++) acc[pixel * OC + c * M + q]! += a[xAt + c]! * b[(tap * C + c) * M + q]!;
    });
  } else if (at.mode === 'inputGrad') {
    forEachTap(at, (xAt, pixel, tap) => {
      for (let c = 0; c < C; c++) for (let q = 0; q < M; q++) acc[xAt + c]! += a[pixel * OC + c * M + q]! * b[(tap * C + c) * M + q]!;
    });
  } else {
    forEachTap(at, (xAt, pixel, tap) => {
      for (let c = 0; c < C; c++) for (let q = 0; q < M; q++) acc[(tap * C + c) * M + q]! += a[xAt + c]! * b[pixel * OC + c * M + q]!;
    });
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i]!;
}
