/**
 * The convolution and pooling layers beyond the 2-D ones (conv1d, conv3d, conv2dTranspose, conv3dTranspose,
 * separableConv1d/2d, the 1-D and 3-D pools, the global max and 1-D pools) against tfjs-layers:
 * the same options and weights give the same outputs and weight names; one sgd step through each
 * gives the same updated weights; model.json goes both ways with the same predictions.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availability } from './backends.js';

const backends = (await availability()).names.filter((b) => b === 'cpu' || b === 'wasm');

function values(n: number, seed: number, scale = 2): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * scale;
  }
  return out;
}
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

async function same(a: wt.Tensor, b: tf.Tensor, tol = 1e-5): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  const x = await a.data(), y = await b.data();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - (y[i] as number)) / (1 + Math.abs(y[i] as number)));
  expect(worst).toBeLessThan(tol);
}

type Factory = (o: Record<string, unknown>) => unknown;
const CASES: [string, Record<string, unknown>, number[]][] = [
  ['conv1d', { filters: 3, kernelSize: 3 }, [2, 7, 2]],
  ['conv1d', { filters: 2, kernelSize: 2, strides: 2, padding: 'same', activation: 'relu' }, [2, 7, 3]],
  ['conv1d', { filters: 2, kernelSize: 3, dilationRate: 2, useBias: false }, [1, 8, 2]],
  ['conv3d', { filters: 2, kernelSize: [2, 3, 2] }, [2, 4, 5, 4, 2]],
  ['conv3d', { filters: 3, kernelSize: 2, strides: [2, 1, 2], padding: 'same', activation: 'tanh' }, [1, 5, 4, 5, 2]],
  ['conv2dTranspose', { filters: 3, kernelSize: 3, strides: 2, padding: 'same' }, [2, 3, 4, 2]],
  ['conv2dTranspose', { filters: 2, kernelSize: [3, 2], strides: [2, 1], activation: 'sigmoid' }, [1, 3, 3, 3]],
  ['conv3dTranspose', { filters: 2, kernelSize: [2, 3, 2], strides: [2, 1, 2], padding: 'same' }, [1, 3, 2, 3, 2]],
  ['conv3dTranspose', { filters: 3, kernelSize: 2, strides: 2, activation: 'relu' }, [2, 2, 3, 2, 2]],
  ['separableConv2d', { filters: 4, kernelSize: 3, depthMultiplier: 2 }, [2, 5, 6, 3]],
  ['separableConv2d', { filters: 2, kernelSize: 2, strides: 2, padding: 'same', activation: 'relu' }, [1, 5, 5, 2]],
  ['maxPooling1d', {}, [2, 7, 3]],
  ['maxPooling1d', { poolSize: 3, strides: 2, padding: 'same' }, [2, 7, 3]],
  ['averagePooling1d', { poolSize: 3, strides: 1, padding: 'same' }, [2, 6, 2]],
  ['maxPooling3d', {}, [2, 4, 5, 4, 2]],
  ['maxPooling3d', { poolSize: [3, 2, 2], strides: 2, padding: 'same' }, [1, 5, 4, 5, 2]],
  ['averagePooling3d', { poolSize: 2, strides: 1 }, [1, 3, 4, 3, 2]],
  ['averagePooling3d', { poolSize: [3, 2, 2], strides: 2, padding: 'same' }, [1, 5, 4, 5, 2]],
  ['globalMaxPooling1d', {}, [2, 5, 3]],
  ['globalAveragePooling1d', {}, [2, 5, 3]],
  ['globalMaxPooling2d', {}, [2, 4, 3, 3]],
];

beforeAll(async () => {
  await wt.setBackend('cpu');
  await tf.setBackend('cpu');
});

describe('layers against tfjs-layers: same options, same weights, same outputs', () => {
  it.each(CASES)('%s %j', async (name, opts, shape) => {
    const theirs = (tfl.layers as unknown as Record<string, Factory>)[name]!(opts) as tfl.layers.Layer;
    const ours = (wt.layers as unknown as Record<string, Factory>)[name]!(opts) as wt.Layer;
    const d = values(size(shape), 7);
    const tx = tf.tensor(d, shape), wx = wt.tensor(d, shape);
    theirs.apply(tx);
    const tw = theirs.getWeights();
    ours.apply(wx);
    if (tw.length) {
      theirs.setWeights(tw.map((w, i) => tf.tensor(values(w.size, 50 + i, 1), w.shape)));
      ours.setWeights(await Promise.all(theirs.getWeights().map(async (w) => wt.tensor(await w.data() as Float32Array, w.shape))));
      expect(ours.weights.map((w) => w.name)).toEqual(theirs.weights.map((w) => w.originalName.split('/').pop()));
      expect(ours.weights.map((w) => w.shape)).toEqual(theirs.weights.map((w) => w.shape));
    }
    await same(ours.apply(wx) as wt.Tensor, theirs.apply(tx) as tf.Tensor);
    expect(ours.computeOutputShape([null, ...shape.slice(1)])).toEqual(theirs.computeOutputShape([null, ...shape.slice(1)]));
  });

  it('separableConv1d (tfjs-layers has none) equals tfjs-layers\' separableConv2d on a height-1 image', async () => {
    const opts = { filters: 3, kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2 } as const;
    const ours = wt.layers.separableConv1d(opts);
    const theirs = tfl.layers.separableConv2d({ ...opts, kernelSize: [1, 3], strides: [1, 2] });
    const d = values(2 * 7 * 2, 9);
    ours.apply(wt.tensor(d, [2, 7, 2]));
    theirs.apply(tf.tensor(d, [2, 1, 7, 2]));
    const ws = theirs.getWeights().map((w, i) => values(w.size, 60 + i, 1));
    theirs.setWeights(ws.map((v, i) => tf.tensor(v, theirs.getWeights()[i]!.shape)));
    ours.setWeights(ws.map((v, i) => wt.tensor(v, ours.weights[i]!.shape)));
    expect(ours.weights.map((w) => [w.name, w.shape])).toEqual([['depthwise_kernel', [3, 2, 2]], ['pointwise_kernel', [1, 4, 3]], ['bias', [3]]]);
    const y = ours.apply(wt.tensor(d, [2, 7, 2])) as wt.Tensor;
    const ref = tf.reshape(theirs.apply(tf.tensor(d, [2, 1, 7, 2])) as tf.Tensor, [2, 4, 3]);
    await same(y, ref);
  });

  it('conv1d with padding causal (tfjs-layers has none) equals tfjs-layers\' valid conv1d after (kernelSize - 1) * dilationRate zeros on the left', async () => {
    const opts = { filters: 2, kernelSize: 3, dilationRate: 2, activation: 'relu' } as const;
    const ours = wt.layers.conv1d({ ...opts, padding: 'causal' });
    const theirs = tfl.layers.conv1d(opts);
    const d = values(2 * 6 * 3, 11);
    ours.apply(wt.tensor(d, [2, 6, 3]));
    const padded = tf.pad(tf.tensor(d, [2, 6, 3]), [[0, 0], [4, 0], [0, 0]]);
    theirs.apply(padded);
    const ws = theirs.getWeights().map((w, i) => values(w.size, 70 + i, 1));
    theirs.setWeights(ws.map((v, i) => tf.tensor(v, theirs.getWeights()[i]!.shape)));
    ours.setWeights(ws.map((v, i) => wt.tensor(v, ours.weights[i]!.shape)));
    expect(ours.computeOutputShape([null, 6, 3])).toEqual([null, 6, 2]);
    await same(ours.apply(wt.tensor(d, [2, 6, 3])) as wt.Tensor, theirs.apply(padded) as tf.Tensor);
    expect(ours.getConfig().padding).toBe('causal');
  });

  it('bad options name the layer and what it expected', () => {
    expect(() => wt.layers.conv1d({ filters: 0, kernelSize: 3 })).toThrow(/^conv1d: filters must be a positive integer/);
    expect(() => wt.layers.conv3d({ filters: 2, kernelSize: [2, 2] })).toThrow(/^conv3d: kernelSize must be a positive integer or a list of 3/);
    expect(() => wt.layers.conv3d({ filters: 2, kernelSize: 2, padding: 'causal' })).toThrow(/^conv3d: padding must be 'valid', 'same', got "causal"/);
    expect(() => wt.layers.conv2dTranspose({ filters: 2, kernelSize: 2, dilationRate: 2 })).toThrow(/^conv2dTranspose: dilationRate must be 1/);
    expect(() => wt.layers.separableConv2d({ filters: 2, kernelSize: 2, depthMultiplier: 0 })).toThrow(/^separableConv2d: depthMultiplier/);
    expect(() => wt.layers.maxPooling3d({ poolSize: [2, 2] })).toThrow(/^maxPooling3d: poolSize/);
    expect(() => wt.layers.averagePooling1d({ padding: 'full' as 'same' })).toThrow(/^averagePooling1d: padding/);
    const c = wt.layers.conv1d({ filters: 2, kernelSize: 3 });
    expect(() => c.apply(wt.zeros([1, 4, 4, 2]))).toThrow(/expects inputs of rank 3/);
  });
});

type Sym = unknown;
type Build = (L: Record<string, (o?: object) => { apply(x: unknown): Sym }>, x: Sym) => Sym;
const TRAIN: [string, number[], Build][] = [
  ['conv1d, maxPooling1d, globalAveragePooling1d', [8, 2], (L, x) =>
    L.globalAveragePooling1d!().apply(L.maxPooling1d!({ poolSize: 2 }).apply(L.conv1d!({ filters: 3, kernelSize: 3, activation: 'tanh' }).apply(x)))],
  ['conv1d same, averagePooling1d, globalMaxPooling1d', [7, 2], (L, x) =>
    L.globalMaxPooling1d!().apply(L.averagePooling1d!({ poolSize: 2, strides: 1 }).apply(L.conv1d!({ filters: 3, kernelSize: 2, strides: 2, padding: 'same' }).apply(x)))],
  ['conv3d, maxPooling3d', [4, 4, 4, 2], (L, x) => L.flatten!().apply(L.maxPooling3d!({ poolSize: 2 }).apply(L.conv3d!({ filters: 2, kernelSize: 2, padding: 'same', activation: 'tanh' }).apply(x)))],
  ['conv3d strides, averagePooling3d', [5, 4, 4, 1], (L, x) => L.flatten!().apply(L.averagePooling3d!({ poolSize: [2, 2, 1] }).apply(L.conv3d!({ filters: 2, kernelSize: [2, 2, 2], strides: [1, 2, 1] }).apply(x)))],
  ['conv2dTranspose, globalMaxPooling2d', [3, 3, 2], (L, x) => L.globalMaxPooling2d!({}).apply(L.conv2dTranspose!({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }).apply(x))],
  ['conv2dTranspose valid', [3, 2, 2], (L, x) => L.flatten!().apply(L.conv2dTranspose!({ filters: 2, kernelSize: [2, 3], strides: [2, 1] }).apply(x))],
  // depthMultiplier stays 1 here: tfjs-layers' SeparableConv2D leaves depth_multiplier out of the model.json it writes.
  ['separableConv2d', [5, 5, 2], (L, x) => L.flatten!().apply(L.separableConv2d!({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }).apply(x))],
];

// tfjs-layers cannot train through conv3dTranspose (TF.js has no gradient of Conv3DBackpropInputV2;
// ours is checked against finite differences in test/ops-window.test.ts): model.json only.
const ROUNDTRIP: [string, number[], Build][] = [...TRAIN,
  ['conv3dTranspose', [2, 3, 2, 2], (L, x) => L.flatten!().apply(L.conv3dTranspose!({ filters: 2, kernelSize: [2, 2, 3], strides: [2, 1, 2], padding: 'same', activation: 'tanh' }).apply(x))],
];

function build(lib: 'wt' | 'tfl', shape: number[], body: Build): wt.LayersModel | tfl.LayersModel {
  const L = (lib === 'wt' ? wt.layers : tfl.layers) as unknown as Record<string, (o?: object) => { apply(x: unknown): Sym }>;
  const x = (lib === 'wt' ? wt.input : tfl.input)({ shape } as never);
  const y = L.dense!({ units: 2 }).apply(body(L, x));
  return (lib === 'wt' ? wt.model : tfl.model)({ inputs: x, outputs: y } as never) as wt.LayersModel | tfl.LayersModel;
}

function fix(theirs: tfl.LayersModel, ours: wt.LayersModel): Float32Array[] {
  let seed = 20;
  const fixed: Float32Array[] = [];
  theirs.layers.forEach((l, j) => {
    const ws = l.getWeights();
    if (!ws.length) return;
    const v = ws.map((w) => values(w.size, seed++, 1.6));
    l.setWeights(v.map((a, i) => tf.tensor(a, ws[i]!.shape)));
    ours.layers[j]!.setWeights(v.map((a, i) => wt.tensor(a, ws[i]!.shape)));
    fixed.push(...v);
  });
  return fixed;
}

describe.each(backends)('one sgd step through each layer equals tfjs-layers\' (%s)', (backend) => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await wt.setBackend(backend as wt.BackendName);
  });
  it.each(TRAIN)('%s', async (_n, shape, body) => {
    const theirs = build('tfl', shape, body) as tfl.LayersModel;
    const ours = build('wt', shape, body) as wt.LayersModel;
    const fixed = fix(theirs, ours);
    const n = 4;
    const x = values(n * size(shape), 3), y = values(n * 2, 4);
    theirs.compile({ optimizer: tf.train.sgd(0.2), loss: 'meanSquaredError' });
    ours.compile({ optimizer: wt.train.sgd(0.2), loss: 'meanSquaredError' });
    const h1 = await theirs.fit(tf.tensor(x, [n, ...shape]), tf.tensor(y, [n, 2]), { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
    const h2 = await ours.fit(wt.tensor(x, [n, ...shape]), wt.tensor(y, [n, 2]), { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
    expect(h2.history.loss![0]).toBeCloseTo(h1.history.loss![0] as number, 5);
    const after = await Promise.all(theirs.layers.flatMap((l) => l.getWeights()).map((w) => w.data()));
    const mine = await Promise.all(ours.layers.flatMap((l) => l.getWeights()).map((w) => w.data()));
    let moved = 0;
    after.forEach((a, i) => {
      for (let k = 0; k < a.length; k++) {
        expect(Math.abs(mine[i]![k]! - (a[k] as number))).toBeLessThan(2e-5);
        moved = Math.max(moved, Math.abs((a[k] as number) - fixed[i]![k]!));
      }
    });
    expect(moved).toBeGreaterThan(1e-4);
    ours.dispose();
  });
});

describe('model.json of the new layers, both ways', () => {
  beforeAll(async () => {
    await wt.setBackend('cpu');
  });
  it.each(ROUNDTRIP)('%s: tfjs-layers loads ours and predicts the same; ours loads theirs', async (_n, shape, body) => {
    const theirs0 = build('tfl', shape, body) as tfl.LayersModel;
    const ours = build('wt', shape, body) as wt.LayersModel;
    fix(theirs0, ours);
    const d = values(3 * size(shape), 5);
    const mine = ours.predict(wt.tensor(d, [3, ...shape])) as wt.Tensor;
    let art: wt.ModelArtifacts | undefined;
    await ours.save({ save: async (a) => ((art = a), {}) });
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(art as unknown as tf.io.ModelArtifacts));
    const ref = theirs.predict(tf.tensor(d, [3, ...shape])) as tf.Tensor;
    await same(mine, ref);
    let back: tf.io.ModelArtifacts | undefined;
    await theirs.save(tf.io.withSaveHandler(async (a) => ((back = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const again = await wt.loadLayersModel({ load: async () => back as unknown as wt.ModelArtifacts });
    await same(again.predict(wt.tensor(d, [3, ...shape])) as wt.Tensor, ref);
    ours.dispose();
    again.dispose();
  });
});
