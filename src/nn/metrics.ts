/**
 * Metrics (Keras names). Each returns the scalar mean over the batch; the model also uses the
 * per-batch sums so an epoch's figure accumulates on the device without a readback.
 */
import * as ops from '../ops/index.js';
import { fmt, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sparseToOneHot } from './losses.js';

export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

function rows(yPred: Tensor): number {
  return Math.max(1, yPred.size / (yPred.rank ? yPred.shape[yPred.rank - 1]! : 1));
}

/** Per-batch count of correct class picks (argmax of yPred equals argmax of yTrue). */
export function categoricalCorrect(yTrue: Tensor, yPred: Tensor): Tensor {
  if (!sameShape(yTrue.shape, yPred.shape)) throw new Error(`categoricalAccuracy: yTrue ${fmt(yTrue.shape)} and yPred ${fmt(yPred.shape)} must have the same shape`);
  return ops.sum(ops.equal(ops.argMax(yTrue, -1), ops.argMax(yPred, -1)));
}

/** Per-batch count of predictions on the right side of `threshold` (0.5 for probabilities). */
export function binaryCorrect(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Tensor {
  if (!sameShape(yTrue.shape, yPred.shape)) throw new Error(`binaryAccuracy: yTrue ${fmt(yTrue.shape)} and yPred ${fmt(yPred.shape)} must have the same shape`);
  return ops.sum(ops.equal(ops.greater(yPred, threshold), ops.greater(yTrue, 0.5)));
}

/** Fraction of examples whose largest prediction is the true class (one-hot labels). */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return ops.div(categoricalCorrect(yTrue, yPred), rows(yPred));
}

/** Fraction of examples whose largest prediction is the true class (integer labels). */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return categoricalAccuracy(sparseToOneHot('sparseCategoricalAccuracy', yTrue, yPred), yPred);
}

/** Fraction of outputs with (yPred > 0.5) == (yTrue > 0.5). */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return ops.div(binaryCorrect(yTrue, yPred), Math.max(1, yPred.size));
}

/** Mean squared error as a metric. */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  return ops.mean(ops.square(ops.sub(yTrue, yPred)));
}

export const METRICS: Record<string, MetricFn> = {
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  binaryAccuracy,
  meanSquaredError,
  mse: meanSquaredError,
};

/**
 * Resolve a metric name. 'accuracy' (or 'acc') picks the variant that fits the loss, as Keras does:
 * binary for binaryCrossentropy, sparse for sparseCategoricalCrossentropy, categorical otherwise.
 */
export function getMetric(op: string, m: unknown, lossName: string): { name: string; fn: MetricFn } {
  if (typeof m === 'function') return { name: m.name || 'metric', fn: m as MetricFn };
  if (m === 'accuracy' || m === 'acc') {
    const fn = lossName === 'binaryCrossentropy' ? binaryAccuracy : lossName === 'sparseCategoricalCrossentropy' ? sparseCategoricalAccuracy : categoricalAccuracy;
    return { name: 'accuracy', fn };
  }
  if (typeof m === 'string' && m in METRICS) return { name: m, fn: METRICS[m]! };
  throw new Error(`${op}: unknown metric '${String(m)}' (expected 'accuracy', one of ${Object.keys(METRICS).join(', ')}, or a function (yTrue, yPred) => scalar)`);
}
