/**
 * The DepthwiseConv2D layer against tfjs-layers: the same options and weights give the same outputs
 * (depth multipliers, strides, 'same' padding, activations, no bias; dilation against the core op,
 * since tfjs-layers' layer ignores dilationRate), the weight names and
 * model.json config are Keras's, a model of it travels to tfjs-layers and back with the same
 * predictions, and one training step updates its kernel as tfjs-layers' does.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

async function close(a: wt.Tensor, b: tf.Tensor, tol = 1e-5): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  const x = await a.data(), y = await b.data();
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - (y[i] as number))).toBeLessThan(tol * (1 + Math.abs(y[i] as number)));
}

const CASES: Record<string, unknown>[] = [
  { kernelSize: 3 },
  { kernelSize: [3, 2], depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu' },
  { kernelSize: 3, useBias: false, activation: 'tanh' },
];

describe.each(['cpu', 'wasm'])('DepthwiseConv2D on %s', (backend) => {
  beforeAll(async () => {
    await wt.setBackend(backend);
  });

  it.each(CASES)('gives tfjs-layers\' outputs for %o', async (opts) => {
    const shape = [2, 9, 8, 3];
    const x = values(2 * 9 * 8 * 3, 3);
    const theirs = tfl.layers.depthwiseConv2d(opts as unknown as Parameters<typeof tfl.layers.depthwiseConv2d>[0]);
    theirs.apply(tf.tensor(x, shape));
    theirs.setWeights(theirs.getWeights().map((w, i) => tf.tensor(values(w.size, 40 + i), w.shape)));
    const ours = wt.layers.depthwiseConv2d(opts as unknown as wt.layers.DepthwiseConv2DArgs);
    ours.apply(wt.tensor(x, shape));
    expect(ours.weights.map((w) => w.name)).toEqual(theirs.weights.map((w) => w.originalName.split('/').pop()));
    ours.setWeights(await Promise.all(theirs.getWeights().map(async (w) => wt.tensor((await w.data()) as Float32Array, w.shape))));
    await close(ours.apply(wt.tensor(x, shape)) as wt.Tensor, theirs.apply(tf.tensor(x, shape)) as tf.Tensor);
  });

  it('dilates as tf.depthwiseConv2d does (tfjs-layers\' layer drops dilationRate, so the core op is the oracle)', async () => {
    const shape = [1, 9, 8, 3];
    const x = values(9 * 8 * 3, 5), k = values(3 * 3 * 3 * 2, 6);
    const ours = wt.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, dilationRate: 2, useBias: false, activation: 'tanh' });
    ours.apply(wt.tensor(x, shape));
    ours.setWeights([wt.tensor(k, [3, 3, 3, 2])]);
    const want = tf.tanh(tf.depthwiseConv2d(tf.tensor4d(x, shape as [number, number, number, number]), tf.tensor4d(k, [3, 3, 3, 2]), 1, 'valid', 'NHWC', 2));
    await close(ours.apply(wt.tensor(x, shape)) as wt.Tensor, want);
  });
});

describe('DepthwiseConv2D in a model', () => {
  it('travels to tfjs-layers and back through model.json, and one sgd step matches tfjs-layers\'', async () => {
    await wt.setBackend('cpu');
    const m = wt.sequential({ seed: 3, layers: [
      wt.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', inputShape: [6, 6, 2], activation: 'relu' }),
      wt.layers.flatten(),
      wt.layers.dense({ units: 3, activation: 'softmax' }),
    ] });
    const artifacts: { a?: tf.io.ModelArtifacts } = {};
    await m.save({ save: async (a) => { artifacts.a = a as tf.io.ModelArtifacts; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; } });
    const config = JSON.stringify(artifacts.a!.modelTopology);
    expect(config).toContain('"class_name":"DepthwiseConv2D"');
    expect(config).toContain('"depth_multiplier":2');
    const theirs = await tfl.loadLayersModel({ load: async () => artifacts.a! });
    const x = values(4 * 6 * 6 * 2, 9);
    await close(m.predict(wt.tensor(x, [4, 6, 6, 2])) as wt.Tensor, theirs.predict(tf.tensor(x, [4, 6, 6, 2])) as tf.Tensor);
    const back = await wt.loadLayersModel({ load: async () => artifacts.a! as wt.ModelArtifacts });
    await close(back.predict(wt.tensor(x, [4, 6, 6, 2])) as wt.Tensor, theirs.predict(tf.tensor(x, [4, 6, 6, 2])) as tf.Tensor);

    const y = wt.oneHot(wt.tensor([0, 1, 2, 1], [4], 'int32'), 3);
    m.compile({ optimizer: wt.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    theirs.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    await m.fit(wt.tensor(x, [4, 6, 6, 2]), y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    await theirs.fit(tf.tensor(x, [4, 6, 6, 2]), tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3), { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    const ours = m.getWeights(), their = theirs.getWeights();
    expect(ours.length).toBe(their.length);
    for (let i = 0; i < ours.length; i++) await close(ours[i]!, their[i]!, 1e-4);
  });
});
