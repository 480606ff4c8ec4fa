/**
 * Planning the window kernels (im2col, col2im, pool, poolGrad): the geometry in four parameter vec4s
 * (layout in shaders/window_common.wgsl), channels as vec4 units when their count allows, and one
 * invocation per unit of work on a 1-D grid. maxPool's gradient runs in two passes: pool.wgsl's ARG
 * variant records each window's winning tap, then pool_grad.wgsl gathers dy into the winners.
 */
import type { KernelAttrs, WindowAttrs } from '../backend.js';
import { type GpuHandle, type KernelContext, Words, grid1d } from './plan.js';
import { matmulKernel } from './matmul.js';
import { reduceKernel } from './axis.js';

/** Parameter words for `n` invocations over geometry `w` whose channels come in units of `cu`. */
function words(n: number, w: WindowAttrs, cu: number): Uint32Array {
  return new Words()
    .u(n, w.batch, w.inH, w.inW, w.inC, w.outH, w.outW, w.kH)
    .u(w.kW, w.strideH, w.strideW, w.dilationH, w.dilationW, w.padTop, w.padLeft, cu)
    .done();
}

/** vec4 channel units when the channel count allows it. */
function units(w: WindowAttrs): { T: string; cu: number } {
  return w.inC % 4 === 0 ? { T: 'vec4<f32>', cu: w.inC / 4 } : { T: 'f32', cu: w.inC };
}

export function windowKernels(ctx: KernelContext): {
  im2col(x: GpuHandle, out: GpuHandle, w: WindowAttrs): void;
  col2im(cols: GpuHandle, out: GpuHandle, w: WindowAttrs): void;
  pool(x: GpuHandle, out: GpuHandle, at: KernelAttrs['pool']): void;
  poolGrad(dy: GpuHandle, x: GpuHandle, out: GpuHandle, at: KernelAttrs['poolGrad']): void;
  conv2d(inputs: readonly GpuHandle[], out: GpuHandle, at: KernelAttrs['conv2d']): void;
  depthwise(a: GpuHandle, b: GpuHandle, out: GpuHandle, at: KernelAttrs['depthwise']): void;
} {
  const grid = (n: number): [number, number, number] => grid1d(Math.ceil(n / ctx.wg), ctx.limits.maxComputeWorkgroupsPerDimension);
  return {
    im2col(x, out, w) {
      const { T, cu } = units(w);
      const n = w.batch * w.outH * w.outW * w.kH * w.kW;
      ctx.dispatch('im2col', 'im2col', { T }, words(n, w, cu), [x], [out], grid(n));
    },
    col2im(cols, out, w) {
      const { T, cu } = units(w);
      const n = w.batch * w.inH * w.inW * cu;
      ctx.dispatch('col2im', 'col2im', { T }, words(n, w, cu), [cols], [out], grid(n));
    },
    pool(x, out, at) {
      const { T, cu } = units(at);
      const n = at.batch * at.outH * at.outW * cu;
      ctx.dispatch('pool', 'pool', { T, AVG: at.op === 'avg' }, words(n, at, cu), [x], [out], grid(n));
    },
    poolGrad(dy, x, out, at) {
      const { T, cu } = units(at);
      const n = at.batch * at.inH * at.inW * cu;
      if (at.op === 'avg') {
        ctx.dispatch('poolGrad', 'pool_grad', { T }, words(n, at, cu), [dy], [out], grid(n));
        return;
      }
      const nOut = at.batch * at.outH * at.outW * cu;
      const winners = ctx.temp(at.batch * at.outH * at.outW * at.inC);
      ctx.dispatch('poolGrad', 'pool', { T, ARG: true }, words(nOut, at, cu), [x], [winners], grid(nOut));
      ctx.dispatch('poolGrad', 'pool_grad', { T, MAX: true }, words(n, at, cu), [dy, winners], [out], grid(n));
      ctx.drop(winners);
    },
    conv2d([a, b, bias], out, at) {
      const K = at.kH * at.kW * at.inC, pixels = at.batch * at.outH * at.outW;
      const mm = (m: number, n: number, k: number): KernelAttrs['matmul'] => ({
        batch: 1, m, n, k, transposeA: false, transposeB: false, aBatched: false, bBatched: false, bias: false, activation: 'linear', alpha: at.alpha,
      });
      const cols = ctx.temp(pixels * K);
      if (at.mode === 'inputGrad') {
        matmulKernel(ctx, [a!, b!], cols, { ...mm(pixels, K, at.outC), transposeB: true });
        this.col2im(cols, out, at);
      } else {
        this.im2col(a!, cols, at);
        if (at.mode === 'forward') matmulKernel(ctx, bias ? [cols, b!, bias] : [cols, b!], out, { ...mm(pixels, at.outC, K), bias: at.bias, activation: at.activation });
        else filterGradMatmul(ctx, cols, b!, out, K, at.outC, pixels);
      }
      ctx.drop(cols);
    },
    depthwise(a, b, out, at) {
      const M = at.mult;
      const { T, cu } = M === 1 ? units(at) : { T: 'f32', cu: at.inC };
      const n = at.mode === 'forward' ? at.batch * at.outH * at.outW * cu * M
        : at.mode === 'inputGrad' ? at.batch * at.inH * at.inW * cu : at.kH * at.kW * cu * M;
      const params = new Words().u(...words(n, at, cu)).u(M, 0, 0, 0).done();
      const variant = at.mode === 'forward' ? 'FORWARD' : at.mode === 'inputGrad' ? 'INPUT_GRAD' : 'FILTER_GRAD';
      ctx.dispatch('depthwise', 'depthwise', { T, [variant]: true }, params, [a, b], [out], grid(n));
    },
  };
}

/** The smallest reduction (the pixels of a batch) a split-K chunk keeps: shorter ones cost more in the sum than they gain. */
const SPLIT_MIN_K = 256;

/**
 * The filter gradient colsᵀ · dy: an output of only K x outC (288 x 32 for a 3x3x32 layer) summed
 * over every pixel of the batch (tens of thousands), which one matmul grid covers with a handful of
 * workgroups (one, on CPU adapters, whose invocations each take a big tile). Split-K: the pixels go
 * in S equal chunks, a batched matmul writes S partial gradients (a grid S times as large), and a
 * reduction sums them. S divides the pixel count, so every chunk is a plain slice of both operands.
 */
function filterGradMatmul(ctx: KernelContext, cols: GpuHandle, dy: GpuHandle, out: GpuHandle, m: number, n: number, k: number): void {
  // outputs one workgroup covers: 64 invocations of 16x8 (quad) or 8x8 (direct), 64 x 64 tiles on GPUs
  const perGroup = ctx.matmulStrategy === 'tiled' ? 64 * 64 : ctx.matmulStrategy === 'quad' && ctx.subgroups ? 64 * 128 : 64 * 64;
  const groups = Math.ceil((m * n) / perGroup);
  // CPU adapters run a workgroup per core-ish thread; GPUs want many more in flight
  const want = ctx.cpuLike ? 16 : 128;
  let S = Math.min(Math.floor(want / groups), Math.floor(k / SPLIT_MIN_K), ctx.limits.maxComputeWorkgroupsPerDimension);
  while (S > 1 && k % S !== 0) S--;
  const at: KernelAttrs['matmul'] = {
    batch: 1, m, n, k, transposeA: true, transposeB: false, aBatched: false, bBatched: false, bias: false, activation: 'linear', alpha: 0,
  };
  if (S <= 1) {
    matmulKernel(ctx, [cols, dy], out, at);
    return;
  }
  const parts = ctx.temp(S * m * n);
  matmulKernel(ctx, [cols, dy], parts, { ...at, batch: S, k: k / S, aBatched: true, bBatched: true });
  reduceKernel(ctx, parts, out, 'sum', 1, S, m * n);
  ctx.drop(parts);
}
