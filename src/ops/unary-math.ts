/**
 * TensorFlow.js's unary math as members of the unary kernel (one line per backend each): rounding,
 * trigonometric and hyperbolic functions and their inverses, erf, expm1, log1p, and the NaN / Inf
 * tests (bool). Each gradient stands beside its op; rounding has zero gradient, as in TensorFlow.js.
 */
import type { UnaryOp } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { defineOp, runKernel, toTensor, type TensorLike } from './core.js';
import { add, div, exp, mul, neg, sqrt, square, sub, unary, unaryRaw } from './elementwise.js';

/** The smallest whole number >= x. @function */
export const ceil = unary('ceil', (dy) => mul(dy, 0));
/** The largest whole number <= x. @function */
export const floor = unary('floor', (dy) => mul(dy, 0));
/** x rounded to the nearest whole number, halves to even (as TensorFlow.js). @function */
export const round = unary('round', (dy) => mul(dy, 0));
/** sin x (radians). @function */
export const sin = unary('sin', (dy, x) => mul(dy, cos(x)));
/** cos x (radians). @function */
export const cos = unary('cos', (dy, x) => neg(mul(dy, sin(x))));
/** tan x (radians). @function */
export const tan = unary('tan', (dy, x) => div(dy, square(cos(x))));
/** arcsin x, NaN outside [-1, 1]. @function */
export const asin = unary('asin', (dy, x) => div(dy, sqrt(sub(1, square(x)))));
/** arccos x, NaN outside [-1, 1]. @function */
export const acos = unary('acos', (dy, x) => neg(div(dy, sqrt(sub(1, square(x))))));
/** arctan x. @function */
export const atan = unary('atan', (dy, x) => div(dy, add(square(x), 1)));
/** sinh x. @function */
export const sinh = unary('sinh', (dy, x) => mul(dy, cosh(x)));
/** cosh x. @function */
export const cosh = unary('cosh', (dy, x) => mul(dy, sinh(x)));
/** asinh x. @function */
export const asinh = unary('asinh', (dy, x) => div(dy, sqrt(add(square(x), 1))));
/** acosh x, NaN below 1. @function */
export const acosh = unary('acosh', (dy, x) => div(dy, sqrt(sub(square(x), 1))));
/** atanh x, NaN outside [-1, 1]. @function */
export const atanh = unary('atanh', (dy, x) => div(dy, sub(1, square(x))));
/** The error function, by TensorFlow.js's approximation (Abramowitz and Stegun 7.1.26, error below 1.5e-7). @function */
export const erf = unary('erf', (dy, x) => mul(dy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))));
/** e^x - 1, accurate for small x. @function */
export const expm1 = unary('expm1', (dy, x) => mul(dy, exp(x)));
/** log(1 + x), accurate for small x. @function */
export const log1p = unary('log1p', (dy, x) => div(dy, add(x, 1)));

function test(op: UnaryOp) {
  return defineOp(op, (a: TensorLike): Tensor => {
    const x = toTensor(op, a);
    const m = unaryRaw(op, x);
    const mi = runKernel('cast', [m], m.shape, 'int32', { from: 'float32', to: 'int32' });
    return mi.viewAs('bool');
  });
}
/** Whether x is NaN, as bool (on webgpu from its bits, since WGSL may assume no NaN). @function */
export const isNaN = test('isNaN');
/** Whether x is +-Infinity, as bool. @function */
export const isInf = test('isInf');
/** Whether x is neither NaN nor +-Infinity, as bool. @function */
export const isFinite = test('isFinite');
