/**
 * TensorFlow.js's `tf.losses` (tfjs-core's, not the Keras losses of src/nn): a per-element loss
 * followed by computeWeightedLoss, which weights it and reduces it as `Reduction` says.
 */
import { fmt, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, defineOp, toTensor, type TensorLike } from './core.js';
import { abs, add, div, log, minimum, mul, notEqual, relu, square, sub } from './elementwise.js';
import { cast, broadcastTo } from './movement.js';
import { mean, sum } from './reduce.js';

/** How a weighted loss is reduced (TensorFlow.js's enum, with its numbers). */
export enum Reduction {
  /** The weighted losses as they are, one per element. */
  NONE = 0,
  /** sum(weighted losses) / sum(weights) (the plain mean without weights). */
  MEAN = 1,
  /** sum(weighted losses). */
  SUM = 2,
  /** sum(weighted losses) / (the number of non-zero weights): the default. */
  SUM_BY_NONZERO_WEIGHTS = 3,
}

function checkReduction(op: string, r: unknown): Reduction {
  if (r !== 0 && r !== 1 && r !== 2 && r !== 3) throw new Error(`${op}: reduction must be one of Reduction.NONE, MEAN, SUM or SUM_BY_NONZERO_WEIGHTS (0..3), got ${String(r)}`);
  return r;
}

function floats(op: string, v: TensorLike, backend: ReturnType<typeof backendOf>): Tensor {
  const t = toTensor(op, v, backend);
  return t.dtype === 'float32' ? t : cast(t, 'float32');
}

function weighted(op: string, losses: Tensor, weightsIn: TensorLike | undefined, reduction: Reduction): Tensor {
  const r = checkReduction(op, reduction);
  const w = weightsIn === undefined ? null : floats(op, weightsIn, losses.backend);
  const wl = w ? mul(losses, w) : losses;
  if (r === Reduction.NONE) return wl;
  if (r === Reduction.SUM) return sum(wl);
  if (!w) return mean(wl);
  if (r === Reduction.MEAN) {
    const m = div(sum(wl), sum(w));
    return losses.size > w.size ? div(m, losses.size / w.size) : m;
  }
  return div(sum(wl), sum(cast(notEqual(broadcastTo(w, losses.shape), 0), 'float32')));
}

/**
 * Weight and reduce a tensor of losses (tf.losses.computeWeightedLoss). `weights` broadcasts
 * against the losses; the reduction defaults to SUM_BY_NONZERO_WEIGHTS.
 * @function
 */
export const computeWeightedLoss = defineOp('computeWeightedLoss', (losses: TensorLike, weights?: TensorLike, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor => {
  const backend = backendOf('computeWeightedLoss', weights === undefined ? [losses] : [losses, weights]);
  return weighted('computeWeightedLoss', floats('computeWeightedLoss', losses, backend), weights, reduction);
});

function pairwise(op: string, labels: TensorLike, predictions: TensorLike, weights: TensorLike | undefined, reduction: Reduction, f: (y: Tensor, p: Tensor) => Tensor): Tensor {
  checkReduction(op, reduction);
  const backend = backendOf(op, weights === undefined ? [labels, predictions] : [labels, predictions, weights]);
  const y = floats(op, labels, backend);
  const p = floats(op, predictions, backend);
  if (!sameShape(y.shape, p.shape)) throw new Error(`${op}: labels ${fmt(y.shape)} and predictions ${fmt(p.shape)} must have the same shape`);
  return weighted(op, f(y, p), weights, reduction);
}

/** (labels - predictions)^2, weighted and reduced (tf.losses.meanSquaredError); a scalar by default. @function */
export const meanSquaredError = defineOp('meanSquaredError', (labels: TensorLike, predictions: TensorLike, weights?: TensorLike, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor =>
  pairwise('meanSquaredError', labels, predictions, weights, reduction, (y, p) => square(sub(y, p))));

/** |labels - predictions|, weighted and reduced (tf.losses.absoluteDifference). @function */
export const absoluteDifference = defineOp('absoluteDifference', (labels: TensorLike, predictions: TensorLike, weights?: TensorLike, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor =>
  pairwise('absoluteDifference', labels, predictions, weights, reduction, (y, p) => abs(sub(y, p))));

/** 0.5 e^2 for |e| <= delta, else delta (|e| - delta / 2), with e = predictions - labels (tf.losses.huberLoss). @function */
export const huberLoss = defineOp('huberLoss', (labels: TensorLike, predictions: TensorLike, weights?: TensorLike, delta: number = 1, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor =>
  pairwise('huberLoss', labels, predictions, weights, reduction, (y, p) => {
    const e = abs(sub(p, y));
    const q = minimum(e, delta);
    return add(mul(square(q), 0.5), mul(sub(e, q), delta));
  }));

/** max(0, 1 - (2 labels - 1) predictions), labels in {0, 1} (tf.losses.hingeLoss). @function */
export const hingeLoss = defineOp('hingeLoss', (labels: TensorLike, predictions: TensorLike, weights?: TensorLike, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor =>
  pairwise('hingeLoss', labels, predictions, weights, reduction, (y, p) => relu(sub(1, mul(sub(mul(y, 2), 1), p)))));

/** -y log(p + epsilon) - (1 - y) log(1 - p + epsilon) (tf.losses.logLoss). @function */
export const logLoss = defineOp('logLoss', (labels: TensorLike, predictions: TensorLike, weights?: TensorLike, epsilon: number = 1e-7, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor =>
  pairwise('logLoss', labels, predictions, weights, reduction, (y, p) =>
    sub(mul(-1, mul(y, log(add(p, epsilon)))), mul(sub(1, y), log(add(sub(1, p), epsilon))))));
