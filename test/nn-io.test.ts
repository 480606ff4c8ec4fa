// Save/load in the TensorFlow.js layers format, checked against @tensorflow/tfjs-layers itself.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A tfjs IOHandler reading model.json + its weight files with node:fs (tfjs-node is not installed). */
function tfReadHandler(file: string): tf.io.IOHandler {
  return {
    async load() {
      const j = JSON.parse(readFileSync(file, 'utf8'));
      const specs = j.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
      const bufs = j.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(file, '..', p))));
      const all = Buffer.concat(bufs);
      return { modelTopology: j.modelTopology, weightSpecs: specs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), format: j.format };
    },
  };
}

/** A tfjs IOHandler writing model.json + weights.bin into `dir`, as tfjs-node's file:// would. */
function tfWriteHandler(dir: string): tf.io.IOHandler {
  return {
    async save(a) {
      mkdirSync(dir, { recursive: true });
      const json = { modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(a.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  };
}

const INPUT = () => wt.randn([5, 3, 2], { seed: 42 });

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol);
}

describe('TensorFlow.js layers format', () => {
  it('tfjs-layers loads a model we saved and predicts the same outputs', async () => {
    const m = wt.sequential({
      layers: [
        wt.layers.flatten({ inputShape: [3, 2] }),
        wt.layers.dense({ units: 8, activation: 'relu', kernelRegularizer: { l2: 0.01 } }),
        wt.layers.batchNormalization(),
        wt.layers.dropout({ rate: 0.3 }),
        wt.layers.activation({ activation: 'tanh' }),
        wt.layers.dense({ units: 4, activation: 'softmax' }),
      ],
      seed: 7,
    });
    // Train a little so the batchnorm statistics and weights are not their initial values.
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await m.fit(wt.randn([20, 3, 2], { seed: 1 }), wt.tensor(Array.from({ length: 20 }, (_, i) => i % 4), [20], 'int32'), { epochs: 2, batchSize: 8, verbose: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'wt-save-'));
    const res = await m.save(`file://${dir}`);
    expect(res.modelArtifactsInfo.weightDataBytes).toBe(m.countParams() * 4);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.model_config.class_name).toBe('Sequential');
    expect(typeof json.modelTopology.keras_version).toBe('string');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);

    const theirs = await tfl.loadLayersModel(tfReadHandler(join(dir, 'model.json')));
    const x = INPUT();
    const ours = await m.predict(x).data();
    const tx = tf.tensor(Array.from(await x.data()), [5, 3, 2]);
    const got = await (theirs.predict(tx) as tf.Tensor).data();
    close(got, ours);
    expect(theirs.countParams()).toBe(m.countParams());
    m.dispose();
  });

  it('we load a model tfjs-layers saved and predict the same outputs', async () => {
    const t = tfl.sequential({
      layers: [
        tfl.layers.flatten({ inputShape: [3, 2] }),
        tfl.layers.dense({ units: 6, activation: 'sigmoid' }),
        tfl.layers.batchNormalization({ movingMeanInitializer: 'randomNormal', movingVarianceInitializer: 'ones' }),
        tfl.layers.dropout({ rate: 0.2 }),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), 'tf-save-'));
    await t.save(tfWriteHandler(dir));
    const m = await wt.loadModel(`file://${join(dir, 'model.json')}`);
    expect(m.layers.map((l) => l.getClassName())).toEqual(['Flatten', 'Dense', 'BatchNormalization', 'Dropout', 'Dense']);
    const x = INPUT();
    const want = await (t.predict(tf.tensor(Array.from(await x.data()), [5, 3, 2])) as tf.Tensor).data();
    close(await m.predict(x).data(), want);
    // and it trains after compile
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const h = await m.fit(x, wt.oneHot(wt.tensor([0, 1, 2, 0, 1], [5], 'int32'), 3), { epochs: 1, verbose: 0 });
    expect(Number.isFinite(h.history.loss![0])).toBe(true);
    m.dispose();
  });

  it('a CNN saved here loads in tfjs-layers and predicts the same', async () => {
    const m = wt.sequential({
      seed: 5,
      layers: [
        wt.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [9, 8, 2] }),
        wt.layers.maxPooling2d({ poolSize: 2 }),
        wt.layers.conv2d({ filters: 6, kernelSize: [2, 3], strides: [1, 2], dilationRate: 1, activation: 'tanh', biasInitializer: 'ones' }),
        wt.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
        wt.layers.dropout({ rate: 0.2 }),
        wt.layers.flatten(),
        wt.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await m.fit(wt.randn([12, 9, 8, 2], { seed: 1 }), wt.tensor(Array.from({ length: 12 }, (_, i) => i % 3), [12], 'int32'), { epochs: 1, batchSize: 4, verbose: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'wt-cnn-'));
    await m.save(`file://${dir}`);
    const theirs = await tfl.loadLayersModel(tfReadHandler(join(dir, 'model.json')));
    expect(theirs.layers.map((l) => l.getClassName())).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'AveragePooling2D', 'Dropout', 'Flatten', 'Dense']);
    const x = wt.randn([3, 9, 8, 2], { seed: 9 });
    const got = await (theirs.predict(tf.tensor(Array.from(await x.data()), [3, 9, 8, 2])) as tf.Tensor).data();
    close(got, await m.predict(x).data());
    expect(theirs.countParams()).toBe(m.countParams());
    m.dispose();
  });

  it('a CNN built and saved in tfjs-layers loads here and predicts the same', async () => {
    const t = tfl.sequential({
      layers: [
        tfl.layers.reshape({ targetShape: [7, 6, 1], inputShape: [42] }),
        tfl.layers.conv2d({ filters: 5, kernelSize: 3, activation: 'relu', padding: 'same', biasInitializer: 'randomNormal' }),
        tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tfl.layers.conv2d({ filters: 4, kernelSize: 2, dilationRate: 2, activation: 'sigmoid' }),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), 'tf-cnn-'));
    await t.save(tfWriteHandler(dir));
    const m = await wt.loadModel(`file://${join(dir, 'model.json')}`);
    expect(m.layers.map((l) => l.getClassName())).toEqual(['Reshape', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'GlobalAveragePooling2D', 'Dense']);
    const x = wt.rand([4, 42], { seed: 3 });
    const want = await (t.predict(tf.tensor(Array.from(await x.data()), [4, 42])) as tf.Tensor).data();
    close(await m.predict(x).data(), want);
    m.dispose();
  });

  it('batch normalization after other layers, with the positive axis Keras writes, loads here and predicts the same', async () => {
    const bn = (axis: number): tfl.layers.Layer => tfl.layers.batchNormalization({ axis, betaInitializer: 'randomNormal', gammaInitializer: 'randomNormal', movingMeanInitializer: 'randomNormal', movingVarianceInitializer: 'ones' });
    const t = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [6, 5, 2], biasInitializer: 'randomNormal' }),
        bn(3),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 4 }),
        bn(1),
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), 'tf-bn-'));
    await t.save(tfWriteHandler(dir));
    const saved = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const axes = (saved.modelTopology.model_config ?? saved.modelTopology).config.layers.filter((l: { class_name: string }) => l.class_name === 'BatchNormalization').map((l: { config: { axis: number } }) => l.config.axis);
    expect(axes).toEqual([3, 1]);
    const m = await wt.loadModel(`file://${join(dir, 'model.json')}`);
    expect(m.layers.map((l) => l.getClassName())).toEqual(['Conv2D', 'BatchNormalization', 'Flatten', 'Dense', 'BatchNormalization']);
    const x = wt.randn([3, 6, 5, 2], { seed: 4 });
    const want = await (t.predict(tf.tensor(Array.from(await x.data()), [3, 6, 5, 2])) as tf.Tensor).data();
    close(await m.predict(x).data(), want);
    m.dispose();
  });

  it('round trip through our own save/load and a custom IOHandler', async () => {
    const m = wt.sequential({ layers: [wt.layers.dense({ units: 5, activation: 'leakyRelu', inputShape: [4] }), wt.layers.dense({ units: 2 })], seed: 3 });
    let stored: wt.ModelArtifacts | undefined;
    await m.save({ save: async (a) => { stored = a; return {}; } });
    const back = await wt.loadModel({ load: async () => stored! });
    const x = wt.randn([3, 4], { seed: 1 });
    close(await back.predict(x).data(), await m.predict(x).data(), 0);
    expect(back.layers.map((l) => l.name)).toEqual(m.layers.map((l) => l.name));
    const dir = mkdtempSync(join(tmpdir(), 'wt-rt-'));
    await m.save(`file://${dir}`);
    const again = await wt.loadModel(`file://${dir}`);
    close(await again.predict(x).data(), await m.predict(x).data(), 0);
  });

  it('clear errors for bad destinations and files', async () => {
    const m = wt.sequential([wt.layers.dense({ units: 1, inputShape: [1] })]);
    await expect(m.save('ftp://x')).rejects.toThrow(/unsupported destination 'ftp:\/\/x'/);
    await expect(wt.loadModel('file:///nonexistent/dir/model.json')).rejects.toThrow(/no model at/);
    const dir = mkdtempSync(join(tmpdir(), 'wt-bad-'));
    writeFileSync(join(dir, 'model.json'), '{"nope": 1}');
    await expect(wt.loadModel(`file://${join(dir, 'model.json')}`)).rejects.toThrow(/no modelTopology/);
    await m.save(`file://${dir}`);
    writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(2));
    await expect(wt.loadModel(`file://${dir}/model.json`)).rejects.toThrow(/loadModel: the weight files weights.bin named in .*model.json hold 2 bytes, but their manifest entries declare 8/);
    await expect(wt.loadModel('downloads://x')).rejects.toThrow(/can only be saved to/);
  });
});
