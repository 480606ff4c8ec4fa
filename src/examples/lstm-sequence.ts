/**
 * An LSTM learns a property of a whole sequence: each example is a run of numbers in [-1, 1], and
 * the label says whether the first half sums to more than the second half. No single step decides
 * it; the network must carry a running balance in its state.
 *
 *   sequence [steps, 1] -> lstm 16 -> dense 1 sigmoid;  adam, binaryCrossentropy
 *
 * The sequences are generated from a seed (the same on every backend).
 *
 *   node dist/examples/lstm-sequence.js [--backend cpu|webgpu|wasm|gpujs]
 */
import * as wt from '../index.js';
import { chooseBackend, isMain } from './common.js';

export interface LstmSequenceOptions {
  /** Training sequences (default 1024). */
  train?: number;
  /** Held-out sequences (default 256). */
  test?: number;
  /** Steps per sequence (default 12). */
  steps?: number;
  /** LSTM units (default 16). */
  units?: number;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** 0: quiet; 1: the summary and one line per epoch. */
  verbose?: 0 | 1;
}

export interface LstmSequenceResult {
  history: wt.History;
  /** The loss after each training batch. */
  batchLosses: number[];
  testLoss: number;
  testAccuracy: number;
  params: number;
}

/** `n` sequences of `steps` values in [-1, 1] and their labels (first half's sum > second half's). */
export function makeSequences(n: number, steps: number, seed: number): { x: Float32Array; y: Float32Array } {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
  const x = new Float32Array(n * steps), y = new Float32Array(n);
  const half = Math.floor(steps / 2);
  for (let i = 0; i < n; i++) {
    let balance = 0;
    for (let t = 0; t < steps; t++) {
      const v = next();
      x[i * steps + t] = v;
      balance += t < half ? v : -v;
    }
    y[i] = balance > 0 ? 1 : 0;
  }
  return { x, y };
}

/** The model, compiled. */
export function buildLstm(steps: number, units = 16, seed = 0): wt.Sequential {
  const model = wt.sequential({
    layers: [
      wt.layers.lstm({ units, inputShape: [steps, 1], name: 'memory' }),
      wt.layers.dense({ units: 1, activation: 'sigmoid', name: 'verdict' }),
    ],
    seed,
  });
  model.compile({ optimizer: wt.optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

export async function run(opts: LstmSequenceOptions = {}): Promise<LstmSequenceResult> {
  const { train = 1024, test = 256, steps = 12, units = 16, epochs = 8, batchSize = 32, seed = 0, verbose = 0 } = opts;
  const tr = makeSequences(train, steps, seed + 1), te = makeSequences(test, steps, seed + 2);
  const xTrain = wt.tensor(tr.x, [train, steps, 1]), yTrain = wt.tensor(tr.y, [train, 1]);
  const xTest = wt.tensor(te.x, [test, steps, 1]), yTest = wt.tensor(te.y, [test, 1]);
  const model = buildLstm(steps, units, seed);
  if (verbose) model.summary();
  const batchLosses: number[] = [];
  const history = await model.fit(xTrain, yTrain, {
    epochs, batchSize, seed, verbose, callbacks: { onBatchEnd: (_b, logs) => void batchLosses.push(logs!.loss!) },
  });
  const { loss, accuracy } = await model.evaluate(xTest, yTest, { batchSize: 256 });
  const params = model.countParams();
  model.dispose();
  wt.dispose([xTrain, yTrain, xTest, yTest]);
  return { history, batchLosses, testLoss: loss!, testAccuracy: accuracy!, params };
}

if (isMain(import.meta.url)) {
  const backend = await chooseBackend();
  console.log(`backend: ${backend}`);
  const r = await run({ verbose: 1 });
  console.log(`test loss ${r.testLoss.toFixed(4)}, test accuracy ${(r.testAccuracy * 100).toFixed(2)}%`);
}
