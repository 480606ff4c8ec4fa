/**
 * Elementwise ops: broadcasting binary arithmetic and comparisons, unary math and activations,
 * the activation derivatives, where and clip. Each op's gradient is written beside it.
 */
import { INT_BINARY_OPS, INT_UNARY_OPS, type ActivationGradOp, type BinaryOp, type UnaryOp } from '../backend/backend.js';
import { broadcastShapes, fmt, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkAlloc } from '../limits.js';
import { storageOf } from '../dtype.js';
import { engine } from '../engine.js';
import { argDType, argShape, assertFloat, backendOf, checkNumber, defineOp, record, runKernel, toTensor, type TensorLike } from './core.js';
import { sumTo } from './reduce.js';
import { broadcastTo, cast } from './movement.js';
import { complexAbs, complexBinary, complexNeg, isComplexArg } from './complex.js';

/**
 * Two int32 (or bool) operands run these in the kernel's int32 form, exactly over the whole int32
 * range (wrapping as two's complement); div and pow go through float32 (div is always float32).
 */
const INT_OPS = new Set<BinaryOp>(INT_BINARY_OPS);

/** @internal The binary kernel on two tensors: int32 forms for int operands, float32 otherwise; comparisons give bool. */
export function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const outShape = broadcastShapes(op, a.shape, b.shape);
  if (a.dtype !== 'float32' && b.dtype !== 'float32' && INT_OPS.has(op)) {
    const y = runKernel('binary', [a, b], outShape, 'int32', { op, dtype: 'int32', aShape: a.shape, bShape: b.shape, outShape });
    if (!COMPARISONS.has(op)) return y;
    const yb = y.viewAs('bool');
    y.dispose();
    return yb;
  }
  const af = a.dtype === 'float32' ? a : cast(a, 'float32');
  const bf = b.dtype === 'float32' ? b : cast(b, 'float32');
  const y = runKernel('binary', [af, bf], outShape, 'float32', { op, dtype: 'float32', aShape: a.shape, bShape: b.shape, outShape });
  if (af !== a) af.dispose();
  if (bf !== b) bf.dispose();
  if (COMPARISONS.has(op)) {
    // The kernel's 1/0 mask becomes the int32 0/1 that bool is stored as.
    const yi = runKernel('cast', [y], outShape, 'int32', { from: 'float32', to: 'int32' });
    const yb = yi.viewAs('bool');
    y.dispose();
    yi.dispose();
    return yb;
  }
  return y;
}

const COMPARISONS = new Set<BinaryOp>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual']);

/** A number beside an int32 (or bool) tensor stays int32 only when it is a whole number. */
function scalarDType(v: TensorLike, other: TensorLike): 'int32' | undefined {
  return typeof v === 'number' && Number.isInteger(v) && other instanceof Tensor && other.dtype !== 'float32' ? 'int32' : undefined;
}

/** @internal Both operands of a binary op as tensors on one backend, broadcasting and size checked first. */
export function binaryArgs(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const backend = backendOf(op, [a, b]);
  // Two tensors: nothing is created before the kernel's output, whose allocation runs the same
  // checks under the same op name (the outermost op's), so the early check would only repeat them.
  if (a instanceof Tensor && b instanceof Tensor && engine.opName === op) return [a, b];
  // Check broadcasting and the output's size before numbers or arrays become tensors, so a bad call leaves nothing behind.
  const sa = argShape(op, a), sb = argShape(op, b);
  if (sa && sb) checkAlloc(op, broadcastShapes(op, sa, sb), 'float32', backend);
  return [toTensor(op, a, backend, scalarDType(a, b)), toTensor(op, b, backend, scalarDType(b, a))];
}

/** a + b with broadcasting. @function */
export const add = defineOp('add', (a: TensorLike, b: TensorLike): Tensor => {
  if (isComplexArg(a) || isComplexArg(b)) return complexBinary('add', a, b);
  const [x, y] = binaryArgs('add', a, b);
  return record('add', [x, y], binaryRaw('add', x, y), (dy) => [sumTo(dy, x.shape), sumTo(dy, y.shape)]);
});

/** a - b with broadcasting. @function */
export const sub = defineOp('sub', (a: TensorLike, b: TensorLike): Tensor => {
  if (isComplexArg(a) || isComplexArg(b)) return complexBinary('sub', a, b);
  const [x, y] = binaryArgs('sub', a, b);
  return record('sub', [x, y], binaryRaw('sub', x, y), (dy) => [sumTo(dy, x.shape), sumTo(neg(dy), y.shape)]);
});

/** a * b with broadcasting. @function */
export const mul = defineOp('mul', (a: TensorLike, b: TensorLike): Tensor => {
  if (isComplexArg(a) || isComplexArg(b)) return complexBinary('mul', a, b);
  const [x, y] = binaryArgs('mul', a, b);
  return record('mul', [x, y], binaryRaw('mul', x, y), (dy) => [sumTo(mul(dy, y), x.shape), sumTo(mul(dy, x), y.shape)]);
});

/** a / b with broadcasting (always float32). @function */
export const div = defineOp('div', (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = binaryArgs('div', a, b);
  const out = binaryRaw('div', x, y);
  return record('div', [x, y], out, (dy) => [sumTo(div(dy, y), x.shape), sumTo(neg(div(mul(dy, out), y)), y.shape)]);
});

/** a ** b with broadcasting. d/db uses log(a), so it is only meaningful where a > 0. @function */
export const pow = defineOp('pow', (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = binaryArgs('pow', a, b);
  const out = binaryRaw('pow', x, y);
  return record('pow', [x, y], out, (dy) => [
    sumTo(mul(dy, mul(y, pow(x, sub(y, 1)))), x.shape),
    sumTo(mul(dy, mul(out, log(where(greater(x, 0), x, 1)))), y.shape),
  ]);
});

/** Elementwise maximum; the gradient goes to a where a >= b. @function */
export const maximum = defineOp('maximum', (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = binaryArgs('maximum', a, b);
  return record('maximum', [x, y], binaryRaw('max', x, y), (dy) => {
    const m = greaterEqual(x, y);
    return [sumTo(mul(dy, m), x.shape), sumTo(mul(dy, sub(1, m)), y.shape)];
  });
});

/** Elementwise minimum; the gradient goes to a where a <= b. @function */
export const minimum = defineOp('minimum', (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = binaryArgs('minimum', a, b);
  return record('minimum', [x, y], binaryRaw('min', x, y), (dy) => {
    const m = lessEqual(x, y);
    return [sumTo(mul(dy, m), x.shape), sumTo(mul(dy, sub(1, m)), y.shape)];
  });
});

function compare(op: BinaryOp) {
  return defineOp(op, (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y] = binaryArgs(op, a, b);
    return binaryRaw(op, x, y);
  });
}
/**
 * a == b elementwise with broadcasting, as a bool tensor (read back as a Uint8Array of 1 and 0, as
 * in TensorFlow.js; arithmetic on it counts true as 1). The comparisons have no gradient; shapes
 * that do not broadcast throw an Error naming both.
 * @function
 */
export const equal = compare('equal');
/** a != b elementwise with broadcasting, as a bool tensor (no gradient). @function */
export const notEqual = compare('notEqual');
/** a < b elementwise with broadcasting, as a bool tensor (no gradient). @function */
export const less = compare('less');
/** a <= b elementwise with broadcasting, as a bool tensor (no gradient). @function */
export const lessEqual = compare('lessEqual');
/** a > b elementwise with broadcasting, as a bool tensor (no gradient). @function */
export const greater = compare('greater');
/** a >= b elementwise with broadcasting, as a bool tensor (no gradient). @function */
export const greaterEqual = compare('greaterEqual');

/** @internal The unary kernel on a tensor (int32 forms for int32 input where they exist, else float32). */
export function unaryRaw(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  if (x.dtype !== 'float32' && INT_UNARY_OPS.includes(op)) return runKernel('unary', [x], x.shape, 'int32', { op, dtype: 'int32', alpha });
  const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
  const y = runKernel('unary', [xf], x.shape, 'float32', { op, dtype: 'float32', alpha });
  if (xf !== x) xf.dispose();
  return y;
}

/** @internal An op of one unary kernel member with its gradient. */
export function unary(op: UnaryOp, grad: (dy: Tensor, x: Tensor, y: Tensor) => Tensor | null) {
  return defineOp(op, (a: TensorLike): Tensor => {
    const x = toTensor(op, a);
    const y = unaryRaw(op, x);
    return record(op, [x], y, (dy) => [grad(dy, x, y)]);
  });
}

/** -x elementwise, same shape; int32 stays int32. @function */
export const neg = defineOp('neg', (a: TensorLike): Tensor => {
  if (isComplexArg(a)) return complexNeg(a);
  const x = toTensor('neg', a);
  return record('neg', [x], unaryRaw('neg', x), (dy) => [neg(dy)]);
});
/** e^x elementwise, same shape, float32 (int32 input is cast). @function */
export const exp = unary('exp', (dy, _x, y) => mul(dy, y));
/** Natural logarithm elementwise, same shape, float32: NaN below 0 and -Infinity at 0, as in IEEE arithmetic. @function */
export const log = unary('log', (dy, x) => div(dy, x));
/** Square root elementwise, same shape, float32 (NaN for negative values). @function */
export const sqrt = unary('sqrt', (dy, _x, y) => div(dy, mul(y, 2)));
/** |x| elementwise, same shape; int32 stays int32 (exact; |-2^31| wraps to -2^31 as in TensorFlow.js). @function */
export const abs = defineOp('abs', (a: TensorLike): Tensor => (isComplexArg(a) ? complexAbs(a) : absReal(a)));
const absReal = unary('abs', (dy, x) => mul(dy, sign(x)));
/** -1, 0 or 1 by the sign of x (int32 stays int32). Its gradient is zero almost everywhere. @function */
export const sign = unary('sign', () => null);
/** Hyperbolic tangent elementwise, same shape, float32. @function */
export const tanh = unary('tanh', (dy, _x, y) => tanhGrad(dy, y));
/** The logistic function 1 / (1 + e^-x) elementwise, same shape, float32. @function */
export const sigmoid = unary('sigmoid', (dy, _x, y) => sigmoidGrad(dy, y));
/** max(x, 0) elementwise, same shape, float32; NaN stays NaN, as in TensorFlow.js. @function */
export const relu = unary('relu', (dy, x) => reluGrad(dy, x));
/**
 * Heaviside step: 1 where x > 0, else `alpha` (default 0); NaN stays NaN, as in TensorFlow.js.
 * Its gradient is zero almost everywhere.
 * @function
 */
export const step = defineOp('step', (a: TensorLike, alpha: number = 0): Tensor => {
  const x = toTensor('step', a);
  checkNumber('step', 'alpha', alpha);
  return unaryRaw('step', x, alpha);
});

/** x * x. @function */
export const square = defineOp('square', (a: TensorLike): Tensor => {
  const x = toTensor('square', a);
  return mul(x, x);
});

/** x where x > 0, alpha * x elsewhere (alpha defaults to 0.2, as in TensorFlow.js). @function */
export const leakyRelu = defineOp('leakyRelu', (a: TensorLike, alpha: number = 0.2): Tensor => {
  const x = toTensor('leakyRelu', a);
  checkNumber('leakyRelu', 'alpha', alpha);
  const y = unaryRaw('leakyRelu', x, alpha);
  return record('leakyRelu', [x], y, (dy) => [leakyReluGrad(dy, x, alpha)]);
});

function activationGrad(op: ActivationGradOp, dyIn: TensorLike, vIn: TensorLike, alpha = 0): Tensor {
  const backend = backendOf(op, [dyIn, vIn]);
  const dy = toTensor(op, dyIn, backend);
  const v = toTensor(op, vIn, backend);
  assertFloat(op, dy);
  assertFloat(op, v);
  if (!sameShape(dy.shape, v.shape)) throw new Error(`${op}: dy ${fmt(dy.shape)} and its partner ${fmt(v.shape)} must have the same shape`);
  const out = runKernel('activationGrad', [dy, v], dy.shape, 'float32', { op, alpha });
  // Linear in dy; in its partner v, the derivative of dy * f'(v) is dy * f''(v) (relu's and
  // leakyRelu's f'' is zero away from 0), for second-order gradients.
  return record(op, [dy, v], out, (g, needs) => [
    activationGrad(op, g, v, alpha),
    needs[1] === false || op === 'reluGrad' || op === 'leakyReluGrad' ? null
      : op === 'tanhGrad' ? mul(mul(g, dy), mul(v, -2)) // d/dy [dy (1 - y^2)] = -2 y dy
        : mul(mul(g, dy), sub(1, mul(v, 2))), // sigmoid: d/dy [dy y (1 - y)] = dy (1 - 2y)
  ]);
}

/** dy * (1 - y^2), where y = tanh(x): the derivative of tanh written in terms of its output. @function */
export const tanhGrad = defineOp('tanhGrad', (dy: TensorLike, y: TensorLike): Tensor => activationGrad('tanhGrad', dy, y));
/** dy * y * (1 - y), where y = sigmoid(x). @function */
export const sigmoidGrad = defineOp('sigmoidGrad', (dy: TensorLike, y: TensorLike): Tensor => activationGrad('sigmoidGrad', dy, y));
/** dy where x > 0, else 0 (x is relu's input). @function */
export const reluGrad = defineOp('reluGrad', (dy: TensorLike, x: TensorLike): Tensor => activationGrad('reluGrad', dy, x));
/** dy where x > 0, else alpha * dy (x is leakyRelu's input). @function */
export const leakyReluGrad = defineOp('leakyReluGrad', (dy: TensorLike, x: TensorLike, alpha: number = 0.2): Tensor => activationGrad('leakyReluGrad', dy, x, alpha));

/** Pick a where cond is non-zero, else b; all three broadcast together. @function */
export const where = defineOp('where', (cond: TensorLike, a: TensorLike, b: TensorLike): Tensor => {
  const backend = backendOf('where', [cond, a, b]);
  const sc = argShape('where', cond), sa = argShape('where', a), sb = argShape('where', b);
  if (sc && sa && sb) checkAlloc('where', broadcastShapes('where', broadcastShapes('where', sc, sa), sb), argDType(a), backend);
  const c = toTensor('where', cond, backend);
  const x = toTensor('where', a, backend);
  const y = toTensor('where', b, backend, typeof b === 'number' ? x.dtype : undefined);
  if (x.dtype !== y.dtype) throw new Error(`where: a and b must have the same dtype, got ${x.dtype} and ${y.dtype}`);
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, x.shape), y.shape);
  const full = (t: Tensor): Tensor => (sameShape(t.shape, shape) ? t : broadcastTo(t, shape));
  const cf0 = c.dtype === 'float32' ? c : cast(c, 'float32');
  const [cf, xf, yf] = [full(cf0), full(x), full(y)];
  const out = runKernel('where', [cf, xf, yf], shape, x.dtype, { dtype: storageOf(x.dtype) }, backend);
  for (const t of [cf0, cf, xf, yf]) if (t !== c && t !== x && t !== y) t.dispose();
  // c is listed (with no gradient) so that the tape keeps it alive for the backward pass even
  // when this op made it from an array.
  return record('where', [x, y, c], out, (dy) => {
    const zero = toTensor('where', 0, backend);
    return [sumTo(where(c, dy, zero), x.shape), sumTo(where(c, zero, dy), y.shape), null];
  });
});

/** Limit values to [lo, hi]. @function */
export const clip = defineOp('clip', (a: TensorLike, lo: number, hi: number): Tensor => {
  checkNumber('clip', 'lo', lo);
  checkNumber('clip', 'hi', hi);
  if (lo > hi) throw new Error(`clip: lo (${lo}) must not exceed hi (${hi})`);
  return minimum(maximum(a, lo), hi);
});
