/**
 * The merge, image-shape, activation, normalization, embedding and noise layers against
 * tfjs-layers: each built in both libraries with the same options (and weights) gives the same
 * outputs; options tfjs-layers lacks (reLU's negativeSlope and threshold, subtract, spatial
 * dropout 2-D, training-time noise) are checked against values worked out here. A model of all of
 * them travels to tfjs-layers and back through model.json with the same predictions.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';

beforeAll(async () => {
  await wt.setBackend('cpu');
  await tf.setBackend('cpu');
});

function values(n: number, seed: number, scale = 2): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * scale;
  }
  return out;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

async function same(a: wt.Tensor, b: tf.Tensor, tol = 1e-5): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  const x = await a.data(), y = await b.data();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - (y[i] as number)) / (1 + Math.abs(y[i] as number)));
  expect(worst).toBeLessThan(tol);
}

type Factory = (o: Record<string, unknown>) => { apply(x: unknown): unknown; getWeights?(): unknown[]; setWeights?(w: unknown[]): void };

/** Build `name` in both libraries with `opts`, copy tfjs-layers' weights (set to fixed values) into ours, apply both to the same inputs. */
async function compare(name: string, opts: Record<string, unknown>, shapes: number[][], tol = 1e-5): Promise<void> {
  const theirs = (tfl.layers as unknown as Record<string, Factory>)[name]!(opts) as unknown as tfl.layers.Layer;
  const ours = (wt.layers as unknown as Record<string, Factory>)[name]!(opts) as unknown as wt.Layer;
  const data = shapes.map((s, i) => values(size(s), 7 + i));
  const tx = data.map((d, i) => tf.tensor(d, shapes[i]));
  const wx = data.map((d, i) => wt.tensor(d, shapes[i]));
  const ty = theirs.apply(tx.length === 1 ? tx[0]! : tx) as tf.Tensor;
  const tw = theirs.getWeights();
  if (tw.length) {
    theirs.setWeights(tw.map((w, i) => tf.tensor(values(w.size, 50 + i, 1).map((v) => v + 1), w.shape)));
    ours.apply(wx.length === 1 ? wx[0]! : wx);
    ours.setWeights(await Promise.all(theirs.getWeights().map(async (w) => wt.tensor(await w.data() as Float32Array, w.shape))));
    expect(ours.weights.map((w) => w.name)).toEqual(theirs.weights.map((w) => w.originalName.split('/').pop()));
  }
  const y = ours.apply(wx.length === 1 ? wx[0]! : wx);
  await same(y, tw.length ? (theirs.apply(tx.length === 1 ? tx[0]! : tx) as tf.Tensor) : ty, tol);
}

describe('layers against tfjs-layers: same options, same weights, same outputs', () => {
  const img = [2, 4, 5, 3];
  it.each([
    ['add', {}, [[2, 3], [2, 3], [2, 3]]],
    ['average', {}, [[2, 3], [2, 3]]],
    ['maximum', {}, [[2, 3, 2], [2, 3, 2]]],
    ['minimum', {}, [[2, 3], [2, 3]]],
    ['multiply', {}, [[2, 4], [2, 4]]],
    ['concatenate', {}, [[2, 3], [2, 5]]],
    ['concatenate', { axis: 1 }, [[2, 2, 3], [2, 4, 3]]],
    ['dot', { axes: 1 }, [[3, 4], [3, 4]]],
    ['dot', { axes: 1, normalize: true }, [[3, 4], [3, 4]]],
    ['dot', { axes: [2, 2] }, [[2, 3, 4], [2, 5, 4]]],
    ['dot', { axes: [1, 1] }, [[2, 4, 3], [2, 4, 5]]],
    ['zeroPadding2d', {}, [img]],
    ['zeroPadding2d', { padding: [[1, 2], [0, 3]] }, [img]],
    ['cropping2D', { cropping: [[1, 2], [0, 1]] }, [img]],
    ['cropping2D', { cropping: 1 }, [img]],
    ['upSampling2d', { size: [2, 3] }, [img]],
    ['upSampling2d', { size: [2, 2], interpolation: 'bilinear' }, [img]],
    ['upSampling2d', { size: [3, 2], interpolation: 'bilinear' }, [[1, 3, 2, 2]]],
    ['reLU', {}, [[4, 6]]],
    ['reLU', { maxValue: 0.4 }, [[4, 6]]],
    ['leakyReLU', {}, [[4, 6]]],
    ['leakyReLU', { alpha: 0.05 }, [[4, 6]]],
    ['elu', {}, [[4, 6]]],
    ['prelu', {}, [[4, 6]]],
    ['prelu', { sharedAxes: [1, 2] }, [img]],
    ['softmax', {}, [[3, 4]]],
    ['softmax', { axis: -1 }, [[2, 3, 4]]],
    ['thresholdedReLU', { theta: 0.3 }, [[4, 6]]],
    ['layerNormalization', {}, [[3, 7]]],
    ['layerNormalization', { epsilon: 0.1, center: false }, [[2, 3, 5]]],
    ['batchNormalization', { center: false }, [[4, 3]]],
    ['batchNormalization', { scale: false, center: false, epsilon: 0.01 }, [img]],
    ['permute', { dims: [2, 1] }, [[2, 3, 4]]],
    ['permute', { dims: [3, 1, 2] }, [[2, 3, 4, 5]]],
    ['repeatVector', { n: 3 }, [[2, 4]]],
    ['rescaling', { scale: 1 / 255, offset: -0.5 }, [[2, 5]]],
    ['gaussianNoise', { stddev: 0.5 }, [[3, 4]]],
    ['gaussianDropout', { rate: 0.3 }, [[3, 4]]],
    ['alphaDropout', { rate: 0.3 }, [[3, 4]]],
    ['spatialDropout1d', { rate: 0.3 }, [[2, 3, 4]]],
  ] as [string, Record<string, unknown>, number[][]][])('%s %j', async (name, opts, shapes) => {
    await compare(name, opts, shapes);
  });

  it('embedding: the same rows for the same indices and weights', async () => {
    const theirs = tfl.layers.embedding({ inputDim: 6, outputDim: 3 });
    const ours = wt.layers.embedding({ inputDim: 6, outputDim: 3 });
    const idx = [[0, 5, 2], [3, 3, 1]];
    theirs.apply(tf.tensor(idx, undefined, 'int32'));
    const table = values(18, 3);
    theirs.setWeights([tf.tensor(table, [6, 3])]);
    ours.apply(wt.tensor(idx, undefined, 'int32'));
    ours.setWeights([wt.tensor(table, [6, 3])]);
    await same(ours.apply(wt.tensor(idx, undefined, 'int32')), theirs.apply(tf.tensor(idx, undefined, 'int32')) as tf.Tensor);
    expect(ours.weights.map((w) => w.fullName)).toEqual([`${ours.name}/embeddings`]);
  });
});

describe('what tfjs-layers lacks, against values worked out by hand', () => {
  it('reLU with negativeSlope, threshold and maxValue; subtract', async () => {
    const x = wt.tensor([[-2, -0.5, 0.5, 1, 3, 8]]);
    const r = wt.layers.reLU({ negativeSlope: 0.1, threshold: 1, maxValue: 6 });
    // x >= 1: x capped at 6; below: 0.1 * (x - 1)
    expect(Array.from(await r.apply(x).data()).map((v) => +v.toFixed(6))).toEqual([-0.3, -0.15, -0.05, 1, 3, 6]);
    expect(r.getConfig()).toMatchObject({ max_value: 6, negative_slope: 0.1, threshold: 1 });
    const d = wt.layers.subtract().apply([wt.tensor([[5, 1]]), wt.tensor([[2, 4]])]);
    expect(Array.from(await d.data())).toEqual([3, -3]);
    expect(() => wt.layers.subtract().apply([x, x, x])).toThrow(/expected 2 inputs, got 3|subtract takes exactly 2 inputs/);
  });

  it('elu with alpha 0.7 and softmax over a middle axis (tfjs-layers supports neither)', async () => {
    const x = [-3, -1, 0, 0.5, 2];
    const y = await wt.layers.elu({ alpha: 0.7 }).apply(wt.tensor([x])).data();
    Array.from(y).forEach((v, i) => expect(v).toBeCloseTo(x[i]! > 0 ? x[i]! : 0.7 * (Math.exp(x[i]!) - 1), 6));
    const z = values(24, 9);
    const s = await wt.layers.softmax({ axis: 1 }).apply(wt.tensor(z, [2, 3, 4])).data();
    for (let b = 0; b < 2; b++) {
      for (let k = 0; k < 4; k++) {
        const col = [0, 1, 2].map((j) => z[b * 12 + j * 4 + k]!);
        const den = col.reduce((a, v) => a + Math.exp(v), 0);
        col.forEach((v, j) => expect(s[b * 12 + j * 4 + k]).toBeCloseTo(Math.exp(v) / den, 6));
      }
    }
  });

  it('noise layers: identity at inference; in training the right spread, channel-wise drops for spatial dropout', async () => {
    const ctx = { training: true, seed: 11, updates: [] };
    const ones = wt.ones([200, 50]);
    const g = await wt.layers.gaussianNoise({ stddev: 0.5 }).call(ones, ctx).data();
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    const std = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / g.length);
    expect(Math.abs(mean - 1)).toBeLessThan(0.03);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.03);
    const gd = await wt.layers.gaussianDropout({ rate: 0.2 }).call(ones, ctx).data();
    const sd = Math.sqrt(gd.reduce((a, b) => a + (b - 1) ** 2, 0) / gd.length);
    expect(Math.abs(sd - Math.sqrt(0.2 / 0.8))).toBeLessThan(0.03);
    const img = wt.ones([4, 3, 3, 8]);
    const sp = await wt.layers.spatialDropout2d({ rate: 0.5 }).call(img, ctx).data();
    for (let b = 0; b < 4; b++) {
      for (let c = 0; c < 8; c++) {
        const vals = new Set<number>();
        for (let p = 0; p < 9; p++) vals.add(sp[b * 72 + p * 8 + c]!);
        expect(vals.size).toBe(1);
        expect([0, 2]).toContain([...vals][0]);
      }
    }
    // Alpha dropout keeps mean 0 and variance 1 of standard normal inputs.
    const z = wt.randn([400, 50], { seed: 5 });
    const ad = await wt.layers.alphaDropout({ rate: 0.3 }).call(z, ctx).data();
    const am = ad.reduce((a, b) => a + b, 0) / ad.length;
    const av = ad.reduce((a, b) => a + (b - am) ** 2, 0) / ad.length;
    expect(Math.abs(am)).toBeLessThan(0.03);
    expect(Math.abs(av - 1)).toBeLessThan(0.05);
  });

  it('bad options name the layer and what it expected', () => {
    expect(() => wt.layers.concatenate({ axis: 0 })).toThrow(/concatenate: axis must be a non-zero integer/);
    expect(() => wt.layers.dot({ axes: 'x' as unknown as number })).toThrow(/dot: axes must be an integer or a pair/);
    expect(() => wt.layers.zeroPadding2d({ padding: -1 })).toThrow(/zeroPadding2d: padding: expected a non-negative integer/);
    expect(() => wt.layers.upSampling2d({ interpolation: 'cubic' as 'nearest' })).toThrow(/interpolation must be 'nearest' or 'bilinear'/);
    expect(() => wt.layers.reLU({ maxValue: -1 })).toThrow(/reLU: maxValue must be a finite number >= 0/);
    expect(() => wt.layers.embedding({ inputDim: 0, outputDim: 2 })).toThrow(/embedding: inputDim and outputDim must be positive integers/);
    expect(() => wt.layers.permute({ dims: [1, 3] })).toThrow(/permute: dims must be a permutation of 1\.\.n/);
    expect(() => wt.layers.gaussianDropout({ rate: 1 })).toThrow(/gaussianDropout: rate must be a number in \[0, 1\)/);
    const x = wt.input({ shape: [3, 3, 1] });
    expect(() => wt.layers.cropping2D({ cropping: 2 }).apply(x)).toThrow(/leaves nothing of an input \[null,3,3,1\]/);
    expect(() => wt.layers.repeatVector({ n: 2 }).apply(x)).toThrow(/expects \[batch, features\], got \[null,3,3,1\]/);
  });
});

/** A model of every layer above, in either library. */
function everything(lib: 'wt' | 'tfl'): wt.LayersModel | tfl.LayersModel {
  const L = (lib === 'wt' ? wt.layers : tfl.layers) as unknown as Record<string, (a?: object) => { apply(x: unknown): unknown }>;
  const input = (lib === 'wt' ? wt.input : tfl.input) as (a: object) => unknown;
  const model = (lib === 'wt' ? wt.model : tfl.model) as (a: object) => wt.LayersModel | tfl.LayersModel;
  const ap = (name: string, o: object, x: unknown) => L[name]!(o).apply(x);
  const x = input({ shape: [4, 4, 2], name: 'image' });
  const ids = input({ shape: [3], dtype: 'int32', name: 'ids' });
  const c = ap('cropping2D', { cropping: [[1, 0], [0, 1]] }, ap('zeroPadding2d', { padding: 1 }, ap('rescaling', { scale: 0.5, offset: 0.1 }, x)));
  const u = ap('upSampling2d', { size: 2, interpolation: 'bilinear' }, c);
  const n = ap('upSampling2d', { size: 2 }, c);
  const m = ap('maximum', {}, [ap('reLU', { maxValue: 0.5 }, u), ap('leakyReLU', { alpha: 0.2 }, n)]);
  const e = ap('minimum', {}, [ap('elu', {}, u), ap('thresholdedReLU', { theta: 0.1 }, m)]);
  const normed = ap('batchNormalization', { center: false }, ap('layerNormalization', {}, ap('average', {}, [m, e])));
  const img = ap('flatten', {}, ap('softmax', { axis: -1 }, ap('gaussianNoise', { stddev: 1 }, normed)));
  const emb = ap('flatten', {}, ap('permute', { dims: [2, 1] }, ap('spatialDropout1d', { rate: 0.5 }, ap('embedding', { inputDim: 10, outputDim: 4 }, ids))));
  const h = ap('dense', { units: 4, activation: 'tanh', name: 'h' }, ap('concatenate', {}, [ap('gaussianDropout', { rate: 0.2 }, img), ap('alphaDropout', { rate: 0.2 }, emb)]));
  const rep = ap('flatten', {}, ap('repeatVector', { n: 2 }, h));
  const d = ap('dot', { axes: 1, normalize: true }, [h, ap('dense', { units: 4, name: 'h2' }, h)]);
  return model({ inputs: [x, ids], outputs: [ap('multiply', {}, [rep, rep]), ap('add', {}, [d, d])] });
}

describe('model.json of every layer, both ways', () => {
  it('tfjs-layers loads ours and predicts the same; ours loads theirs', async () => {
    const ours = everything('wt') as wt.LayersModel;
    const xi = values(2 * 32, 4), ii = [[1, 9, 0], [4, 4, 7]];
    const x = [wt.tensor(xi, [2, 4, 4, 2]), wt.tensor(ii, undefined, 'int32')];
    const tx = [tf.tensor(xi, [2, 4, 4, 2]), tf.tensor(ii, undefined, 'int32')];
    const mine = ours.predict(x) as wt.Tensor[];
    let art: wt.ModelArtifacts | undefined;
    await ours.save({ save: async (a) => ((art = a), {}) });
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(art as unknown as tf.io.ModelArtifacts));
    const ref = theirs.predict(tx) as tf.Tensor[];
    await same(mine[0]!, ref[0]!);
    await same(mine[1]!, ref[1]!);

    let back: tf.io.ModelArtifacts | undefined;
    await theirs.save(tf.io.withSaveHandler(async (a) => ((back = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const again = await wt.loadLayersModel({ load: async () => back as unknown as wt.ModelArtifacts });
    const got = again.predict(x) as wt.Tensor[];
    await same(got[0]!, ref[0]!);
    await same(got[1]!, ref[1]!);
    ours.dispose();
    again.dispose();
  });
});
