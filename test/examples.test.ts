// The material's examples, each run (on the cpu backend, with smaller settings where the assertion
// allows) and checked against the outcome the material reports.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import * as wt from '../src/index.js';

beforeAll(async () => { await wt.setBackend('cpu'); });
// Every example frees what it made.
afterEach(() => expect(wt.memory().numTensors).toBe(0));

const decreasing = (xs: number[]): boolean => xs.every((v, i) => i === 0 || v <= xs[i - 1]! + 1e-6);

describe('examples', () => {
  it('perceptron: setosa vs versicolor converges to zero errors', async () => {
    const { run } = await import('../src/examples/perceptron.js');
    const r = await run();
    expect(r.errors.length).toBe(10);
    expect(r.errors[0]).toBeGreaterThan(0);
    // Once separated, it stays separated.
    const firstZero = r.errors.indexOf(0);
    expect(firstZero).toBeGreaterThan(0);
    expect(r.errors.slice(firstZero).every((e) => e === 0)).toBe(true);
    expect(r.accuracy).toBe(1);
    // The update rule with eta 0.1 from zero weights moves in steps of 0.2: bias -0.4, w = [-0.68, 1.82].
    expect(r.bias).toBeCloseTo(-0.4, 5);
    expect(r.weights[0]).toBeCloseTo(-0.68, 5);
    expect(r.weights[1]).toBeCloseTo(1.82, 5);
  });

  it('adaline: batch GD and SGD lower the cost and classify both species perfectly', async () => {
    const { run } = await import('../src/examples/adaline.js');
    const r = await run();
    expect(decreasing(r.costGD)).toBe(true);
    expect(r.costGD[0]!).toBeGreaterThan(4 * r.costGD[r.costGD.length - 1]!);
    expect(r.costSGD[r.costSGD.length - 1]!).toBeLessThan(r.costSGD[0]!);
    expect(r.accuracyGD).toBe(1);
    expect(r.accuracySGD).toBe(1);
  });

  it('logistic regression with raw ops: manual gradient equals autodiff, cost falls, test accuracy > 90%', async () => {
    const { run } = await import('../src/examples/logistic-regression.js');
    const r = await run({ iterations: 150 });
    expect(r.gradientError).toBeLessThan(1e-5);
    expect(r.costs[0]).toBeCloseTo(Math.log(2), 5); // w = 0, b = 0: every probability is 1/2
    expect(decreasing(r.costs)).toBe(true);
    expect(r.trainAccuracy).toBeGreaterThan(0.9);
    expect(r.testAccuracy).toBeGreaterThan(0.9);
  });

  it('shallow 20-10-1 network reaches >= 90% test accuracy on makeClassification(5000, 20)', async () => {
    const { run } = await import('../src/examples/shallow-network.js');
    const r = await run({ epochs: 30 });
    expect(r.losses[0]!).toBeGreaterThan(r.losses[r.losses.length - 1]!);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('784-25-10 network by hand learns the digits far above chance', async () => {
    const { run } = await import('../src/examples/mnist-by-hand.js');
    const r = await run({ train: 1000, test: 500, iterations: 40 });
    expect(r.costs[0]).toBeCloseTo(Math.log(10), 1); // near-uniform softmax at the start
    expect(r.costs[r.costs.length - 1]!).toBeLessThan(0.8);
    expect(r.trainAccuracy).toBeGreaterThan(0.75);
    expect(r.testAccuracy).toBeGreaterThan(0.75);
  });

  it('LSTM on generated sequences: 1,169 parameters, the loss falls, held-out accuracy far above chance', async () => {
    const { run } = await import('../src/examples/lstm-sequence.js');
    const r = await run({ train: 256, test: 128, epochs: 3 });
    expect(r.params).toBe(4 * (16 * 1 + 16 * 16 + 16) + 17);
    const h = r.history.history.loss!;
    expect(decreasing(h)).toBe(true);
    expect(h[2]!).toBeLessThan(0.8 * h[0]!);
    expect(r.testAccuracy).toBeGreaterThan(0.7); // chance is about 0.5
  });

  it('Keras MNIST model: 407,050 parameters, learns, and evaluates on held-out digits', async () => {
    const { run } = await import('../src/examples/keras-mnist.js');
    const r = await run({ train: 1000, test: 500, epochs: 2 });
    expect(r.params).toBe(407050);
    expect(r.summary).toMatch(/Total params: 407,050/);
    const h = r.history.history;
    expect(h.loss!.length).toBe(2);
    expect(h.loss![1]!).toBeLessThan(h.loss![0]!);
    expect(h.val_accuracy!.length).toBe(2);
    expect(r.testAccuracy).toBeCloseTo(h.val_accuracy![1]!, 5); // validation ran on the test set
    expect(r.testAccuracy).toBeGreaterThan(0.85);
  });

  it('CNN on MNIST images: 56,714 parameters, learns, and beats chance by far after two short epochs', async () => {
    const { run } = await import('../src/examples/cnn-mnist.js');
    const r = await run({ train: 640, test: 200, epochs: 2 });
    expect(r.params).toBe(56714);
    expect(r.summary).toMatch(/\(None, 13, 13, 16\)/);
    const h = r.history.history;
    expect(h.loss![1]!).toBeLessThan(h.loss![0]!);
    expect(r.testAccuracy).toBeCloseTo(h.val_accuracy![1]!, 5);
    expect(r.testAccuracy).toBeGreaterThan(0.6); // 40 steps; chance is 0.1
  });
});

describe('examples on wasm, the backend wt.init() picks on a machine without a GPU', () => {
  it('mnist-by-hand and keras-mnist give the cpu run\'s figures', async () => {
    const byHand = await import('../src/examples/mnist-by-hand.js');
    const keras = await import('../src/examples/keras-mnist.js');
    const results: Record<string, { byHand: number[]; keras: number[] }> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      await wt.setBackend(backend);
      const h = await byHand.run({ train: 1000, test: 500, iterations: 20 });
      const k = await keras.run({ train: 1000, test: 500, epochs: 1 });
      results[backend] = { byHand: [...h.costs, h.testAccuracy], keras: [...k.history.history.loss!, k.testAccuracy] };
    }
    await wt.setBackend('cpu');
    for (const key of ['byHand', 'keras'] as const) {
      results['wasm']![key].forEach((v, i) => expect(v, `${key} figure ${i}`).toBeCloseTo(results['cpu']![key][i]!, 3));
    }
  });
  it('graph-finetune: an imported graph model\'s last layer learns a new task', async () => {
    const { execFileSync } = await import('node:child_process');
    const { join } = await import('node:path');
    execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'fetch-models.mjs')], { stdio: 'ignore' });
    const { run } = await import('../src/examples/graph-finetune.js');
    const r = await run({ model: join(import.meta.dirname, '..', '.models', 'human', 'liveness.json'), steps: 4 });
    expect(decreasing(r.losses)).toBe(true);
    expect(r.losses[4]!).toBeLessThan(0.5 * r.losses[0]!);
    expect(r.accuracyAfter).toBe(1);
  }, 120_000);
});
