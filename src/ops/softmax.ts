/** softmax and logSoftmax along an axis (max-subtracted, safe for large logits) and softmaxGrad. */
import { fmt, normAxis, sameShape, splitAt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, backendOf, defineOp, record, runKernel, toTensor, type TensorLike } from './core.js';
import { exp, mul, neg, sub } from './elementwise.js';
import { sum } from './reduce.js';

function softmaxImpl(name: 'softmax' | 'logSoftmax', a: TensorLike, axis: number): Tensor {
  const x = toTensor(name, a);
  assertFloat(name, x);
  if (x.rank === 0) throw new Error(`${name}: expected a tensor of rank >= 1, got a scalar`);
  const ax = normAxis(name, axis, x.rank);
  const split = splitAt(x.shape, ax);
  const log = name === 'logSoftmax';
  const y = runKernel('softmax', [x], x.shape, 'float32', { ...split, log });
  return record(name, [x], y, (dy) => [softmaxGradImpl(dy, y, ax, log)]);
}

function softmaxGradImpl(dy: Tensor, y: Tensor, axis: number, log: boolean): Tensor {
  const out = runKernel('softmaxGrad', [dy, y], y.shape, 'float32', { ...splitAt(y.shape, axis), log });
  // Recorded for second-order gradients. softmax: out = y (dy - sum(dy y)), whose product with g
  // is softmaxGrad(g, y) in dy and g (dy - sum(dy y)) - dy sum(g y) in y. logSoftmax:
  // out = dy - e^y sum(dy), giving g - sum(g e^y) in dy and -g e^y sum(dy) in y.
  return record(log ? 'logSoftmaxGrad' : 'softmaxGrad', [dy, y], out, (g, needs) => {
    if (!log) {
      const gy = needs[1] === false ? null : sub(mul(g, sub(dy, sum(mul(dy, y), axis, true))), mul(dy, sum(mul(g, y), axis, true)));
      return [needs[0] === false ? null : softmaxGradImpl(g, y, axis, false), gy];
    }
    const p = exp(y);
    const gp = mul(g, p);
    return [needs[0] === false ? null : sub(g, sum(gp, axis, true)), needs[1] === false ? null : neg(mul(gp, sum(dy, axis, true)))];
  });
}

/** exp(x - max) / sum(exp(x - max)) along `axis` (default: the last). @function */
export const softmax = defineOp('softmax', (x: TensorLike, axis: number = -1): Tensor => {
  return softmaxImpl('softmax', x, axis);
});

/** x - max - log(sum(exp(x - max))) along `axis`: the stable log of softmax. @function */
export const logSoftmax = defineOp('logSoftmax', (x: TensorLike, axis: number = -1): Tensor => {
  return softmaxImpl('logSoftmax', x, axis);
});

/** The vector-Jacobian product of softmax: y * (dy - sum(dy * y)) along `axis`, where y = softmax(x). @function */
export const softmaxGrad = defineOp('softmaxGrad', (dyIn: TensorLike, yIn: TensorLike, axis: number = -1): Tensor => {
  const b = backendOf('softmaxGrad', [dyIn, yIn]);
  const dy = toTensor('softmaxGrad', dyIn, b);
  const y = toTensor('softmaxGrad', yIn, b);
  if (!sameShape(dy.shape, y.shape)) throw new Error(`softmaxGrad: dy ${fmt(dy.shape)} and y ${fmt(y.shape)} must have the same shape`);
  if (y.rank === 0) throw new Error('softmaxGrad: expected a tensor of rank >= 1, got a scalar');
  return softmaxGradImpl(dy, y, normAxis('softmaxGrad', axis, y.rank), false);
});
