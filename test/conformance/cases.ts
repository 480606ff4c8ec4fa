/**
 * The conformance cases: every public op and every gradient, each compared with the cpu reference
 * at a stated tolerance (|got - cpu| <= tol * max(1, |cpu|)). Framework-agnostic: a case gets the
 * library as `wt` and returns tensors; inputs are drawn with seeded wt.rand/randn on the backend
 * under test, so every backend sees the same numbers. Shapes are odd and small so a software GPU
 * runs the whole list quickly.
 */
import type * as WT from '../../src/index.js';

export type Wt = typeof WT;
export type Tensor = WT.Tensor;
type Out = Tensor | readonly Out[];

export interface Case {
  name: string;
  tol: number;
  fn: (wt: Wt) => Out;
}

export const CASES: Case[] = [];
const add = (name: string, tol: number, fn: (wt: Wt) => Out): void => {
  CASES.push({ name, tol, fn });
};

let seedCounter = 1000;
/** Standard normal input of `shape` (a fresh seed per call site, fixed across runs). */
const rn = (wt: Wt, shape: number[], seed: number, scale = 1): Tensor => wt.randn(shape, { seed, std: scale });
/** Uniform in [-0.5, 0.5): exact on every backend, for cases that must match bit for bit. */
const rx = (wt: Wt, shape: number[], seed: number): Tensor => wt.rand(shape, { seed }).sub(0.5);
const ru = (wt: Wt, shape: number[], seed: number, lo: number, hi: number): Tensor => wt.rand(shape, { seed, lo, hi });
/** A scalar that depends on every element of y with distinct weights, for gradient checks. */
const weigh = (wt: Wt, y: Tensor): Tensor => y.mul(wt.randn(y.shape as number[], { seed: 4242 })).sum();
const vg1 = (wt: Wt, f: (x: Tensor) => Tensor, x: Tensor): Out => wt.valueAndGrad((t: Tensor) => weigh(wt, f(t)))(x);
const vg2 = (wt: Wt, f: (a: Tensor, b: Tensor) => Tensor, a: Tensor, b: Tensor): Out =>
  wt.valueAndGrad((x: Tensor, y: Tensor) => weigh(wt, f(x, y)))([a, b]) as unknown as Out;

// ---- matmul: every transpose combination, odd/prime shapes, 1x1, vec4-friendly, several tiles ----
const MM_SHAPES: [number, number, number][] = [[1, 1, 1], [1, 5, 7], [7, 5, 1], [13, 17, 11], [36, 20, 44], [70, 33, 67]];
for (const [m, k, n] of MM_SHAPES) {
  for (const tA of [false, true]) {
    for (const tB of [false, true]) {
      const s = ++seedCounter;
      add(`matmul ${m}x${k}x${n} tA=${tA} tB=${tB}`, 1e-4, (wt) =>
        wt.matmul(rn(wt, tA ? [k, m] : [m, k], s), rn(wt, tB ? [n, k] : [k, n], s + 1), { transposeA: tA, transposeB: tB }));
    }
  }
}
add('matmul 128x96x80 (several tiles each way)', 1e-4, (wt) => wt.matmul(rn(wt, [128, 96], 1), rn(wt, [96, 80], 2)));
add('matmul k=0', 0, (wt) => wt.matmul(wt.zeros([3, 0]), wt.zeros([0, 5])));
add('matmul batched 3x3', 1e-4, (wt) => wt.matmul(rn(wt, [3, 5, 6], 3), rn(wt, [3, 6, 7], 4)));
add('matmul batch of 25', 1e-4, (wt) => wt.matmul(rn(wt, [25, 3, 4], 9), rn(wt, [25, 4, 2], 10)));
add('matmul batched x shared', 1e-4, (wt) => wt.matmul(rn(wt, [4, 9, 8], 5), rn(wt, [8, 12], 6)));
add('matmul shared x batched, transposed', 1e-4, (wt) => wt.matmul(rn(wt, [5, 9], 7), rn(wt, [2, 7, 5], 8), { transposeA: true, transposeB: true }));
for (const act of ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'step'] as const) {
  add(`fusedMatmul bias + ${act}`, 1e-4, (wt) =>
    wt.fusedMatmul(rn(wt, [9, 12], 11), rn(wt, [12, 10], 12), { bias: rn(wt, [10], 13), activation: act, alpha: 0.1 }));
  add(`fusedMatmul vec4 bias + ${act}`, 1e-4, (wt) =>
    wt.fusedMatmul(rn(wt, [16, 8], 14), rn(wt, [8, 12], 15), { bias: rn(wt, [1, 12], 16), activation: act }));
}
add('grad matmul', 1e-4, (wt) => vg2(wt, (a, b) => wt.matmul(a, b), rn(wt, [7, 5], 21), rn(wt, [5, 3], 22)));
add('grad matmul tA tB', 1e-4, (wt) => vg2(wt, (a, b) => wt.matmul(a, b, { transposeA: true, transposeB: true }), rn(wt, [5, 7], 23), rn(wt, [3, 5], 24)));
add('grad matmul batched x shared', 1e-4, (wt) => vg2(wt, (a, b) => wt.matmul(a, b), rn(wt, [3, 4, 5], 25), rn(wt, [5, 6], 26)));
for (const act of ['relu', 'sigmoid', 'tanh', 'leakyRelu'] as const) {
  add(`grad fusedMatmul ${act}`, 1e-4, (wt) => {
    const bias = rn(wt, [6], 27);
    return wt.valueAndGrad((a: Tensor, b: Tensor, c: Tensor) => weigh(wt, wt.fusedMatmul(a, b, { bias: c, activation: act })))([rn(wt, [5, 4], 28), rn(wt, [4, 6], 29), bias]) as unknown as Out;
  });
}

// ---- binary ops with broadcasting between different ranks ----
const PAIRS: [number[], number[]][] = [[[3, 5], [3, 5]], [[8], [8]], [[2, 3, 4], [4]], [[5, 1, 3], [4, 1]], [[2, 1, 3, 1], [4, 1, 5]], [[3, 4], []], [[], [2, 3]], [[6, 1], [1, 7]]];
const ARITH = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const;
for (const op of ARITH) {
  PAIRS.forEach(([sa, sb], i) => {
    const s = ++seedCounter;
    const b = (wt: Wt): Tensor => (op === 'div' ? ru(wt, sb, s + 1, 0.5, 2) : rn(wt, sb, s + 1));
    add(`${op} [${sa}] [${sb}]`, 1e-5, (wt) => wt[op](rn(wt, sa, s), b(wt)));
    if (i % 2 === 0 || op === 'maximum') add(`grad ${op} [${sa}] [${sb}]`, 1e-4, (wt) => vg2(wt, (x, y) => wt[op](x, y), rn(wt, sa, s), b(wt)));
  });
}
add('pow positive base', 1e-4, (wt) => wt.pow(ru(wt, [3, 4], 31, 0.5, 2), rn(wt, [4], 32)));
add('pow negative base, whole exponents', 1e-5, (wt) => wt.pow(wt.tensor([-2, -1.5, 3, 0, -3, 2]), wt.tensor([2, 3, 2, 0, 0, -1])));
add('grad pow', 1e-4, (wt) => vg2(wt, (x, y) => wt.pow(x, y), ru(wt, [2, 3], 33, 0.5, 2), ru(wt, [3], 34, -1, 2)));
for (const op of ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const) {
  add(`${op} with ties, broadcast`, 0, (wt) => wt[op](wt.tensor([[1, 2, 3], [3, 2, 1]]), wt.tensor([2, 2, 2])));
  add(`${op} same shape`, 0, (wt) => wt[op](wt.tensor([1, 5, -2, 0, 7, 7, 1, 2]), wt.tensor([1, 4, -2, 1, 8, 7, 0, 2])));
}
add('int32 add stays int32', 0, (wt) => wt.add(wt.tensor([1, 2, 3], [3], 'int32'), wt.tensor([10, -20, 30], [3], 'int32')));

// ---- unary ops and activations (odd size and a multiple of 4), with gradients ----
const UNARY = ['neg', 'exp', 'log', 'sqrt', 'abs', 'sign', 'tanh', 'sigmoid', 'relu', 'leakyRelu', 'step', 'square'] as const;
for (const op of UNARY) {
  const positive = op === 'log' || op === 'sqrt';
  const input = (wt: Wt, shape: number[], s: number): Tensor => (positive ? ru(wt, shape, s, 0.1, 4) : rn(wt, shape, s, 2));
  const s = ++seedCounter;
  add(`${op} [3,5]`, 1e-5, (wt) => wt[op](input(wt, [3, 5], s)));
  add(`${op} [4,4]`, 1e-5, (wt) => wt[op](input(wt, [4, 4], s + 1)));
  if (op !== 'sign' && op !== 'step') add(`grad ${op}`, 1e-4, (wt) => vg1(wt, (x) => wt[op](x), input(wt, [3, 5], s + 2)));
}
add('tanh/sigmoid/exp at extremes', 1e-5, (wt) => {
  const x = wt.tensor([-100, -30, -5, 0, 5, 30, 100]);
  return [wt.tanh(x), wt.sigmoid(x), wt.exp(wt.clip(x, -80, 80))];
});
add('exp of 6000 (a 2-D grid when grids are capped)', 1e-5, (wt) => wt.exp(rn(wt, [6000], 48)));
add('leakyRelu alpha 0.3', 1e-6, (wt) => wt.leakyRelu(rn(wt, [2, 7], 41), 0.3));
add('clip', 0, (wt) => wt.clip(rx(wt, [3, 7], 42), -0.5, 0.7));
add('grad clip', 1e-5, (wt) => vg1(wt, (x) => wt.clip(x, -0.5, 0.7), rn(wt, [3, 7], 43)));
for (const op of ['tanhGrad', 'sigmoidGrad', 'reluGrad', 'leakyReluGrad'] as const) {
  add(op, 1e-5, (wt) => wt[op](rn(wt, [5, 3], 44), rn(wt, [5, 3], 45)));
  add(`${op} vec4`, 1e-5, (wt) => wt[op](rn(wt, [8], 46), rn(wt, [8], 47)));
}

// ---- reductions on every axis, with and without keepDims ----
for (const op of ['sum', 'mean', 'max', 'min'] as const) {
  for (const axis of [0, 1, 2, -1, null, [0, 2]] as const) {
    for (const keep of [false, true]) {
      add(`${op} axis=${JSON.stringify(axis)} keepDims=${keep}`, 1e-5, (wt) => wt[op](rn(wt, [3, 4, 5], 51), axis as number, keep));
    }
    add(`grad ${op} axis=${JSON.stringify(axis)}`, 1e-4, (wt) => vg1(wt, (x) => wt[op](x, axis as number), rn(wt, [3, 4, 5], 52)));
  }
}
for (const axis of [0, 1, 2, -1]) add(`argMax axis=${axis}`, 0, (wt) => wt.argMax(rn(wt, [3, 4, 5], 53), axis));
add('argMax ties pick the first', 0, (wt) => wt.argMax(wt.tensor([[1, 3, 3, 0], [2, 2, 2, 2]]), 1));
add('sum of 3000 (tree reduction)', 1e-4, (wt) => wt.sum(rn(wt, [3000], 54)));
add('sum [3,700,5] axis 1', 1e-4, (wt) => wt.sum(rn(wt, [3, 700, 5], 55), 1));
add('max [2,600,70] axis 1', 0, (wt) => wt.max(rx(wt, [2, 600, 70], 56), 1));
add('mean [500,3] axis 0', 1e-5, (wt) => wt.mean(rn(wt, [500, 3], 57), 0));

// ---- softmax / logSoftmax: large logits, any axis; softmaxGrad ----
for (const log of [false, true]) {
  const op = log ? 'logSoftmax' : 'softmax';
  add(`${op} [4,10]`, 1e-5, (wt) => wt[op](rn(wt, [4, 10], 61)));
  add(`${op} large logits`, 1e-5, (wt) => wt[op](rn(wt, [3, 7], 62, 1000)));
  add(`${op} logits near 1000`, 1e-5, (wt) => wt[op](wt.tensor([[1000, 1001, 999], [-1000, 0, 1000]])));
  add(`${op} axis 0`, 1e-5, (wt) => wt[op](rn(wt, [6, 5], 63), 0));
  add(`${op} axis 1 of 3-D`, 1e-5, (wt) => wt[op](rn(wt, [3, 9, 4], 64), 1));
  add(`${op} 45 short rows`, 1e-5, (wt) => wt[op](rn(wt, [45, 3], 70)));
  add(`${op} long rows`, 1e-5, (wt) => wt[op](rn(wt, [2, 1000], 65, 5)));
  add(`grad ${op}`, 1e-4, (wt) => vg1(wt, (x) => wt[op](x), rn(wt, [4, 6], 66)));
  add(`grad ${op} axis 0`, 1e-4, (wt) => vg1(wt, (x) => wt[op](x, 0), rn(wt, [4, 6], 67)));
}
add('softmaxGrad', 1e-5, (wt) => wt.softmaxGrad(rn(wt, [3, 8], 68), wt.softmax(rn(wt, [3, 8], 69))));

// ---- movement: transpose, slice, gather, concat, oneHot, where, cast, broadcastTo ----
for (const perm of [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]) {
  add(`transpose [${perm}]`, 0, (wt) => wt.transpose(rx(wt, [2, 3, 5], 71), perm));
}
add('transpose 2-D', 0, (wt) => wt.transpose(rx(wt, [7, 3], 72)));
add('transpose rank 5', 0, (wt) => wt.transpose(rx(wt, [2, 3, 2, 1, 4], 73), [4, 2, 0, 3, 1]));
add('grad transpose', 1e-5, (wt) => vg1(wt, (x) => wt.transpose(x, [2, 0, 1]), rx(wt, [2, 3, 4], 74)));
add('slice 3-D', 0, (wt) => wt.slice(rx(wt, [5, 6, 7], 75), [1, 2, 3], [3, 2, 4]));
add('slice int32', 0, (wt) => wt.slice(wt.tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [0, 1], [2, 2]));
add('grad slice', 1e-5, (wt) => vg1(wt, (x) => wt.slice(x, [1, 0, 2], [2, 3, 3]), rx(wt, [4, 3, 6], 76)));
add('gather rows', 0, (wt) => wt.gather(rx(wt, [6, 4], 77), wt.tensor([0, 5, 2, 2], [4], 'int32')));
add('gather axis 1', 0, (wt) => wt.gather(rx(wt, [3, 5, 2], 78), wt.tensor([4, 0, 4], [3], 'int32'), 1));
add('gather int32', 0, (wt) => wt.gather(wt.tensor([10, 20, 30, 40], [4], 'int32'), wt.tensor([3, 1], [2], 'int32')));
add('grad gather (duplicate indices)', 1e-5, (wt) => vg1(wt, (x) => wt.gather(x, wt.tensor([1, 3, 1, 1, 0], [5], 'int32')), rx(wt, [5, 3], 79)));
add('concat axis 0', 0, (wt) => wt.concat([rx(wt, [2, 3], 80), rx(wt, [4, 3], 81), rx(wt, [1, 3], 82)], 0));
add('concat axis 1', 0, (wt) => wt.concat([rx(wt, [3, 2, 2], 83), rx(wt, [3, 5, 2], 84)], 1));
add('concat axis -1', 0, (wt) => wt.concat([rx(wt, [3, 2], 85), rx(wt, [3, 3], 86)], -1));
add('concat int32', 0, (wt) => wt.concat([wt.tensor([1, 2], [2], 'int32'), wt.tensor([3], [1], 'int32')]));
add('grad concat', 1e-5, (wt) => vg2(wt, (a, b) => wt.concat([a, b], 1), rx(wt, [2, 3], 87), rx(wt, [2, 4], 88)));
add('stack', 0, (wt) => wt.stack([rx(wt, [2, 3], 89), rx(wt, [2, 3], 90)], 1));
add('oneHot (out of range gives zeros)', 0, (wt) => wt.oneHot(wt.tensor([0, 3, 1, 9, -1], [5], 'int32'), 4));
add('oneHot 2-D indices', 0, (wt) => wt.oneHot(wt.tensor([[2, 0], [1, 1]], undefined, 'int32'), 3));
add('where', 0, (wt) => wt.where(wt.greater(rx(wt, [3, 4], 91), 0), rx(wt, [3, 4], 92), rx(wt, [3, 4], 93)));
add('where broadcast', 0, (wt) => wt.where(wt.greater(rx(wt, [3, 1], 94), 0), rx(wt, [4], 95), rx(wt, [3, 4], 96)));
add('where int32', 0, (wt) => wt.where(wt.tensor([1, 0, 1]), wt.tensor([1, 2, 3], [3], 'int32'), wt.tensor([-1, -2, -3], [3], 'int32')));
add('grad where', 1e-5, (wt) => vg2(wt, (a, b) => wt.where(wt.tensor([[1, 0, 1], [0, 0, 1]]), a, b), rx(wt, [2, 3], 97), rx(wt, [2, 3], 98)));
add('cast float32 -> int32 truncates', 0, (wt) => wt.cast(wt.tensor([-2.7, -0.5, 0, 0.5, 2.7, 1e6]), 'int32'));
add('cast int32 -> float32', 0, (wt) => wt.cast(wt.tensor([-7, 0, 12345678], [3], 'int32'), 'float32'));
add('broadcastTo', 0, (wt) => wt.broadcastTo(rx(wt, [3, 1], 99), [2, 3, 4]));
add('grad broadcastTo', 1e-5, (wt) => vg1(wt, (x) => wt.broadcastTo(x, [2, 3, 4]), rx(wt, [3, 1], 100)));
add('clone, expandDims, squeeze, reshape', 0, (wt) => {
  const x = rx(wt, [2, 1, 3], 101);
  return [wt.clone(x), wt.expandDims(x, 1), wt.squeeze(x), wt.reshape(x, [3, 2])];
});

// ---- random: the same seed gives the same numbers as the cpu ----
add('rand seed 7', 1e-6, (wt) => wt.rand([1001], { seed: 7 }));
add('rand lo/hi', 1e-6, (wt) => wt.rand([4, 5], { seed: 8, lo: -3, hi: 5 }));
add('randn seed 7', 1e-5, (wt) => wt.randn([1001], { seed: 7 }));
add('randn mean/std', 1e-5, (wt) => wt.randn([33], { seed: 123456789, mean: 2, std: 0.5 }));

// ---- fused optimizer updates (in place), two steps each ----
const OPT = { lr: 0.01, momentum: 0.9, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, t: 1 };
for (const [kind, nState, extra] of [
  ['sgd', 0, {}], ['momentum', 1, {}], ['momentum', 1, { nesterov: true }], ['rmsprop', 1, {}], ['adam', 2, {}],
] as const) {
  add(`applyUpdate ${kind}${'nesterov' in extra ? ' nesterov' : ''}`, 1e-5, (wt) => {
    const p = rn(wt, [7, 5], 111);
    const state = Array.from({ length: nState }, () => wt.zeros([7, 5]));
    for (let t = 1; t <= 2; t++) wt.applyUpdate(p, rn(wt, [7, 5], 111 + t), state, { ...OPT, ...extra, kind, t });
    return [p, ...state];
  });
}

// ---- composites: a softmax cross-entropy step through a dense layer ----
add('grad dense + softmax cross-entropy', 1e-4, (wt) => {
  const x = rn(wt, [6, 5], 121);
  const y = wt.oneHot(wt.tensor([0, 2, 1, 3, 3, 0], [6], 'int32'), 4);
  return wt.valueAndGrad((w: Tensor, b: Tensor) => wt.neg(wt.mean(wt.sum(wt.mul(wt.logSoftmax(wt.fusedMatmul(x, w, { bias: b })), y), 1))))([rn(wt, [5, 4], 122), rn(wt, [4], 123)]) as unknown as Out;
});

// ---- conv2d and pooling (NHWC): odd sizes, strides 2 and 3, 1x1 and whole-image kernels,
// many channels (vec4 paths), batch 1, dilation, 'same' / 'valid', fused epilogue, gradients ----
type Pad = 'same' | 'valid';
const CONVS: [string, number[], number[], [number, number], Pad, [number, number]][] = [
  ['odd sizes valid', [2, 7, 5, 3], [3, 3, 3, 4], [1, 1], 'valid', [1, 1]],
  ['odd sizes same', [2, 7, 5, 3], [3, 3, 3, 4], [1, 1], 'same', [1, 1]],
  ['strides 2,3 same', [1, 9, 8, 2], [3, 2, 2, 5], [2, 3], 'same', [1, 1]],
  ['strides 3,2 valid', [1, 9, 8, 2], [3, 2, 2, 5], [3, 2], 'valid', [1, 1]],
  ['1x1', [3, 6, 6, 5], [1, 1, 5, 7], [1, 1], 'valid', [1, 1]],
  ['1x1 stride 2 same', [1, 6, 6, 5], [1, 1, 5, 7], [2, 2], 'same', [1, 1]],
  ['whole image', [2, 5, 4, 3], [5, 4, 3, 6], [1, 1], 'valid', [1, 1]],
  ['whole image same', [1, 5, 4, 3], [5, 4, 3, 6], [1, 1], 'same', [1, 1]],
  ['many channels (vec4)', [1, 4, 4, 40], [3, 3, 40, 33], [1, 1], 'same', [1, 1]],
  ['8 channels stride 2', [2, 9, 7, 8], [3, 3, 8, 16], [2, 2], 'same', [1, 1]],
  ['dilation 2,3 same', [2, 10, 9, 2], [3, 3, 2, 3], [1, 1], 'same', [2, 3]],
  ['dilation 3,2 stride 2 valid', [1, 11, 11, 1], [2, 3, 1, 2], [2, 2], 'valid', [3, 2]],
  ['dilation 2, 4 channels', [1, 8, 8, 4], [3, 3, 4, 4], [1, 1], 'same', [2, 2]],
  // wasm's implicit GEMM: a k range past one k-block, rows past one row block, and the input
  // gradient through the turned-around window ('same', a panel of input channels)
  ['implicit: 3x3x32 same', [2, 9, 8, 32], [3, 3, 32, 12], [1, 1], 'same', [1, 1]],
  ['implicit: 16 channels valid', [3, 8, 9, 16], [3, 3, 16, 9], [1, 1], 'valid', [1, 1]],
  ['implicit: 8 channels same dilation 2', [2, 7, 7, 8], [3, 2, 8, 8], [1, 1], 'same', [2, 1]],
  // 1296 pixels for a 18 x 3 filter gradient: webgpu splits them (split-K) into 4 chunks
  ['many pixels, small filter (split-K)', [4, 18, 18, 2], [3, 3, 2, 3], [1, 1], 'same', [1, 1]],
];
for (const [name, xs, fs, s, pad, d] of CONVS) {
  const seed = ++seedCounter;
  add(`conv2d ${name}`, 1e-4, (wt) => wt.conv2d(rn(wt, xs, seed), rn(wt, fs, seed + 1), s, pad, 'NHWC', d));
  add(`grad conv2d ${name}`, 1e-4, (wt) => vg2(wt, (x, f) => wt.conv2d(x, f, s, pad, 'NHWC', d), rn(wt, xs, seed), rn(wt, fs, seed + 1)));
}
add('conv2d rank 3', 1e-4, (wt) => wt.conv2d(rn(wt, [6, 5, 4], 131), rn(wt, [3, 3, 4, 2], 132), 1, 'same'));
add('conv2d NCHW', 1e-4, (wt) => wt.conv2d(rn(wt, [2, 3, 6, 5], 133), rn(wt, [3, 3, 3, 2], 134), 2, 'same', 'NCHW'));
for (const activation of ['linear', 'relu', 'sigmoid', 'tanh', 'leakyrelu'] as const) {
  add(`fused conv2d bias + ${activation}`, 1e-4, (wt) =>
    wt.fused.conv2d({ x: rn(wt, [2, 6, 7, 3], 135), filter: rn(wt, [3, 3, 3, 8], 136), strides: 1, pad: 'same', bias: rn(wt, [8], 137), activation, leakyreluAlpha: 0.1 }));
}
add('grad fused conv2d bias + relu', 1e-4, (wt) =>
  wt.valueAndGrad((x: Tensor, f: Tensor, b: Tensor) => weigh(wt, wt.fusedConv2d({ x, filter: f, strides: 2, pad: 'same', bias: b, activation: 'relu' })))(
    [rn(wt, [2, 7, 6, 3], 138), rn(wt, [3, 3, 3, 4], 139), rn(wt, [4], 140)]) as unknown as Out);
// ---- depthwiseConv2d and separableConv2d: multiplier 1 (vec4 channels, channel blocks of 32),
// odd channels, multipliers 2 and 3, strides, dilation, 'same' / 'valid', gradients ----
const DEPTHWISE: [string, number[], number[], [number, number], Pad, [number, number]][] = [
  ['3x3 same', [2, 7, 6, 8], [3, 3, 8, 1], [1, 1], 'same', [1, 1]],
  ['odd channels valid', [1, 7, 5, 3], [3, 2, 3, 1], [1, 1], 'valid', [1, 1]],
  ['multiplier 2 stride 2 same', [2, 8, 7, 4], [3, 3, 4, 2], [2, 2], 'same', [1, 1]],
  ['multiplier 3 strides 2,1 valid', [1, 9, 8, 5], [2, 3, 5, 3], [2, 1], 'valid', [1, 1]],
  ['dilation 2 same', [1, 9, 9, 6], [3, 3, 6, 1], [1, 1], 'same', [2, 2]],
  ['40 channels (two blocks)', [1, 5, 6, 40], [3, 3, 40, 1], [1, 1], 'same', [1, 1]],
  ['5x5 stride 2 same', [2, 9, 10, 4], [5, 5, 4, 1], [2, 2], 'same', [1, 1]],
  ['1x1 multiplier 2', [2, 3, 4, 3], [1, 1, 3, 2], [1, 1], 'valid', [1, 1]],
];
for (const [name, xs, fs, s, pad, d] of DEPTHWISE) {
  const seed = ++seedCounter;
  add(`depthwiseConv2d ${name}`, 1e-4, (wt) => wt.depthwiseConv2d(rn(wt, xs, seed), rn(wt, fs, seed + 1), s, pad, 'NHWC', d));
  add(`grad depthwiseConv2d ${name}`, 1e-4, (wt) => vg2(wt, (x, f) => wt.depthwiseConv2d(x, f, s, pad, 'NHWC', d), rn(wt, xs, seed), rn(wt, fs, seed + 1)));
}
add('depthwiseConv2d rank 3', 1e-4, (wt) => wt.depthwiseConv2d(rn(wt, [6, 5, 4], 141), rn(wt, [3, 3, 4, 2], 142), 1, 'same'));
add('depthwiseConv2d NCHW', 1e-4, (wt) => wt.depthwiseConv2d(rn(wt, [2, 3, 6, 5], 143), rn(wt, [3, 3, 3, 1], 144), 2, 'same', 'NCHW'));
add('fused depthwiseConv2d bias + relu, gradients', 1e-4, (wt) =>
  wt.valueAndGrad((x: Tensor, f: Tensor, b: Tensor) => weigh(wt, wt.fused.depthwiseConv2d({ x, filter: f, strides: 1, pad: 'same', bias: b, activation: 'relu' })))(
    [rn(wt, [2, 6, 5, 4], 145), rn(wt, [3, 3, 4, 2], 146), rn(wt, [8], 147)]) as unknown as Out);
add('separableConv2d and its gradients', 1e-4, (wt) =>
  wt.valueAndGrad((x: Tensor, dw: Tensor, pw: Tensor) => weigh(wt, wt.separableConv2d(x, dw, pw, 1, 'same')))(
    [rn(wt, [2, 7, 6, 4], 148), rn(wt, [3, 3, 4, 2], 149), rn(wt, [1, 1, 8, 5], 150)]) as unknown as Out);
const POOLS: [number[], [number, number], [number, number], Pad][] = [
  [[2, 7, 6, 3], [2, 2], [2, 2], 'valid'],
  [[1, 7, 6, 4], [3, 3], [2, 2], 'same'],
  [[1, 8, 7, 2], [2, 3], [3, 1], 'same'],
  [[2, 5, 5, 8], [5, 5], [1, 1], 'valid'],
  [[1, 5, 4, 1], [3, 2], [1, 1], 'same'],
  [[2, 9, 9, 16], [2, 2], [2, 2], 'same'],
];
for (const [xs, k, s, pad] of POOLS) {
  const seed = ++seedCounter;
  const name = `[${xs}] window [${k}] strides [${s}] ${pad}`;
  // uniform inputs are exact on every backend, so the max must match bit for bit
  add(`maxPool ${name}`, 0, (wt) => wt.maxPool(rx(wt, xs, seed), k, s, pad));
  add(`avgPool ${name}`, 1e-5, (wt) => wt.avgPool(rn(wt, xs, seed), k, s, pad));
  add(`grad maxPool ${name}`, 1e-5, (wt) => vg1(wt, (x) => wt.maxPool(x, k, s, pad), rx(wt, xs, seed)));
  add(`grad avgPool ${name}`, 1e-5, (wt) => vg1(wt, (x) => wt.avgPool(x, k, s, pad), rn(wt, xs, seed)));
}
add('maxPool rank 3, ties pick the first tap', 1e-5, (wt) =>
  wt.valueAndGrad((x: Tensor) => weigh(wt, wt.maxPool(x, 2, 1, 'same')))(wt.tensor([[[1], [3]], [[3], [0]]])) as unknown as Out);

// pad's constant may be infinite (max pooling pads with -Infinity): x's values stay exact.
add('pad with -Infinity and Infinity constants, and its gradient', 1e-6, (wt) => [
  wt.pad(rn(wt, [2, 3], 2001), [[1, 0], [0, 2]], -Infinity),
  wt.pad(rn(wt, [3, 2, 2], 2002), [[0, 1], [1, 1], [0, 0]], Infinity),
  wt.grad((x: Tensor) => weigh(wt, wt.pad(x, [[1, 1], [1, 0]], -Infinity).maximum(-5)))(rn(wt, [2, 3], 2003)) as Tensor,
]);

// The TensorFlow.js math and activation cases live in their own file.
import { MATH_CASES } from './cases-math.ts';
CASES.push(...MATH_CASES);

// The scan, top-k and N-D indexing cases live in their own file.
import { SCAN_CASES } from './cases-scan.ts';
CASES.push(...SCAN_CASES);
import { WINDOW_CASES } from './cases-window.ts';
CASES.push(...WINDOW_CASES);
// complex64, spectral, signal, linalg, einsum, bitwiseAnd.
import { COMPLEX_CASES } from './cases-complex.ts';
CASES.push(...COMPLEX_CASES);
