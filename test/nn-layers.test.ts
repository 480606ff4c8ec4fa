// Layers and losses: gradients against central finite differences, dropout scaling, batchnorm modes.
import { describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import type { CallContext } from '../src/nn/layers/layer.js';

const train = (seed = 7): CallContext => ({ training: true, seed, updates: [] });
const infer: CallContext = { training: false, seed: 0, updates: [] };

/**
 * Compare the analytic gradient of `f` with respect to `targets` (tensors f reads, by identity)
 * with central differences: each element is nudged by ±eps through `set` and f re-evaluated.
 */
async function gradCheck(targets: wt.Tensor[], f: () => wt.Tensor, set: (i: number, v: wt.Tensor) => void, eps = 1e-2, kinks = false): Promise<void> {
  const analytic = wt.grad(() => f())(targets);
  let skipped = 0, checked = 0;
  for (let t = 0; t < targets.length; t++) {
    const base = await targets[t]!.data();
    const shape = targets[t]!.shape.slice();
    const got = await analytic[t]!.data();
    for (let j = 0; j < base.length; j++) {
      const at = async (d: number): Promise<number> => {
        const v = Float32Array.from(base);
        v[j]! += d;
        set(t, wt.tensor(v, shape));
        const y = f();
        const r = (await y.data())[0]!;
        y.dispose();
        return r;
      };
      const [hi, mid, lo] = [await at(eps), await at(0), await at(-eps)];
      const num = (hi - lo) / (2 * eps);
      set(t, wt.tensor(base, shape));
      // relu-like layers: a nudge that crosses the kink at 0 makes the one-sided slopes disagree; skip those.
      if (kinks && Math.abs((hi - mid) - (mid - lo)) / eps > 0.02 + 0.05 * Math.abs(num)) { skipped++; continue; }
      checked++;
      expect(Math.abs(got[j]! - num), `input ${t} element ${j}: analytic ${got[j]} vs numeric ${num}`).toBeLessThan(3e-3 + 2e-2 * Math.abs(num));
    }
  }
  expect(skipped).toBeLessThan(Math.max(2, checked / 10));
}

/** Gradient check of a layer's output (dotted with fixed random weights) w.r.t. its input and every weight. */
async function layerGradCheck(layer: wt.Layer, inShape: number[], ctx: CallContext, seed = 1, kinks = false): Promise<void> {
  let x = wt.keep(wt.randn(inShape, { seed }));
  layer.build([null, ...inShape.slice(1)], 3);
  const outShape = layer.computeOutputShape([inShape[0]!, ...inShape.slice(1)]) as number[];
  const r = wt.keep(wt.randn(outShape, { seed: seed + 1 }));
  const vars = layer.trainableWeights;
  const targets = (): wt.Tensor[] => [x, ...vars.map((v) => v.value)];
  const f = (): wt.Tensor => wt.sum(wt.mul(layer.call(x, { ...ctx, updates: [] }), r));
  const analytic = targets();
  await gradCheck(analytic, f, (i, v) => {
    if (i === 0) { x.dispose(); x = wt.keep(v); } else vars[i - 1]!.replace(v);
    analytic[i] = targets()[i]!;
  }, 1e-2, kinks);
  wt.dispose([x, r]);
  layer.dispose();
}

describe('layer gradients vs finite differences', () => {
  for (const activation of ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'] as const) {
    it(`dense ${activation}`, async () => {
      await layerGradCheck(wt.layers.dense({ units: 3, activation, kernelInitializer: wt.initializers.randomNormal({ stddev: 0.7, seed: 4 }), biasInitializer: wt.initializers.randomNormal({ stddev: 0.3, seed: 5 }) }), [4, 5], infer, 2, activation.endsWith('elu'));
    });
  }
  it('dense on rank-3 input applies to the last axis', async () => {
    await layerGradCheck(wt.layers.dense({ units: 2, activation: 'tanh' }), [2, 3, 4], infer);
  });
  for (const activation of ['sigmoid', 'tanh', 'relu', 'softmax'] as const) {
    it(`activation ${activation}`, async () => {
      await layerGradCheck(wt.layers.activation({ activation }), [3, 4], infer, 1, activation === 'relu');
    });
  }
  it('dropout (training, fixed mask from the seed)', async () => {
    await layerGradCheck(wt.layers.dropout({ rate: 0.4 }), [4, 6], train(11));
  });
  it('batchNormalization (training: batch statistics)', async () => {
    const bn = wt.layers.batchNormalization({ gammaInitializer: wt.initializers.randomNormal({ mean: 1, stddev: 0.3, seed: 2 }), betaInitializer: wt.initializers.randomNormal({ stddev: 0.3, seed: 3 }) });
    await layerGradCheck(bn, [5, 3], train());
  });
  it('batchNormalization (inference: moving statistics)', async () => {
    await layerGradCheck(wt.layers.batchNormalization(), [4, 3], infer);
  });
  it('flatten', async () => {
    await layerGradCheck(wt.layers.flatten(), [2, 3, 2], infer);
  });
  const k = (seed: number) => wt.initializers.randomNormal({ stddev: 0.5, seed });
  it('conv2d valid, tanh', async () => {
    await layerGradCheck(wt.layers.conv2d({ filters: 3, kernelSize: [3, 2], activation: 'tanh', kernelInitializer: k(1), biasInitializer: k(2) }), [2, 5, 4, 2], infer);
  });
  it('conv2d same, strides 2, dilation 2, relu', async () => {
    await layerGradCheck(wt.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: k(3), biasInitializer: k(4) }), [1, 6, 5, 3], infer, 1, true);
    await layerGradCheck(wt.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, padding: 'same', useBias: false, kernelInitializer: k(5) }), [1, 5, 5, 2], infer);
  });
  it('maxPooling2d, averagePooling2d same, globalAveragePooling2d, reshape', async () => {
    await layerGradCheck(wt.layers.maxPooling2d({ poolSize: 2 }), [2, 5, 4, 3], infer, 1, true);
    await layerGradCheck(wt.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }), [1, 5, 6, 2], infer);
    await layerGradCheck(wt.layers.globalAveragePooling2d(), [2, 3, 4, 5], infer);
    await layerGradCheck(wt.layers.reshape({ targetShape: [3, -1] }), [2, 12], infer);
  });
  it('L2 kernel regularizer adds l2 * sum(W^2) to the loss', async () => {
    const m = wt.sequential([wt.layers.dense({ units: 2, inputShape: [3], kernelRegularizer: { l2: 0.5 } })]);
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = wt.randn([4, 3], { seed: 1 });
    const y = wt.randn([4, 2], { seed: 2 });
    const { loss } = await m.evaluate(x, y);
    const [w, b] = m.getWeights();
    const pred = wt.add(wt.matmul(x, w!), b!);
    const plain = (await wt.losses.meanSquaredError(y, pred).data())[0]!;
    const penalty = (await wt.sum(wt.square(w!)).data())[0]! * 0.5;
    expect(loss).toBeCloseTo(plain + penalty, 5);
  });
});

describe('loss gradients vs finite differences', () => {
  const probs = () => wt.softmax(wt.randn([4, 3], { seed: 21 }));
  const onehot = () => wt.oneHot(wt.tensor([0, 2, 1, 2], [4], 'int32'), 3);
  async function lossCheck(loss: (t: wt.Tensor, p: wt.Tensor) => wt.Tensor, yTrue: wt.Tensor, pred0: wt.Tensor): Promise<void> {
    let p = wt.keep(pred0);
    const target = [p];
    await gradCheck(target, () => loss(yTrue, p), (_i, v) => { p.dispose(); p = wt.keep(v); target[0] = p; }, 1e-3);
    p.dispose();
  }
  it('meanSquaredError', async () => lossCheck(wt.losses.meanSquaredError, wt.randn([3, 2], { seed: 1 }), wt.randn([3, 2], { seed: 2 })));
  it('binaryCrossentropy on probabilities', async () => lossCheck(wt.losses.binaryCrossentropy, wt.tensor([[1, 0], [0, 1]]), wt.tensor([[0.7, 0.2], [0.4, 0.9]])));
  it('binaryCrossentropy from logits', async () => lossCheck((t, z) => wt.losses.binaryCrossentropy(t, z, { fromLogits: true }), wt.tensor([[1, 0], [0, 1]]), wt.tensor([[0.7, -2], [3, -0.5]])));
  it('categoricalCrossentropy on probabilities', async () => lossCheck(wt.losses.categoricalCrossentropy, onehot(), probs()));
  it('categoricalCrossentropy from logits', async () => lossCheck((t, z) => wt.losses.categoricalCrossentropy(t, z, { fromLogits: true }), onehot(), wt.randn([4, 3], { seed: 5 })));
  it('sparseCategoricalCrossentropy', async () => lossCheck(wt.losses.sparseCategoricalCrossentropy, wt.tensor([0, 2, 1, 2], [4], 'int32'), probs()));

  it('values: hand-worked cross-entropies, clipping and stable logits', async () => {
    const v = async (t: wt.Tensor) => (await t.data())[0]!;
    // -(log 0.7 + log 0.8) / 2
    expect(await v(wt.losses.categoricalCrossentropy(wt.tensor([[1, 0], [0, 1]]), wt.tensor([[0.7, 0.3], [0.2, 0.8]])))).toBeCloseTo(-(Math.log(0.7) + Math.log(0.8)) / 2, 6);
    // a prediction of exactly 0 for the true class is clipped to 1e-7: -log(1e-7) = 16.118
    expect(await v(wt.losses.binaryCrossentropy(wt.tensor([1]), wt.tensor([0])))).toBeCloseTo(16.118, 2);
    // logits of 1000: no overflow, loss 0 for the right class and 2000 for the wrong one, averaged over 2 rows
    expect(await v(wt.losses.categoricalCrossentropy(wt.tensor([[1, 0], [0, 1]]), wt.tensor([[1000, -1000], [1000, -1000]]), { fromLogits: true }))).toBeCloseTo(1000, 3);
    expect(await v(wt.losses.binaryCrossentropy(wt.tensor([1, 0]), wt.tensor([-500, 500]), { fromLogits: true }))).toBeCloseTo(500, 3);
    expect(await v(wt.losses.sparseCategoricalCrossentropy(wt.tensor([[1], [0]]), wt.tensor([[0.7, 0.3], [0.2, 0.8]])))).toBeCloseTo(-(Math.log(0.3) + Math.log(0.2)) / 2, 6);
  });
});

describe('dropout', () => {
  it('training: drops about `rate` of the inputs and scales the rest by 1/(1-rate); seeded', async () => {
    const d = wt.layers.dropout({ rate: 0.25 });
    const x = wt.ones([200, 100]);
    const vals = await d.call(x, train(3)).data();
    const kept = vals.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(Math.abs(kept.length / vals.length - 0.75)).toBeLessThan(0.01);
    expect(Array.from(await d.call(x, train(3)).data())).toEqual(Array.from(vals));
    expect(Array.from(await d.call(x, train(4)).data())).not.toEqual(Array.from(vals));
  });
  it('inference: passes inputs through unchanged (predict uses inference)', async () => {
    const d = wt.layers.dropout({ rate: 0.5 });
    const x = wt.randn([3, 4], { seed: 1 });
    expect(d.call(x, infer)).toBe(x);
    const m = wt.sequential([wt.layers.dropout({ rate: 0.9, inputShape: [4] })]);
    expect(Array.from(await m.predict(x).data())).toEqual(Array.from(await x.data()));
  });
});

describe('batchNormalization', () => {
  it('training normalises with batch statistics and moves the moving averages by 1 - momentum', async () => {
    const bn = wt.layers.batchNormalization();
    bn.build([null, 2], 0);
    const x = wt.tensor([[1, 10], [3, 20], [5, 60]]);
    const ctx = train();
    const y = await bn.call(x, ctx).array() as number[][];
    // column 0: mean 3, variance 8/3; column 1: mean 30, variance 1400/3
    const n0 = (v: number) => (v - 3) / Math.sqrt(8 / 3 + 1e-3);
    const n1 = (v: number) => (v - 30) / Math.sqrt(1400 / 3 + 1e-3);
    [[1, 10], [3, 20], [5, 60]].forEach(([a, b], i) => {
      expect(y[i]![0]).toBeCloseTo(n0(a!), 5);
      expect(y[i]![1]).toBeCloseTo(n1(b!), 5);
    });
    expect(ctx.updates.length).toBe(2);
    for (const [v, t] of ctx.updates) v.replace(t);
    const mm = Array.from(await bn.movingMean!.value.data());
    const mv = Array.from(await bn.movingVariance!.value.data());
    expect(mm[0]).toBeCloseTo(0.03, 6);
    expect(mm[1]).toBeCloseTo(0.3, 5);
    expect(mv[0]).toBeCloseTo(0.99 + 0.01 * 8 / 3, 6);
    expect(mv[1]).toBeCloseTo(0.99 + 0.01 * 1400 / 3, 4);
    // inference uses the moving statistics
    const yi = await bn.call(x, infer).array() as number[][];
    expect(yi[0]![0]).toBeCloseTo((1 - mm[0]!) / Math.sqrt(mv[0]! + 1e-3), 5);
    expect(yi[2]![1]).toBeCloseTo((60 - mm[1]!) / Math.sqrt(mv[1]! + 1e-3), 4);
  });
  it('fit updates the moving statistics; gamma and beta are trainable, the moving ones are not', async () => {
    const m = wt.sequential([wt.layers.batchNormalization({ inputShape: [2] }), wt.layers.dense({ units: 1 })], );
    expect(m.layers[0]!.trainableWeights.map((w) => w.name)).toEqual(['gamma', 'beta']);
    expect(m.layers[0]!.nonTrainableWeights.map((w) => w.name)).toEqual(['moving_mean', 'moving_variance']);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = wt.tensor([[1, 2], [3, 4]]);
    await m.fit(x, wt.tensor([[0], [1]]), { epochs: 1, batchSize: 2, verbose: 0 });
    expect(Array.from(await (m.layers[0] as wt.layers.BatchNormalization).movingMean!.value.data()).map((v) => +v.toFixed(6))).toEqual([0.02, 0.03]);
    m.dispose();
  });
});
