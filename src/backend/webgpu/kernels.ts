/**
 * The webgpu kernel table: for each kernel of the set, the shader variant, its parameter words and
 * its grid. The WGSL lives in shaders/<family>.wgsl; matmul's planning is in ./matmul.ts.
 */
import type { KernelTable } from '../backend.js';
import { stridesOf } from '../../shape.js';
import { type GpuHandle, type KernelContext, Words, dimWords, grid1d, mergeDims } from './plan.js';
import { matmulKernel } from './matmul.js';
import { reduceKernel, softmaxGradKernel, softmaxKernel } from './axis.js';
import { windowKernels } from './window.js';

function bstrides(shape: readonly number[], out: readonly number[]): number[] {
  const st = stridesOf(shape);
  const off = out.length - shape.length;
  return out.map((_, i) => (i - off < 0 || shape[i - off] === 1 ? 0 : st[i - off]!));
}

export function makeKernels(ctx: KernelContext): KernelTable<GpuHandle> {
  const WG = ctx.wg;
  const maxDim = ctx.limits.maxComputeWorkgroupsPerDimension;
  const grid = (units: number): [number, number, number] => grid1d(Math.ceil(units / WG), maxDim);
  const win = windowKernels(ctx);

  /** An elementwise kernel over `n` outputs, as vec4 when every operand allows it. */
  const elementwise = (kernel: 'unary' | 'activationGrad', shader: string, op: string, alpha: number, ins: readonly GpuHandle[], out: GpuHandle, int = false): void => {
    const n = out.size;
    const vec = n % 4 === 0;
    const units = vec ? n / 4 : n;
    const s = int ? 'i32' : 'f32';
    ctx.dispatch(kernel, shader, { WG, OP: op, INT: int, T: vec ? `vec4<${s}>` : s, U: vec ? 'vec4<u32>' : 'u32', B: vec ? 'vec4<bool>' : 'bool' }, new Words().u(units).f(alpha).done(), ins, [out], grid(units));
  };

  return {
    matmul(inputs, outputs, attrs) {
      matmulKernel(ctx, inputs, outputs[0]!, attrs);
    },

    binary([a, b], [out], { op, dtype, aShape, bShape, outShape }) {
      const n = out!.size;
      const s = dtype === 'int32' ? 'i32' : 'f32';
      const INT = dtype === 'int32';
      if (a!.size === n && b!.size === n || b!.size === 1 || a!.size === 1) {
        const mode = a!.size === n && b!.size === n ? 'MODE_SAME' : b!.size === 1 ? 'MODE_SCALAR_B' : 'MODE_SCALAR_A';
        const vec = n % 4 === 0;
        const T = vec ? `vec4<${s}>` : s;
        const units = vec ? n / 4 : n;
        const defines = { WG, OP: op, INT, T, TA: mode === 'MODE_SCALAR_A' ? s : T, TB: mode === 'MODE_SCALAR_B' ? s : T, [mode]: true };
        ctx.dispatch('binary', 'binary', defines, new Words().u(units, 0).done(), [a!, b!], [out!], grid(units));
        return;
      }
      const m = mergeDims(outShape, [bstrides(aShape, outShape), bstrides(bShape, outShape)]);
      const R = m.shape.length;
      // vec4 when the innermost dim holds whole vec4s that each operand either walks (stride 1,
      // its other strides whole vec4s) or repeats (stride 0: one float, splatted).
      const walks = (st: readonly number[]): boolean => st[R - 1] === 1 && st.every((v, i) => i === R - 1 || v % 4 === 0);
      const vec = R > 0 && m.shape[R - 1]! % 4 === 0 && m.strides.every((st) => st[R - 1] === 0 || walks(st));
      const shape = vec ? m.shape.map((v, i) => (i === R - 1 ? v / 4 : v)) : m.shape;
      const strides = m.strides.map((st) => (vec && walks(st) ? st.map((v, i) => (i === R - 1 ? 1 : v / 4)) : st));
      const type = (st: readonly number[]): string => (vec && walks(st) ? `vec4<${s}>` : s);
      const units = vec ? n / 4 : n;
      const d = dimWords([units, R], shape, strides[0]!, strides[1]!);
      const defines = { WG, OP: op, INT, T: vec ? `vec4<${s}>` : s, TA: type(m.strides[0]!), TB: type(m.strides[1]!), MODE_STRIDED: true, ...d.defines };
      ctx.dispatch('binary', 'binary', defines, d.params, [a!, b!], [out!], grid(units));
    },

    unary([x], [out], { op, dtype, alpha }) {
      elementwise('unary', 'unary', op, alpha, [x!], out!, dtype === 'int32');
    },

    activationGrad([dy, v], [out], { op, alpha }) {
      elementwise('activationGrad', 'activation_grad', op, alpha, [dy!, v!], out!);
    },

    reduce([x], [out], { op, dtype, outer, size, inner }) {
      if (dtype === 'int32') {
        const lines = outer * inner;
        ctx.dispatch('reduce', 'reduce_int', { WG, [`OP_${op.toUpperCase()}`]: true }, new Words().u(outer, size, inner).done(), [x!], [out!], grid(lines));
        return;
      }
      reduceKernel(ctx, x!, out!, op, outer, size, inner);
    },

    softmax([x], [out], { outer, size, inner, log }) {
      softmaxKernel(ctx, x!, out!, outer, size, inner, log);
    },

    softmaxGrad([dy, y], [out], { outer, size, inner, log }) {
      softmaxGradKernel(ctx, dy!, y!, out!, outer, size, inner, log);
    },

    strided([x], [out], { shape, strides, offset }) {
      const m = mergeDims(shape, [strides]);
      const n = out!.size;
      const d = dimWords([n, offset], m.shape, m.strides[0]!);
      ctx.dispatch('strided', 'strided', { WG, ...d.defines }, d.params, [x!], [out!], grid(n));
    },

    pad([x], [out], { xShape, outShape, begin }) {
      const n = out!.size;
      // a scalar as rank 1, so the walk always has a dim 0
      const [o, b, xs] = outShape.length ? [outShape, begin, xShape] : [[1], [0], [1]];
      const d = dimWords([n], o, b, xs, stridesOf(xs));
      ctx.dispatch('pad', 'pad', { WG, ...d.defines }, d.params, [x!], [out!], grid(n));
    },

    concat([a, b], [out], { aLen, bLen, inner }) {
      const n = out!.size;
      ctx.dispatch('concat', 'concat', { WG }, new Words().u(n, aLen * inner, bLen * inner).done(), [a!, b!], [out!], grid(n));
    },

    gather([x, idx], [out], { axisLen, inner, numIdx }) {
      const n = out!.size;
      ctx.dispatch('gather', 'gather', { WG }, new Words().u(n, axisLen, inner, numIdx).done(), [x!, idx!], [out!], grid(n));
    },

    scatterAdd([dy, idx], [out], { axisLen, inner, numIdx }) {
      const n = out!.size;
      ctx.dispatch('scatterAdd', 'scatter_add', { WG }, new Words().u(n, axisLen, inner, numIdx).done(), [dy!, idx!], [out!], grid(n));
    },

    oneHot([idx], [out], { depth, onValue, offValue }) {
      const n = out!.size;
      ctx.dispatch('oneHot', 'one_hot', { WG }, new Words().u(n, depth).f(onValue, offValue).done(), [idx!], [out!], grid(n));
    },

    where([c, a, b], [out]) {
      const n = out!.size;
      ctx.dispatch('where', 'where', { WG }, new Words().u(n).done(), [c!, a!, b!], [out!], grid(n));
    },

    cast([x], [out], { from, to }) {
      const n = out!.size;
      const t = (d: string): string => (d === 'int32' ? 'i32' : 'f32');
      ctx.dispatch('cast', 'cast', { WG, FROM: t(from), TO: t(to) }, new Words().u(n).done(), [x!], [out!], grid(n));
    },

    random(_in, [out], { dist, seed, a, b }) {
      const n = out!.size;
      ctx.dispatch('random', 'random', { WG, NORMAL: dist === 'normal' }, new Words().u(n, seed).f(a, b).done(), [], [out!], grid(n));
    },

    optimizer([g], outs, at) {
      const n = outs[0]!.size;
      const lrT = at.kind === 'adam' ? (at.lr * Math.sqrt(1 - Math.pow(at.beta2, at.t))) / (1 - Math.pow(at.beta1, at.t)) : 0;
      const params = new Words().u(n).f(at.lr, at.momentum, at.rho, at.beta1, at.beta2, at.epsilon, lrT).u(at.nesterov ? 1 : 0).done();
      const defines = { WG, [at.kind.toUpperCase()]: true, STATE1: outs.length > 1, STATE2: outs.length > 2 };
      ctx.dispatch('optimizer', 'optimizer', defines, params, [g!], outs, grid(n));
    },

    scan([x], [out], { op, dtype, outer, size, inner, exclusive, reverse }) {
      const defines = { WG, T: dtype === 'int32' ? 'i32' : 'f32', PROD: op === 'prod', EXCLUSIVE: exclusive, REVERSE: reverse };
      ctx.dispatch('scan', 'scan', defines, new Words().u(outer, size, inner).done(), [x!], [out!], grid(outer * inner));
    },

    topk([x], [vals, idx], { outer, size, k, dtype }) {
      const defines = { WG, T: dtype === 'int32' ? 'i32' : 'f32', INT: dtype === 'int32' };
      ctx.dispatch('topk', 'topk', defines, new Words().u(outer, size, k).done(), [x!], [vals!, idx!], grid(outer));
    },

    im2col([x], [out], at) {
      win.im2col(x!, out!, at);
    },

    col2im([cols], [out], at) {
      win.col2im(cols!, out!, at);
    },

    pool([x], [out], at) {
      win.pool(x!, out!, at);
    },

    poolGrad([dy, x], [out], at) {
      win.poolGrad(dy!, x!, out!, at);
    },

    conv2d(inputs, [out], at) {
      win.conv2d(inputs, out!, at);
    },

    depthwise([a, b], [out], at) {
      win.depthwise(a!, b!, out!, at);
    },
  };
}
