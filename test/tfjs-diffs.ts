// The differential cases against TensorFlow.js, defined once for every runtime: each op both
// libraries export, called on the same seeded inputs in both. The libraries come in as arguments
// (our src in Node, dist/ in Deno, the bundle in a page; tfjs-core with its cpu backend beside it),
// so this module imports only types. test/tfjs-parity.test.ts runs the cases in Node on the cpu
// backend; test/deno/diffs.ts and test/browser-diffs.test.ts run them on the other backends.
import type * as wt from '../src/index.js';
import type * as tf from '@tensorflow/tfjs-core';
import { randData } from './rand.ts';

/** Our library (the namespace src/index.ts exports). */
export type Wt = typeof wt;
/** @tensorflow/tfjs-core's namespace. */
export type Tf = typeof tf;

export type Out = wt.Tensor | wt.Tensor[] | { [k: string]: wt.Tensor };
export type TOut = tf.Tensor | tf.Tensor[] | { [k: string]: tf.Tensor };

/** One op on both libraries: each function builds the same inputs for its library and calls the op. */
export interface Diff {
  name: string;
  ours: () => Out | Promise<Out>;
  theirs: () => TOut | Promise<TOut>;
  tol?: number;
}

/** Bad input that both libraries must refuse: [what ('op: reason'), ours, theirs]. Ours must throw an Error starting 'op: '. */
export type Refusal = [string, () => unknown, () => unknown];

/** The differential cases, in order; names are unique. */
export function diffCases(wt: Wt, tf: Tf): Diff[] {
  return build(wt, tf).diffs;
}

/** The bad inputs both libraries refuse. */
export function refusalCases(wt: Wt, tf: Tf): Refusal[] {
  return build(wt, tf).refusals;
}

function build(wt: Wt, tf: Tf): { diffs: Diff[]; refusals: Refusal[] } {
  const X = randData(24, 1, -3, 3), Y = randData(24, 2, -3, 3), P = randData(24, 3, 0.1, 4), I = Int32Array.from(randData(24, 4, -50, 50), (v) => Math.trunc(v));
  const w = (shape: number[], d: ArrayLike<number> = X, dtype?: wt.DType): wt.Tensor => wt.tensor(Float32Array.from(d).slice(0, shape.reduce((a, b) => a * b, 1)), shape, dtype);
  const t = (shape: number[], d: ArrayLike<number> = X, dtype?: tf.DataType): tf.Tensor => tf.tensor(Float32Array.from(d).slice(0, shape.reduce((a, b) => a * b, 1)), shape, dtype);
  const B = [true, false, true, true, false, false];

  const DIFFS: Diff[] = [];
  const both = (name: string, ours: () => Out | Promise<Out>, theirs: () => TOut | Promise<TOut>, tol?: number): void => { DIFFS.push({ name, ours, theirs, tol }); };

  for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'squaredDifference', 'floorDiv', 'mod', 'divNoNan'] as const) {
    both(op, () => wt[op](w([4, 6]), w([6], Y)), () => tf[op](t([4, 6]), t([6], Y)), 1e-6);
    // A difference kept on purpose (README): our div of int32 is a true division into float32, TF.js's a floor division.
    if (op === 'div' || op === 'divNoNan') continue;
    both(`${op} int32`, () => wt[op](w([4, 6], I, 'int32'), w([4, 6], I.map((v) => v % 7 || 3), 'int32')), () => tf[op](t([4, 6], I, 'int32'), t([4, 6], I.map((v) => v % 7 || 3), 'int32')));
  }
  both('pow', () => wt.pow(w([4, 6], P), w([6], Y)), () => tf.pow(t([4, 6], P), t([6], Y)), 1e-5);
  both('movingAverage', () => wt.movingAverage(w([4, 6]), w([4, 6], Y), 0.9, 4), () => tf.movingAverage(t([4, 6]), t([4, 6], Y), 0.9, 4), 1e-5);
  both('basicLSTMCell', () => wt.basicLSTMCell(1, w([3, 4]), w([4], Y), w([2, 2], Y), w([2, 1], P), w([2, 1])),
    () => tf.basicLSTMCell(tf.scalar(1), t([3, 4]) as tf.Tensor2D, t([4], Y) as tf.Tensor1D, t([2, 2], Y) as tf.Tensor2D, t([2, 1], P) as tf.Tensor2D, t([2, 1]) as tf.Tensor2D), 1e-5);
  both('browser.fromPixels', () => wt.browser.fromPixels({ data: Uint8Array.from({ length: 24 }, (_, i) => i * 10), width: 3, height: 2 }, 3),
    () => tf.browser.fromPixels({ data: Uint8Array.from({ length: 24 }, (_, i) => i * 10), width: 3, height: 2 }, 3));
  both('divNoNan by zero', () => wt.divNoNan(w([3]), wt.tensor([0, 2, 0])), () => tf.divNoNan(t([3]), tf.tensor([0, 2, 0])));
  for (const op of ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const) {
    both(op, () => wt[op](w([4, 6]), w([6], Y)), () => tf[op](t([4, 6]), t([6], Y)));
  }
  for (const op of ['logicalAnd', 'logicalOr', 'logicalXor'] as const) both(op, () => wt[op](wt.tensor(B), wt.tensor(B.slice().reverse())), () => tf[op](tf.tensor(B), tf.tensor(B.slice().reverse())));
  both('logicalNot', () => wt.logicalNot(wt.tensor(B)), () => tf.logicalNot(tf.tensor(B)));
  for (const op of ['neg', 'exp', 'abs', 'sign', 'square', 'tanh', 'sigmoid', 'relu', 'relu6', 'elu', 'selu', 'softplus', 'logSigmoid', 'step'] as const) {
    both(op, () => wt[op](w([4, 6])), () => tf[op](t([4, 6])), 1e-5);
  }
  const DOMAINS: [string, number, number][] = [
    ['ceil', -5, 5], ['floor', -5, 5], ['round', -5, 5], ['sin', -10, 10], ['cos', -10, 10], ['tan', -1.4, 1.4], ['asin', -0.99, 0.99], ['acos', -0.99, 0.99],
    ['atan', -20, 20], ['sinh', -5, 5], ['cosh', -5, 5], ['asinh', -50, 50], ['acosh', 1.01, 50], ['atanh', -0.95, 0.95], ['erf', -3, 3], ['expm1', -3, 3], ['log1p', -0.9, 5],
  ];
  for (const [op, lo, hi] of DOMAINS) {
    const d = randData(24, 9, lo, hi);
    const o = (wt as unknown as Record<string, (x: wt.Tensor) => wt.Tensor>)[op]!, th = (tf as unknown as Record<string, (x: tf.Tensor) => tf.Tensor>)[op]!;
    both(op, () => o(w([4, 6], d)), () => th(t([4, 6], d)), 1e-5);
  }
  both('atan2', () => wt.atan2(w([4, 6]), w([6], Y)), () => tf.atan2(t([4, 6]), t([6], Y)), 1e-5);
  both('atan2 axes and origin', () => wt.atan2(wt.tensor([0, 1, -1, 0, 0, 2]), wt.tensor([0, 0, 0, 1, -1, -2])), () => tf.atan2(tf.tensor([0, 1, -1, 0, 0, 2]), tf.tensor([0, 0, 0, 1, -1, -2])), 1e-6);
  both('Tensor methods of the added ops', () => [w([6]).sin(), w([6], P).log1p(), w([4, 6]).reverse(1), w([6]).toInt(), w([6]).toBool(), w([2, 3]).as1D(),
    w([24]).as2D(4, 6).argMin(1), w([4, 6]).floorDiv(w([6], Y)), w([4, 6]).relu6(), w([4, 6]).logSumExp(1), w([2, 3]).tile([1, 2]), w([1]).asScalar(), w([4, 6]).matMul(w([4, 6], Y), false, true)],
  () => [t([6]).sin(), t([6], P).log1p(), t([4, 6]).reverse(1), t([6]).toInt(), t([6]).toBool(), t([2, 3]).as1D(),
    t([24]).as2D(4, 6).argMin(1), t([4, 6]).floorDiv(t([6], Y)), t([4, 6]).relu6(), t([4, 6]).logSumExp(1), t([2, 3]).tile([1, 2]), t([1]).asScalar(), t([4, 6]).matMul(t([4, 6], Y), false, true)], 1e-5);
  both('pad', () => wt.pad(w([2, 3]), [[1, 0], [2, 1]]), () => tf.pad(t([2, 3]), [[1, 0], [2, 1]]));
  both('pad constant', () => wt.pad(w([2, 3], I, 'int32'), [[0, 2], [1, 1]], 7), () => tf.pad(t([2, 3], I, 'int32'), [[0, 2], [1, 1]], 7));
  both('pad1d', () => wt.pad1d(w([3]), [2, 1], -1.5), () => tf.pad1d(t([3]) as tf.Tensor1D, [2, 1], -1.5));
  both('pad2d', () => wt.pad2d(w([2, 3]), [[1, 1], [0, 2]]), () => tf.pad2d(t([2, 3]) as tf.Tensor2D, [[1, 1], [0, 2]]));
  both('pad3d', () => wt.pad3d(w([1, 2, 3]), [[1, 0], [0, 1], [1, 1]], 2), () => tf.pad3d(t([1, 2, 3]) as tf.Tensor3D, [[1, 0], [0, 1], [1, 1]], 2));
  both('pad4d', () => wt.pad4d(w([1, 2, 2, 1]), [[0, 0], [1, 1], [1, 1], [0, 0]]), () => tf.pad4d(t([1, 2, 2, 1]) as tf.Tensor4D, [[0, 0], [1, 1], [1, 1], [0, 0]]));
  for (const mode of ['reflect', 'symmetric'] as const) {
    both(`mirrorPad ${mode}`, () => wt.mirrorPad(w([3, 4]), [[2, 1], [3, 2]], mode), () => tf.mirrorPad(t([3, 4]), [[2, 1], [3, 2]], mode));
  }
  both('grad of pad', () => wt.grad((x: wt.Tensor) => wt.pad(x, [[1, 2], [0, 1]], 3).mul(w([6, 4], Y)).sum())(w([3, 3])),
    () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.pad(x, [[1, 2], [0, 1]], 3), t([6, 4], Y))))(t([3, 3])));
  // mirrorPad's gradient differs on purpose: test/ops-tfjs-behaviour.test.ts.
  both('round halves to even', () => wt.round(wt.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])), () => tf.round(tf.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])));
  for (const op of ['isNaN', 'isInf', 'isFinite'] as const) both(op, () => wt[op](wt.tensor([NaN, Infinity, -Infinity, 0, 2])), () => tf[op](tf.tensor([NaN, Infinity, -Infinity, 0, 2])));
  for (const op of ['log', 'sqrt', 'reciprocal', 'rsqrt'] as const) both(op, () => wt[op](w([4, 6], P)), () => tf[op](t([4, 6], P)), 1e-5);
  for (const op of ['neg', 'abs', 'sign'] as const) both(`${op} int32`, () => wt[op](w([24], I, 'int32')), () => tf[op](t([24], I, 'int32')));
  both('leakyRelu', () => wt.leakyRelu(w([24]), 0.3), () => tf.leakyRelu(t([24]), 0.3));
  both('prelu', () => wt.prelu(w([4, 6]), w([6], P)), () => tf.prelu(t([4, 6]), t([6], P)));
  both('clipByValue', () => wt.clipByValue(w([24]), -1, 0.5), () => tf.clipByValue(t([24]), -1, 0.5));
  both('addN', () => wt.addN([w([24]), w([24], Y), w([24], P)]), () => tf.addN([t([24]), t([24], Y), t([24], P)]));
  both('where', () => wt.where(wt.greater(w([4, 6]), 0), w([4, 6]), w([4, 6], Y)), () => tf.where(tf.greater(t([4, 6]), 0), t([4, 6]), t([4, 6], Y)));
  for (const axis of [undefined, 0, 1, -1, [0, 2]] as const) {
    for (const op of ['sum', 'mean', 'max', 'min', 'logSumExp'] as const) {
      both(`${op} axis ${String(axis)}`, () => wt[op](w([2, 3, 4]), axis as number), () => tf[op](t([2, 3, 4]), axis as number), 1e-5);
    }
    both(`euclideanNorm axis ${String(axis)}`, () => wt.euclideanNorm(w([2, 3, 4]), axis as number), () => tf.euclideanNorm(t([2, 3, 4]), axis as number), 1e-5);
    both(`moments axis ${String(axis)}`, () => wt.moments(w([2, 3, 4]), axis as number), () => tf.moments(t([2, 3, 4]), axis as number), 1e-5);
  }
  both('sum keepDims', () => wt.sum(w([2, 3, 4]), 1, true), () => tf.sum(t([2, 3, 4]), 1, true));
  both('sum int32', () => wt.sum(w([4, 6], I, 'int32'), 0), () => tf.sum(t([4, 6], I, 'int32'), 0));
  both('max int32', () => wt.max(w([4, 6], I, 'int32'), 1), () => tf.max(t([4, 6], I, 'int32'), 1));
  for (const op of ['argMax', 'argMin'] as const) {
    both(`${op} default axis`, () => wt[op](w([4, 6])), () => tf[op](t([4, 6])));
    both(`${op} axis 1`, () => wt[op](w([4, 6]), 1), () => tf[op](t([4, 6]), 1));
    both(`${op} int32`, () => wt[op](w([4, 6], I, 'int32'), 1), () => tf[op](t([4, 6], I, 'int32'), 1));
  }
  both('all', () => wt.all(wt.tensor(B, [2, 3]), 1), () => tf.all(tf.tensor(B, [2, 3]), 1));
  both('any', () => wt.any(wt.tensor(B, [2, 3]), 0), () => tf.any(tf.tensor(B, [2, 3]), 0));
  for (const ord of ['euclidean', 1, 2, Infinity, -Infinity] as const) both(`norm ${ord}`, () => wt.norm(w([24]), ord), () => tf.norm(t([24]), ord), 1e-5);
  for (const ord of ['fro', 1, Infinity] as const) both(`norm matrix ${ord}`, () => wt.norm(w([4, 6]), ord, [0, 1]), () => tf.norm(t([4, 6]), ord, [0, 1]), 1e-5);
  both('softmax', () => wt.softmax(w([4, 6])), () => tf.softmax(t([4, 6])), 1e-6);
  both('logSoftmax', () => wt.logSoftmax(w([4, 6])), () => tf.logSoftmax(t([4, 6])), 1e-5);
  both('matMul', () => wt.matMul(w([4, 6]), w([4, 6], Y), true, false), () => tf.matMul(t([4, 6]), t([4, 6], Y), true, false), 1e-5);
  both('matMul batched', () => wt.matMul(w([2, 3, 4]), w([2, 4, 3], Y)), () => tf.matMul(t([2, 3, 4]), t([2, 4, 3], Y)), 1e-5);
  both('dot vector vector', () => wt.dot(w([6]), w([6], Y)), () => tf.dot(t([6]), t([6], Y)), 1e-5);
  both('dot matrix vector', () => wt.dot(w([4, 6]), w([6], Y)), () => tf.dot(t([4, 6]), t([6], Y)), 1e-5);
  both('outerProduct', () => wt.outerProduct(w([4]), w([6], Y)), () => tf.outerProduct(t([4]) as tf.Tensor1D, t([6], Y) as tf.Tensor1D));
  both('reshape', () => wt.reshape(w([4, 6]), [3, -1]), () => tf.reshape(t([4, 6]), [3, -1]));
  both('transpose', () => wt.transpose(w([2, 3, 4]), [2, 0, 1]), () => tf.transpose(t([2, 3, 4]), [2, 0, 1]));
  both('slice', () => wt.slice(w([4, 6]), [1, 2], [2, -1]), () => tf.slice(t([4, 6]), [1, 2], [2, -1]));
  both('gather', () => wt.gather(w([4, 6]), wt.tensor([3, 0, 3], [3], 'int32'), 1), () => tf.gather(t([4, 6]), tf.tensor([3, 0, 3], [3], 'int32'), 1));
  both('concat', () => wt.concat([w([2, 3]), w([2, 2], Y)], 1), () => tf.concat([t([2, 3]), t([2, 2], Y)], 1));
  both('stack', () => wt.stack([w([2, 3]), w([2, 3], Y)], 1), () => tf.stack([t([2, 3]), t([2, 3], Y)], 1));
  both('unstack', () => wt.unstack(w([2, 3, 4]), 1), () => tf.unstack(t([2, 3, 4]), 1));
  both('split equal', () => wt.split(w([4, 6]), 3, 1), () => tf.split(t([4, 6]), 3, 1));
  both('split sizes', () => wt.split(w([4, 6]), [1, -1, 2], 1), () => tf.split(t([4, 6]), [1, -1, 2], 1));
  both('tile', () => wt.tile(w([2, 3]), [2, 3]), () => tf.tile(t([2, 3]), [2, 3]));
  both('reverse', () => wt.reverse(w([2, 3, 4]), [0, 2]), () => tf.reverse(t([2, 3, 4]), [0, 2]));
  both('reverse all', () => wt.reverse(w([2, 3, 4])), () => tf.reverse(t([2, 3, 4])));
  both('reverse1d', () => wt.reverse1d(w([6])), () => tf.reverse1d(t([6]) as tf.Tensor1D));
  both('reverse2d', () => wt.reverse2d(w([4, 6]), 1), () => tf.reverse2d(t([4, 6]) as tf.Tensor2D, 1));
  both('reverse3d', () => wt.reverse3d(w([2, 3, 4]), 1), () => tf.reverse3d(t([2, 3, 4]) as tf.Tensor3D, 1));
  both('reverse4d', () => wt.reverse4d(w([2, 3, 2, 2])), () => tf.reverse4d(t([2, 3, 2, 2]) as tf.Tensor4D));
  // A difference kept for now (README): our oneHot is float32 (what losses take), TF.js's int32.
  both('oneHot', () => wt.oneHot(wt.tensor([2, 0, 1], [3], 'int32'), 4).cast('int32'), () => tf.oneHot(tf.tensor([2, 0, 1], [3], 'int32'), 4));
  both('broadcastTo', () => wt.broadcastTo(w([3, 1]), [2, 3, 4]), () => tf.broadcastTo(t([3, 1]), [2, 3, 4]));
  both('expandDims', () => wt.expandDims(w([4, 6]), 1), () => tf.expandDims(t([4, 6]), 1));
  both('squeeze', () => wt.squeeze(w([1, 4, 1, 6])), () => tf.squeeze(t([1, 4, 1, 6])));
  both('cast to int32', () => wt.cast(w([24]), 'int32'), () => tf.cast(t([24]), 'int32'));
  both('cast to bool', () => wt.cast(w([24]), 'bool'), () => tf.cast(t([24]), 'bool'));
  both('clone', () => wt.clone(w([4, 6])), () => tf.clone(t([4, 6])));
  both('diag', () => wt.diag(w([2, 2])), () => tf.diag(t([2, 2])));
  both('meshgrid', () => wt.meshgrid(w([3]), w([4], Y)), () => tf.meshgrid(t([3]), t([4], Y)));
  both('meshgrid ij', () => wt.meshgrid(w([3]), w([4], Y), { indexing: 'ij' }), () => tf.meshgrid(t([3]), t([4], Y), { indexing: 'ij' }));
  both('tensor', () => wt.tensor([[1, 2], [3, 4]]), () => tf.tensor([[1, 2], [3, 4]]));
  both('scalar', () => wt.scalar(NaN), () => tf.scalar(NaN));
  both('tensor1d', () => wt.tensor1d([1, 2, 3], 'int32'), () => tf.tensor1d([1, 2, 3], 'int32'));
  both('tensor2d', () => wt.tensor2d([1, 2, 3, 4], [2, 2]), () => tf.tensor2d([1, 2, 3, 4], [2, 2]));
  both('tensor3d', () => wt.tensor3d([[[1], [2]]]), () => tf.tensor3d([[[1], [2]]]));
  both('tensor4d', () => wt.tensor4d([[[[1, 2]]]]), () => tf.tensor4d([[[[1, 2]]]]));
  both('tensor5d', () => wt.tensor5d(Float32Array.from(X), [1, 2, 3, 2, 2]), () => tf.tensor5d(Float32Array.from(X), [1, 2, 3, 2, 2]));
  both('tensor6d', () => wt.tensor6d(Float32Array.from(X), [1, 2, 3, 2, 1, 2]), () => tf.tensor6d(Float32Array.from(X), [1, 2, 3, 2, 1, 2]));
  both('zeros', () => wt.zeros([2, 3], 'int32'), () => tf.zeros([2, 3], 'int32'));
  both('ones', () => wt.ones([2, 3]), () => tf.ones([2, 3]));
  both('zerosLike', () => wt.zerosLike(w([2, 3])), () => tf.zerosLike(t([2, 3])));
  both('onesLike', () => wt.onesLike(w([2, 3])), () => tf.onesLike(t([2, 3])));
  both('fill', () => wt.fill([2, 3], 7, 'int32'), () => tf.fill([2, 3], 7, 'int32'));
  both('eye', () => wt.eye(3, 4, [2]), () => tf.eye(3, 4, [2]));
  both('range', () => wt.range(2, 9, 2), () => tf.range(2, 9, 2));
  both('range int32', () => wt.range(5, -3, -2, 'int32'), () => tf.range(5, -3, -2, 'int32'));
  both('linspace', () => wt.linspace(-1, 2, 7), () => tf.linspace(-1, 2, 7), 1e-6);
  both('concat1d', () => wt.concat1d([w([2]), w([3], Y)]), () => tf.concat1d([t([2]) as tf.Tensor1D, t([3], Y) as tf.Tensor1D]));
  both('concat2d', () => wt.concat2d([w([2, 3]), w([2, 3], Y)], 1), () => tf.concat2d([t([2, 3]) as tf.Tensor2D, t([2, 3], Y) as tf.Tensor2D], 1));
  both('concat3d', () => wt.concat3d([w([1, 2, 3]), w([1, 2, 3], Y)], 2), () => tf.concat3d([t([1, 2, 3]) as tf.Tensor3D, t([1, 2, 3], Y) as tf.Tensor3D], 2));
  both('concat4d', () => wt.concat4d([w([1, 2, 3, 1]), w([1, 2, 3, 1], Y)], 0), () => tf.concat4d([t([1, 2, 3, 1]) as tf.Tensor4D, t([1, 2, 3, 1], Y) as tf.Tensor4D], 0));
  both('slice1d', () => wt.slice1d(w([6]), 2, 3), () => tf.slice1d(t([6]) as tf.Tensor1D, 2, 3));
  both('slice2d', () => wt.slice2d(w([4, 6]), [1, 1], [2, 3]), () => tf.slice2d(t([4, 6]) as tf.Tensor2D, [1, 1], [2, 3]));
  both('slice3d', () => wt.slice3d(w([2, 3, 4]), [0, 1, 1], [2, 2, 2]), () => tf.slice3d(t([2, 3, 4]) as tf.Tensor3D, [0, 1, 1], [2, 2, 2]));
  both('slice4d', () => wt.slice4d(w([2, 3, 2, 2]), [1, 0, 0, 1], [1, 3, 2, 1]), () => tf.slice4d(t([2, 3, 2, 2]) as tf.Tensor4D, [1, 0, 0, 1], [1, 3, 2, 1]));
  both('conv2d', () => wt.conv2d(w([1, 4, 6, 1]), w([2, 2, 1, 2], Y), 1, 'same'), () => tf.conv2d(t([1, 4, 6, 1]) as tf.Tensor4D, t([2, 2, 1, 2], Y) as tf.Tensor4D, 1, 'same'), 1e-5);
  both('maxPool', () => wt.maxPool(w([1, 4, 6, 1]), 2, 2, 'valid'), () => tf.maxPool(t([1, 4, 6, 1]) as tf.Tensor4D, 2, 2, 'valid'));
  both('avgPool', () => wt.avgPool(w([1, 4, 6, 1]), 2, 1, 'same'), () => tf.avgPool(t([1, 4, 6, 1]) as tf.Tensor4D, 2, 1, 'same'), 1e-6);
  both('fused.matMul relu6', () => wt.fused.matMul({ a: w([4, 6]), b: w([6, 4], Y), activation: 'relu6' }), () => tf.fused.matMul({ a: t([4, 6]) as tf.Tensor2D, b: t([6, 4], Y) as tf.Tensor2D, activation: 'relu6' }), 1e-5);
  both('losses.meanSquaredError', () => wt.losses.meanSquaredError(w([4, 6]), w([4, 6], Y), w([4, 1], P)), () => tf.losses.meanSquaredError(t([4, 6]), t([4, 6], Y), t([4, 1], P)), 1e-6);
  both('losses.computeWeightedLoss', () => wt.losses.computeWeightedLoss(w([4, 6]), w([6], P), wt.Reduction.MEAN), () => tf.losses.computeWeightedLoss(t([4, 6]), t([6], P), tf.Reduction.MEAN), 1e-6);
  both('grads', () => wt.grads((a, b) => wt.mul(a, b).sum())([w([6]), w([6], Y)]), () => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(a, b)))([t([6]), t([6], Y)]));
  both('valueAndGrads', () => { const r = wt.valueAndGrads((a) => a.square().sum())([w([6])]); return [r.value, ...r.grads]; },
    () => { const r = tf.valueAndGrads((a: tf.Tensor) => tf.sum(tf.square(a)))([t([6])]); return [r.value, ...r.grads]; }, 1e-6);
  both('customGrad', () => {
    const f = wt.customGrad((x: wt.Tensor) => ({ value: x.square(), gradFunc: (dy: wt.Tensor) => [dy.mul(3)] }) as wt.CustomGradientResult);
    return wt.grad((x: wt.Tensor) => f(x).sum())(w([6]));
  }, () => {
    const f = tf.customGrad(((x: tf.Tensor) => ({ value: tf.square(x), gradFunc: (dy: tf.Tensor) => [tf.mul(dy, 3)] })) as unknown as tf.CustomGradientFunc<tf.Tensor>);
    return tf.grad((x: tf.Tensor) => tf.sum(f(x)))(t([6]));
  });

  // scans, products, top-k
  for (const [axis, exclusive, reverse] of [[0, false, false], [1, false, false], [1, true, false], [1, false, true], [0, true, true]] as [number, boolean, boolean][]) {
    // (TF.js mangles the shape for a negative axis: ours counts from the end, test/ops-scan.test.ts)
    both(`cumsum axis ${axis} ${exclusive} ${reverse}`, () => wt.cumsum(w([4, 6]), axis, exclusive, reverse), () => tf.cumsum(t([4, 6]), axis, exclusive, reverse), 1e-6);
    both(`cumprod axis ${axis} ${exclusive} ${reverse}`, () => wt.cumprod(w([4, 6], P), axis, exclusive, reverse), () => tf.cumprod(t([4, 6], P), axis, exclusive, reverse), 1e-6);
  }
  both('cumsum int32', () => wt.cumsum(w([4, 6], I, 'int32'), 1), () => tf.cumsum(t([4, 6], I, 'int32'), 1));
  both('cumsum bool', () => wt.cumsum(wt.tensor(B)), () => tf.cumsum(tf.tensor(B)));
  both('prod', () => wt.prod(w([4, 6], P)), () => tf.prod(t([4, 6], P)), 1e-6);
  both('prod axes keepDims', () => wt.prod(w([2, 3, 4], P), [0, 2], true), () => tf.prod(t([2, 3, 4], P), [0, 2], true), 1e-6);
  both('prod int32', () => wt.prod(w([4, 6], I.map((v) => v % 5), 'int32'), 1), () => tf.prod(t([4, 6], I.map((v) => v % 5), 'int32'), 1));
  both('prod bool', () => wt.prod(wt.tensor([[true, true], [false, true]]), 1), () => tf.prod(tf.tensor([[true, true], [false, true]]), 1));
  both('prod grad with a zero', () => wt.grad((x) => wt.prod(x, 1).sum())(wt.tensor([[1, 2, 0, 4], [2, 3, 1, 5]])), () => tf.grad((x: tf.Tensor) => tf.sum(tf.prod(x, 1)))(tf.tensor([[1, 2, 0, 4], [2, 3, 1, 5]])));
  both('cumsum grad', () => wt.grad((x) => wt.cumsum(x, 1, true).mul(w([4, 6], Y)).sum())(w([4, 6])), () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.cumsum(x, 1, true), t([4, 6], Y))))(t([4, 6])), 1e-6);
  both('topk', () => wt.topk(w([4, 6]), 3), () => tf.topk(t([4, 6]), 3));
  both('topk k=6 int32 with ties', () => wt.topk(w([4, 6], I.map((v) => v % 4), 'int32'), 6), () => tf.topk(t([4, 6], I.map((v) => v % 4), 'int32'), 6));
  both('topk default k', () => wt.topk(w([24])), () => tf.topk(t([24])));

  // N-D indexing and segments
  const GI = [[0, 1], [2, 3], [1, 0], [0, 1]], SI = [3, 0, 1, 3, 2, 0];
  both('gatherND', () => wt.gatherND(w([3, 4, 2]), wt.tensor(GI, undefined, 'int32')), () => tf.gatherND(t([3, 4, 2]), tf.tensor(GI, undefined, 'int32')));
  both('gatherND full tuples int32', () => wt.gatherND(w([3, 4], I, 'int32'), wt.tensor([[[2, 3]], [[0, 0]]], undefined, 'int32')), () => tf.gatherND(t([3, 4], I, 'int32'), tf.tensor([[[2, 3]], [[0, 0]]], undefined, 'int32')));
  // (TF.js has no gatherND gradient: ours is checked by finite differences in test/ops-scan.test.ts)
  both('scatterND with a repeated tuple', () => wt.scatterND(wt.tensor(GI, undefined, 'int32'), w([4, 2]), [3, 4, 2]), () => tf.scatterND(tf.tensor(GI, undefined, 'int32'), t([4, 2]), [3, 4, 2]), 1e-6);
  both('scatterND int32', () => wt.scatterND(wt.tensor([[1], [3]], undefined, 'int32'), w([2, 3], I, 'int32'), [5, 3]), () => tf.scatterND(tf.tensor([[1], [3]], undefined, 'int32'), t([2, 3], I, 'int32'), [5, 3]));
  both('tensorScatterUpdate', () => wt.tensorScatterUpdate(w([3, 4]), wt.tensor([[0, 1], [2, 3], [1, 1]], undefined, 'int32'), w([3], Y)), () => tf.tensorScatterUpdate(t([3, 4]), tf.tensor([[0, 1], [2, 3], [1, 1]], undefined, 'int32'), t([3], Y)));
  both('tensorScatterUpdate rows', () => wt.tensorScatterUpdate(w([3, 4]), wt.tensor([[2], [0]], undefined, 'int32'), w([2, 4], Y)), () => tf.tensorScatterUpdate(t([3, 4]), tf.tensor([[2], [0]], undefined, 'int32'), t([2, 4], Y)));
  both('sparseToDense', () => wt.sparseToDense(wt.tensor([[0, 1], [2, 0]], undefined, 'int32'), wt.tensor([5, 7]), [3, 3], wt.scalar(-1)), () => tf.sparseToDense(tf.tensor([[0, 1], [2, 0]], undefined, 'int32'), tf.tensor([5, 7]), [3, 3], tf.scalar(-1)));
  both('sparseToDense 1-D int32', () => wt.sparseToDense(wt.tensor([4, 1], [2], 'int32'), wt.tensor([3, 9], [2], 'int32'), [6]), () => tf.sparseToDense(tf.tensor([4, 1], [2], 'int32'), tf.tensor([3, 9], [2], 'int32'), [6]));
  both('unsortedSegmentSum', () => wt.unsortedSegmentSum(w([6, 4]), wt.tensor(SI, [6], 'int32'), 4), () => tf.unsortedSegmentSum(t([6, 4]), tf.tensor(SI, [6], 'int32'), 4), 1e-6);
  // A difference kept on purpose (README): TF.js's cpu backend sums int32 segments into float32; ours stay int32, as TensorFlow's.
  both('unsortedSegmentSum int32', () => wt.unsortedSegmentSum(w([6], I, 'int32'), wt.tensor(SI, [6], 'int32'), 5), () => tf.cast(tf.unsortedSegmentSum(t([6], I, 'int32'), tf.tensor(SI, [6], 'int32'), 5), 'int32'));
  both('unsortedSegmentSum grad', () => wt.grad((x) => wt.unsortedSegmentSum(x, wt.tensor(SI, [6], 'int32'), 4).mul(w([4, 4], Y)).sum())(w([6, 4])),
    () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.unsortedSegmentSum(x, tf.tensor(SI, [6], 'int32'), 4), t([4, 4], Y))))(t([6, 4])), 1e-6);
  both('bincount', () => wt.bincount(wt.tensor(SI, [6], 'int32'), wt.tensor([], [0]), 5), () => tf.bincount(tf.tensor(SI, [6], 'int32'), tf.tensor([], [0]), 5));
  both('bincount weights', () => wt.bincount(wt.tensor(SI, [6], 'int32'), w([6], P), 3), () => tf.bincount(tf.tensor(SI, [6], 'int32'), t([6], P), 3), 1e-6);
  both('denseBincount 2-D binary', () => wt.denseBincount(wt.tensor([SI, SI.slice().reverse()], undefined, 'int32'), wt.tensor([], [0]), 4, true), () => tf.denseBincount(tf.tensor([SI, SI.slice().reverse()], undefined, 'int32'), tf.tensor([], [0]), 4, true));
  both('denseBincount weights', () => wt.denseBincount(wt.tensor(SI, [6], 'int32'), w([6], P), 4), () => tf.denseBincount(tf.tensor(SI, [6], 'int32') as tf.Tensor1D, t([6], P) as tf.Tensor1D, 4), 1e-6);
  // ---- conv, pool and space ops beyond conv2d (src/ops/conv-extra.ts, pool-extra.ts, space.ts, normalization.ts) ----
  const rw = (shape: number[], seed: number, lo = -1, hi = 1): wt.Tensor => wt.tensor(randData(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);
  const rt = (shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor => tf.tensor(randData(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);
  /**
   * The value, and the gradient of sum(f(...) * weights) in each input, in both libraries. grads false
   * where TF.js has no gradient (conv2d dilated, conv3dTranspose, depthToSpace) or a wrong one (avgPool
   * over padding divides by the full window, where its forward pass divides by the real taps); those
   * gradients are checked against finite differences in test/ops-window.test.ts.
   */
  const vgBoth = (name: string, shapes: number[][], fo: (...x: wt.Tensor[]) => wt.Tensor, ft: (...x: tf.Tensor[]) => tf.Tensor, tol = 1e-4, grads = true): void => {
    both(name, () => {
      const xs = shapes.map((s, i) => rw(s, 700 + i));
      const y = fo(...xs);
      return grads ? [y, ...wt.grads((...a: wt.Tensor[]) => fo(...a).mul(rw([...y.shape], 799)).sum())(xs)] : [y];
    }, () => {
      const xs = shapes.map((s, i) => rt(s, 700 + i));
      const y = ft(...xs);
      return grads ? [y, ...tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(ft(...a), rt([...y.shape], 799))))(xs)] : [y];
    }, tol);
  };
  for (const [pad, stride, dil] of [['same', 1, 1], ['valid', 2, 1], ['same', 1, 2], [1, 1, 1]] as const) {
    vgBoth(`conv1d pad ${pad} stride ${stride} dilation ${dil}`, [[2, 9, 3], [3, 3, 4]],
      (x, f) => wt.conv1d(x!, f!, stride, pad, 'NWC', dil),
      (x, f) => tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, stride, pad === 1 ? [[0, 0], [0, 0], [1, 1], [0, 0]] as never : pad, 'NWC', dil), 1e-4, dil === 1);
  }
  for (const [out, k, s, pad] of [[[2, 7, 6, 3], 3, 2, 'same'], [[2, 7, 6, 3], 3, 2, 'valid'], [[1, 8, 8, 2], 2, 2, 'same'], [[1, 5, 5, 2], 3, 1, 1]] as const) {
    const geo = tf.conv2d(tf.zeros(out as unknown as number[]) as tf.Tensor4D, tf.zeros([k, k, out[3], 4]) as tf.Tensor4D, s, pad).shape;
    vgBoth(`conv2dTranspose out ${out} k ${k} stride ${s} pad ${pad}`, [[...geo.slice(0, 3), 4], [k, k, out[3], 4]],
      (x, f) => wt.conv2dTranspose(x!, f!, out, s, pad),
      (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, out as unknown as [number, number, number, number], s, pad));
  }
  vgBoth('conv2dTranspose rank 3', [[3, 3, 2], [2, 2, 3, 2]], (x, f) => wt.conv2dTranspose(x!, f!, [6, 6, 3], 2, 'valid'),
    (x, f) => tf.conv2dTranspose(x as tf.Tensor3D, f as tf.Tensor4D, [6, 6, 3], 2, 'valid'));
  for (const [pad, s, d] of [['same', 1, 1], ['valid', 2, 1], ['same', [2, 1, 1], 1], ['valid', 1, 2]] as const) {
    vgBoth(`conv3d pad ${pad} strides ${s} dilations ${d}`, [[2, 5, 6, 5, 2], [2, 3, 2, 2, 3]],
      (x, f) => wt.conv3d(x!, f!, s, pad, 'NDHWC', d),
      (x, f) => tf.conv3d(x as tf.Tensor5D, f as tf.Tensor5D, s as never, pad, 'NDHWC', d), 1e-4, d === 1);
  }
  for (const [pad, s] of [['same', 2], ['valid', 1], ['valid', [2, 1, 2]]] as const) {
    const out = [1, 5, 4, 5, 2];
    const geo = tf.conv3d(tf.zeros(out) as tf.Tensor5D, tf.zeros([3, 2, 2, 2, 3]) as tf.Tensor5D, s as never, pad).shape;
    vgBoth(`conv3dTranspose pad ${pad} strides ${s}`, [geo, [3, 2, 2, 2, 3]],
      (x, f) => wt.conv3dTranspose(x!, f!, out, s, pad),
      (x, f) => tf.conv3dTranspose(x as tf.Tensor5D, f as tf.Tensor5D, out as never, s as never, pad), 1e-4, false);
  }
  for (const type of ['max', 'avg'] as const) {
    for (const [pad, d, s] of [['same', 2, 1], ['valid', [2, 1], 1], ['same', 1, 2], ['valid', 1, 1]] as const) {
      vgBoth(`pool ${type} pad ${pad} dilations ${d} strides ${s}`, [[2, 7, 6, 3]], (x) => wt.pool(x!, [3, 2], type, pad, d, s),
        (x) => tf.pool(x as tf.Tensor4D, [3, 2], type, pad, d as never, s), 1e-4, type === 'max' || pad === 'valid' || d !== 1);
    }
    for (const [pad, s] of [['same', 2], ['valid', [1, 2, 1]], [1, 2]] as const) {
      const op = type === 'max' ? 'maxPool3d' : 'avgPool3d';
      vgBoth(`${op} pad ${pad} strides ${s}`, [[2, 5, 4, 5, 2]], (x) => wt[op](x!, [3, 2, 2], s, pad),
        (x) => tf[op](x as tf.Tensor5D, [3, 2, 2], s as never, pad), 1e-4, type === 'max' || pad === 'valid');
    }
  }
  for (const [pad, inc] of [['same', false], ['valid', true], [1, true]] as const) {
    both(`maxPoolWithArgmax pad ${pad} includeBatchInIndex ${inc}`, () => wt.maxPoolWithArgmax(rw([2, 5, 6, 3], 710), 3, 2, pad, inc),
      () => tf.maxPoolWithArgmax(rt([2, 5, 6, 3], 710) as tf.Tensor4D, 3, 2, pad, inc));
  }
  for (const [pad, s, d] of [['same', 1, 1], ['valid', 2, 1], ['same', 1, 2]] as const) {
    vgBoth(`dilation2d pad ${pad} strides ${s} dilations ${d}`, [[2, 6, 5, 3], [3, 2, 3]], (x, f) => wt.dilation2d(x!, f!, s, pad, d),
      (x, f) => tf.dilation2d(x as tf.Tensor4D, f as tf.Tensor3D, s, pad, d));
  }
  vgBoth('localResponseNormalization defaults', [[2, 3, 3, 8]], (x) => wt.localResponseNormalization(x!), (x) => tf.localResponseNormalization(x as tf.Tensor4D));
  vgBoth('localResponseNormalization radius 2 bias 2 alpha 0.5 beta 0.75', [[3, 4, 6]], (x) => wt.localResponseNormalization(x!, 2, 2, 0.5, 0.75),
    (x) => tf.localResponseNormalization(x as tf.Tensor3D, 2, 2, 0.5, 0.75));
  const pos = (t: wt.Tensor): wt.Tensor => t.abs().add(0.5);
  const tpos = (t: tf.Tensor): tf.Tensor => tf.add(tf.abs(t), 0.5);
  vgBoth('batchNorm rank-1 statistics', [[4, 3, 5], [5], [5], [5], [5]], (x, m, v, o, s) => wt.batchNorm(x!, m!, pos(v!), o, s),
    (x, m, v, o, s) => tf.batchNorm(x!, m!, tpos(v!), o, s));
  vgBoth('batchNorm4d epsilon 0.1', [[2, 2, 3, 4], [4], [4], [4], [4]], (x, m, v, o, s) => wt.batchNorm4d(x!, m!, pos(v!), o, s, 0.1),
    (x, m, v, o, s) => tf.batchNorm4d(x as tf.Tensor4D, m as tf.Tensor1D, tpos(v!) as tf.Tensor1D, o as tf.Tensor1D, s as tf.Tensor1D, 0.1));
  // TF.js's gradient of rank-4 [1, 1, 1, c] statistics fails on its own reshape, so those compare values only.
  both('batchNorm4d rank-4 statistics', () => wt.batchNorm4d(rw([2, 2, 3, 4], 733), rw([1, 1, 1, 4], 734), pos(rw([1, 1, 1, 4], 735)), rw([1, 1, 1, 4], 736), rw([1, 1, 1, 4], 737)),
    () => tf.batchNorm4d(rt([2, 2, 3, 4], 733) as tf.Tensor4D, rt([1, 1, 1, 4], 734) as tf.Tensor4D, tpos(rt([1, 1, 1, 4], 735)) as tf.Tensor4D, rt([1, 1, 1, 4], 736) as tf.Tensor4D, rt([1, 1, 1, 4], 737) as tf.Tensor4D), 1e-5);
  vgBoth('batchNorm2d', [[6, 3], [3], [3], [3], [3]], (x, m, v, o, s) => wt.batchNorm2d(x!, m!, pos(v!), o, s), (x, m, v, o, s) => tf.batchNorm2d(x as tf.Tensor2D, m as tf.Tensor1D, tpos(v!) as tf.Tensor1D, o as tf.Tensor1D, s as tf.Tensor1D));
  vgBoth('batchNorm3d', [[2, 6, 3], [3], [3], [3], [3]], (x, m, v, o, s) => wt.batchNorm3d(x!, m!, pos(v!), o, s), (x, m, v, o, s) => tf.batchNorm3d(x as tf.Tensor3D, m as tf.Tensor1D, tpos(v!) as tf.Tensor1D, o as tf.Tensor1D, s as tf.Tensor1D));
  both('batchNorm without offset and scale', () => wt.batchNorm(rw([3, 4], 730), rw([4], 731), pos(rw([4], 732))), () => tf.batchNorm(rt([3, 4], 730), rt([4], 731), tpos(rt([4], 732))), 1e-5);
  vgBoth('spaceToBatchND', [[2, 3, 4, 2]], (x) => wt.spaceToBatchND(x!, [2, 3], [[1, 0], [1, 1]]), (x) => tf.spaceToBatchND(x!, [2, 3], [[1, 0], [1, 1]]), 1e-6);
  vgBoth('spaceToBatchND 1 block dim, rank 4', [[1, 4, 3, 2]], (x) => wt.spaceToBatchND(x!, [2], [[0, 0]]), (x) => tf.spaceToBatchND(x!, [2], [[0, 0]]), 1e-6);
  vgBoth('batchToSpaceND', [[12, 2, 2, 3]], (x) => wt.batchToSpaceND(x!, [2, 3], [[1, 0], [2, 1]]), (x) => tf.batchToSpaceND(x!, [2, 3], [[1, 0], [2, 1]]), 1e-6);
  vgBoth('depthToSpace NHWC', [[2, 3, 2, 8]], (x) => wt.depthToSpace(x!, 2), (x) => tf.depthToSpace(x as tf.Tensor4D, 2), 1e-6, false);
  both('depthToSpace block 3', () => wt.depthToSpace(rw([1, 2, 2, 18], 720), 3), () => tf.depthToSpace(rt([1, 2, 2, 18], 720) as tf.Tensor4D, 3));
  // einsum, linalg, bitwiseAnd, math.confusionMatrix
  for (const eq of ['ij,jk->ik', 'ij,kj->ki', 'ij,ij->i', 'ij->ji', 'ij->', 'i,j->ij']) {
    const [sa, sb] = eq.startsWith('i,') ? [[4], [6]] : [[4, 6], eq.includes('kj') ? [3, 6] : eq.includes('jk') ? [6, 3] : [4, 6]];
    const one = !eq.includes(',');
    both(`einsum ${eq}`, () => (one ? wt.einsum(eq, w(sa!)) : wt.einsum(eq, w(sa!), w(sb!, Y))), () => (one ? tf.einsum(eq, t(sa!)) : tf.einsum(eq, t(sa!), t(sb!, Y))), 1e-5);
  }
  both('einsum batched', () => wt.einsum('bij,bjk->bik', w([2, 3, 4]), w([2, 4, 3], Y)), () => tf.einsum('bij,bjk->bik', t([2, 3, 4]), t([2, 4, 3], Y)), 1e-5);
  both('einsum int32', () => wt.einsum('ij,jk->ik', w([2, 3], I, 'int32'), w([3, 2], I, 'int32')), () => tf.einsum('ij,jk->ik', t([2, 3], I, 'int32'), t([3, 2], I, 'int32')));
  for (const [lo, hi] of [[0, -1], [-1, 0], [1, 2], [0, 0]]) {
    both(`linalg.bandPart ${lo} ${hi}`, () => wt.linalg.bandPart(w([2, 3, 4]), lo!, hi!), () => tf.linalg.bandPart(t([2, 3, 4]), lo!, hi!));
  }
  both('linalg.gramSchmidt', () => wt.linalg.gramSchmidt(w([3, 4])) as wt.Tensor, () => tf.linalg.gramSchmidt(t([3, 4]) as tf.Tensor2D) as tf.Tensor, 1e-4);
  both('linalg.qr', () => wt.linalg.qr(w([4, 3])), () => tf.linalg.qr(t([4, 3])), 1e-4);
  both('linalg.qr full', () => wt.linalg.qr(w([4, 3]), true), () => tf.linalg.qr(t([4, 3]), true), 1e-4);
  both('linalg.qr wide', () => wt.linalg.qr(w([2, 3])), () => tf.linalg.qr(t([2, 3])), 1e-4);
  // TF.js 4.22's batched qr throws 'Size(8) must match the product of shape 2,3,2'; ours: test/ops-complex.test.ts.
  both('bitwiseAnd', () => wt.bitwiseAnd(w([24], I, 'int32'), w([24], I.map((v) => v * 7 - 3), 'int32')), () => tf.bitwiseAnd(t([24], I, 'int32'), t([24], I.map((v) => v * 7 - 3), 'int32')));
  both('math.confusionMatrix', () => wt.math.confusionMatrix(wt.tensor([0, 1, 2, 1, 3], [5], 'int32'), wt.tensor([0, 2, 2, 1, 1], [5], 'int32'), 4),
    () => tf.math.confusionMatrix(tf.tensor1d([0, 1, 2, 1, 3], 'int32'), tf.tensor1d([0, 2, 2, 1, 1], 'int32'), 4));

  // complex64, spectral, signal
  const wc = (shape: number[]): wt.Tensor => wt.complex(w(shape), w(shape, Y));
  const tc = (shape: number[]): tf.Tensor => tf.complex(t(shape), t(shape, Y));
  both('complex', () => wc([4, 6]), () => tc([4, 6]));
  both('real', () => wt.real(wc([4, 6])), () => tf.real(tc([4, 6])));
  both('imag', () => wt.imag(wc([4, 6])), () => tf.imag(tc([4, 6])));
  both('complex add sub mul neg abs', () => [wt.add(wc([4, 6]), wc([4, 6])), wt.sub(wc([4, 6]), w([4, 6], P)), wt.mul(wc([4, 6]), wc([4, 6])), wt.abs(wc([6]))],
    () => [tf.add(tc([4, 6]), tc([4, 6])), tf.sub(tc([4, 6]), t([4, 6], P)), tf.mul(tc([4, 6]), tc([4, 6])), tf.abs(tc([6]))], 1e-6);
  both('complex reshape transpose concat stack cast', () => [wt.reshape(wc([4, 6]), [3, 8]), wt.transpose(wc([4, 6])), wt.concat([wc([2, 3]), wc([2, 3])], 1), wt.stack([wc([6]), wc([6])]), wt.cast(wc([6]), 'float32'), wt.cast(w([6]), 'complex64')],
    () => [tf.reshape(tc([4, 6]), [3, 8]), tf.transpose(tc([4, 6])), tf.concat([tc([2, 3]), tc([2, 3])], 1), tf.stack([tc([6]), tc([6])]), tf.cast(tc([6]), 'float32'), tf.cast(t([6]), 'complex64')]);
  for (const n of [6, 7, 8]) {
    both(`fft length ${n}`, () => wt.fft(wc([3, n])), () => tf.fft(tc([3, n])), 1e-5);
    both(`ifft length ${n}`, () => wt.ifft(wc([3, n])), () => tf.ifft(tc([3, n])), 1e-5);
    both(`rfft length ${n}`, () => wt.rfft(w([3, n])), () => tf.rfft(t([3, n])), 1e-5);
    both(`irfft length ${n}`, () => wt.irfft(wc([3, n])), () => tf.irfft(tc([3, n])), 1e-5);
  }
  both('rfft fftLength', () => [wt.rfft(w([2, 6]), 4), wt.rfft(w([2, 6]), 9)], () => [tf.rfft(t([2, 6]), 4), tf.rfft(t([2, 6]), 9)], 1e-5);
  both('spectral.fft', () => wt.spectral.fft(wc([2, 5])), () => tf.spectral.fft(tc([2, 5])), 1e-5);
  both('cosineWindow', () => [wt.cosineWindow(6, 0.6, 0.4), wt.cosineWindow(7, 0.5, 0.5)], () => [tf.cosineWindow(6, 0.6, 0.4), tf.cosineWindow(7, 0.5, 0.5)], 1e-6);
  both('signal.hannWindow', () => [wt.signal.hannWindow(8), wt.signal.hannWindow(9)], () => [tf.signal.hannWindow(8), tf.signal.hannWindow(9)], 1e-6);
  both('signal.hammingWindow', () => [wt.signal.hammingWindow(8), wt.signal.hammingWindow(9)], () => [tf.signal.hammingWindow(8), tf.signal.hammingWindow(9)], 1e-6);
  both('signal.frame', () => [wt.signal.frame(w([24]), 5, 3), wt.signal.frame(w([24]), 5, 4, true, 2)], () => [tf.signal.frame(t([24]), 5, 3), tf.signal.frame(t([24]), 5, 4, true, 2)]);
  both('signal.stft', () => [wt.signal.stft(w([24]), 8, 4), wt.signal.stft(w([24]), 6, 3, 8, wt.signal.hammingWindow)],
    () => [tf.signal.stft(t([24]) as tf.Tensor1D, 8, 4), tf.signal.stft(t([24]) as tf.Tensor1D, 6, 3, 8, tf.signal.hammingWindow)], 1e-5);
  // TF.js 4.22 has no gradient for real, imag or complex ('gradient function not found for Real') and its cpu
  // neg refuses complex64; ours has both (test/ops-complex.test.ts checks the gradients by finite differences).

  // stridedSlice: strides, negative indices and strides, every mask
  for (const [name, b, e, s, ...m] of [
    ['box', [1, 0], [3, 4], [1, 1]], ['strides 2', [0, 1], [4, 6], [2, 2]], ['negative stride', [3, -1], [0, 0], [-1, -2]],
    ['begin and end masks', [1, 1], [2, 2], [1, 1], 1, 2], ['ellipsis', [0, 1], [0, 3], [1, 1], 0, 0, 1], ['new axis', [0, 0, 1], [0, 2, 3], [1, 1, 1], 0, 0, 0, 1],
    ['shrink', [2, 1], [3, 5], [1, 1], 0, 0, 0, 0, 1], ['past the ends', [-9, 2], [9, 99], [1, 1]], ['short spec', [1], [3], [1]],
  ] as [string, number[], number[], number[], ...number[]][]) {
    both(`stridedSlice ${name}`, () => wt.stridedSlice(w([4, 6]), b, e, s, ...m), () => tf.stridedSlice(t([4, 6]), b, e, s, ...m));
  }
  both('stridedSlice int32 rank 3', () => wt.stridedSlice(w([2, 3, 4], I, 'int32'), [0, 2, 3], [2, 0, 0], [1, -1, -3]), () => tf.stridedSlice(t([2, 3, 4], I, 'int32'), [0, 2, 3], [2, 0, 0], [1, -1, -3]));
  // Kept on purpose (README): with a shrunk axis beside a strided one TF.js's cpu backend reads the
  // wrong elements (x[2, 1:5:2] of a [4, 6] gives x[0, 2:4]), and it refuses an empty range (begin past
  // end) that TensorFlow returns as an empty tensor; ours follows TensorFlow (test/ops-scan.test.ts).
  // TF.js has no stridedSlice gradient; ours is checked by finite differences there.

  // sorted search, top-k membership, shape checks, data-dependent selections
  const SEQ = [[-2, 0, 0, 1.5, 3], [1, 2, 2, 2, 9]], VAL = [[0, -5, 3, 1.5], [2, 10, 1, 0]];
  for (const side of ['left', 'right'] as const) {
    both(`searchSorted ${side}`, () => wt.searchSorted(wt.tensor(SEQ), wt.tensor(VAL), side), () => tf.searchSorted(tf.tensor(SEQ), tf.tensor(VAL), side));
  }
  both('searchSorted 1-D int32', () => wt.searchSorted(wt.tensor([1, 3, 3, 7], [4], 'int32'), wt.tensor([3, 0, 8, 4, 7], [5], 'int32')), () => tf.searchSorted(tf.tensor([1, 3, 3, 7], [4], 'int32'), tf.tensor([3, 0, 8, 4, 7], [5], 'int32')));
  both('lowerBound', () => wt.lowerBound(wt.tensor(SEQ), wt.tensor(VAL)), () => tf.lowerBound(tf.tensor(SEQ), tf.tensor(VAL)));
  both('upperBound', () => wt.upperBound(wt.tensor(SEQ), wt.tensor(VAL)), () => tf.upperBound(tf.tensor(SEQ), tf.tensor(VAL)));
  both('inTopKAsync', () => wt.inTopKAsync(w([4, 6]), wt.tensor([0, 5, 2, 3], [4], 'int32'), 3), () => tf.inTopKAsync(t([4, 6]), tf.tensor([0, 5, 2, 3], [4], 'int32'), 3));
  both('ensureShape', () => wt.ensureShape(w([4, 6]), [4, null]), () => tf.ensureShape(t([4, 6]), [4, null]));
  both('broadcastArgs', () => wt.broadcastArgs(wt.tensor([2, 1, 3], [3], 'int32'), wt.tensor([4, 1], [2], 'int32')), () => tf.broadcastArgs(tf.tensor([2, 1, 3], [3], 'int32'), tf.tensor([4, 1], [2], 'int32')));
  both('whereAsync', () => wt.whereAsync(wt.greater(w([4, 6]), 0)), () => tf.whereAsync(tf.greater(t([4, 6]), 0)));
  both('booleanMaskAsync', () => wt.booleanMaskAsync(w([4, 6]), wt.tensor([true, false, true, true])), () => tf.booleanMaskAsync(t([4, 6]), tf.tensor([true, false, true, true])));
  both('booleanMaskAsync axis 1, 2-D mask', () => wt.booleanMaskAsync(w([2, 3, 4]), wt.greater(w([3, 4], Y), 0), 1), () => tf.booleanMaskAsync(t([2, 3, 4]), tf.greater(t([3, 4], Y), 0), 1));
  both('setdiff1dAsync', () => wt.setdiff1dAsync(wt.tensor([5, 1, 7, 1, 3], [5], 'int32'), wt.tensor([1, 9], [2], 'int32')), () => tf.setdiff1dAsync(tf.tensor([5, 1, 7, 1, 3], [5], 'int32'), tf.tensor([1, 9], [2], 'int32')));
  both('unique', () => wt.unique(wt.tensor([3, 1, 3, 2, 1, 7])), () => tf.unique(tf.tensor([3, 1, 3, 2, 1, 7])));
  both('unique axis 1', () => wt.unique(wt.tensor([[1, 0, 1, 2], [3, 5, 3, 3]]), 1), () => tf.unique(tf.tensor([[1, 0, 1, 2], [3, 5, 3, 3]]), 1));
  both('unique int32', () => wt.unique(wt.tensor(I.map((v) => v % 5), [24], 'int32')), () => tf.unique(tf.tensor(I.map((v) => v % 5), [24], 'int32')));

  both('Tensor methods of the conv, pool and space ops', () => {
    const x = rw([1, 4, 4, 4], 740), s = rw([1, 6, 3], 741);
    return [x.pool([2, 2], 'max', 'same', 2), s.conv1d(rw([2, 3, 2], 742), 1, 'same'), x.conv2dTranspose(rw([2, 2, 3, 4], 743), [1, 8, 8, 3], 2, 'same'),
      x.separableConv2d(rw([2, 2, 4, 1], 744), rw([1, 1, 4, 2], 745), 1, 'valid'), x.dilation2d(rw([2, 2, 4], 746), 1, 'same'), x.localResponseNormalization(1),
      x.batchNorm(rw([4], 747), pos(rw([4], 748))), x.spaceToBatchND([2, 2], [[0, 0], [0, 0]]), rw([4, 1, 1, 2], 749).batchToSpaceND([2, 2], [[0, 0], [0, 0]]), x.depthToSpace(2)];
  }, () => {
    const x = rt([1, 4, 4, 4], 740) as tf.Tensor4D, s = rt([1, 6, 3], 741) as tf.Tensor3D;
    return [x.pool([2, 2], 'max', 'same', 2), s.conv1d(rt([2, 3, 2], 742) as tf.Tensor3D, 1, 'same'), x.conv2dTranspose(rt([2, 2, 3, 4], 743) as tf.Tensor4D, [1, 8, 8, 3], 2, 'same'),
      x.separableConv2d(rt([2, 2, 4, 1], 744) as tf.Tensor4D, rt([1, 1, 4, 2], 745) as tf.Tensor4D, 1, 'valid'), x.dilation2d(rt([2, 2, 4], 746) as tf.Tensor3D, 1, 'same'), x.localResponseNormalization(1),
      x.batchNorm(rt([4], 747), tpos(rt([4], 748))), x.spaceToBatchND([2, 2], [[0, 0], [0, 0]]), rt([4, 1, 1, 2], 749).batchToSpaceND([2, 2], [[0, 0], [0, 0]]), x.depthToSpace(2)];
  }, 1e-5);
  // sparse and ragged
  const wi = (v: number[], shape?: number[]): wt.Tensor => wt.tensor(v, shape ?? [v.length], 'int32');
  const ti = (v: number[], shape?: number[]): tf.Tensor => tf.tensor(v, shape ?? [v.length], 'int32');
  const FILL: [number[], number[], number[]] = [[0, 0, 1, 0, 1, 3, 1, 4, 3, 2, 3, 3], [0, 10, 13, 14, 32, 33], [5, 6]];
  both('sparse.sparseFillEmptyRows', () => wt.sparse.sparseFillEmptyRows(wi(FILL[0], [6, 2]), FILL[1], wi(FILL[2]), -1) as unknown as Out,
    () => tf.sparse.sparseFillEmptyRows(ti(FILL[0], [6, 2]), FILL[1], ti(FILL[2]), -1) as unknown as TOut);
  both('sparse.sparseFillEmptyRows unsorted, int32', () => wt.sparse.sparseFillEmptyRows(wi([2, 0, 0, 0, 2, 1], [3, 2]), wi([5, 6, 7]), wi([4, 3]), 9) as unknown as Out,
    () => tf.sparse.sparseFillEmptyRows(ti([2, 0, 0, 0, 2, 1], [3, 2]), ti([5, 6, 7]), ti([4, 3]), 9) as unknown as TOut);
  both('sparse.sparseReshape', () => wt.sparse.sparseReshape(wi([0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 2, 3], [5, 3]), wi([2, 3, 6]), wi([9, -1])) as unknown as Out,
    () => tf.sparse.sparseReshape(ti([0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 2, 3], [5, 3]), ti([2, 3, 6]), ti([9, -1])) as unknown as TOut);
  for (const op of ['sparseSegmentSum', 'sparseSegmentMean'] as const) {
    both(`sparse.${op}`, () => wt.sparse[op](w([4, 6]), wi([0, 1, 3, 2]), wi([0, 2, 2, 3])), () => tf.sparse[op](t([4, 6]), ti([0, 1, 3, 2]), ti([0, 2, 2, 3])), 1e-6);
    both(`sparse.${op} int32`, () => wt.sparse[op](w([6], I, 'int32'), wi([5, 0, 1]), wi([1, 1, 1])), () => tf.sparse[op](t([6], I, 'int32'), ti([5, 0, 1]), ti([1, 1, 1])));
  }
  both('raggedRange', () => wt.raggedRange(wi([2, 5, 8]), wi([3, 5, 12]), wi([1, 1, 1])) as unknown as Out, () => tf.raggedRange(ti([2, 5, 8]), ti([3, 5, 12]), ti([1, 1, 1])) as unknown as TOut);
  both('raggedRange float, negative delta', () => wt.raggedRange(wt.tensor([0, 1, 5]), wt.tensor([1, 2, 0]), wt.tensor([0.5, 0.25, -2])) as unknown as Out,
    () => tf.raggedRange(tf.tensor([0, 1, 5]), tf.tensor([1, 2, 0]), tf.tensor([0.5, 0.25, -2])) as unknown as TOut, 1e-6);
  both('raggedGather', () => { const r = wt.raggedGather([wi([0, 2, 3, 3, 5])], w([5]), wi([3, 0, 3]), 1); return [...r.outputNestedSplits, r.outputDenseValues]; },
    () => { const r = tf.raggedGather([ti([0, 2, 3, 3, 5])], t([5]), ti([3, 0, 3]), 1); return [...r.outputNestedSplits, r.outputDenseValues]; });
  both('raggedGather nested, 2-D indices', () => { const r = wt.raggedGather([wi([0, 2, 3]), wi([0, 1, 3, 4])], w([4, 2]), wi([1, 0, 1, 1], [2, 2]), 3); return [...r.outputNestedSplits, r.outputDenseValues]; },
    () => { const r = tf.raggedGather([ti([0, 2, 3]), ti([0, 1, 3, 4])], t([4, 2]), ti([1, 0, 1, 1], [2, 2]), 3); return [...r.outputNestedSplits, r.outputDenseValues]; });
  for (const shape of [[4, 4], [3, 2], [-1, -1]]) {
    both(`raggedTensorToTensor ${shape}`, () => wt.raggedTensorToTensor(wi(shape), w([5]), -1, [wi([0, 2, 3, 3, 5])], ['ROW_SPLITS']),
      () => tf.raggedTensorToTensor(ti(shape), t([5]), tf.scalar(-1), [ti([0, 2, 3, 3, 5])], ['ROW_SPLITS']));
  }
  both('raggedTensorToTensor value rowids', () => wt.raggedTensorToTensor(wi([-1, -1]), w([5]), 0, [wt.scalar(4, 'int32'), wi([0, 0, 1, 3, 3])], ['FIRST_DIM_SIZE', 'VALUE_ROWIDS']),
    () => tf.raggedTensorToTensor(ti([-1, -1]), t([5]), tf.scalar(0), [tf.scalar(4, 'int32'), ti([0, 0, 1, 3, 3])], ['FIRST_DIM_SIZE', 'VALUE_ROWIDS']));
  both('raggedTensorToTensor nested, 2-D values', () => wt.raggedTensorToTensor(wi([-1, -1, -1, 2]), w([4, 2]), 0, [wi([0, 2, 3]), wi([0, 1, 3, 4])], ['ROW_SPLITS', 'ROW_SPLITS']),
    () => tf.raggedTensorToTensor(ti([-1, -1, -1, 2]), t([4, 2]), tf.scalar(0), [ti([0, 2, 3]), ti([0, 1, 3, 4])], ['ROW_SPLITS', 'ROW_SPLITS']));

  both('the conv, pool and space ops without the batch dim', () => [wt.conv1d(rw([6, 2], 750), rw([3, 2, 2], 751), 1, 'same'), wt.conv3d(rw([3, 4, 3, 2], 752), rw([2, 2, 2, 2, 1], 753), 1, 'valid'),
    wt.maxPool3d(rw([3, 4, 3, 2], 754), 2, 1, 'same'), wt.avgPool3d(rw([3, 4, 3, 2], 755), 2, 1, 'valid'), wt.dilation2d(rw([4, 4, 2], 756), rw([2, 2, 2], 757), 1, 'valid'), wt.pool(rw([5, 5, 2], 758), 2, 'avg', 'valid', 2)],
  () => [tf.conv1d(rt([6, 2], 750) as tf.Tensor2D, rt([3, 2, 2], 751) as tf.Tensor3D, 1, 'same'), tf.conv3d(rt([3, 4, 3, 2], 752) as tf.Tensor4D, rt([2, 2, 2, 2, 1], 753) as tf.Tensor5D, 1, 'valid'),
    tf.maxPool3d(rt([3, 4, 3, 2], 754) as tf.Tensor4D, 2, 1, 'same'), tf.avgPool3d(rt([3, 4, 3, 2], 755) as tf.Tensor4D, 2, 1, 'valid'), tf.dilation2d(rt([4, 4, 2], 756) as tf.Tensor3D, rt([2, 2, 2], 757) as tf.Tensor3D, 1, 'valid'), tf.pool(rt([5, 5, 2], 758) as tf.Tensor3D, 2, 'avg', 'valid', 2)], 1e-5);
  // string tensors and wt.string
  const WORDS = ['', 'a', 'hello', 'The quick brown fox jumps over the lazy dog', '0123456789abcdef0123', '0123456789abcdef0123456789abcdef0123456789', 'x'.repeat(70), 'y'.repeat(200), 'héllo wörld ✓', 'a  b c'];
  both('tensor of strings, reshape', () => [wt.tensor(['a', 'b', 'c', 'd']), wt.reshape(wt.tensor([['a', 'b'], ['c', 'd']]), [4, 1]), wt.scalar('hi')],
    () => [tf.tensor(['a', 'b', 'c', 'd']), tf.reshape(tf.tensor([['a', 'b'], ['c', 'd']]), [4, 1]), tf.scalar('hi')]);
  for (const buckets of [1, 10, 1000000007, 2147483647]) {
    both(`string.stringToHashBucketFast ${buckets}`, () => wt.string.stringToHashBucketFast(wt.tensor(WORDS), buckets), () => tf.string.stringToHashBucketFast(tf.tensor(WORDS), buckets));
  }
  both('string.stringToHashBucketFast 2-D', () => wt.string.stringToHashBucketFast(wt.tensor([['a', 'b'], ['c', 'd']]), 7), () => tf.string.stringToHashBucketFast(tf.tensor([['a', 'b'], ['c', 'd']]), 7));
  for (const [width, pad, preserve] of [[[1, 2], -1, false], [[3], 1, false], [[4], 0, true], [[3], 2, false], [[2, 5], 0, true]] as const) {
    both(`string.stringNGrams ${width} pad ${pad}${preserve ? ' preserve' : ''}`, () => wt.string.stringNGrams(wt.tensor(['a', 'b', 'c', 'd', 'e', 'f']), wi([0, 2, 5, 5, 6]), '|', width, 'L', 'R', pad, preserve) as unknown as Out,
      () => tf.string.stringNGrams(tf.tensor(['a', 'b', 'c', 'd', 'e', 'f']), ti([0, 2, 5, 5, 6]), '|', width as unknown as number[], 'L', 'R', pad, preserve) as unknown as TOut);
  }
  for (const [delim, skip] of [[' ', true], [' ', false], [',;', true], ['', true]] as const) {
    both(`string.stringSplit '${delim}' ${skip}`, () => wt.string.stringSplit(wt.tensor(['hello world', 'a  b', '', 'x,y;z ,']), delim, skip) as unknown as Out,
      () => tf.string.stringSplit(tf.tensor(['hello world', 'a  b', '', 'x,y;z ,']), delim, skip) as unknown as TOut);
  }
  both('string.staticRegexReplace', () => [wt.string.staticRegexReplace(wt.tensor(['aabbcc', 'abc', 'xyz']), 'b+', 'X'), wt.string.staticRegexReplace(wt.tensor(['aabbcb']), 'b', 'X', false)],
    () => [tf.string.staticRegexReplace(tf.tensor(['aabbcc', 'abc', 'xyz']), 'b+', 'X'), tf.string.staticRegexReplace(tf.tensor(['aabbcb']), 'b', 'X', false)]);

  // ---- bad input that both refuse ----
  const refusals: Refusal[] = [
    ['add: shapes that do not broadcast', () => wt.add(w([2, 3]), w([4])), () => tf.add(t([2, 3]), t([4]))],
    ['matMul: inner dimensions', () => wt.matMul(w([2, 3]), w([2, 3])), () => tf.matMul(t([2, 3]), t([2, 3]))],
    ['logicalAnd: float input', () => wt.logicalAnd(w([2]), w([2])), () => tf.logicalAnd(t([2]), t([2]))],
    ['split: unequal parts', () => wt.split(w([5]), 2), () => tf.split(t([5]), 2)],
    ['reshape: size mismatch', () => wt.reshape(w([6]), [4]), () => tf.reshape(t([6]), [4])],
    ['tile: reps of the wrong length', () => wt.tile(w([2, 3]), [2]), () => tf.tile(t([2, 3]), [2])],
    ['norm: order 3', () => wt.norm(w([4]), 3), () => tf.norm(t([4]), 3)],
    ['einsum: repeated axis', () => wt.einsum('ii->i', w([2, 2])), () => tf.einsum('ii->i', t([2, 2]))],
    ['bitwiseAnd: float input', () => wt.bitwiseAnd(w([2]), w([2])), () => tf.bitwiseAnd(t([2]), t([2]))],
    ['fft: float input', () => wt.fft(w([4])), () => tf.fft(t([4]))],
    ['complex: shapes differ', () => wt.complex(w([2]), w([3])), () => tf.complex(t([2]), t([3]))],
    ['sparseSegmentSum: unsorted segment ids', () => wt.sparse.sparseSegmentSum(w([3, 2]), wi([0, 1]), wi([1, 0])), () => tf.sparse.sparseSegmentSum(t([3, 2]), ti([0, 1]), ti([1, 0]))],
    ['sparseReshape: two -1', () => wt.sparse.sparseReshape(wi([0, 0], [1, 2]), wi([2, 3]), wi([-1, -1])), () => tf.sparse.sparseReshape(ti([0, 0], [1, 2]), ti([2, 3]), ti([-1, -1]))],
    ['raggedRange: delta 0', () => wt.raggedRange(wi([5]), wi([0]), wi([0])), () => tf.raggedRange(ti([5]), ti([0]), ti([0]))],
    ['add: string tensors', () => wt.add(wt.tensor(['a']), wt.tensor(['b'])), () => tf.add(tf.tensor(['a']), tf.tensor(['b']))],
    ['bandPart: rank 1', () => wt.linalg.bandPart(w([4]), 0, 0), () => tf.linalg.bandPart(t([4]), 0, 0)],
    ['conv2dTranspose: filter channels', () => wt.conv2dTranspose(w([1, 2, 2, 3]), w([2, 2, 1, 2]), [1, 4, 4, 1], 2, 'same'), () => tf.conv2dTranspose(t([1, 2, 2, 3]) as tf.Tensor4D, t([2, 2, 1, 2]) as tf.Tensor4D, [1, 4, 4, 1], 2, 'same')],
    ['conv1d: filter rank', () => wt.conv1d(w([1, 4, 2]), w([2, 2]), 1, 'valid'), () => tf.conv1d(t([1, 4, 2]) as tf.Tensor3D, t([2, 2]) as unknown as tf.Tensor3D, 1, 'valid')],
    ['depthToSpace: channels not a multiple of blockSize^2', () => wt.depthToSpace(w([1, 2, 2, 2]), 2), () => tf.depthToSpace(t([1, 2, 2, 2]) as tf.Tensor4D, 2)],
    ['spaceToBatchND: padded size not a multiple of the block', () => wt.spaceToBatchND(w([1, 3, 2, 1]), [2, 2], [[0, 0], [0, 0]]), () => tf.spaceToBatchND(t([1, 3, 2, 1]), [2, 2], [[0, 0], [0, 0]])],
    ['batchNorm: statistics of another rank', () => wt.batchNorm(w([2, 3]), w([1, 1, 3]), w([3], P)), () => tf.batchNorm(t([2, 3]), t([1, 1, 3]), t([3], P))],
  ];
  return { diffs: DIFFS, refusals };
}

interface Flat { shape: number[]; dtype: string; data: (number | string)[] }

async function flat(o: Out | TOut, isTensor: (x: unknown) => boolean): Promise<Flat[]> {
  const list = (Array.isArray(o) ? o : isTensor(o) ? [o] : Object.keys(o).sort().map((k) => (o as Record<string, wt.Tensor | tf.Tensor>)[k]!)) as (wt.Tensor | tf.Tensor)[];
  return Promise.all(list.map(async (x) => ({ shape: [...x.shape], dtype: x.dtype, data: Array.from(await x.data() as ArrayLike<number>) })));
}

/** Every tensor a case returned (to dispose them). */
export function outputs(o: Out | TOut): (wt.Tensor | tf.Tensor)[] {
  if (Array.isArray(o)) return o;
  if (typeof (o as { dataSync?: unknown }).dataSync === 'function') return [o as wt.Tensor];
  return Object.values(o as Record<string, wt.Tensor>);
}

/**
 * Run one case in both libraries and compare: the same number of outputs, and for each the same
 * shape, dtype and values (strings equal, NaN where TF.js has NaN, numbers within `tol` relative to
 * max(1, |TF.js's value|)). Returns the disagreements (empty when the case passes); `tol` defaults to
 * the case's own (0 when it has none).
 */
export async function compareDiff(d: Diff, W: Wt, T: Tf, tol = d.tol ?? 0): Promise<string[]> {
  return compareOutputs(await d.ours(), await d.theirs(), W, T, tol);
}

/** compareDiff on outputs already computed; `floatTol` (default `tol`) is the tolerance of float32 and complex64 outputs. */
export async function compareOutputs(ours: Out, theirs: TOut, W: Wt, T: Tf, intTol: number, floatTol = intTol): Promise<string[]> {
  const isTensor = (x: unknown): boolean => x instanceof W.Tensor || x instanceof T.Tensor;
  const o_ = await flat(ours, isTensor), t_ = await flat(theirs, isTensor);
  if (o_.length !== t_.length) return [`${o_.length} outputs, TF.js ${t_.length}`];
  const problems: string[] = [];
  o_.forEach((o, k) => {
    const th = t_[k]!;
    const tol = o.dtype === 'float32' || o.dtype === 'complex64' ? floatTol : intTol;
    if (o.shape.join(',') !== th.shape.join(',')) problems.push(`output ${k} shape: ours [${o.shape}], TF.js [${th.shape}]`);
    else if (o.dtype !== th.dtype) problems.push(`output ${k} dtype: ours ${o.dtype}, TF.js ${th.dtype}`);
    else if (o.data.length !== th.data.length) problems.push(`output ${k}: ours ${o.data.length} values, TF.js ${th.data.length}`);
    else {
      for (let i = 0; i < o.data.length; i++) {
        const v = o.data[i]!, u = th.data[i]!;
        if (typeof u === 'string' || typeof v === 'string') {
          if (v !== u) { problems.push(`output ${k} [${i}]: ours ${JSON.stringify(v)}, TF.js ${JSON.stringify(u)}`); break; }
          continue;
        }
        if (Number.isNaN(u) || Number.isNaN(v)) {
          if (Number.isNaN(v) !== Number.isNaN(u)) { problems.push(`output ${k} [${i}]: ours ${v}, TF.js ${u}`); break; }
          continue;
        }
        const err = v === u ? 0 : Math.abs(v - u) / Math.max(1, Math.abs(u));
        if (!(err <= tol)) { problems.push(`output ${k} [${i}]: ours ${v}, TF.js ${u} (error ${err.toExponential(2)} > tol ${tol})`); break; }
      }
    }
  });
  return problems;
}

/** Whether both libraries refuse a bad input: TF.js throws, and ours throws an Error whose message starts 'op: '. Null when they do, else what went wrong. */
export function refusalProblem([what, ours, theirs]: Refusal): string | null {
  try { theirs(); return `TF.js accepted it: ${what}`; } catch { /* refused, as it should */ }
  const op = what.split(':')[0]!;
  try { ours(); } catch (e) {
    const m = (e as Error).message;
    return e instanceof Error && m.startsWith(`${op}: `) ? null : `ours threw ${JSON.stringify(m)}, expected a message starting '${op}: ' (${what})`;
  }
  return `ours accepted it: ${what}`;
}

export interface RunOptions {
  skip?: Record<string, string>;
  refuses?: Record<string, RegExp>;
  tolFloor?: number;
  log?: (line: string) => void;
}

/**
 * The least tolerance of float outputs per backend, whatever the case asks: wasm rounds a few ops
 * differently from TF.js's cpu (one ulp, 6e-8: leakyRelu, sum), and webgpu's transcendentals are
 * less exact (atan2 on SwiftShader: 1.4e-6). Integer, bool and string outputs stay exact.
 */
export const FLOAT_TOL_FLOOR: Record<string, number> = { cpu: 0, wasm: 1e-6, webgpu: 1e-5 };

/**
 * The cases that need the values of an input on the host to size their output: the webgpu backend,
 * which reads its buffers asynchronously, refuses them with an error saying so (README: "cpu and wasm").
 */
export function webgpuRefusals(diffs: Diff[]): Record<string, RegExp> {
  const host = /^(unique|sparse\.|raggedRange|raggedGather|raggedTensorToTensor|string\.stringNGrams)/;
  return Object.fromEntries(diffs.filter((d) => host.test(d.name)).map((d) => [d.name, /the webgpu backend reads (its buffers )?asynchronously/]));
}

/** What one runtime's run of the differential suite on one backend gives. */
export interface DiffSummary {
  backend: string;
  device: unknown;
  /** the cases defined, refusals included */
  total: number;
  passed: number;
  failed: { name: string; message: string }[];
  skipped: { name: string; reason: string }[];
  /** cases this backend refuses by design, that threw the error they should */
  refused: string[];
  /** our tensors still alive after the run, less those alive before it */
  numTensors: number;
  seconds: number;
}

/**
 * Run every differential case and refusal with our library on `backend` and TF.js on its own
 * (already selected) backend. `skip` names cases this runtime cannot run, with the reason (a
 * name that is not a case is a failure, so the list stays honest); `refuses` names cases that our
 * backend refuses by design, with the error it must throw (a case that then runs, or throws
 * another error, fails; default: webgpuRefusals on webgpu); `tolFloor` raises the tolerance of
 * float outputs to at least that (default FLOAT_TOL_FLOOR); `log` gets a line per case.
 */
export async function runDiffs(W: Wt, T: Tf, backend: string, opts: RunOptions = {}): Promise<DiffSummary> {
  const t0 = performance.now();
  await W.setBackend(backend as 'cpu');
  const device = W.backendInfo().device;
  const before = W.memory().numTensors;
  const diffs = diffCases(W, T), refusals = refusalCases(W, T);
  const skip = opts.skip ?? {}, log = opts.log ?? ((): void => undefined);
  const refuses = opts.refuses ?? (backend === 'webgpu' ? webgpuRefusals(diffs) : {}), floor = opts.tolFloor ?? FLOAT_TOL_FLOOR[backend] ?? 0;
  const names = new Set([...diffs.map((d) => d.name), ...refusals.map((r) => `refuses ${r[0]}`)]);
  const failed: DiffSummary['failed'] = [], skipped: DiffSummary['skipped'] = [];
  for (const n of [...Object.keys(skip), ...Object.keys(refuses)]) if (!names.has(n)) failed.push({ name: n, message: 'on a skip or refusal list but not a case' });
  const documented: string[] = [];
  let passed = 0;
  const record = (name: string, problems: string[]): void => {
    if (problems.length) failed.push({ name, message: problems.join('; ') });
    else passed++;
    log(`${problems.length ? 'FAIL' : 'ok  '} ${name}${problems.length ? `: ${problems.join('; ')}` : ''}`);
  };
  for (const d of diffs) {
    if (d.name in skip) { skipped.push({ name: d.name, reason: skip[d.name]! }); log(`skip ${d.name}: ${skip[d.name]}`); continue; }
    const tol = d.tol ?? 0;
    let ours: Out | null = null, theirs: TOut | null = null;
    const refusal = refuses[d.name];
    try {
      ours = await d.ours();
      if (refusal) record(d.name, [`ran, where this backend should refuse it with ${refusal}`]);
      else {
        theirs = await d.theirs();
        record(d.name, await compareOutputs(ours, theirs, W, T, tol, Math.max(tol, floor)));
      }
    } catch (e) {
      const m = (e as Error).message;
      if (refusal && refusal.test(m)) { documented.push(d.name); log(`refused ${d.name}: ${m}`); }
      else record(d.name, [`threw ${m}`]);
    }
    for (const x of [...(ours ? outputs(ours) : []), ...(theirs ? outputs(theirs) : [])]) x.dispose();
  }
  for (const r of refusals) {
    const name = `refuses ${r[0]}`;
    if (name in skip) { skipped.push({ name, reason: skip[name]! }); log(`skip ${name}: ${skip[name]}`); continue; }
    const p = refusalProblem(r);
    record(name, p ? [p] : []);
  }
  return {
    backend, device, total: names.size, passed, failed, skipped, refused: documented,
    numTensors: W.memory().numTensors - before, seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}
