/**
 * Parity: the same seeded training of the Keras MNIST model (dense 512 relu, dense 10 softmax,
 * rmsprop, batch 32, 30 steps over 480 real digits (SwiftShader is slow)) on cpu and on every other backend that runs here.
 * Tolerance: each batch's loss within 1e-4 + 1e-3 * loss of the cpu's, and train and test
 * accuracies within 0.5 percentage points. The same for the small CNN (conv 16, max-pool, conv 32,
 * max-pool, dense 64, dense 10, adam; 16 steps of 32 images [28, 28, 1]).
 * Under CI=true a missing WebGPU adapter fails the suite.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availability, requiredInCI } from './backends.js';
import { buildModel } from '../src/examples/cnn-mnist.js';

interface Run {
  losses: number[];
  history: Record<string, number[]>;
  test: Record<string, number>;
}

const TRAIN = 480;
const TEST = 200;
let data: { x: Float32Array; y: Float32Array; xt: Float32Array; yt: Float32Array };
let reference: Run;
let cnnReference: Run;
const backends = await availability();

const CNN_TRAIN = 256;

/** The small CNN of the example (adam at 0.001), seeded. */
const cnn = (): wt.Sequential => buildModel(1, 'small');

async function train(backend: wt.BackendName, kind: 'mlp' | 'cnn' = 'mlp'): Promise<Run> {
  await wt.setBackend(backend);
  const n = kind === 'cnn' ? CNN_TRAIN : TRAIN;
  const image = kind === 'cnn' ? [28, 28, 1] : [784];
  const x = wt.tensor(data.x.subarray(0, n * 784), [n, ...image]);
  const y = wt.tensor(data.y.subarray(0, n * 10), [n, 10]);
  const xt = wt.tensor(data.xt, [TEST, ...image]);
  const yt = wt.tensor(data.yt, [TEST, 10]);
  let model: wt.Sequential;
  if (kind === 'cnn') {
    model = cnn();
  } else {
    model = wt.sequential({ layers: [wt.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }), wt.layers.dense({ units: 10, activation: 'softmax' })], seed: 1 });
    model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  }
  const losses: number[] = [];
  const h = await model.fit(x, y, { epochs: 2, batchSize: 32, seed: 3, verbose: 0, callbacks: { onBatchEnd: (_b, logs) => void losses.push(logs!.loss!) } });
  const test = await model.evaluate(xt, yt, { batchSize: 100 });
  model.dispose();
  wt.dispose([x, y, xt, yt]);
  await wt.setBackend('cpu');
  return { losses, history: h.history, test };
}

beforeAll(async () => {
  await wt.setBackend('cpu');
  const ds = await wt.datasets.mnist({ train: TRAIN, test: TEST, seed: 0 });
  const [x, y, xt, yt] = (await Promise.all([ds.xTrain.data(), ds.yTrain.data(), ds.xTest.data(), ds.yTest.data()])) as Float32Array[];
  data = { x: x!, y: y!, xt: xt!, yt: yt! };
  wt.dispose([ds.xTrain, ds.yTrain, ds.xTest, ds.yTest]);
  reference = await train('cpu');
  cnnReference = await train('cpu', 'cnn');
});

const referenceMlp = (): Run => reference;

describe('training parity with the cpu reference', () => {
  it('the cpu run itself learns (the comparison means something)', () => {
    expect(reference.losses.length).toBe(30);
    expect(reference.losses[29]!).toBeLessThan(reference.losses[0]! / 2);
    expect(reference.test.accuracy!).toBeGreaterThan(0.75);
  });

  it('the cpu CNN run learns too', () => {
    expect(cnnReference.losses.length).toBe(16);
    expect(cnnReference.losses[15]!).toBeLessThan(cnnReference.losses[0]! - 0.3);
    expect(cnnReference.test.accuracy!, JSON.stringify(cnnReference.test)).toBeGreaterThan(0.5);
  });

  it.each(backends.names.filter((b) => b !== 'cpu').flatMap((b) => [[b, 'mlp'], [b, 'cnn']] as const))('%s %s: same loss curve and accuracies', async (name, kind) => {
    const run = await train(name as wt.BackendName, kind);
    const reference = kind === 'cnn' ? cnnReference : referenceMlp();
    expect(run.losses.length).toBe(reference.losses.length);
    run.losses.forEach((l, i) => {
      const want = reference.losses[i]!;
      expect(Math.abs(l - want), `batch ${i}: ${name} loss ${l} vs cpu ${want}`).toBeLessThanOrEqual(1e-4 + 1e-3 * want);
    });
    expect(Math.abs(run.history.accuracy![1]! - reference.history.accuracy![1]!)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(run.test.accuracy! - reference.test.accuracy!)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(run.test.loss! - reference.test.loss!)).toBeLessThanOrEqual(1e-3 * reference.test.loss! + 1e-4);
  });

  it('webgpu is part of the comparison when it runs here (required under CI=true unless WT_TEST_BACKENDS leaves it out)', () => {
    if (requiredInCI('webgpu')) expect(backends.names).toContain('webgpu');
    expect(backends.names).toContain('cpu');
  });
});
