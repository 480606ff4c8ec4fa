/**
 * What model.compile resolves: the optimizer, and per output its loss (with its from-logits form),
 * its weight in the total loss and its metrics. Losses, metrics and lossWeights may be given once
 * for every output, as arrays in output order, or as objects keyed by output name (Keras's rules).
 */
import type { Tensor } from '../tensor.js';
import { getLoss, LOSSES, type LossFn, type LossIdentifier } from './losses.js';
import { getMetric, type MetricFn } from './metrics.js';
import { getOptimizer, type Optimizer } from './optimizers.js';

/** A loss: a Keras name or a function (yTrue, yPred) => scalar. */
export type LossSpec = LossIdentifier | LossFn;
/** A metric: a Keras name ('accuracy', 'mse', ...) or a function (yTrue, yPred) => scalar. */
export type MetricSpec = string | ((yTrue: Tensor, yPred: Tensor) => Tensor);

/** What compile takes: the optimizer, the loss(es), their weights and the metrics to report. */
export interface CompileArgs {
  /** 'sgd' | 'rmsprop' | 'adam' or an optimizer from wt.optimizers. */
  optimizer: 'sgd' | 'rmsprop' | 'adam' | Optimizer;
  /** One loss for every output, one per output (in output order), or an object keyed by output name. */
  loss: LossSpec | LossSpec[] | Record<string, LossSpec>;
  /** Metrics for every output (['accuracy']), per output ([['accuracy'], ['mse']]), or keyed by output name. */
  metrics?: MetricSpec[] | MetricSpec[][] | Record<string, MetricSpec | MetricSpec[]>;
  /** Each output's weight in the total loss (default 1 each), in output order or keyed by output name. */
  lossWeights?: number[] | Record<string, number>;
}

/** @internal One output's part of training. */
export interface OutputTraining {
  /** The output's name (its layer's name). */
  name: string;
  lossName: string;
  loss: LossFn;
  lossFromLogits?: LossFn;
  logitsActivation?: 'softmax' | 'sigmoid';
  metrics: { name: string; fn: MetricFn }[];
  weight: number;
}

/** @internal What compile resolved. */
export interface Compiled {
  optimizer: Optimizer;
  outputs: OutputTraining[];
  /** The figures every step reports, in order: loss, then (several outputs) each output's loss, then the metrics. */
  names: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Spread a per-output option over `outputs`: one value for all, an array in order, or an object by name. */
function perOutput<T>(op: string, what: string, v: unknown, outputs: readonly string[], one: (x: unknown) => boolean, fallback?: T): T[] {
  if (v === undefined) {
    if (fallback === undefined) throw new Error(`${op}: ${what} is required`);
    return outputs.map(() => fallback);
  }
  if (one(v)) return outputs.map(() => v as T);
  if (Array.isArray(v)) {
    if (v.length !== outputs.length) throw new Error(`${op}: ${what} lists ${v.length} entries, but the model has ${outputs.length} outputs (${outputs.join(', ')})`);
    return v as T[];
  }
  if (isRecord(v)) {
    const extra = Object.keys(v).filter((k) => !outputs.includes(k));
    if (extra.length) throw new Error(`${op}: ${what} names ${extra.map((k) => `'${k}'`).join(', ')}, which is no output (outputs: ${outputs.join(', ')})`);
    return outputs.map((o) => {
      if (!(o in v)) {
        if (fallback === undefined) throw new Error(`${op}: ${what} gives nothing for output '${o}'`);
        return fallback;
      }
      return v[o] as T;
    });
  }
  throw new Error(`${op}: ${what} must be one value, an array in output order or an object keyed by output name, got ${String(v)}`);
}

/** @internal Resolve compile's arguments for a model with outputs named `outputs`. */
export function resolveCompile(args: CompileArgs, outputs: readonly string[], previous?: Optimizer): Compiled {
  const op = 'compile';
  if (!args || typeof args !== 'object') throw new Error(`${op}: expected { optimizer, loss, metrics? }, got ${String(args)}`);
  const optimizer = getOptimizer(op, args.optimizer);
  const losses = perOutput<LossSpec>(op, 'loss', args.loss, outputs, (x) => typeof x === 'string' || typeof x === 'function');
  if (args.metrics !== undefined && !Array.isArray(args.metrics) && !isRecord(args.metrics)) throw new Error(`${op}: metrics must be an array like ['accuracy'], got ${String(args.metrics)}`);
  const flatMetrics = Array.isArray(args.metrics) && !args.metrics.some((m) => Array.isArray(m));
  const metrics = args.metrics === undefined ? outputs.map(() => [])
    : flatMetrics ? outputs.map(() => args.metrics as MetricSpec[])
      : perOutput<MetricSpec | MetricSpec[]>(op, 'metrics', args.metrics, outputs, () => false, []).map((m) => (Array.isArray(m) ? m : [m]));
  const weights = perOutput<number>(op, 'lossWeights', args.lossWeights, outputs, (x) => typeof x === 'number', 1);
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w)) throw new Error(`${op}: lossWeights for output '${outputs[i]}' must be a finite number, got ${String(w)}`);
  });
  const resolved = outputs.map((name, i): OutputTraining => {
    const loss = getLoss(op, losses[i]);
    const fromLogits = loss.logitsActivation ? LOSSES[loss.name as LossIdentifier] : undefined;
    return {
      name,
      lossName: loss.name,
      loss: loss.fn,
      lossFromLogits: fromLogits ? (a, b) => fromLogits(a, b, { fromLogits: true }) : undefined,
      logitsActivation: loss.logitsActivation,
      metrics: metrics[i]!.map((m) => getMetric(op, m, loss.name)),
      weight: weights[i]!,
    };
  });
  if (previous && previous !== optimizer) previous.dispose();
  const several = outputs.length > 1;
  const names = ['loss', ...(several ? resolved.map((o) => `${o.name}_loss`) : [])];
  for (const o of resolved) for (const m of o.metrics) names.push(several ? `${o.name}_${m.name}` : m.name);
  return { optimizer, outputs: resolved, names };
}
