// Sequential: summary, seeded building, fit on separable data, flat memory, evaluate/predict, errors.
import { describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';

/** Two or three Gaussian blobs that a small network separates. */
function blobs(n: number, classes: number, seed: number): { x: wt.Tensor; labels: wt.Tensor } {
  return wt.tidy(() => {
    const labels = wt.cast(wt.mul(wt.rand([n], { seed }), classes), 'int32');
    const centers = wt.tensor([[2, 0], [-2, 0], [0, 2.5]].slice(0, classes));
    const x = wt.add(wt.gather(centers, labels), wt.randn([n, 2], { seed: seed + 1, std: 0.6 }));
    return { x, labels };
  });
}

describe('summary', () => {
  it('Keras layout and the 407,050 parameters of the MNIST model', () => {
    const m = wt.sequential([
      wt.layers.dense({ units: 512, activation: 'relu', inputShape: [784], name: 'hidden' }),
      wt.layers.dense({ units: 10, activation: 'softmax', name: 'out' }),
    ]);
    const lines: string[] = [];
    const text = m.summary({ printFn: (s) => lines.push(s) });
    expect(lines).toEqual([text]);
    expect(m.summary({ print: false })).toBe(text);
    expect(text.split('\n').slice(1)).toEqual([
      '_________________________________________________________________',
      'Layer (type)                 Output Shape              Param #   ',
      '=================================================================',
      'hidden (Dense)               (None, 512)               401920    ',
      '_________________________________________________________________',
      'out (Dense)                  (None, 10)                5130      ',
      '=================================================================',
      'Total params: 407,050',
      'Trainable params: 407,050',
      'Non-trainable params: 0',
      '_________________________________________________________________',
    ]);
    expect(text.split('\n')[0]).toMatch(/^Model: "sequential(_\d+)?"$/);
    expect(m.countParams()).toBe(407050);
    m.dispose();
  });
  it('counts non-trainable parameters (batchNormalization moving statistics)', () => {
    const m = wt.sequential([wt.layers.flatten({ inputShape: [2, 3] }), wt.layers.batchNormalization(), wt.layers.dropout({ rate: 0.1 }), wt.layers.dense({ units: 2 })]);
    const text = m.summary({ print: false });
    expect(text).toContain('Total params: 38');
    expect(text).toContain('Non-trainable params: 12');
    expect(text).toMatch(/flatten(_\d+)? \(Flatten\)\s+\(None, 6\)\s+0/);
    m.dispose();
  });
});

describe('seeded construction', () => {
  it('the same model seed gives the same weights; glorotUniform stays within its limit', async () => {
    const make = (seed: number) => wt.sequential({ layers: [wt.layers.dense({ units: 8, inputShape: [4] }), wt.layers.dense({ units: 3 })], seed });
    const [a, b, c] = [make(5), make(5), make(6)];
    const wa = await Promise.all(a.getWeights().map((t) => t.data()));
    const wb = await Promise.all(b.getWeights().map((t) => t.data()));
    const wc = await Promise.all(c.getWeights().map((t) => t.data()));
    expect(wa.map((d) => Array.from(d))).toEqual(wb.map((d) => Array.from(d)));
    expect(Array.from(wa[0]!)).not.toEqual(Array.from(wc[0]!));
    const limit = Math.sqrt(6 / (4 + 8));
    expect(Math.max(...Array.from(wa[0]!).map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Array.from(wa[1]!)).toEqual(new Array(8).fill(0));
    for (const m of [a, b, c]) m.dispose();
  });
  it('heNormal and randomNormal draw with the stated spread', async () => {
    const he = await wt.initializers.heNormal({ seed: 1 }).apply([400, 100]).data();
    const std = Math.sqrt(he.reduce((s, v) => s + v * v, 0) / he.length);
    expect(std).toBeGreaterThan(Math.sqrt(2 / 400) * 0.93);
    expect(std).toBeLessThan(Math.sqrt(2 / 400) * 1.07);
    expect(Math.max(...Array.from(he).map(Math.abs))).toBeLessThanOrEqual(2 * Math.sqrt(2 / 400) / 0.8796256610342398 + 1e-6);
    const rn = await wt.initializers.randomNormal({ stddev: 0.01, seed: 2 }).apply([10000]).data();
    const s2 = Math.sqrt(rn.reduce((s, v) => s + v * v, 0) / rn.length);
    expect(Math.abs(s2 - 0.01)).toBeLessThan(0.0005);
  });
});

describe('fit', () => {
  it('reaches high accuracy on separable blobs (softmax + categoricalCrossentropy, validation data)', async () => {
    const { x, labels } = blobs(300, 3, 1);
    const y = wt.oneHot(labels, 3);
    const { x: xv, labels: lv } = blobs(100, 3, 9);
    const m = wt.sequential({ layers: [wt.layers.dense({ units: 16, activation: 'tanh', inputShape: [2] }), wt.layers.dense({ units: 3, activation: 'softmax' })], seed: 3 });
    m.compile({ optimizer: wt.optimizers.adam({ learningRate: 0.05 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const h = await m.fit(x, y, { epochs: 15, batchSize: 32, seed: 1, verbose: 0, validationData: [xv, wt.oneHot(lv, 3)] });
    expect(h.epoch).toEqual([...Array(15).keys()]);
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(h.history.loss![14]!).toBeLessThan(h.history.loss![0]!);
    expect(h.history.accuracy![14]!).toBeGreaterThan(0.95);
    expect(h.history.val_accuracy![14]!).toBeGreaterThan(0.95);
    const ev = await m.evaluate(xv, wt.oneHot(lv, 3));
    expect(ev.accuracy).toBeCloseTo(h.history.val_accuracy![14]!, 6);
    expect(ev.loss).toBeCloseTo(h.history.val_loss![14]!, 5);
    // predictions are probabilities whose argmax agrees with the accuracy
    const p = m.predict(xv, { batchSize: 7 });
    expect(p.shape).toEqual([100, 3]);
    const rows = (await p.array()) as number[][];
    rows.forEach((r) => expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5));
    const truth = Array.from(await lv.data());
    const acc = rows.filter((r, i) => r.indexOf(Math.max(...r)) === truth[i]).length / 100;
    expect(acc).toBeCloseTo(ev.accuracy!, 6);
    // the loss from logits equals the plain cross-entropy of the predicted probabilities here
    const plain = (await wt.losses.categoricalCrossentropy(wt.oneHot(lv, 3), p).data())[0]!;
    expect(ev.loss).toBeCloseTo(plain, 4);
    m.dispose();
  });

  it('binary: sigmoid + binaryCrossentropy, sparse labels, validationSplit, sgd with momentum', async () => {
    const { x, labels } = blobs(240, 2, 4);
    const yb = wt.reshape(wt.cast(labels, 'float32'), [240, 1]);
    const m = wt.sequential({ layers: [wt.layers.dense({ units: 8, activation: 'relu', inputShape: [2] }), wt.layers.dense({ units: 1, activation: 'sigmoid' })], seed: 2 });
    m.compile({ optimizer: wt.optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const h = await m.fit(x, yb, { epochs: 10, batchSize: 16, seed: 2, verbose: 0, validationSplit: 0.25 });
    expect(h.params.samples).toBe(180);
    expect(h.history.val_accuracy![9]!).toBeGreaterThan(0.95);

    const s = wt.sequential({ layers: [wt.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }), wt.layers.dense({ units: 2, activation: 'softmax' })], seed: 2 });
    s.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const hs = await s.fit(x, labels, { epochs: 20, batchSize: 16, seed: 2, verbose: 0 });
    expect(hs.history.accuracy![19]!).toBeGreaterThan(0.95);
    m.dispose();
    s.dispose();
  });

  it('is deterministic for a given seed (shuffle, dropout, initial weights)', async () => {
    const { x, labels } = blobs(64, 2, 5);
    const run = async () => {
      const m = wt.sequential({ layers: [wt.layers.dense({ units: 8, activation: 'relu', inputShape: [2] }), wt.layers.dropout({ rate: 0.3 }), wt.layers.dense({ units: 2, activation: 'softmax' })], seed: 8 });
      m.compile({ optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      const h = await m.fit(x, labels, { epochs: 3, batchSize: 10, seed: 3, verbose: 0 });
      m.dispose();
      return h.history.loss;
    };
    expect(await run()).toEqual(await run());
  });

  it('memory stays flat across epochs; batch logs only when onBatchEnd asks', async () => {
    const { x, labels } = blobs(100, 3, 6);
    const y = wt.oneHot(labels, 3);
    const m = wt.sequential({ layers: [wt.layers.dense({ units: 8, activation: 'relu', inputShape: [2], kernelRegularizer: { l2: 1e-3 } }), wt.layers.batchNormalization(), wt.layers.dropout({ rate: 0.2 }), wt.layers.dense({ units: 3, activation: 'softmax' })], seed: 1 });
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const mem: wt.MemoryInfo[] = [];
    const batches: wt.Logs[] = [];
    const before = wt.memory();
    await m.fit(x, y, {
      epochs: 3, batchSize: 32, verbose: 0, validationData: [x, y],
      callbacks: { onEpochEnd: () => void mem.push(wt.memory()), onBatchEnd: (_b, logs) => void batches.push(logs!) },
    });
    expect(mem[0]!.numTensors).toBe(mem[2]!.numTensors);
    expect(mem[0]!.numBytes).toBe(mem[2]!.numBytes);
    expect(batches.length).toBe(12);
    expect(batches[3]).toMatchObject({ batch: 3, size: 4 });
    expect(typeof batches[0]!.loss).toBe('number');
    expect(batches[0]!.accuracy).toBeGreaterThanOrEqual(0);
    const after = wt.memory();
    // What fit leaves behind is the optimizer state only: 2 Adam slots per trainable weight (6).
    expect(after.numTensors - before.numTensors).toBe(12);
    m.dispose();
    expect(wt.memory().numTensors).toBe(before.numTensors - 8);
  });

  it('callbacks run in order and stopTraining ends early', async () => {
    const { x, labels } = blobs(40, 2, 7);
    const m = wt.sequential([wt.layers.dense({ units: 2, activation: 'softmax', inputShape: [2] })]);
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const seen: string[] = [];
    const h = await m.fit(x, labels, {
      epochs: 5, batchSize: 20, verbose: 0,
      callbacks: {
        onTrainBegin: () => void seen.push('train'),
        onEpochBegin: (e) => void seen.push(`e${e}`),
        onBatchBegin: (b) => void seen.push(`b${b}`),
        onEpochEnd: async (e) => { seen.push(`/e${e}`); if (e === 1) m.stopTraining = true; },
        onTrainEnd: () => void seen.push('/train'),
      },
    });
    expect(seen).toEqual(['train', 'e0', 'b0', 'b1', '/e0', 'e1', 'b0', 'b1', '/e1', '/train']);
    expect(h.history.loss!.length).toBe(2);
    m.dispose();
  });
});

describe('errors', () => {
  const x = wt.zeros([4, 3]);
  const y = wt.zeros([4, 2]);
  it('fit or evaluate before compile', async () => {
    const m = wt.sequential([wt.layers.dense({ units: 2, inputShape: [3] })]);
    await expect(m.fit(x, y)).rejects.toThrow(/must be compiled/);
    await expect(m.evaluate(x, y)).rejects.toThrow(/must be compiled/);
  });
  it('wrong input shape names the layer and both shapes', async () => {
    const m = wt.sequential([wt.layers.dense({ units: 2, inputShape: [5], name: 'first' })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(() => m.predict(x)).toThrow("first: expected input shape [null,5], got [4,3]");
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow('first: expected input shape [null,5], got [4,3]');
    await expect(m.fit(x, wt.zeros([3, 2]))).rejects.toThrow(/same number of examples/);
  });
  it('unknown loss, optimizer, activation, metric and bad options', () => {
    const m = wt.sequential([wt.layers.dense({ units: 2, inputShape: [3] })]);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'hinge' as 'mse' })).toThrow(/unknown loss 'hinge'/);
    expect(() => m.compile({ optimizer: 'nope' as 'sgd', loss: 'mse' })).toThrow(/unknown optimizer 'nope'/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['f1'] })).toThrow(/unknown metric 'f1'/);
    expect(() => wt.layers.dense({ units: 2, activation: 'swoosh' as 'relu' })).toThrow(/unknown activation 'swoosh'/);
    expect(() => wt.layers.activation({ activation: 'gelu_fast' as 'relu' })).toThrow(/unknown activation 'gelu_fast'/);
    expect(() => wt.layers.dense({ units: 0 })).toThrow(/units must be a positive integer/);
    expect(() => wt.layers.dropout({ rate: 1 })).toThrow(/rate must be a number in \[0, 1\)/);
    expect(() => wt.layers.dense({ units: 2, kernelInitializer: 'lecun' as 'zeros' })).toThrow(/unknown initializer 'lecun'/);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    return expect(m.fit(x, y, { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
  });
  it('setWeights with the wrong count or shape', () => {
    const m = wt.sequential([wt.layers.dense({ units: 2, inputShape: [3], name: 'w1' })]);
    expect(() => m.setWeights([wt.zeros([3, 2])])).toThrow(/has 2 weights, got 1/);
    expect(() => m.setWeights([wt.zeros([2, 3]), wt.zeros([2])])).toThrow('setWeights: weight w1/kernel has shape [3,2], got a tensor of shape [2,3]');
    m.dispose();
  });
  it('summary before the input shape is known', () => {
    const m = wt.sequential([wt.layers.dense({ units: 2 })]);
    expect(() => m.summary()).toThrow(/not built yet/);
    m.predict(x);
    expect(m.summary({ print: false })).toContain('Total params: 8');
  });
});
