/**
 * Planning the window kernels (im2col, col2im, pool, poolGrad): the geometry in four parameter vec4s
 * (layout in shaders/window_common.wgsl), channels as vec4 units when their count allows, and one
 * invocation per unit of work on a 1-D grid. maxPool's gradient runs in two passes: pool.wgsl's ARG
 * variant records each window's winning tap, then pool_grad.wgsl gathers dy into the winners.
 */
import type { KernelAttrs, WindowAttrs } from '../backend.js';
import { type GpuHandle, type KernelContext, Words, grid1d } from './plan.js';

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
  };
}
