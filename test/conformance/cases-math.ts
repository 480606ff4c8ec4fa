/**
 * Conformance cases of the TensorFlow.js math and activation ops: the unary kernel on NaN and the
 * infinities (relu and step keep NaN, step's alpha), the composed activations (relu6, elu, selu,
 * prelu, softplus, logSigmoid, softsign) and the fused epilogues that use them, with gradients.
 * Pushed onto CASES by cases.ts.
 */
import type { Case, Tensor, Wt } from './cases.ts';

type Out = Tensor | readonly Out[];
export const MATH_CASES: Case[] = [];
const add = (name: string, tol: number, fn: (wt: Wt) => Out): void => {
  MATH_CASES.push({ name, tol, fn });
};
const rn = (wt: Wt, shape: number[], seed: number, scale = 1): Tensor => wt.randn(shape, { seed, std: scale });
const weigh = (wt: Wt, y: Tensor): Tensor => y.mul(wt.randn(y.shape as number[], { seed: 4343 })).sum();
const vg = (wt: Wt, f: (...x: Tensor[]) => Tensor, ...xs: Tensor[]): Out =>
  wt.valueAndGrad((...t: Tensor[]) => weigh(wt, f(...t)))(xs) as unknown as Out;

const SPECIAL = [NaN, -Infinity, -3, -1, -0.25, 0, 0.25, 1, 3, 7, Infinity];
// WGSL lets a compiler assume no NaN, so only the unary kernel's relu and step promise NaN on
// webgpu (they test its bits); the composed activations are held to the infinities.
const EXTREME = SPECIAL.slice(1);

add('relu, step and leakyRelu on NaN and the infinities', 0, (wt) => {
  const x = wt.tensor(SPECIAL);
  return [wt.relu(x), wt.step(x), wt.step(x, 0.5), wt.leakyRelu(x, 0.1)];
});
add('step alpha -2 [4,4] (vec4)', 0, (wt) => wt.step(rn(wt, [4, 4], 5001), -2));

const ACTS = ['relu6', 'elu', 'selu', 'softplus', 'logSigmoid', 'softsign'] as const;
let seed = 5100;
for (const op of ACTS) {
  const s = (seed += 3);
  add(`${op} [3,5]`, 1e-5, (wt) => wt[op](rn(wt, [3, 5], s, 4)));
  add(`${op} on the infinities`, 1e-5, (wt) => wt[op](wt.tensor(EXTREME)));
  add(`grad ${op}`, 1e-4, (wt) => vg(wt, (x) => wt[op](x), rn(wt, [3, 5], s + 1, 4)));
}
add('prelu with per-channel alpha', 1e-5, (wt) => wt.prelu(rn(wt, [3, 4], 5201, 2), wt.tensor([0.1, 0.2, -0.3, 0.5])));
add('grad prelu', 1e-4, (wt) => vg(wt, (x, a) => wt.prelu(x, a), rn(wt, [3, 4], 5202, 2), rn(wt, [4], 5203)));
for (const activation of ['relu6', 'elu', 'prelu'] as const) {
  add(`fusedMatmul bias + ${activation}`, 1e-4, (wt) =>
    wt.fusedMatmul(rn(wt, [9, 12], 5301, 2), rn(wt, [12, 10], 5302), { bias: rn(wt, [10], 5303), activation, preluActivationWeights: rn(wt, [10], 5304) }));
  add(`grad fusedMatmul ${activation}`, 1e-4, (wt) =>
    vg(wt, (a, b, p) => wt.fusedMatmul(a, b, { activation, preluActivationWeights: p }), rn(wt, [5, 6], 5305, 2), rn(wt, [6, 4], 5306), rn(wt, [4], 5307)));
}

// ---- bool: comparisons and logical ops give bool, cast and where take it ----
add('comparisons give bool [3,5] vs [5]', 0, (wt) => {
  const a = rn(wt, [3, 5], 5401), b = rn(wt, [5], 5402);
  return [wt.equal(a, a), wt.less(a, b), wt.greaterEqual(a, b), wt.notEqual(a, b)];
});
add('logical ops with broadcasting', 0, (wt) => {
  const a = wt.greater(rn(wt, [4, 3], 5403), 0), b = wt.tensor([true, false, true]);
  return [wt.logicalAnd(a, b), wt.logicalOr(a, b), wt.logicalXor(a, b), wt.logicalNot(a)];
});
add('cast to and from bool, where on bool, sum of bool', 0, (wt) => {
  const m = wt.cast(wt.tensor([0, 2, -1, 0, 0.5]), 'bool');
  return [m, wt.cast(m, 'float32'), wt.cast(m, 'int32'), wt.where(m, wt.tensor([1, 2, 3, 4, 5]), 0), wt.sum(m), wt.cast(wt.tensor([3, 0], [2], 'int32'), 'bool')];
});
add('bool through slice, concat, transpose, gather, reshape', 0, (wt) => {
  const m = wt.greater(rn(wt, [3, 4], 5404), 0);
  return [wt.slice(m, [1, 1], [2, 2]), wt.concat([m, m], 1), wt.transpose(m), wt.gather(m, wt.tensor([2, 0], [2], 'int32')), m.reshape([4, 3])];
});

// ---- int32 in the kernels' int forms (values below 2^24, so gpujs's float textures agree) ----
const ints = (wt: Wt, shape: number[], seed: number, lo = -5000, hi = 5000): Tensor => wt.cast(wt.rand(shape, { seed, lo, hi }), 'int32');
add('int32 add sub mul max min floorDiv mod, broadcast', 0, (wt) => {
  const a = ints(wt, [3, 5], 5501), b = wt.add(ints(wt, [5], 5502, -20, 20), 0);
  return [wt.add(a, b), wt.sub(a, b), wt.mul(a, b), wt.maximum(a, b), wt.minimum(a, b), wt.floorDiv(a, b), wt.mod(a, b), wt.mod(a, 7)];
});
add('int32 [4,4] (vec4) same shape, with zero divisors', 0, (wt) => {
  const a = ints(wt, [4, 4], 5503), b = ints(wt, [4, 4], 5504, -3, 3);
  return [wt.add(a, b), wt.mul(a, b), wt.floorDiv(a, b), wt.mod(a, b), wt.less(a, b), wt.equal(b, 0)];
});
add('int32 neg abs sign', 0, (wt) => {
  const a = ints(wt, [3, 5], 5505);
  return [wt.neg(a), wt.abs(a), wt.sign(a), wt.neg(ints(wt, [8], 5506))];
});
add('int32 sum max min argMax along each axis', 0, (wt) => {
  const a = ints(wt, [3, 4, 5], 5507);
  return [wt.sum(a), wt.sum(a, 1), wt.max(a, 0), wt.min(a, 2), wt.argMax(a, 1), wt.max(a), wt.sum(a, [0, 2])];
});
// mod as a - b floor(a / b) on the gpu backends loses a few bits to cancellation against JavaScript's exact %.
add('float32 floorDiv and mod', 1e-4, (wt) => {
  const a = rn(wt, [3, 5], 5508, 10), b = rn(wt, [5], 5509, 3);
  return [wt.floorDiv(a, b), wt.mod(a, b)];
});
add('grad mod', 1e-4, (wt) => vg(wt, (a, b) => wt.mod(a, b), rn(wt, [3, 5], 5510, 10), wt.add(wt.abs(rn(wt, [5], 5511)), 1)));

// ---- unary kernel members: rounding, trigonometric, hyperbolic, erf, expm1, log1p, NaN / Inf tests ----
const DOMAIN: Record<string, [number, number]> = {
  ceil: [-5, 5], floor: [-5, 5], round: [-5, 5], sin: [-10, 10], cos: [-10, 10], tan: [-1.4, 1.4], asin: [-0.99, 0.99], acos: [-0.99, 0.99],
  atan: [-20, 20], sinh: [-5, 5], cosh: [-5, 5], asinh: [-50, 50], acosh: [1.01, 50], atanh: [-0.95, 0.95], erf: [-3, 3], expm1: [-3, 3], log1p: [-0.9, 5],
};
let useed = 5600;
for (const [op, [lo, hi]] of Object.entries(DOMAIN) as [keyof typeof DOMAIN & keyof Wt, [number, number]][]) {
  const s = (useed += 3);
  const f = (wt: Wt, x: Tensor): Tensor => (wt[op] as (t: Tensor) => Tensor)(x);
  // WGSL's built-in asinh is a few float32 ulps looser than the others (SwiftShader).
  const tol = op === 'asinh' ? 6e-5 : 2e-5;
  add(`${op} [3,5]`, tol, (wt) => f(wt, wt.rand([3, 5], { seed: s, lo, hi })));
  add(`${op} [4,4] (vec4)`, tol, (wt) => f(wt, wt.rand([4, 4], { seed: s + 1, lo, hi })));
  if (op !== 'ceil' && op !== 'floor' && op !== 'round') add(`grad ${op}`, 3 * tol > 1e-4 ? 3 * tol : 1e-4, (wt) => vg(wt, (x) => f(wt, x), wt.rand([3, 5], { seed: s + 2, lo, hi })));
}
add('round halves to even; expm1 and log1p near 0', 1e-6, (wt) => [
  wt.round(wt.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 2.4, -2.6])),
  wt.expm1(wt.tensor([1e-3, -1e-4, 1e-7, 0])), wt.log1p(wt.tensor([1e-3, -1e-4, 1e-7, 0])),
]);
add('isNaN isInf isFinite', 0, (wt) => {
  const x = wt.tensor([NaN, Infinity, -Infinity, 0, -3.5, 1e38, 5]);
  return [wt.isNaN(x), wt.isInf(x), wt.isFinite(x)];
});
add('atan2 broadcast, quadrants and axes', 2e-5, (wt) => [
  wt.atan2(rn(wt, [3, 5], 5700), rn(wt, [5], 5701)),
  wt.atan2(wt.tensor([0, 1, -1, 0, 0, 2, -2, 1, -1]), wt.tensor([0, 0, 0, 1, -1, -2, -2, 1, -1])),
]);
add('grad atan2', 1e-4, (wt) => vg(wt, (a, b) => wt.atan2(a, b), rn(wt, [3, 5], 5702), rn(wt, [5], 5703)));
