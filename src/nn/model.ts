/**
 * LayersModel: a graph of layers (./graph.ts) with Keras's compile / fit / evaluate / predict /
 * summary, weight access and save. `wt.model({ inputs, outputs })` makes one from placeholders;
 * Sequential (./sequential.ts) is one whose graph is a chain. The training loop lives in
 * ./training.ts, model.json in ./io/.
 */
import { dispose, keep, tidy } from '../memory.js';
import * as ops from '../ops/index.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { applyActivation } from './activations.js';
import { resolveCompile, type CompileArgs, type Compiled } from './compile.js';
import { checkExamples, sliceAll, toList, type NamedTensors } from './data.js';
import { evaluateDataset, fitDataset, type BatchDataset, type EvaluateDatasetArgs, type FitDatasetArgs } from './fit-dataset.js';
import { Container, own } from './graph.js';
import { saveModel, type IOHandler, type SaveResult } from './io/handlers.js';
import type { CallContext, LayerVariable } from './layers/layer.js';
import type { Node, SymbolicTensor } from './layers/symbolic.js';
import type { Optimizer } from './optimizers.js';
import { freshSeed } from './seed.js';
import { summaryText, type SummaryOptions } from './summary.js';
import { fit, type FitArgs, type History } from './training.js';

export type { CompileArgs } from './compile.js';

/** Options of wt.model (TensorFlow.js's names). */
export interface ModelArgs {
  /** The input placeholder(s), from wt.input(). */
  inputs: SymbolicTensor | SymbolicTensor[];
  /** The output placeholder(s), from layer.apply. */
  outputs: SymbolicTensor | SymbolicTensor[];
  /** The model's name (default model, model_1, ...). */
  name?: string;
  /** Seeds every initializer without a seed of its own: the same seed gives the same weights on every backend. */
  seed?: number;
}

/** Options of evaluate. */
export interface EvaluateArgs {
  /** Default 32. */
  batchSize?: number;
}

/** Options of predict. */
export interface PredictArgs {
  /** Examples per forward pass (default 32). */
  batchSize?: number;
}

/**
 * A Keras functional model: the layers between input placeholders and output placeholders, with
 * several inputs and outputs, shared layers and nested models. Make one with
 * `wt.model({ inputs, outputs })`, configure training with compile, then fit, evaluate, predict;
 * save and loadLayersModel use the TensorFlow.js layers format. It is also a layer: apply it inside
 * another model.
 */
export class LayersModel extends Container {
  /** Keras's class name, as in model.json. */
  static readonly className: string = 'Model';
  /** @internal Set by compile. */
  compiled?: Compiled;
  /** A callback may set this to end fit after the current batch. */
  stopTraining = false;

  /** A model of the graph from `inputs` to `outputs` (given only a name, an empty one that a subclass wires). */
  constructor(args: ModelArgs | { name?: string }) {
    if (args === null || typeof args !== 'object') throw new Error(`model: expected { inputs, outputs }, got ${String(args)}`);
    super({ name: args.name });
    if (!('inputs' in args) && !('outputs' in args)) return;
    this.wireFrom(args as ModelArgs);
  }

  /** @internal A model wired but not built (a loaded file is checked against its planned weights first); build() allocates. */
  static unbuilt(args: ModelArgs): LayersModel {
    const m = new LayersModel({ name: args.name });
    m.wireFrom(args, false);
    return m;
  }

  private wireFrom(args: ModelArgs, build = true): void {
    if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new Error(`model: seed must be an integer, got ${String(args.seed)}`);
    this.seed = args.seed ?? freshSeed();
    const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as SymbolicTensor[];
    this.wire('model', list(args.inputs), list(args.outputs), build);
  }

  getClassName(): string {
    return LayersModel.className;
  }

  /** @internal The model's inputs as a list, checked against its inputs. */
  inputsOf(op: string, x: unknown): Tensor[] {
    this.ensureWired(op, x);
    return toList(op, 'x', x, this.inputNames);
  }

  /** @internal Where the graph is not wired yet (a Sequential without an input shape), wire it from `x`. */
  protected ensureWired(op: string, x: unknown): void {
    void x;
    if (this.nodes.length === 0) throw new Error(`${op}: the model has no layers`);
  }

  /** @internal The targets as a list, one per output. */
  ysOf(op: string, y: unknown): Tensor[] {
    return toList(op, 'y', y, this.outputNames);
  }

  /**
   * @internal Loss (weighted over outputs, plus regularisation), the per-output losses and the
   * predictions of one batch. An output made by a Dense or Activation layer ending in the activation
   * its loss expects (softmax for categorical, sigmoid for binary cross-entropy) has its loss
   * computed from the logits.
   */
  lossAndPredictions(xs: Tensor[], ys: Tensor[], ctx: CallContext): { loss: Tensor; parts: Tensor[]; preds: () => Tensor[] } {
    const c = this.compiled!;
    const logits = new Map<Node, 'softmax' | 'sigmoid'>();
    c.outputs.forEach((o, i) => {
      const n = this.outputNode(i);
      const l = n?.layer as { activation?: unknown } | undefined;
      if (n && o.logitsActivation && o.lossFromLogits && l && l.activation === o.logitsActivation && (n.layer.getClassName() === 'Dense' || n.layer.getClassName() === 'Activation')) logits.set(n, o.logitsActivation);
    });
    const outs = this.execute(xs, ctx, new Set(logits.keys()));
    const parts = c.outputs.map((o, i) => {
      const n = this.outputNode(i);
      const l = n && logits.has(n) ? o.lossFromLogits!(ys[i]!, outs[i]!) : o.loss(ys[i]!, outs[i]!);
      if (!(l instanceof Tensor) || l.size !== 1) throw new Error(`${this.name}: the loss of output '${o.name}' must return a scalar tensor, got ${l instanceof Tensor ? fmt(l.shape) : typeof l}`);
      return l.rank === 0 ? l : ops.reshape(l, []);
    });
    let loss = parts.length === 1 && c.outputs[0]!.weight === 1 ? parts[0]! : parts.map((p, i) => ops.mul(p, c.outputs[i]!.weight)).reduce((a, b) => ops.add(a, b));
    for (const v of this.trainableWeights) if (v.regularizer) loss = ops.add(loss, v.regularizer.apply(v.value));
    const preds = () => outs.map((p, i) => {
      const n = this.outputNode(i);
      return n && logits.has(n) ? applyActivation(logits.get(n)!, p) : p;
    });
    return { loss, parts: parts.length > 1 ? parts : [], preds };
  }

  /** @internal One batch's figures in the order of compiled.names: loss, per-output losses, metrics. */
  figures(ys: Tensor[], r: { loss: Tensor; parts: Tensor[]; preds: () => Tensor[] }): Tensor[] {
    const c = this.compiled!;
    const anyMetric = c.outputs.some((o) => o.metrics.length);
    const p = anyMetric ? r.preds() : [];
    return [r.loss, ...r.parts, ...c.outputs.flatMap((o, i) => o.metrics.map((m) => m.fn(ys[i]!, p[i]!)))];
  }

  /** Configure training: optimizer, loss(es), lossWeights and metrics (per output by array or by output name). */
  compile(args: CompileArgs): void {
    this.compiled = resolveCompile(args, this.outputNames, this.compiled?.optimizer);
  }

  /** The optimizer compile chose, or undefined before compile. */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }

  /** The names of the figures fit and evaluate report: loss, each output's loss (several outputs), the metrics. */
  get metricsNames(): string[] {
    return this.compiled?.names.slice() ?? [];
  }

  /**
   * Train for `epochs` over (x, y); resolves to the History of per-epoch loss and metrics. With
   * several inputs or outputs, x and y are arrays in input (output) order or objects keyed by name.
   */
  fit(x: NamedTensors, y: NamedTensors, args: FitArgs = {}): Promise<History> {
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

  /** Outputs for `x`, computed `batchSize` (default 32) examples at a time, in inference mode: one tensor, or one per output. */
  predict(x: NamedTensors, args: PredictArgs = {}): Tensor | Tensor[] {
    const xs = this.inputsOf('predict', x);
    const bs = checkBatchSize('predict', args?.batchSize ?? 32);
    const n = checkExamples('predict', xs);
    const ctx: CallContext = { training: false, seed: 0, updates: [] };
    const out = tidy(() => {
      if (n <= bs) return this.execute(xs, ctx).map((y) => own(y, xs));
      const parts: Tensor[][] = [];
      for (let s = 0; s < n; s += bs) parts.push(this.execute(sliceAll(xs, s, Math.min(bs, n - s)), ctx));
      return this.outputs.map((_, i) => ops.concat(parts.map((p) => p[i]!), 0));
    });
    return out.length === 1 ? out[0]! : out;
  }

  /** Loss and metrics over (x, y) in inference mode, accumulated on the device and read once. */
  async evaluate(x: NamedTensors, y: NamedTensors, args: EvaluateArgs = {}): Promise<Record<string, number>> {
    if (!this.compiled) throw new Error(`evaluate: the model must be compiled first (call model.compile({ optimizer, loss }))`);
    const xs = this.inputsOf('evaluate', x);
    const ys = this.ysOf('evaluate', y);
    const n = checkExamples('evaluate', xs, ys);
    const sums = evaluateSums(this, xs, ys, checkBatchSize('evaluate', args?.batchSize ?? 32));
    const vals = await Promise.all(sums.map((t) => t.data()));
    dispose(sums);
    const out: Record<string, number> = {};
    this.compiled.names.forEach((k, i) => (out[k] = vals[i]![0]! / n));
    return out;
  }

  /** Set all weights from tensors in the order of getWeights (they are copied). */
  override setWeights(values: readonly Tensor[]): void {
    const ws: LayerVariable[] = this.weights;
    if (!Array.isArray(values) || values.length !== ws.length) {
      throw new Error(`setWeights: the model has ${ws.length} weights, got ${Array.isArray(values) ? values.length : typeof values} tensors`);
    }
    ws.forEach((w, i) => w.assign(values[i]!));
  }

  /** The Keras summary table (with a "Connected to" column for graphs that are not a chain). Printed unless `print: false`; returned either way. */
  summary(opts: SummaryOptions = {}): string {
    const text = summaryText(this, opts);
    if (opts.print !== false) (opts.printFn ?? console.log)(text);
    return text;
  }

  /** Save in the TensorFlow.js layers format: 'file://dir' (Node), 'indexeddb://name', 'localstorage://name', 'downloads://name', or an IOHandler. */
  save(destination: string | IOHandler): Promise<SaveResult> {
    return saveModel(this, destination);
  }

  /** Free the weights and optimizer state. */
  override dispose(): void {
    super.dispose();
    this.compiled?.optimizer.dispose();
  }
}

/** @internal */
export function checkBatchSize(op: string, bs: unknown): number {
  if (typeof bs !== 'number' || !Number.isInteger(bs) || bs < 1) throw new Error(`${op}: batchSize must be a positive integer, got ${String(bs)}`);
  return bs;
}

/** @internal Summed figures (times batch size) over batches, as device scalars, in the order of compiled.names. */
export function evaluateSums(model: LayersModel, xs: Tensor[], ys: Tensor[], bs: number): Tensor[] {
  const n = xs[0]!.shape[0]!;
  let sums: Tensor[] = [];
  for (let s = 0; s < n; s += bs) {
    const size = Math.min(bs, n - s);
    const next = tidy(() => {
      const xb = sliceAll(xs, s, size);
      const yb = sliceAll(ys, s, size);
      const vals = model.figures(yb, model.lossAndPredictions(xb, yb, { training: false, seed: 0, updates: [] })).map((v) => ops.mul(v, size));
      return sums.length ? vals.map((v, i) => ops.add(sums[i]!, v)) : vals;
    });
    dispose(sums);
    sums = next;
  }
  return sums.map((t) => keep(t));
}

/** A functional model from placeholders: `wt.model({ inputs, outputs })`. */
export function model(args: ModelArgs): LayersModel {
  if (args === null || typeof args !== 'object' || args.inputs === undefined || args.outputs === undefined) {
    throw new Error(`model: expected { inputs, outputs } (placeholders from wt.input() and layer.apply), got ${args === null ? 'null' : typeof args === 'object' ? `{ ${Object.keys(args).join(', ')} }` : typeof args}`);
  }
  return new LayersModel(args);
}
