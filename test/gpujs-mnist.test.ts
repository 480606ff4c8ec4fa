// MNIST training smoke test on the gpujs backend (gpu.js's WebAssembly mode in Node): the Keras
// model of the design (dense 512 relu, dense 10 softmax, rmsprop) trains a few batches without
// NaN, its loss falls, no kernel falls back to cpu, and it follows the cpu backend's numbers.
import { describe, it, expect } from 'vitest';
import * as wt from '../src/index.js';

async function train(backend: 'cpu' | 'gpujs'): Promise<number[]> {
  await wt.setBackend(backend);
  const { xTrain, yTrain, xTest, yTest } = await wt.datasets.mnist({ train: 256, test: 64, seed: 3 });
  const model = wt.sequential({
    layers: [
      wt.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }),
      wt.layers.dense({ units: 10, activation: 'softmax' }),
    ],
    seed: 1,
  });
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(xTrain, yTrain, { epochs: 3, batchSize: 64, verbose: 0, seed: 2, validationData: [xTest, yTest] });
  const loss = history.history['loss']!.map(Number);
  wt.dispose([xTrain, yTrain, xTest, yTest]);
  model.dispose();
  return loss;
}

describe('MNIST training on gpujs', () => {
  it('trains a few batches: finite, falling loss that follows the cpu backend', async () => {
    const gj = await train('gpujs');
    expect(wt.backendInfo().device.cpuFallbacks).toBe('none');
    expect(gj.every(Number.isFinite)).toBe(true);
    expect(gj[gj.length - 1]!).toBeLessThan(gj[0]! * 0.7);
    const cpu = await train('cpu');
    for (let e = 0; e < cpu.length; e++) expect(Math.abs(gj[e]! - cpu[e]!)).toBeLessThan(2e-3 * (1 + cpu[e]!));
  });
});
