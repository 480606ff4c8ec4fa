/**
 * Convolutional layers in models: output shapes and parameter counts against tfjs-layers' own,
 * Keras defaults in the config, errors for bad options and inputs, flatten / dropout / reshape
 * around them, and the image layout of the dataset loaders.
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

/** The example CNN, built here and in tfjs-layers with the same options. */
function cnn<L extends typeof wt.layers | typeof tfl.layers>(layers: L): ReturnType<L['dense']>[] {
  const l = layers as unknown as typeof wt.layers;
  return [
    l.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    l.maxPooling2d({ poolSize: 2 }),
    l.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same', strides: 2 }),
    l.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
    l.dropout({ rate: 0.25 }),
    l.flatten(),
    l.dense({ units: 64, activation: 'relu' }),
    l.dense({ units: 10, activation: 'softmax' }),
  ] as unknown as ReturnType<L['dense']>[];
}

describe('CNN layers in a model', () => {
  it('output shapes and parameter counts equal tfjs-layers\', and summary() prints them', () => {
    const ours = wt.sequential({ layers: cnn(wt.layers) as unknown as wt.Layer[], seed: 1 });
    const theirs = tfl.sequential({ layers: cnn(tfl.layers) as unknown as tfl.layers.Layer[] });
    let shape = ours.inputShape;
    ours.layers.forEach((l, i) => {
      shape = l.computeOutputShape(shape);
      expect(shape, l.name).toEqual(theirs.layers[i]!.outputShape);
      expect(l.countParams(), l.name).toBe(theirs.layers[i]!.countParams());
    });
    expect(ours.countParams()).toBe(theirs.countParams());
    const text = ours.summary({ print: false });
    expect(text).toMatch(/conv2d(_\d+)? \(Conv2D\) +\(None, 26, 26, 16\) +160/);
    expect(text).toMatch(/\(None, 7, 7, 32\) +4640/);
    expect(text).toMatch(/flatten(_\d+)? \(Flatten\) +\(None, 1568\) +0/);
    expect(text).toMatch(/Total params: 105,866/);
    ours.dispose();
  });

  it('Keras defaults and names in the config', () => {
    const c = wt.layers.conv2d({ filters: 4, kernelSize: [3, 5] });
    expect(c.name).toMatch(/^conv2d(_\d+)?$/);
    const cfg = c.getConfig();
    expect(cfg).toMatchObject({ filters: 4, kernel_size: [3, 5], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true });
    expect(cfg.kernel_initializer).toEqual({ class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } });
    expect(cfg.bias_initializer).toEqual({ class_name: 'Zeros', config: {} });
    const p = wt.layers.maxPooling2d();
    expect(p.name).toMatch(/^max_pooling2d(_\d+)?$/);
    expect(p.getConfig()).toMatchObject({ pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' });
    expect(wt.layers.averagePooling2d({ poolSize: 3 }).getConfig()).toMatchObject({ pool_size: [3, 3], strides: [3, 3] });
    expect(wt.layers.globalAveragePooling2d().name).toMatch(/^global_average_pooling2d(_\d+)?$/);
    expect(wt.layers.reshape({ targetShape: [28, 28, 1] }).getConfig()).toMatchObject({ target_shape: [28, 28, 1] });
  });

  it('the kernel is glorotUniform over the receptive field: limit sqrt(6 / (9 * 2 + 9 * 4))', async () => {
    const m = wt.sequential({ layers: [wt.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [5, 5, 2] })], seed: 3 });
    const w = await m.layers[0]!.weights[0]!.value.data();
    const limit = Math.sqrt(6 / (9 * 2 + 9 * 4));
    expect(Math.max(...Array.from(w, Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...Array.from(w, Math.abs))).toBeGreaterThan(0.8 * limit);
    m.dispose();
  });

  it('reshape in front of conv layers: rows of pixels train as images', async () => {
    const m = wt.sequential({
      seed: 2,
      layers: [
        wt.layers.reshape({ targetShape: [6, 6, 1], inputShape: [36] }),
        wt.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu' }),
        wt.layers.globalAveragePooling2d(),
        wt.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    expect(m.outputShape).toEqual([null, 2]);
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = wt.rand([16, 36], { seed: 1 });
    // class 1 when the left half is brighter
    const left = await wt.mean(wt.slice(wt.reshape(x, [16, 6, 6]), [0, 0, 0], [16, 6, 3]), [1, 2]).data();
    const right = await wt.mean(wt.slice(wt.reshape(x, [16, 6, 6]), [0, 0, 3], [16, 6, 3]), [1, 2]).data();
    const y = wt.oneHot(wt.tensor(Array.from(left, (v, i) => (v > right[i]! ? 1 : 0)), [16], 'int32'), 2);
    const h = await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
    expect(h.history.loss!.every(Number.isFinite)).toBe(true);
    expect(m.predict(x).shape).toEqual([16, 2]);
    m.dispose();
  });

  it('bad options and inputs are clear errors', () => {
    expect(() => wt.layers.conv2d({ filters: 0, kernelSize: 3 })).toThrow(/conv2d: filters must be a positive integer, got 0/);
    expect(() => wt.layers.conv2d({ filters: 2, kernelSize: [3, 0] as unknown as [number, number] })).toThrow(/conv2d: kernelSize must be a positive integer or a pair/);
    expect(() => wt.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'full' as 'same' })).toThrow(/conv2d: padding must be 'valid' or 'same', got "full"/);
    expect(() => wt.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' as 'channelsLast' })).toThrow(/conv2d: dataFormat must be 'channelsLast'/);
    expect(() => wt.layers.maxPooling2d({ strides: -1 })).toThrow(/maxPooling2d: strides must be a positive integer/);
    expect(() => wt.layers.reshape({ targetShape: [-1, -1] })).toThrow(/reshape: targetShape must be an array of positive integers with at most one -1/);
    expect(() => wt.sequential([wt.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [784] })])).toThrow(/expects images \[batch, height, width, channels\].*\[null,784\]/);
    expect(() => wt.sequential([wt.layers.conv2d({ filters: 2, kernelSize: 5, inputShape: [4, 4, 1] })])).toThrow(/the 5x5 window does not fit the input \[null,4,4,1\] with padding 'valid'/);
    expect(() => wt.sequential([wt.layers.reshape({ targetShape: [5, 5], inputShape: [24] })])).toThrow(/cannot reshape examples of shape \[24\] \(24 values\) into \[5,5\]/);
    const m = wt.sequential([wt.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] })]);
    expect(() => m.predict(wt.zeros([2, 5, 5, 3]))).toThrow(/expected input shape \[null,5,5,1\], got \[2,5,5,3\]/);
    m.dispose();
  });
});

describe('datasets as images', () => {
  it('mnist and fromImages hand out [n, 28, 28, 1] with asImages, the same pixels as the rows', async () => {
    const flat = await wt.datasets.mnist({ train: 20, test: 10, seed: 4 });
    const img = await wt.datasets.mnist({ train: 20, test: 10, seed: 4, asImages: true });
    expect(img.xTrain.shape).toEqual([20, 28, 28, 1]);
    expect(img.xTest.shape).toEqual([10, 28, 28, 1]);
    expect(Array.from(await img.xTrain.data())).toEqual(Array.from(await flat.xTrain.data()));
    expect(Array.from(await img.yTest.data())).toEqual(Array.from(await flat.yTest.data()));
    const sets = { pixels: new Uint8Array(3 * 4 * 2).fill(255), maxValue: 255, labels: new Uint8Array([0, 1, 0]), n: 3, rows: 4, cols: 2, source: 'test' };
    expect(wt.datasets.fromImages(sets, { train: 2, test: 1, asImages: true }).xTrain.shape).toEqual([2, 4, 2, 1]);
    expect(() => wt.datasets.fromImages(sets, { asImages: 'yes' as unknown as boolean })).toThrow(/asImages must be true or false/);
  });
});
