/** `wt.metrics`: the metric functions alone (the lookup behind compile's `metrics` stays private). */
export { binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, meanSquaredError, type MetricFn } from '../metrics.js';
