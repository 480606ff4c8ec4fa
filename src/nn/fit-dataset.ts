/**
 * model.fitDataset and model.evaluateDataset: training and evaluation over any (async) iterable of
 * `{ xs, ys }` batches (a `wt.data` Dataset, an array, a generator), for data that does not fit in
 * memory. The steps are fit's own (./training.ts), so the same batches and seed give the same
 * losses. As in TensorFlow.js, each batch's tensors are disposed once the step has used them.
 */
import { dispose } from '../memory.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkExamples, disposeAll, type NamedTensors } from './data.js';
import { checkBatchSize, evaluateSums, type LayersModel } from './model.js';
import { freshSeed } from './seed.js';
import { accumulateStep, batchEnd, call, endEpoch, evaluateTensors, hooks, type CustomCallbackArgs, type History, type Run } from './training.js';

/** One batch: inputs [batch, ...] and targets [batch, ...] with the same number of examples. */
export interface TensorBatch {
  /** Inputs, [batch, ...the model's input shape]: one tensor, or (several inputs) an array in input order or an object keyed by input name. */
  xs: NamedTensors;
  /** Targets, [batch, ...the model's output shape]: one tensor, or (several outputs) an array or an object keyed by output name. */
  ys: NamedTensors;
}

/** What fitDataset and evaluateDataset iterate: a `wt.data` Dataset, an array, a generator, any (async) iterable of batches. */
export type BatchDataset = Iterable<TensorBatch> | AsyncIterable<TensorBatch>;

/** Options of model.fitDataset (TensorFlow.js's names). */
export interface FitDatasetArgs {
  /** Passes over the dataset (default 1). */
  epochs?: number;
  /**
   * Batches per epoch. When given, one iterator runs through all epochs (the dataset must yield at
   * least epochs * batchesPerEpoch batches: use repeat()); when omitted, each epoch is one full pass.
   */
  batchesPerEpoch?: number;
  /** Evaluated at the end of each epoch into val_loss, val_<metric>: a dataset of batches, or [xVal, yVal] tensors. */
  validationData?: BatchDataset | [NamedTensors, NamedTensors];
  /** With a validation dataset: how many of its batches to use (default all). */
  validationBatches?: number;
  /** With [xVal, yVal]: examples per evaluation step (default 32). */
  validationBatchSize?: number;
  /** Hooks called at the start and end of training, epochs and batches. */
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
  /** 0: silent, 1 (default): one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Seeds dropout: the same seed and batches train the same way on every backend. */
  seed?: number;
  /** Start counting epochs here (for resuming). */
  initialEpoch?: number;
}

/** Options of model.evaluateDataset. */
export interface EvaluateDatasetArgs {
  /** Use at most this many batches (default: the whole dataset). */
  batches?: number;
}

/** Throws unless `ds` is iterable; makes no iterator (a Dataset's shuffle counts its passes). */
function checkIterable(op: string, ds: unknown): void {
  const d = ds as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (d && (typeof d[Symbol.asyncIterator] === 'function' || typeof d[Symbol.iterator] === 'function')) return;
  throw new Error(`${op}: expected a dataset (an iterable or async iterable of { xs, ys } batches, such as wt.data.array(...).batch(n)), got ${ds === null ? 'null' : typeof ds}`);
}

function iterate(op: string, ds: unknown): AsyncIterator<unknown> | Iterator<unknown> {
  checkIterable(op, ds);
  const d = ds as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
  return typeof d[Symbol.asyncIterator] === 'function' ? d[Symbol.asyncIterator]!() : d[Symbol.iterator]!();
}

const isBatchPart = (v: unknown): boolean => v instanceof Tensor || (v !== null && typeof v === 'object');

/** The batch's tensors as lists, checked; whatever arrived is disposed when it is not a usable batch. */
function checkBatch(model: LayersModel, op: string, v: unknown, b: number): { xs: Tensor[]; ys: Tensor[]; all: Tensor[] } {
  const x = (v as Partial<TensorBatch> | null)?.xs;
  const y = (v as Partial<TensorBatch> | null)?.ys;
  if (!isBatchPart(x) || !isBatchPart(y)) {
    dispose(v);
    throw new Error(`${op}: batch ${b} must be { xs: Tensor, ys: Tensor }, got ${v === null ? 'null' : typeof v === 'object' ? `{ ${Object.keys(v as object).join(', ')} }` : typeof v}`);
  }
  try {
    const xs = model.inputsOf(`${op}: batch ${b}`, x);
    const ys = model.ysOf(`${op}: batch ${b}`, y);
    const n = xs[0]!.shape[0]!;
    if ([...xs, ...ys].some((t) => t.shape[0] !== n) || n === 0) {
      throw new Error(`${op}: batch ${b}: xs ${xs.map((t) => fmt(t.shape)).join(', ')} and ys ${ys.map((t) => fmt(t.shape)).join(', ')} must hold the same number (> 0) of examples (first dimension)`);
    }
    return { xs, ys, all: [...xs, ...ys] };
  } catch (e) {
    disposeAll(x);
    disposeAll(y);
    throw e;
  }
}

function checkPositive(op: string, name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

/** @internal model.evaluateDataset (see Sequential.evaluateDataset). */
export async function evaluateDataset(model: LayersModel, dataset: BatchDataset, args: EvaluateDatasetArgs = {}, op = 'evaluateDataset'): Promise<Record<string, number>> {
  if (!model.compiled) throw new Error(`${op}: the model must be compiled first (call model.compile({ optimizer, loss }))`);
  const limit = checkPositive(op, 'batches', args?.batches) ?? Infinity;
  const it = iterate(op, dataset);
  let sums: Tensor[] = [];
  let n = 0;
  try {
    for (let b = 0; b < limit; b++) {
      const r = await it.next();
      if (r.done) break;
      const { xs, ys, all } = checkBatch(model, op, r.value, b);
      try {
        const part = evaluateSums(model, xs, ys, xs[0]!.shape[0]!);
        const next = sums.length ? part.map((t, i) => t.add(sums[i]!)) : part;
        if (sums.length) dispose(part);
        dispose(sums);
        sums = next;
        n += xs[0]!.shape[0]!;
      } finally {
        dispose(all);
      }
    }
    if (n === 0) throw new Error(`${op}: the dataset yielded no batches`);
    const vals = await Promise.all(sums.map((t) => t.data()));
    const out: Record<string, number> = {};
    model.compiled.names.forEach((k, i) => (out[k] = vals[i]![0]! / n));
    return out;
  } finally {
    dispose(sums);
  }
}

/** @internal model.fitDataset's loop (see Sequential.fitDataset). */
export async function fitDataset(model: LayersModel, dataset: BatchDataset, args: FitDatasetArgs = {}): Promise<History> {
  const op = 'fitDataset';
  if (!model.compiled) throw new Error(`${op}: the model must be compiled before fitDataset (call model.compile({ optimizer, loss, metrics }))`);
  if (args === null || typeof args !== 'object') throw new Error(`${op}: expected an options object, got ${String(args)}`);
  checkIterable(op, dataset);
  const epochs = args.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`${op}: epochs must be a non-negative integer, got ${String(args.epochs)}`);
  const perEpoch = checkPositive(op, 'batchesPerEpoch', args.batchesPerEpoch);
  if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new Error(`${op}: seed must be an integer, got ${String(args.seed)}`);
  const val = args.validationData;
  let validate: () => Promise<Record<string, number> | undefined> = async () => undefined;
  if (Array.isArray(val) && val.length === 2 && !(val[0] !== null && typeof val[0] === 'object' && 'xs' in val[0])) {
    const [xv, yv] = val as [NamedTensors, NamedTensors];
    const vbs = checkBatchSize(op, args.validationBatchSize ?? 32);
    validate = async () => {
      const xl = model.inputsOf(`${op} (validationData)`, xv);
      const yl = model.ysOf(`${op} (validationData)`, yv);
      checkExamples(`${op} (validationData)`, xl, yl);
      return evaluateTensors(model, xl, yl, vbs);
    };
  } else if (val !== undefined) {
    checkIterable(`${op} (validationData)`, val);
    const batches = checkPositive(op, 'validationBatches', args.validationBatches);
    validate = () => evaluateDataset(model, val as BatchDataset, batches === undefined ? {} : { batches }, `${op} (validationData)`);
  }
  const cbs = hooks(op, args.callbacks, model);
  const first = args.initialEpoch ?? 0;
  const history: History = { epoch: [], history: {}, params: { epochs, samples: 0, steps: perEpoch ?? 0, batchSize: 0 } };
  const run: Run = {
    op, model, cbs, history,
    seed: args.seed ?? freshSeed(),
    verbose: args.verbose ?? 1,
    names: model.compiled.names,
    wantBatchLogs: cbs.some((cb) => cb.onBatchEnd),
    lastEpoch: first + epochs,
  };
  model.stopTraining = false;

  await call(cbs, 'onTrainBegin', {});
  let it = perEpoch === undefined ? null : iterate(op, dataset);
  for (let epoch = first; epoch < first + epochs && !model.stopTraining; epoch++) {
    await call(cbs, 'onEpochBegin', epoch, {});
    const t0 = Date.now();
    if (perEpoch === undefined) it = iterate(op, dataset);
    let sums: Tensor[] = [];
    let seen = 0;
    let b = 0;
    try {
      for (; (perEpoch === undefined || b < perEpoch) && !model.stopTraining; b++) {
        const r = await it!.next();
        if (r.done) {
          if (perEpoch !== undefined) {
            throw new Error(`${op}: the dataset ran out after ${b} batches of epoch ${epoch + 1}, but batchesPerEpoch is ${perEpoch}: ` +
              `it must yield epochs * batchesPerEpoch = ${epochs * perEpoch} batches (use repeat())`);
          }
          break;
        }
        const { xs, ys, all } = checkBatch(model, op, r.value, b);
        const size = xs[0]!.shape[0]!;
        try {
          await call(cbs, 'onBatchBegin', b, { batch: b, size });
          const [nextSums, batchVals] = accumulateStep(run, () => [xs, ys], size, sums, epoch, b);
          dispose(sums);
          sums = nextSums;
          xs[0]!.backend.flush();
          await batchEnd(run, b, size, batchVals);
        } finally {
          dispose(all);
        }
        seen += size;
        history.params.batchSize = Math.max(history.params.batchSize, size);
      }
    } catch (e) {
      dispose(sums);
      throw e;
    }
    if (b === 0 && !model.stopTraining) {
      throw new Error(`${op}: the dataset yielded no batches in epoch ${epoch + 1}` +
        (epoch > first ? ' (an iterator or generator object can be iterated only once: pass wt.data.generator(() => makeIterator()) or an array)' : ''));
    }
    history.params.samples = Math.max(history.params.samples, seen);
    history.params.steps = Math.max(history.params.steps, b);
    await endEpoch(run, epoch, t0, sums, seen, validate);
  }
  await call(cbs, 'onTrainEnd', {});
  return history;
}
