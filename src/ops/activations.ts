/**
 * TensorFlow.js's activations beyond the unary kernel's own (relu6, elu, selu, prelu, softplus,
 * logSigmoid, softsign), composed from elementwise ops. Each records itself once, with the
 * derivative written out, so that points where a composition's derivative is ill-defined
 * (softplus at 0 through |x|) still get the true slope.
 */
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { argShape, assertFloat, backendOf, defineOp, record, toTensor, untaped, type TensorLike } from './core.js';
import { abs, add, div, exp, greater, lessEqual, log, maximum, minimum, mul, neg, relu, sigmoid, sub, where } from './elementwise.js';
import { sumTo } from './reduce.js';
import { cast } from './movement.js';

function floatArg(op: string, a: TensorLike): Tensor {
  const x = toTensor(op, a);
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

/** min(max(x, 0), 6); its gradient passes where 0 < x <= 6, as TensorFlow.js's does. @function */
export const relu6 = defineOp('relu6', (a: TensorLike): Tensor => {
  const x = floatArg('relu6', a);
  const y = untaped(() => minimum(maximum(x, 0), 6));
  return record('relu6', [x], y, (dy) => [mul(dy, mul(greater(x, 0), lessEqual(x, 6)))]);
});

/** x where x > 0, else e^x - 1. @function */
export const elu = defineOp('elu', (a: TensorLike): Tensor => {
  const x = floatArg('elu', a);
  const y = untaped(() => where(greater(x, 0), x, sub(exp(x), 1)));
  return record('elu', [x], y, (dy) => [where(greater(x, 0), dy, mul(dy, add(y, 1)))]);
});

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** scale * elu-like(x) with TensorFlow.js's (and Keras's) constants alpha 1.67326..., scale 1.05070.... @function */
export const selu = defineOp('selu', (a: TensorLike): Tensor => {
  const x = floatArg('selu', a);
  const y = untaped(() => where(greater(x, 0), mul(x, SELU_SCALE), mul(sub(exp(x), 1), SELU_ALPHA * SELU_SCALE)));
  return record('selu', [x], y, (dy) => [mul(dy, where(greater(x, 0), SELU_SCALE, mul(exp(x), SELU_ALPHA * SELU_SCALE)))]);
});

/** x where x > 0, else alpha * x, with a learned `alpha` that broadcasts against x. @function */
export const prelu = defineOp('prelu', (a: TensorLike, alphaIn: TensorLike): Tensor => {
  const backend = backendOf('prelu', [a, alphaIn]);
  const sx = argShape('prelu', a), sa = argShape('prelu', alphaIn);
  if (sx && sa) broadcastShapes('prelu', sx, sa);
  const x = toTensor('prelu', a, backend);
  const alpha = toTensor('prelu', alphaIn, backend);
  assertFloat('prelu', x);
  assertFloat('prelu', alpha);
  const y = untaped(() => where(greater(x, 0), x, mul(x, alpha)));
  return record('prelu', [x, alpha], y, (dy) => {
    const pos = greater(x, 0);
    return [sumTo(where(pos, dy, mul(dy, alpha)), x.shape), sumTo(where(pos, 0, mul(dy, x)), alpha.shape)];
  });
});

/** log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|) so that it never overflows. @function */
export const softplus = defineOp('softplus', (a: TensorLike): Tensor => {
  const x = floatArg('softplus', a);
  const y = untaped(() => add(relu(x), log(add(exp(neg(abs(x))), 1))));
  return record('softplus', [x], y, (dy) => [mul(dy, sigmoid(x))]);
});

/** log(sigmoid(x)) = -softplus(-x), stable for large |x|. @function */
export const logSigmoid = defineOp('logSigmoid', (a: TensorLike): Tensor => {
  const x = floatArg('logSigmoid', a);
  const y = untaped(() => neg(add(relu(neg(x)), log(add(exp(neg(abs(x))), 1)))));
  return record('logSigmoid', [x], y, (dy) => [mul(dy, sigmoid(neg(x)))]);
});

/** x / (1 + |x|). @function */
export const softsign = defineOp('softsign', (a: TensorLike): Tensor => {
  const x = floatArg('softsign', a);
  const y = untaped(() => div(x, add(abs(x), 1)));
  return record('softsign', [x], y, (dy) => {
    const d = add(abs(x), 1);
    return [div(dy, mul(d, d))];
  });
});
