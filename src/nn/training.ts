/**
 * The training loop behind model.fit. One step = gather a shuffled batch, one valueAndGrad over the
 * loss, one fused optimizer kernel per parameter, all inside tidy. Loss and metrics accumulate on
 * the device and are read once per epoch; a batch is read back only for an onBatchEnd callback.
 */
import { valueAndGrad } from '../autograd.js';
import { dispose, keep, tidy } from '../memory.js';
import { fromData } from '../ops/core.js';
import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor.js';
import { checkExamples, gatherAll, sliceAll, type NamedTensors } from './data.js';
import type { CallContext } from './layers/layer.js';
import { checkBatchSize, evaluateSums, type LayersModel } from './model.js';
import { freshSeed, mixSeed, permutation } from './seed.js';

/** Logs passed to callbacks: loss and metric names to numbers (val_ prefixed for validation). */
export type Logs = Record<string, number>;

/** Keras / TensorFlow.js callback hooks; each may be async. */
export interface CustomCallbackArgs {
  /** Before the first epoch. */
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  /** After the last epoch (or after a callback set model.stopTraining). */
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  /** Before each epoch (epochs count from 0, or from initialEpoch). */
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  /** After each epoch, with its loss and metrics (and val_ ones when validating). */
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  /** Before each batch, with { batch, size }. */
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  /** Receives { batch, size, loss, ...metrics } of that batch (reading them back costs a sync per batch). */
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
  /** Called once before training with the model being trained (as TensorFlow.js's Callback.setModel). */
  setModel?: (model: LayersModel) => void;
}

/** Options of model.fit (Keras's names and defaults). */
export interface FitArgs {
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Shuffle the examples each epoch (default true), seeded by `seed`. */
  shuffle?: boolean;
  /** Evaluated at the end of each epoch into val_loss, val_<metric>: [xVal, yVal], each as x and y are given. */
  validationData?: [NamedTensors, NamedTensors];
  /** Hold out this fraction of the last examples (before shuffling) for validation. */
  validationSplit?: number;
  /** Hooks called at the start and end of training, epochs and batches. */
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
  /** 0: silent, 1 (default): one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Seeds shuffling and dropout: the same seed trains the same way on every backend. */
  seed?: number;
  /** Start counting epochs here (for resuming). */
  initialEpoch?: number;
}

/** What fit resolves to: per-epoch figures under history.loss, history.accuracy, history.val_loss, ... */
export interface History {
  /** The index of each epoch run. */
  epoch: number[];
  /** Per figure (loss, accuracy, val_loss, ...), its value at the end of each epoch. */
  history: Record<string, number[]>;
  /** How the run was set up. */
  params: {
    /** Epochs asked for. */
    epochs: number;
    /** Training examples per epoch. */
    samples: number;
    /** Batches per epoch. */
    steps: number;
    /** Examples per batch (for fitDataset, the largest batch seen). */
    batchSize: number;
  };
}

/** @internal The callback objects of `callbacks`, checked. */
export function hooks(op: string, cbs: FitArgs['callbacks'], model?: LayersModel): CustomCallbackArgs[] {
  if (cbs === undefined) return [];
  const list = Array.isArray(cbs) ? cbs : [cbs];
  for (const c of list) if (!c || typeof c !== 'object') throw new Error(`${op}: callbacks must be an object of hooks (onEpochEnd, onBatchEnd, ...), got ${String(c)}`);
  // A callback that asks for the model (earlyStopping, to set stopTraining) gets it first.
  for (const c of list) if (model && typeof c.setModel === 'function') c.setModel(model);
  return list;
}

/** @internal Call hook `k` of every callback object in turn, awaiting each. */
export async function call<K extends keyof CustomCallbackArgs>(list: CustomCallbackArgs[], k: K, ...a: Parameters<NonNullable<CustomCallbackArgs[K]>>): Promise<void> {
  for (const c of list) {
    const f = c[k] as ((...x: unknown[]) => void | Promise<void>) | undefined;
    if (f) await f.call(c, ...a);
  }
}

const fmtLogs = (logs: Logs): string => Object.entries(logs).map(([k, v]) => `${k}: ${v.toPrecision(4)}`).join(' - ');

/** @internal What one training run shares between its epochs (fit and fitDataset alike). */
export interface Run {
  op: string;
  model: LayersModel;
  cbs: CustomCallbackArgs[];
  names: string[];
  seed: number;
  wantBatchLogs: boolean;
  history: History;
  verbose: number;
  lastEpoch: number;
}

/**
 * @internal One step inside tidy on (xb, yb) of `size` examples: trains, and returns the running
 * size-weighted sums of loss and metrics with this batch added, plus this batch's own values when
 * batch logs are wanted.
 */
export function accumulateStep(run: Run, xb: () => [Tensor[], Tensor[]], size: number, sums: Tensor[], epoch: number, b: number): [Tensor[], Tensor[]] {
  return tidy(() => {
    const [x, y] = xb();
    const vals = trainStep(run.model, x, y, mixSeed(run.seed, 0x7fff, epoch, b));
    const weighted = vals.map((v) => ops.mul(v, size));
    return [sums.length ? weighted.map((w, i) => ops.add(sums[i]!, w)) : weighted, run.wantBatchLogs ? vals : []];
  });
}

/** @internal Read one batch's values back and call onBatchEnd with { batch, size, loss, ...metrics }. */
export async function batchEnd(run: Run, b: number, size: number, batchVals: Tensor[]): Promise<void> {
  if (!run.wantBatchLogs) return;
  const data = await Promise.all(batchVals.map((t) => t.data()));
  dispose(batchVals);
  const logs: Logs = { batch: b, size };
  run.names.forEach((k, i) => (logs[k] = data[i]![0]!));
  await call(run.cbs, 'onBatchEnd', b, logs);
}

/**
 * @internal The end of an epoch: average the sums over `seen` examples, add the validation figures,
 * record them in the history, print the epoch line when verbose, call onEpochEnd.
 */
export async function endEpoch(run: Run, epoch: number, t0: number, sums: Tensor[], seen: number, validate: () => Promise<Record<string, number> | undefined>): Promise<void> {
  const logs: Logs = {};
  const data = await Promise.all(sums.map((t) => t.data()));
  dispose(sums);
  run.names.forEach((k, i) => (logs[k] = data[i]![0]! / Math.max(1, seen)));
  const val = await validate();
  if (val) run.names.forEach((k) => (logs[`val_${k}`] = val[k]!));
  for (const [k, v] of Object.entries(logs)) {
    if (!Number.isFinite(v)) throw new Error(`${run.op}: ${k} became ${v} in epoch ${epoch + 1} (try a smaller learningRate, or check the inputs for NaN)`);
    (run.history.history[k] ??= []).push(v);
  }
  run.history.epoch.push(epoch);
  if (run.verbose > 0) console.log(`Epoch ${epoch + 1}/${run.lastEpoch} - ${((Date.now() - t0) / 1000).toFixed(1)}s - ${fmtLogs(logs)}`);
  await call(run.cbs, 'onEpochEnd', epoch, logs);
}

/** @internal Loss and metrics of (x, y), averaged over its examples, computed `bs` at a time. */
export async function evaluateTensors(model: LayersModel, xs: Tensor[], ys: Tensor[], bs: number): Promise<Record<string, number>> {
  const vs = evaluateSums(model, xs, ys, bs);
  const vd = await Promise.all(vs.map((t) => t.data()));
  dispose(vs);
  const out: Record<string, number> = {};
  model.compiled!.names.forEach((k, i) => (out[k] = vd[i]![0]! / xs[0]!.shape[0]!));
  return out;
}

/** @internal One training step on (xb, yb); returns the loss and metric values as device scalars. */
export function trainStep(model: LayersModel, xb: Tensor[], yb: Tensor[], seed: number): Tensor[] {
  const c = model.compiled!;
  const vars = model.trainableWeights;
  const params = vars.map((v) => v.value);
  const ctx: CallContext = { training: true, seed, updates: [] };
  let metricVals: Tensor[] = [];
  const [loss, grads] = valueAndGrad<Tensor[]>(() => {
    const r = model.lossAndPredictions(xb, yb, ctx);
    // Kept: valueAndGrad frees what f made except its result.
    if (c.names.length > 1) metricVals = model.figures(yb, r).slice(1).map((t) => keep(t));
    for (const [, t] of ctx.updates) keep(t);
    return r.loss;
  })(params);
  c.optimizer.applyGradients(params.map((p, i) => [p, grads[i]!] as const));
  for (const [v, t] of ctx.updates) v.replace(t);
  // Copies join the caller's tidy scope; the kept originals go.
  const metrics = metricVals.map((m) => ops.clone(m));
  dispose(metricVals);
  return [loss, ...metrics];
}

/** @internal model.fit's loop (see Sequential.fit). */
export async function fit(model: LayersModel, x: NamedTensors, y: NamedTensors, args: FitArgs = {}): Promise<History> {
  if (!model.compiled) throw new Error(`fit: the model must be compiled before fit (call model.compile({ optimizer, loss, metrics }))`);
  const xs = toInputs(model, 'fit', x);
  const ys = model.ysOf('fit', y);
  const total = checkExamples('fit', xs, ys);
  if (args === null || typeof args !== 'object') throw new Error(`fit: expected an options object, got ${String(args)}`);
  const epochs = args.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`fit: epochs must be a non-negative integer, got ${String(args.epochs)}`);
  const bs = checkBatchSize('fit', args.batchSize ?? 32);
  const split = args.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${String(args.validationSplit)}`);
  if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new Error(`fit: seed must be an integer, got ${String(args.seed)}`);
  if (args.validationData !== undefined && (!Array.isArray(args.validationData) || args.validationData.length !== 2)) {
    throw new Error('fit: validationData must be [xVal, yVal]');
  }
  const cbs = hooks('fit', args.callbacks, model);
  const verbose = args.verbose ?? 1;
  const seed = args.seed ?? freshSeed();
  const shuffle = args.shuffle ?? true;
  const c = model.compiled;

  let xTrain = xs, yTrain = ys, xVal: Tensor[] | undefined, yVal: Tensor[] | undefined;
  const owned: Tensor[] = [];
  if (args.validationData) {
    xVal = toInputs(model, 'fit (validationData)', args.validationData[0]);
    yVal = model.ysOf('fit (validationData)', args.validationData[1]);
    checkExamples('fit (validationData)', xVal, yVal);
  } else if (split > 0) {
    const nTrain = Math.floor(total * (1 - split));
    if (nTrain < 1 || nTrain >= total) throw new Error(`fit: validationSplit ${split} of ${total} examples leaves no training or no validation examples`);
    [xTrain, yTrain, xVal, yVal] = [sliceAll(xs, 0, nTrain), sliceAll(ys, 0, nTrain), sliceAll(xs, nTrain, total - nTrain), sliceAll(ys, nTrain, total - nTrain)];
    owned.push(...xTrain, ...yTrain, ...xVal, ...yVal);
  }
  const n = xTrain[0]!.shape[0]!;
  const steps = Math.ceil(n / bs);
  const history: History = { epoch: [], history: {}, params: { epochs, samples: n, steps, batchSize: bs } };
  const backend = xs[0]!.backend;
  model.stopTraining = false;
  const first = args.initialEpoch ?? 0;
  const run: Run = {
    op: 'fit', model, cbs, seed, history, verbose,
    names: c.names,
    wantBatchLogs: cbs.some((cb) => cb.onBatchEnd),
    lastEpoch: first + epochs,
  };

  try {
    await call(cbs, 'onTrainBegin', {});
    for (let epoch = first; epoch < first + epochs && !model.stopTraining; epoch++) {
      await call(cbs, 'onEpochBegin', epoch, {});
      const t0 = Date.now();
      const order = shuffle ? fromData(permutation(n, mixSeed(seed, epoch)), [n], 'int32', backend) : undefined;
      let sums: Tensor[] = [];
      let seen = 0;
      try {
        for (let b = 0; b < steps && !model.stopTraining; b++) {
          const start = b * bs;
          const size = Math.min(bs, n - start);
          await call(cbs, 'onBatchBegin', b, { batch: b, size });
          const [nextSums, batchVals] = accumulateStep(run, () => {
            if (order) {
              const idx = size === n ? order : ops.slice(order, start, size);
              return [gatherAll(xTrain, idx), gatherAll(yTrain, idx)];
            }
            return [sliceAll(xTrain, start, size), sliceAll(yTrain, start, size)];
          }, size, sums, epoch, b);
          dispose(sums);
          sums = nextSums;
          seen += size;
          backend.flush();
          await batchEnd(run, b, size, batchVals);
        }
      } finally {
        order?.dispose();
      }
      await endEpoch(run, epoch, t0, sums, seen, async () => (xVal && yVal ? evaluateTensors(model, xVal, yVal, bs) : undefined));
    }
    await call(cbs, 'onTrainEnd', {});
  } finally {
    dispose(owned);
  }
  return history;
}

/** @internal The inputs of `model` as a list (wiring a Sequential from them when needed). */
export function toInputs(model: LayersModel, op: string, x: unknown): Tensor[] {
  return model.inputsOf(op, x);
}
