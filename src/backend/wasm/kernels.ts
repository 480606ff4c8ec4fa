/**
 * The wasm backend's kernel table: for each kernel of the set, the argument struct its C task reads
 * (c/*.c, same field order), the units the task splits into, and the cost per unit that decides
 * whether the pool is woken. Shapes are collapsed here (adjacent axes merged where the strides
 * allow) so the C index walks stay short.
 */
import type { ActivationGradOp, BinaryOp, KernelTable, ReduceOp, UnaryOp } from '../backend.js';
import { hash32 } from '../random.js';
import { sizeOf, stridesOf } from '../../shape.js';
import type { WasmContext, WasmHandle } from './context.js';
import { matmul } from './matmul.js';
import { conv2d, depthwise, windowArgs } from './conv.js';

const UNARY: Record<UnaryOp, number> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, sign: 5, tanh: 6, sigmoid: 7, relu: 8, leakyRelu: 9, step: 10,
  ceil: 11, floor: 12, round: 13, sin: 14, cos: 15, tan: 16, asin: 17, acos: 18, atan: 19, sinh: 20, cosh: 21, asinh: 22, acosh: 23,
  atanh: 24, erf: 25, expm1: 26, log1p: 27, isNaN: 28, isInf: 29, isFinite: 30,
};
const GRAD: Record<ActivationGradOp, number> = { tanhGrad: 0, sigmoidGrad: 1, reluGrad: 2, leakyReluGrad: 3 };
const BINARY: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, pow: 6, equal: 7, notEqual: 8, less: 9, lessEqual: 10, greater: 11, greaterEqual: 12,
  floorDiv: 13, mod: 14, atan2: 15, bitwiseAnd: 16,
};
/** Added to a binary op's code for its int32 form (B_INT in c/elementwise.c). */
const B_INT = 32;
/** The unary ops' int32 forms (U_INEG.. in c/elementwise.c). */
const UNARY_INT: Partial<Record<UnaryOp, number>> = { neg: 32, abs: 33, sign: 34 };
/** Added to a reduction's code for its int32 form (R_INT in c/axis.c). */
const R_INT = 8;
const REDUCE: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2, argmax: 3, prod: 4 };
const OPTIMIZER = { sgd: 0, momentum: 1, rmsprop: 2, adam: 3 } as const;
/** Inner columns per unit of the axis kernels (CHUNK in c/axis.c). */
const AXIS_CHUNK = 64;
/** The C index walks keep their indices in a fixed array of this many axes. */
const MAX_RANK = 32;

/** Rough single-thread costs in nanoseconds, to decide when the pool pays (see README). */
const NS = { copy: 0.3, simple: 0.4, transcendental: 2, element: 1, row: 20 };

const vectors = (n: number): number => Math.ceil(n / 4);
/** An empty index list (the flat binary form has no outer axes). */
const NONE: readonly number[] = [];

/**
 * Merge adjacent axes that every stride list walks contiguously (and drop size-1 axes), so a
 * [128, 512] + [512] add becomes rows of 512 and a plain copy one flat row. Returns at least one axis.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const sh: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = sh.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k]![last] === s[d]! * shape[d]!)) {
      sh[last]! *= shape[d]!;
      strides.forEach((s, k) => (st[k]![last] = s[d]!));
    } else {
      sh.push(shape[d]!);
      strides.forEach((s, k) => st[k]!.push(s[d]!));
    }
  }
  if (sh.length === 0) return { shape: [1], strides: strides.map(() => [1]) };
  if (sh.length > MAX_RANK) throw new Error(`wasm: tensors of rank ${sh.length} (after merging contiguous axes) are not supported; the limit is ${MAX_RANK}`);
  return { shape: sh, strides: st };
}

/** Strides of `shape` broadcast against `out` (0 where it is broadcast). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const st = stridesOf(shape);
  const off = out.length - shape.length;
  return out.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : st[i - off]!));
}

/** A copy of `src` into `dst` (same element count). */
function copy(ctx: WasmContext, src: WasmHandle, dst: WasmHandle): void {
  const a = ctx.args().p(src).p(dst).i(0).i(1).a([dst.size]).a([1]);
  ctx.exec('strided', a, dst.size, NS.copy);
}

export function makeKernels(ctx: WasmContext): KernelTable<WasmHandle> {
  return {
    matmul: (inputs, [out], at) => matmul(ctx, inputs, out!, at),

    binary([a, b], [out], { op, dtype, aShape, bShape, outShape }) {
      const code = BINARY[op] + (dtype === 'int32' ? B_INT : 0);
      const cost = op === 'pow' ? NS.transcendental : NS.simple;
      const n = sizeOf(outShape), na = sizeOf(aShape), nb = sizeOf(bShape);
      // Each operand the output's size or a single value: one flat row, as collapse would make it,
      // without building the broadcasting plan (the common case of small elementwise ops).
      if ((na === n || na === 1) && (nb === n || nb === 1)) {
        const w = ctx.args().p(a).p(b).p(out).i(code).i(1).i(n).i(na === n ? 1 : 0).i(nb === n ? 1 : 0).a(NONE).a(NONE).a(NONE);
        ctx.exec('binary', w, n, cost);
        return;
      }
      const c = collapse(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
      const rank = c.shape.length, inner = c.shape[rank - 1]!;
      const [as, bs] = c.strides as [number[], number[]];
      const w = ctx.args().p(a).p(b).p(out).i(code).i(rank).i(inner).i(as[rank - 1]!).i(bs[rank - 1]!)
        .a(c.shape.slice(0, -1)).a(as.slice(0, -1)).a(bs.slice(0, -1));
      // rank 1: units are elements (one long row split across threads); else rows
      if (rank === 1) ctx.exec('binary', w, inner, cost);
      else ctx.exec('binary', w, out!.size / inner, cost * inner + NS.row);
    },

    unary([x], [out], { op, dtype, alpha }) {
      const cost = UNARY[op] >= 11 && UNARY[op] <= 27 ? NS.transcendental : op === 'exp' || op === 'log' || op === 'tanh' || op === 'sigmoid' ? NS.transcendental : NS.simple;
      const code = dtype === 'int32' ? UNARY_INT[op] : UNARY[op];
      if (code === undefined) throw new Error(`wasm: unary '${op}' has no int32 form`);
      ctx.exec('unary', ctx.args().p(x).p(out).i(code).f(alpha), vectors(out!.size), 4 * cost);
    },

    activationGrad([dy, v], [out], { op, alpha }) {
      ctx.exec('activation_grad', ctx.args().p(dy).p(v).p(out).i(GRAD[op]).f(alpha), vectors(out!.size), 4 * NS.simple);
    },

    reduce([x], [out], { op, dtype, outer, size, inner }) {
      const w = ctx.args().p(x).p(out).i(outer).i(size).i(inner).i(REDUCE[op] + (dtype === 'int32' ? R_INT : 0)).i(0).i(0);
      // int32: every line in column chunks (the int path has no contiguous-line form)
      if (dtype === 'int32') ctx.exec('reduce', w, outer * Math.ceil(inner / AXIS_CHUNK), NS.simple * size * Math.min(inner, AXIS_CHUNK) + NS.row);
      else axis(ctx, 'reduce', w, outer, size, inner, NS.simple);
    },

    softmax([x], [out], { outer, size, inner, log }) {
      axis(ctx, 'softmax', ctx.args().p(x).p(out).i(outer).i(size).i(inner).i(0).i(log ? 1 : 0).i(0), outer, size, inner, NS.transcendental);
    },

    softmaxGrad([dy, y], [out], { outer, size, inner, log }) {
      axis(ctx, 'softmax_grad', ctx.args().p(y).p(out).i(outer).i(size).i(inner).i(0).i(log ? 1 : 0).p(dy), outer, size, inner, NS.transcendental);
    },

    strided([x], [out], { shape, strides, offset }) {
      const c = collapse(shape, [strides]);
      const rank = c.shape.length, inner = c.shape[rank - 1]!;
      const w = ctx.args().p(x).p(out).i(offset).i(rank).a(c.shape).a(c.strides[0]!);
      if (rank === 1) ctx.exec('strided', w, inner, NS.copy);
      else ctx.exec('strided', w, out!.size / inner, NS.copy * inner + NS.row);
    },

    pad([x], [out], { xShape, outShape, begin }) {
      ctx.exec('fill', ctx.args().p(out).f(0), out!.size, NS.copy);
      if (x!.size === 0) return;
      const ost = stridesOf(outShape);
      const offset = begin.reduce((acc, v, i) => acc + v * ost[i]!, 0);
      const c = collapse(xShape, [stridesOf(xShape), ost]);
      // The kernel copies x's innermost run to consecutive outputs: when collapsing dropped x's
      // trailing size-1 axes that the output widens (x [2, 3, 1] into [2, 3, 2]), that run is not
      // consecutive in the output, so copy one element at a time.
      const shape = c.shape.slice(), outStrides = c.strides[1]!.slice();
      if (outStrides[outStrides.length - 1] !== 1) { shape.push(1); outStrides.push(1); }
      const rank = shape.length, inner = shape[rank - 1]!;
      const w = ctx.args().p(x).p(out).i(offset).i(rank).a(shape).a(outStrides);
      ctx.exec('pad', w, x!.size / inner, NS.copy * inner + NS.row);
    },

    concat([a, b], [out], { outer, aLen, bLen, inner }) {
      ctx.exec('concat', ctx.args().p(a).p(b).p(out).i(aLen * inner).i(bLen * inner), outer, NS.copy * (aLen + bLen) * inner + NS.row);
    },

    gather([x, idx], [out], { outer, axisLen, inner, numIdx }) {
      // The indices are in reach (unlike on a GPU), so a bad one is named, as the cpu backend does.
      const bad = ctx.firstOutside(idx!, axisLen);
      if (bad >= 0) {
        const k = ctx.int32(idx!, bad);
        throw new Error(`gather: index ${k} at position ${bad} of the indices is out of range for an axis of length ${axisLen} (expected 0 <= index < ${axisLen})`);
      }
      ctx.exec('gather', ctx.args().p(x).p(idx).p(out).i(axisLen).i(inner).i(numIdx), outer * numIdx, NS.copy * inner + NS.row);
    },

    scatterAdd([dy, idx], [out], { outer, axisLen, inner, numIdx }) {
      ctx.exec('scatter_add', ctx.args().p(dy).p(idx).p(out).i(axisLen).i(inner).i(numIdx), outer, NS.simple * (axisLen + numIdx) * inner + NS.row);
    },

    oneHot([idx], [out], { depth, onValue, offValue }) {
      ctx.exec('one_hot', ctx.args().p(idx).p(out).i(depth).f(onValue).f(offValue), idx!.size, NS.copy * depth + NS.row);
    },

    where([cond, a, b], [out]) {
      ctx.exec('where', ctx.args().p(cond).p(a).p(b).p(out), vectors(out!.size), 4 * NS.simple);
    },

    cast([x], [out], { from, to }) {
      if (from === to) copy(ctx, x!, out!);
      else ctx.exec('cast', ctx.args().p(x).p(out).i(to === 'int32' ? 1 : 0), vectors(out!.size), 4 * NS.simple);
    },

    random(_in, [out], { dist, seed, a, b }) {
      const key = hash32((seed >>> 0) ^ 0x9e3779b9);
      const w = ctx.args().p(out).i(dist === 'normal' ? 1 : 0).i(key | 0).f(a).f(dist === 'normal' ? b : b - a);
      ctx.exec('random', w, vectors(out!.size), 4 * (dist === 'normal' ? 3 * NS.transcendental : NS.simple));
    },

    im2col([x], [out], w) {
      const taps = w.kH * w.kW;
      ctx.exec('im2col', windowArgs(ctx, x!, out!, w, 0), w.batch * w.outH * w.outW, NS.copy * taps * w.inC + NS.row * taps);
    },

    col2im([cols], [out], w) {
      // units are images: each owns its part of the output, which windows add into
      ctx.exec('col2im', windowArgs(ctx, cols!, out!, w, 0), w.batch, NS.simple * w.outH * w.outW * w.kH * w.kW * w.inC);
    },

    pool([x], [out], at) {
      const taps = at.kH * at.kW;
      ctx.exec('pool', windowArgs(ctx, x!, out!, at, at.op === 'max' ? 0 : 1), at.batch * at.outH * at.outW, NS.simple * taps * at.inC + NS.row * taps);
    },

    poolGrad([dy, x], [out], at) {
      const w = windowArgs(ctx, x!, out!, at, at.op === 'max' ? 0 : 1).p(dy);
      ctx.exec('pool_grad', w, at.batch, 2 * NS.simple * at.outH * at.outW * at.kH * at.kW * at.inC);
    },

    conv2d: (inputs, [out], at) => conv2d(ctx, inputs, out!, at),

    depthwise: (inputs, [out], at) => depthwise(ctx, inputs, out!, at),

    scan([x], [out], { op, dtype, outer, size, inner, exclusive, reverse }) {
      const w = ctx.args().p(x).p(out).i(outer).i(size).i(inner).i(op === 'sum' ? 0 : 1).i(dtype === 'int32' ? 1 : 0).i(exclusive ? 1 : 0).i(reverse ? 1 : 0);
      ctx.exec('scan', w, outer * Math.ceil(inner / AXIS_CHUNK), NS.simple * size * Math.min(inner, AXIS_CHUNK) + NS.row);
    },

    topk([x], [vals, idx], { outer, size, k, dtype }) {
      const w = ctx.args().p(x).p(vals).p(idx).i(size).i(k).i(dtype === 'int32' ? 1 : 0);
      ctx.exec('topk', w, outer, NS.simple * size * 2 + NS.row * Math.log2(k + 1) * k);
    },

    optimizer([g], [p, s1, s2], at) {
      const lrT = at.kind === 'adam' ? (at.lr * Math.sqrt(1 - Math.pow(at.beta2, at.t))) / (1 - Math.pow(at.beta1, at.t)) : 0;
      const w = ctx.args().p(g).p(p).p(s1 ?? p).p(s2 ?? p).i(OPTIMIZER[at.kind]).i(at.nesterov ? 1 : 0)
        .f(at.lr).f(at.momentum).f(at.rho).f(at.beta1).f(at.beta2).f(at.epsilon).f(lrT);
      ctx.exec('optimizer', w, vectors(p!.size), 4 * NS.simple * 3);
    },
  };
}

/** The axis kernels' units: whole lines when inner is 1, else (outer, chunk of inner columns). */
function axis(ctx: WasmContext, name: 'reduce' | 'softmax' | 'softmax_grad', w: ReturnType<WasmContext['args']>, outer: number, size: number, inner: number, ns: number): void {
  if (inner === 1) ctx.exec(name, w, outer, ns * size + NS.row);
  else ctx.exec(name, w, outer * Math.ceil(inner / AXIS_CHUNK), ns * size * Math.min(inner, AXIS_CHUNK) + NS.row);
}
