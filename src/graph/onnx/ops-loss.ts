/**
 * ONNX losses and normalisation functions composed from our ops (so they have gradients):
 * NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (class weights, ignore_index, the three
 * reductions), MeanVarianceNormalization and LRN.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import type { OpContext, OpFn } from '../context.js';

/** The loss of log-probabilities `logp` [N, C, d...] against int targets [N, d...]. */
function nll(c: OpContext, logp: Tensor, targetIn: Tensor, weight: Tensor | undefined): Tensor {
  const C = logp.shape[1]!;
  const t = ops.cast(targetIn, 'int32');
  const ii = c.int('ignore_index');
  const mask = ii === undefined ? undefined : ops.notEqual(t, ii);
  const tt = mask ? ops.where(mask, t, 0) : t;
  const r = logp.rank;
  const hot = ops.oneHot(tt, C); // [N, d..., C]
  const perm = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
  const picked = ops.sum(ops.mul(logp, ops.transpose(hot, perm)), 1);
  let w: Tensor | undefined = weight ? ops.gather(weight, tt) : undefined;
  if (mask) w = w ? ops.mul(w, mask) : mask;
  const loss = w ? ops.mul(ops.neg(picked), w) : ops.neg(picked);
  const reduction = c.str('reduction', 'mean');
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return ops.sum(loss);
  if (reduction !== 'mean') return c.fail(`reduction '${reduction}' is not supported`);
  return w ? ops.div(ops.sum(loss), ops.sum(w)) : ops.mean(loss);
}

function normalize(x: Tensor, axes: number[], eps: number): Tensor {
  const mean = ops.mean(x, axes, true);
  const d = ops.sub(x, mean);
  return ops.div(d, ops.sqrt(ops.add(ops.mean(ops.mul(d, d), axes, true), eps)));
}

/** Local response normalisation across channels: x / (bias + alpha / size * window sum of x^2)^beta. */
const lrn: OpFn = (c) => {
  const x = c.tensor(0);
  const size = c.int('size', 0);
  if (!Number.isInteger(size) || size < 1) return c.fail(`size must be a positive integer, got ${size}`);
  const alpha = c.float('alpha', 1e-4), beta = c.float('beta', 0.75), bias = c.float('bias', 1);
  const before = Math.floor((size - 1) / 2), after = Math.ceil((size - 1) / 2);
  const ch = x.shape[1]!;
  const sq = ops.pad(ops.mul(x, x), x.shape.map((d, i) => (i === 1 ? d + before + after : d)), x.shape.map((_, i) => (i === 1 ? before : 0)));
  let win: Tensor | undefined;
  for (let k = 0; k < size; k++) {
    const part = ops.slice(sq, x.shape.map((_, i) => (i === 1 ? k : 0)), x.shape.map((d, i) => (i === 1 ? ch : d)));
    win = win ? ops.add(win, part) : part;
  }
  return [ops.div(x, ops.pow(ops.add(ops.mul(win!, alpha / size), bias), beta))];
};

export const LOSS_OPS: Record<string, OpFn> = {
  LRN: lrn,
  NegativeLogLikelihoodLoss: (c) => [nll(c, c.tensor(0), c.tensor(1), c.has(2) ? c.tensor(2) : undefined)],
  SoftmaxCrossEntropyLoss: (c) => {
    const logp = ops.logSoftmax(c.tensor(0), 1);
    return [nll(c, logp, c.tensor(1), c.has(2) ? c.tensor(2) : undefined), logp];
  },
  MeanVarianceNormalization: (c) => {
    const x = c.tensor(0);
    const axes = (c.intList('axes') ?? [0, 2, 3]).map((a) => c.axis(a, x.rank));
    return [normalize(x, axes, 1e-9)];
  },
};
