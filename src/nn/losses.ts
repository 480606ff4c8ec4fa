/**
 * Losses (Keras names). Each takes (yTrue, yPred) and returns the scalar mean over the batch.
 * Cross-entropies also have a from-logits form, which the model uses when the last layer ends in
 * softmax or sigmoid: log-softmax / log-sigmoid are computed stably instead of log(clip(p)).
 */
import * as ops from '../ops/index.js';
import { fmt, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** A loss: labels and predictions in, a scalar tensor out. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

export interface CrossentropyOptions {
  /** yPred holds logits (pre-activation), not probabilities. */
  fromLogits?: boolean;
}

/** Clipping bound of probabilities in the cross-entropies (Keras's backend epsilon). */
export const EPSILON = 1e-7;

function check(op: string, yTrue: Tensor, yPred: Tensor, sameShapes = true): void {
  if (!(yTrue instanceof Tensor) || !(yPred instanceof Tensor)) throw new Error(`${op}: expected (yTrue, yPred) tensors, got ${typeof yTrue} and ${typeof yPred}`);
  if (sameShapes && !sameShape(yTrue.shape, yPred.shape)) throw new Error(`${op}: yTrue ${fmt(yTrue.shape)} and yPred ${fmt(yPred.shape)} must have the same shape`);
}

function f32(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : ops.cast(t, 'float32');
}

/** mean((yTrue - yPred)^2). */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  check('meanSquaredError', yTrue, yPred);
  return ops.mean(ops.square(ops.sub(f32(yTrue), yPred)));
}

/**
 * -mean(y log p + (1 - y) log(1 - p)) with p clipped to [1e-7, 1 - 1e-7]; from logits z it is
 * mean(max(z, 0) - z y + log(1 + exp(-|z|))), which never overflows.
 */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, opts: CrossentropyOptions = {}): Tensor {
  check('binaryCrossentropy', yTrue, yPred);
  const y = f32(yTrue);
  if (opts.fromLogits) {
    const z = yPred;
    return ops.mean(ops.add(ops.sub(ops.relu(z), ops.mul(z, y)), ops.log(ops.add(ops.exp(ops.neg(ops.abs(z))), 1))));
  }
  const p = ops.clip(yPred, EPSILON, 1 - EPSILON);
  const ll = ops.add(ops.mul(y, ops.log(p)), ops.mul(ops.sub(1, y), ops.log(ops.sub(1, p))));
  return ops.neg(ops.mean(ll));
}

/** -mean over examples of sum(y log p) along the last axis (p clipped), or with log-softmax from logits. */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, opts: CrossentropyOptions = {}): Tensor {
  check('categoricalCrossentropy', yTrue, yPred);
  if (yPred.rank < 1) throw new Error('categoricalCrossentropy: expected predictions of rank >= 1, got a scalar');
  const logp = opts.fromLogits ? ops.logSoftmax(yPred, -1) : ops.log(ops.clip(yPred, EPSILON, 1 - EPSILON));
  return ops.neg(ops.div(ops.sum(ops.mul(f32(yTrue), logp)), Math.max(1, yPred.size / yPred.shape[yPred.rank - 1]!)));
}

/** Class indices ([n] or [n, 1], int32 or whole floats) as one-hot rows of `depth`. */
export function sparseToOneHot(op: string, yTrue: Tensor, yPred: Tensor): Tensor {
  const depth = yPred.shape[yPred.rank - 1]!;
  const lead = yPred.shape.slice(0, -1);
  const ok = sameShape(yTrue.shape, lead) || (sameShape(yTrue.shape.slice(0, -1), lead) && yTrue.shape[yTrue.rank - 1] === 1);
  if (!ok || yPred.rank < 1) throw new Error(`${op}: class indices ${fmt(yTrue.shape)} do not match predictions ${fmt(yPred.shape)} (expected ${fmt(lead)} or ${fmt([...lead, 1])})`);
  const idx = yTrue.dtype === 'int32' ? yTrue : ops.cast(yTrue, 'int32');
  return ops.oneHot(ops.reshape(idx, lead), depth);
}

/** categoricalCrossentropy with integer class labels instead of one-hot rows. */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, opts: CrossentropyOptions = {}): Tensor {
  check('sparseCategoricalCrossentropy', yTrue, yPred, false);
  return categoricalCrossentropy(sparseToOneHot('sparseCategoricalCrossentropy', yTrue, yPred), yPred, opts);
}

/** Keras's short aliases. */
export const mse = meanSquaredError;

export type LossIdentifier = 'meanSquaredError' | 'mse' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

export const LOSSES: Record<LossIdentifier, (yTrue: Tensor, yPred: Tensor, opts?: CrossentropyOptions) => Tensor> = {
  meanSquaredError,
  mse,
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
};

/** Keras spellings that model.json or Python habits may bring. */
const ALIASES: Record<string, LossIdentifier> = {
  mean_squared_error: 'meanSquaredError',
  binary_crossentropy: 'binaryCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
};

/** Resolve a loss name; unknown names give an Error listing the known ones. */
export function getLoss(op: string, loss: unknown): { name: string; fn: LossFn; logitsActivation?: 'softmax' | 'sigmoid' } {
  if (typeof loss === 'function') return { name: loss.name || 'custom', fn: loss as LossFn };
  const name = typeof loss === 'string' ? ((ALIASES[loss] ?? loss) as LossIdentifier) : undefined;
  if (!name || !(name in LOSSES)) {
    throw new Error(`${op}: unknown loss '${String(loss)}' (expected one of ${Object.keys(LOSSES).join(', ')}, or a function (yTrue, yPred) => scalar)`);
  }
  const fn = LOSSES[name];
  const logitsActivation = name === 'binaryCrossentropy' ? 'sigmoid' : name === 'categoricalCrossentropy' || name === 'sparseCategoricalCrossentropy' ? 'softmax' : undefined;
  return { name, fn: (a, b) => fn(a, b), logitsActivation };
}
