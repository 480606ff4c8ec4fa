/**
 * Sequential: a stack of layers with Keras's compile / fit / evaluate / predict / summary and
 * weight access. The training loop lives in ./training.ts, model.json in ./io/.
 */
import { dispose, keep, tidy } from '../memory.js';
import * as ops from '../ops/index.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { applyActivation } from './activations.js';
import { ActivationLayer } from './layers/core.js';
import { Dense } from './layers/dense.js';
import { type CallContext, Layer, type LayerVariable, type SymbolicShape, uniqueName, fmtSymbolic } from './layers/layer.js';
import { getLoss, LOSSES, type LossFn, type LossIdentifier } from './losses.js';
import { getMetric, type MetricFn } from './metrics.js';
import { getOptimizer, type Optimizer } from './optimizers.js';
import { freshSeed, mixSeed } from './seed.js';
import { summaryText, type SummaryOptions } from './summary.js';
import { fit, type FitArgs, type History } from './training.js';
import { evaluateDataset, fitDataset, type BatchDataset, type EvaluateDatasetArgs, type FitDatasetArgs } from './fit-dataset.js';
import { saveModel, type IOHandler, type SaveResult } from './io/handlers.js';

/** Options of sequential(). */
export interface SequentialArgs {
  /** The layers, first to last; the first usually gives inputShape. */
  layers?: Layer[];
  /** The model's name (default sequential_1, sequential_2, ...). */
  name?: string;
  /** Seeds every initializer without a seed of its own: the same seed gives the same weights on every backend. */
  seed?: number;
}

/** What compile takes: the optimizer, the loss and the metrics to report. */
export interface CompileArgs {
  /** 'sgd' | 'rmsprop' | 'adam' or an optimizer from wt.optimizers. */
  optimizer: 'sgd' | 'rmsprop' | 'adam' | Optimizer;
  /** A loss name (Keras spelling) or a function (yTrue, yPred) => scalar. */
  loss: LossIdentifier | LossFn;
  /** e.g. ['accuracy']. */
  metrics?: (string | MetricFn)[];
}

/** Options of evaluate. */
export interface EvaluateArgs {
  /** Default 32. */
  batchSize?: number;
}

/** @internal What compile resolved. */
export interface Compiled {
  optimizer: Optimizer;
  lossName: string;
  loss: LossFn;
  lossFromLogits?: LossFn;
  logitsActivation?: 'softmax' | 'sigmoid';
  metrics: { name: string; fn: MetricFn }[];
}

/** The Keras model config that getConfig returns (model.json's model_config.config). */
export interface SequentialConfig {
  /** The model's name. */
  name: string;
  /** Each layer's Keras class name and config, in order. */
  layers: {
    /** The layer's Keras class, as Dense. */
    class_name: string;
    /** Its config, snake_case keys as in Keras. */
    config: Record<string, unknown>;
  }[];
}

/**
 * A Keras Sequential model: a stack of layers, each feeding the next. Build it with
 * `wt.sequential([...])`, configure training with compile, then fit, evaluate and predict; save and
 * loadModel use the TensorFlow.js layers format.
 */
export class Sequential {
  /** The model's name. */
  readonly name: string;
  /** The layers, first to last. */
  readonly layers: Layer[] = [];
  /** @internal Set by compile. */
  compiled?: Compiled;
  /** A callback may set this to end fit after the current batch. */
  stopTraining = false;
  private seed: number;

  constructor(args: SequentialArgs | Layer[] = {}) {
    const a: SequentialArgs = Array.isArray(args) ? { layers: args } : args;
    if (a === null || typeof a !== 'object') throw new Error(`sequential: expected an array of layers or { layers }, got ${String(args)}`);
    if (a.seed !== undefined && !Number.isInteger(a.seed)) throw new Error(`sequential: seed must be an integer, got ${String(a.seed)}`);
    this.name = a.name ?? uniqueName('sequential');
    this.seed = a.seed ?? freshSeed();
    for (const l of a.layers ?? []) this.add(l);
  }

  /** 'Sequential', Keras's class name. */
  getClassName(): string {
    return 'Sequential';
  }

  /** Append a layer; built at once when the model's input shape is known. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new Error(`sequential.add: expected a layer from wt.layers, got ${layer === null ? 'null' : typeof layer}`);
    if (this.layers.includes(layer) || this.layers.some((l) => l.name === layer.name)) throw new Error(`sequential.add: a layer named '${layer.name}' is already in the model`);
    if (this.layers.length > 0 && layer.batchInputShape) throw new Error(`sequential.add: only the first layer may set inputShape ('${layer.name}' does)`);
    this.layers.push(layer);
    if (this.layers.length === 1 && layer.batchInputShape) this.build(layer.batchInputShape);
    else if (this.layers.slice(0, -1).every((l) => l.built)) this.buildFrom(this.layers.length - 1);
  }

  /** Whether every layer has its weights (the input shape is known). */
  get built(): boolean {
    return this.layers.length > 0 && this.layers.every((l) => l.built);
  }

  /** Create every layer's weights for inputs of `inputShape` (batch dimension first, may be null). */
  build(inputShape: SymbolicShape): void {
    if (this.layers.length === 0) throw new Error(`${this.name}: cannot build a model with no layers`);
    const first = this.layers[0]!;
    if (first.batchInputShape && inputShape.length !== first.batchInputShape.length) {
      throw new Error(`${first.name}: expected input shape ${fmtSymbolic(first.batchInputShape)}, got ${fmtSymbolic(inputShape)}`);
    }
    if (!first.built) first.build([null, ...inputShape.slice(1)], mixSeed(this.seed, 0));
    this.buildFrom(1);
  }

  private buildFrom(start: number): void {
    for (let i = Math.max(1, start); i < this.layers.length; i++) {
      const l = this.layers[i]!;
      if (!l.built) l.build(this.layers[i - 1]!.computeOutputShape(this.layers[i - 1]!.builtInputShape!), mixSeed(this.seed, i));
    }
  }

  /** The input shape, batch dimension null. */
  get inputShape(): SymbolicShape {
    const s = this.layers[0]?.builtInputShape ?? this.layers[0]?.batchInputShape;
    if (!s) throw new Error(`${this.name}: the input shape is not known yet (give the first layer inputShape, or call fit/predict first)`);
    return [null, ...s.slice(1)];
  }

  /** The output shape, batch dimension null; throws while the input shape is unknown. */
  get outputShape(): SymbolicShape {
    let s = this.inputShape;
    for (const l of this.layers) s = l.computeOutputShape(s);
    return s;
  }

  private ensureBuilt(op: string, x: Tensor): void {
    if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor of inputs, got ${x === null ? 'null' : typeof x}`);
    if (this.layers.length === 0) throw new Error(`${op}: the model has no layers`);
    if (x.rank < 1) throw new Error(`${op}: expected a batch of inputs, got a scalar`);
    if (!this.built) this.build([null, ...x.shape.slice(1)]);
  }

  /** @internal The forward pass; each layer checks the shape it gets. */
  forward(x: Tensor, ctx: CallContext, upTo = this.layers.length): Tensor {
    let h = x;
    for (let i = 0; i < upTo; i++) {
      const l = this.layers[i]!;
      l.checkInput(h.shape);
      h = l.call(h, { ...ctx, seed: mixSeed(ctx.seed, i) });
    }
    return h;
  }

  /**
   * @internal Loss (plus regularisation) and the predictions of one batch. When the last layer ends in
   * the activation the loss expects (softmax for categorical, sigmoid for binary cross-entropy), the
   * loss is computed from its logits.
   */
  lossAndPredictions(x: Tensor, y: Tensor, ctx: CallContext): { loss: Tensor; pred: () => Tensor } {
    const c = this.compiled!;
    const last = this.layers[this.layers.length - 1]!;
    let loss: Tensor;
    let pred: () => Tensor;
    if (c.logitsActivation && c.lossFromLogits && last instanceof Dense && last.activation === c.logitsActivation) {
      const h = this.forward(x, ctx, this.layers.length - 1);
      last.checkInput(h.shape);
      const logits = last.callLogits(h);
      loss = c.lossFromLogits(y, logits);
      pred = () => applyActivation(c.logitsActivation!, logits);
    } else if (c.logitsActivation && c.lossFromLogits && last instanceof ActivationLayer && last.activation === c.logitsActivation) {
      const logits = this.forward(x, ctx, this.layers.length - 1);
      loss = c.lossFromLogits(y, logits);
      pred = () => applyActivation(c.logitsActivation!, logits);
    } else {
      const out = this.forward(x, ctx);
      loss = c.loss(y, out);
      pred = () => out;
    }
    if (!(loss instanceof Tensor) || loss.size !== 1) throw new Error(`${this.name}: the loss must return a scalar tensor, got ${loss instanceof Tensor ? fmt(loss.shape) : typeof loss}`);
    for (const l of this.layers) {
      for (const v of l.trainableWeights) if (v.regularizer) loss = ops.add(loss, v.regularizer.apply(v.value));
    }
    return { loss: loss.rank === 0 ? loss : ops.reshape(loss, []), pred };
  }

  /** Configure training: optimizer, loss and metrics. */
  compile(args: CompileArgs): void {
    if (!args || typeof args !== 'object') throw new Error(`compile: expected { optimizer, loss, metrics? }, got ${String(args)}`);
    const optimizer = getOptimizer('compile', args.optimizer);
    const loss = getLoss('compile', args.loss);
    if (args.metrics !== undefined && !Array.isArray(args.metrics)) throw new Error(`compile: metrics must be an array like ['accuracy'], got ${String(args.metrics)}`);
    const metrics = (args.metrics ?? []).map((m) => getMetric('compile', m, loss.name));
    const fromLogits = loss.logitsActivation ? LOSSES[loss.name as LossIdentifier] : undefined;
    if (this.compiled && this.compiled.optimizer !== optimizer) this.compiled.optimizer.dispose();
    this.compiled = {
      optimizer,
      lossName: loss.name,
      loss: loss.fn,
      lossFromLogits: fromLogits ? (a, b) => fromLogits(a, b, { fromLogits: true }) : undefined,
      logitsActivation: loss.logitsActivation,
      metrics,
    };
  }

  /** The optimizer compile chose, or undefined before compile. */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }

  /** Train for `epochs` over (x, y); resolves to the History of per-epoch loss and metrics. */
  fit(x: Tensor, y: Tensor, args: FitArgs = {}): Promise<History> {
    return fit(this, x, y, args);
  }

  /**
   * Train over a dataset of `{ xs, ys }` batches (a `wt.data` Dataset, an array, a generator: any
   * iterable or async iterable), for data that does not fit in memory. Each epoch is one pass, or
   * `batchesPerEpoch` batches; each batch's tensors are disposed after its step (as in TensorFlow.js).
   * The same batches and seed give the same losses as fit. Batches that are not `{ xs, ys }` tensors
   * with matching first dimensions, or a dataset that yields nothing, reject with an Error.
   */
  fitDataset(dataset: BatchDataset, args: FitDatasetArgs = {}): Promise<History> {
    return fitDataset(this, dataset, args);
  }

  /** Loss and metrics over a dataset of `{ xs, ys }` batches (at most `batches` of them), averaged over its examples. */
  evaluateDataset(dataset: BatchDataset, args: EvaluateDatasetArgs = {}): Promise<Record<string, number>> {
    return evaluateDataset(this, dataset, args);
  }

  /** Outputs for `x`, computed `batchSize` (default 32) examples at a time, in inference mode. */
  predict(x: Tensor, args: { batchSize?: number } = {}): Tensor {
    this.ensureBuilt('predict', x);
    const bs = checkBatchSize('predict', args.batchSize ?? 32);
    const n = x.shape[0]!;
    const ctx: CallContext = { training: false, seed: 0, updates: [] };
    return tidy(() => {
      if (n <= bs) {
        const y = this.forward(x, ctx);
        // A model that passes its input through (dropout only, at inference) still returns a tensor of its own.
        return y === x ? ops.clone(x) : y;
      }
      const parts: Tensor[] = [];
      for (let s = 0; s < n; s += bs) parts.push(this.forward(ops.slice(x, s, Math.min(bs, n - s)), ctx));
      return ops.concat(parts, 0);
    });
  }

  /** Loss and metrics over (x, y) in inference mode, accumulated on the device and read once. */
  async evaluate(x: Tensor, y: Tensor, args: EvaluateArgs = {}): Promise<Record<string, number>> {
    if (!this.compiled) throw new Error(`evaluate: the model must be compiled first (call model.compile({ optimizer, loss }))`);
    checkXY('evaluate', x, y);
    this.ensureBuilt('evaluate', x);
    const sums = evaluateSums(this, x, y, checkBatchSize('evaluate', args.batchSize ?? 32));
    const vals = await Promise.all(sums.map((t) => t.data()));
    dispose(sums);
    const n = x.shape[0]!;
    const out: Record<string, number> = { loss: vals[0]![0]! / n };
    this.compiled.metrics.forEach((m, i) => (out[m.name] = vals[i + 1]![0]! / n));
    return out;
  }

  /** Every weight of every layer, in layer order. */
  get weights(): LayerVariable[] {
    return this.layers.flatMap((l) => l.weights);
  }

  /** The weights that training updates, in layer order. */
  get trainableWeights(): LayerVariable[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  /** The weights training leaves alone (batch normalization's moving statistics, frozen layers). */
  get nonTrainableWeights(): LayerVariable[] {
    return this.layers.flatMap((l) => l.nonTrainableWeights);
  }

  /** Copies of all weights, in layer order (dispose them when done). */
  getWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.getWeights());
  }

  /** Set all weights from tensors in the order of getWeights (they are copied). */
  setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (!Array.isArray(values) || values.length !== ws.length) {
      throw new Error(`setWeights: the model has ${ws.length} weights, got ${Array.isArray(values) ? values.length : typeof values} tensors`);
    }
    ws.forEach((w, i) => w.assign(values[i]!));
  }

  /** The number of weights (scalars) in all layers. */
  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /** The Keras summary table (Layer (type), Output Shape, Param #). Printed unless `print: false`; returned either way. */
  summary(opts: SummaryOptions = {}): string {
    const text = summaryText(this, opts);
    if (opts.print !== false) (opts.printFn ?? console.log)(text);
    return text;
  }

  /** The Keras config of the model (the `config` of model.json's model_config). */
  getConfig(): SequentialConfig {
    return { name: this.name, layers: this.layers.map((l) => ({ class_name: l.getClassName(), config: l.getConfig() })) };
  }

  /** Save in the TensorFlow.js layers format: 'file://dir' (Node), 'indexeddb://name', 'localstorage://name', 'downloads://name', or an IOHandler. */
  save(destination: string | IOHandler): Promise<SaveResult> {
    return saveModel(this, destination);
  }

  /** Free the weights and optimizer state. */
  dispose(): void {
    for (const l of this.layers) l.dispose();
    this.compiled?.optimizer.dispose();
  }
}

/** @internal */
export function checkBatchSize(op: string, bs: unknown): number {
  if (typeof bs !== 'number' || !Number.isInteger(bs) || bs < 1) throw new Error(`${op}: batchSize must be a positive integer, got ${String(bs)}`);
  return bs;
}

/** @internal */
export function checkXY(op: string, x: unknown, y: unknown): void {
  if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new Error(`${op}: expected x and y tensors, got ${typeof x} and ${typeof y}`);
  if (x.rank < 1 || y.rank < 1 || x.shape[0] !== y.shape[0]) {
    throw new Error(`${op}: x ${fmt(x.shape)} and y ${fmt(y.shape)} must have the same number of examples (first dimension)`);
  }
  if (x.shape[0] === 0) throw new Error(`${op}: x has no examples`);
}

/** @internal Summed loss and metric values (times batch size) over batches, as device scalars: [loss, ...metrics]. */
export function evaluateSums(model: Sequential, x: Tensor, y: Tensor, bs: number): Tensor[] {
  const c = model.compiled!;
  const n = x.shape[0]!;
  let sums: Tensor[] = [];
  for (let s = 0; s < n; s += bs) {
    const size = Math.min(bs, n - s);
    const next = tidy(() => {
      const xb = size === n ? x : ops.slice(x, s, size);
      const yb = size === n ? y : ops.slice(y, s, size);
      const { loss, pred } = model.lossAndPredictions(xb, yb, { training: false, seed: 0, updates: [] });
      const p = c.metrics.length ? pred() : loss;
      const vals = [loss, ...c.metrics.map((m) => m.fn(yb, p))].map((v) => ops.mul(v, size));
      return sums.length ? vals.map((v, i) => ops.add(sums[i]!, v)) : vals;
    });
    dispose(sums);
    sums = next;
  }
  return sums.map((t) => keep(t));
}

/** A Keras Sequential model: `wt.sequential([layer, ...])` or `wt.sequential({ layers, name, seed })`. */
export function sequential(args: SequentialArgs | Layer[] = {}): Sequential {
  return new Sequential(args);
}
