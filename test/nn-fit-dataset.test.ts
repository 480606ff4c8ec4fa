// model.fitDataset / evaluateDataset: the same batches and seed give fit's losses exactly (dropout
// included), validation from tensors or a dataset, batchesPerEpoch over one iterator, no leaks, and
// clear errors for datasets that are not { xs, ys } batches.
import { describe, it, expect, beforeAll } from 'vitest';
import * as wt from '../src/index.js';

const N = 40;
const F = 6;
let x: Float32Array;
let y: Float32Array;

beforeAll(async () => {
  await wt.setBackend('cpu');
  const d = wt.makeClassification({ nSamples: N, nFeatures: F, nClasses: 3, nInformative: 3, seed: 2 });
  x = (await d.x.data()) as Float32Array;
  y = (await wt.oneHot(wt.cast(d.y, 'int32'), 3).data()) as Float32Array;
  wt.dispose([d.x, d.y]);
});

function model(): wt.Sequential {
  const m = wt.sequential({
    seed: 4,
    layers: [
      wt.layers.dense({ units: 8, activation: 'relu', inputShape: [F] }),
      wt.layers.dropout({ rate: 0.25 }),
      wt.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: wt.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

const rows = (from: number, to: number): { xs: number[]; ys: number[] }[] =>
  Array.from({ length: to - from }, (_, i) => ({
    xs: Array.from(x.subarray((from + i) * F, (from + i + 1) * F)),
    ys: Array.from(y.subarray((from + i) * 3, (from + i + 1) * 3)),
  }));

describe('model.fitDataset', () => {
  it('matches fit on the same batches and seed: every batch loss, the epoch figures and validation', async () => {
    const xt = wt.tensor(x, [N, F]);
    const yt = wt.tensor(y, [N, 3]);
    const xv = wt.slice(xt, [0, 0], [10, F]);
    const yv = wt.slice(yt, [0, 0], [10, 3]);
    const a = model();
    const lossesA: number[] = [];
    const hA = await a.fit(xt, yt, {
      epochs: 3, batchSize: 8, shuffle: false, seed: 9, verbose: 0, validationData: [xv, yv],
      callbacks: { onBatchEnd: (_b, l) => void lossesA.push(l!.loss!) },
    });
    const b = model();
    const lossesB: number[] = [];
    const hB = await b.fitDataset(wt.data.array(rows(0, N)).batch(8), {
      // fit evaluates the validation set in its own batch size.
      epochs: 3, seed: 9, verbose: 0, validationData: [xv, yv], validationBatchSize: 8,
      callbacks: { onBatchEnd: (_b, l) => void lossesB.push(l!.loss!) },
    });
    expect(lossesA).toHaveLength(15);
    expect(lossesB).toEqual(lossesA);
    expect(hB.history).toEqual(hA.history);
    expect(hB.epoch).toEqual([0, 1, 2]);
    expect(hA.history['loss']![2]!).toBeLessThan(hA.history['loss']![0]!);
    // Validation from a dataset of the same examples in the same batches gives the same figures.
    const c = model();
    const hC = await c.fitDataset(wt.data.array(rows(0, N)).batch(8), {
      epochs: 3, seed: 9, verbose: 0, validationData: wt.data.array(rows(0, 10)).batch(8),
    });
    expect(hC.history['val_loss']!).toEqual(hA.history['val_loss']!);
    expect(hC.history['val_accuracy']!).toEqual(hA.history['val_accuracy']!);
    // evaluateDataset agrees with evaluate.
    const e1 = await a.evaluate(xt, yt, { batchSize: 16 });
    const e2 = await a.evaluateDataset(wt.data.array(rows(0, N)).batch(16));
    expect(e2['loss']!).toBeCloseTo(e1['loss']!, 6);
    expect(e2['accuracy']!).toBeCloseTo(e1['accuracy']!, 6);
    const e3 = await a.evaluateDataset(wt.data.array(rows(0, N)).batch(16), { batches: 1 });
    const e4 = await a.evaluate(wt.slice(xt, [0, 0], [16, F]), wt.slice(yt, [0, 0], [16, 3]), { batchSize: 16 });
    expect(e3['loss']!).toBeCloseTo(e4['loss']!, 6);
    [a, b, c].forEach((m) => m.dispose());
    wt.dispose([xt, yt, xv, yv]);
  });

  it('trains from generators (sync or async), with batchesPerEpoch over one iterator, and leaks nothing', async () => {
    const m = model();
    const gen = wt.data.generator(async function* () {
      for (let s = 0; s < N; s += 10) yield { xs: wt.tensor(x.slice(s * F, (s + 10) * F), [10, F]), ys: wt.tensor(y.slice(s * 3, (s + 10) * 3), [10, 3]) };
    });
    await m.fitDataset(gen, { epochs: 1, seed: 1, verbose: 0 });
    const before = wt.memory().numTensors;
    let batches = 0;
    const h = await m.fitDataset(gen.repeat(), {
      epochs: 3, batchesPerEpoch: 6, seed: 1, verbose: 0,
      callbacks: { onBatchBegin: () => void batches++ },
    });
    expect(batches).toBe(18);
    expect(h.history['loss']).toHaveLength(3);
    expect(h.params.batchSize).toBe(10);
    expect(wt.memory().numTensors).toBe(before);
    // A plain array of ready batches works too (they are disposed after use, as in TensorFlow.js).
    const plain = [{ xs: wt.tensor(x.slice(0, 5 * F), [5, F]), ys: wt.tensor(y.slice(0, 15), [5, 3]) }];
    const h2 = await m.fitDataset(plain, { verbose: 0 });
    expect(h2.history['loss']).toHaveLength(1);
    expect(plain[0]!.xs.isDisposed).toBe(true);
    m.dispose();
  });

  it('rejects what is not a dataset of { xs, ys } batches, with messages that say what was expected', async () => {
    const m = model();
    await expect(m.fitDataset(5 as unknown as wt.BatchDataset)).rejects.toThrow(/fitDataset: expected a dataset \(an iterable or async iterable of \{ xs, ys \} batches/);
    await expect(m.fitDataset([{ x: 1 }] as unknown as wt.BatchDataset, { verbose: 0 })).rejects.toThrow(/fitDataset: batch 0 must be \{ xs: Tensor, ys: Tensor \}, got \{ x \}/);
    const bad = [{ xs: wt.zeros([4, F]), ys: wt.zeros([3, 3]) }];
    await expect(m.fitDataset(bad, { verbose: 0 })).rejects.toThrow(/fitDataset: batch 0: xs \[4,6\] and ys \[3,3\] must hold the same number/);
    expect(bad[0]!.xs.isDisposed).toBe(true);
    await expect(m.fitDataset([], { verbose: 0 })).rejects.toThrow(/fitDataset: the dataset yielded no batches in epoch 1/);
    function* once(): Generator<wt.TensorBatch> {
      yield { xs: wt.zeros([2, F]), ys: wt.zeros([2, 3]) };
    }
    await expect(m.fitDataset(once(), { epochs: 2, verbose: 0 })).rejects.toThrow(/no batches in epoch 2 \(an iterator or generator object can be iterated only once/);
    await expect(m.fitDataset(wt.data.array(rows(0, 8)).batch(4), { epochs: 2, batchesPerEpoch: 3, verbose: 0 }))
      .rejects.toThrow(/fitDataset: the dataset ran out after 2 batches of epoch 1, but batchesPerEpoch is 3: it must yield epochs \* batchesPerEpoch = 6 batches \(use repeat\(\)\)/);
    await expect(m.fitDataset([], { batchesPerEpoch: 0 })).rejects.toThrow(/batchesPerEpoch must be a positive integer, got 0/);
    await expect(m.evaluateDataset([])).rejects.toThrow(/evaluateDataset: the dataset yielded no batches/);
    const raw = wt.sequential([wt.layers.dense({ units: 1, inputShape: [2] })]);
    await expect(raw.fitDataset([])).rejects.toThrow(/fitDataset: the model must be compiled before fitDataset/);
    m.dispose();
    raw.dispose();
  });
});
