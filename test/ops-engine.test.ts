/**
 * Engine-level TF.js API: profile, randomGamma and multinomial (moments and seeding on every
 * backend), movingAverage, basicLSTMCell and multiRNNCell against tfjs-core in the same test,
 * and wt.browser on { data, width, height } objects against tf.browser.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';
import { expectClose, randData } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const mean = (d: ArrayLike<number>): number => Array.from(d).reduce((a, b) => a + b, 0) / d.length;
const variance = (d: ArrayLike<number>): number => { const m = mean(d); return Array.from(d).reduce((a, b) => a + (b - m) ** 2, 0) / d.length; };

describe.each(await availableBackends())('engine API on %s', (backend) => {
  it('randomGamma: mean alpha / beta and variance alpha / beta², seeded, the same as on cpu', async () => {
    await wt.setBackend(backend);
    for (const [alpha, beta] of [[0.5, 1], [2, 1], [5, 2]] as const) {
      const g = wt.randomGamma([20000], alpha, beta, 'float32', 7);
      const d = await g.data();
      expect(Math.min(...d)).toBeGreaterThan(0);
      expect(mean(d)).toBeCloseTo(alpha / beta, 1);
      expect(variance(d) / (alpha / beta ** 2)).toBeGreaterThan(0.9);
      expect(variance(d) / (alpha / beta ** 2)).toBeLessThan(1.1);
      const again = await wt.randomGamma([20000], alpha, beta, 'float32', 7).data();
      expect(Array.from(again.slice(0, 50))).toEqual(Array.from(d.slice(0, 50)));
      g.dispose();
    }
    const before = wt.memory().numTensors;
    expect(() => wt.randomGamma([3], -1)).toThrow(/randomGamma: alpha and beta must be positive, got alpha -1 and beta 1/);
    expect(wt.memory().numTensors).toBe(before);
  });

  it('multinomial: outcome frequencies follow the probabilities; int32 [batch, samples]; seeded', async () => {
    await wt.setBackend(backend);
    const probs = [[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]];
    const logits = wt.log(wt.tensor(probs));
    const s = wt.multinomial(logits, 6000, 3);
    expect(s.shape).toEqual([2, 6000]);
    expect(s.dtype).toBe('int32');
    const d = await s.data();
    for (let r = 0; r < 2; r++) {
      for (let k = 0; k < 3; k++) {
        let n = 0;
        for (let i = 0; i < 6000; i++) if (d[r * 6000 + i] === k) n++;
        expect(Math.abs(n / 6000 - probs[r]![k]!)).toBeLessThan(0.025);
      }
    }
    const norm = wt.multinomial(wt.tensor([0, 0, 1, 0]), 50, 1, true);
    expect(Array.from(await norm.data())).toEqual(new Array(50).fill(2));
    expect(Array.from(await wt.multinomial(logits, 6000, 3).data()).slice(0, 100)).toEqual(Array.from(d.slice(0, 100)));
    const bad = wt.zeros([2, 2, 2]);
    const before = wt.memory().numTensors;
    expect(() => wt.multinomial(bad, 3)).toThrow(/multinomial: logits must be rank 1 or 2, got \[2,2,2\]/);
    expect(wt.memory().numTensors).toBe(before);
    wt.dispose([logits, s, norm, bad]);
  });

  it('movingAverage, basicLSTMCell and multiRNNCell match tfjs-core', async () => {
    await wt.setBackend(backend);
    const v = randData(6, 1), x = randData(6, 2);
    expectClose(await wt.movingAverage(wt.tensor(v), wt.tensor(x), 0.8, 3).data(), await tf.movingAverage(tf.tensor(v), tf.tensor(x), 0.8, 3).data());
    expectClose(await wt.movingAverage(wt.tensor(v), wt.tensor(x), 0.6, undefined, false).data(), await tf.movingAverage(tf.tensor(v), tf.tensor(x), 0.6, undefined, false).data());
    const [inC, units, batch] = [3, 2, 2];
    const k1 = randData((inC + units) * 4 * units, 3), b1 = randData(4 * units, 4), k2 = randData((units + units) * 4 * units, 5), b2 = randData(4 * units, 6);
    const data = randData(batch * inC, 7), c = randData(batch * units, 8), h = randData(batch * units, 9);
    const [oc, oh] = wt.basicLSTMCell(1, wt.tensor(k1, [inC + units, 4 * units]), wt.tensor(b1), wt.tensor(data, [batch, inC]), wt.tensor(c, [batch, units]), wt.tensor(h, [batch, units]));
    const [tc, th] = tf.basicLSTMCell(tf.scalar(1), tf.tensor2d(k1, [inC + units, 4 * units]), tf.tensor1d(b1), tf.tensor2d(data, [batch, inC]), tf.tensor2d(c, [batch, units]), tf.tensor2d(h, [batch, units]));
    expectClose(await oc.data(), await tc.data());
    expectClose(await oh.data(), await th.data());
    const cell = (k: Float32Array, b: Float32Array, rows: number) => (d: wt.Tensor, cc: wt.Tensor, hh: wt.Tensor) => wt.basicLSTMCell(0.5, wt.tensor(k, [rows, 4 * units]), wt.tensor(b), d, cc, hh);
    const tcell = (k: Float32Array, b: Float32Array, rows: number) => (d: tf.Tensor2D, cc: tf.Tensor2D, hh: tf.Tensor2D) => tf.basicLSTMCell(tf.scalar(0.5), tf.tensor2d(k, [rows, 4 * units]), tf.tensor1d(b), d, cc, hh);
    const cs = [wt.tensor(c, [batch, units]), wt.tensor(h, [batch, units])];
    const [ncs, nhs] = wt.multiRNNCell([cell(k1, b1, inC + units), cell(k2, b2, 2 * units)], wt.tensor(data, [batch, inC]), cs, [cs[1]!, cs[0]!]);
    const tcs = [tf.tensor2d(c, [batch, units]), tf.tensor2d(h, [batch, units])];
    const [tncs, tnhs] = tf.multiRNNCell([tcell(k1, b1, inC + units), tcell(k2, b2, 2 * units)], tf.tensor2d(data, [batch, inC]), tcs, [tcs[1]!, tcs[0]!]);
    for (let i = 0; i < 2; i++) {
      expectClose(await ncs[i]!.data(), await tncs[i]!.data());
      expectClose(await nhs[i]!.data(), await tnhs[i]!.data());
    }
    expect(() => wt.basicLSTMCell(1, wt.zeros([4, 8]), wt.zeros([8]), wt.zeros([2, 3]), wt.zeros([2, 2]), wt.zeros([2, 2]))).toThrow(/basicLSTMCell: lstmKernel \[4,8\] must be \[data columns \+ h columns, 4 \* units\]/);
  });

  it('profile: newBytes, newTensors, peakBytes and the kernels run, with names and shapes', async () => {
    await wt.setBackend(backend);
    const a = wt.ones([4, 8]);
    const info = await wt.profile(() => wt.tidy(() => wt.sum(wt.exp(wt.mul(a, 2)), 1)));
    expect(info.newTensors).toBe(1);
    expect(info.newBytes).toBe(4 * 4);
    // a, the [4, 8] product and its exp live at once: 3 * 128 bytes above what was there.
    expect(info.peakBytes - (wt.memory().numBytes - info.newBytes)).toBeGreaterThanOrEqual(2 * 128);
    expect(info.kernelNames.slice(0, 3)).toEqual(['mul', 'exp', 'sum']);
    expect(info.kernels[0]).toMatchObject({ name: 'mul', kernel: 'binary', outputShapes: [[4, 8]], bytesAdded: 128, tensorsAdded: 1 });
    expect(info.kernels[0]!.inputShapes[0]).toEqual([4, 8]);
    expect(info.result).toBeInstanceOf(wt.Tensor);
    expectClose(await (info.result as wt.Tensor).data(), new Array(4).fill(8 * Math.exp(2)));
    wt.dispose([a, info.result as wt.Tensor]);
  });
});

describe('wt.browser', () => {
  const W = 3, H = 2;
  const rgba = Uint8ClampedArray.from({ length: W * H * 4 }, (_, i) => (i * 37) % 256);

  it('fromPixels / fromPixelsAsync on { data, width, height } match tf.browser.fromPixels', async () => {
    await wt.setBackend('cpu');
    for (const ch of [1, 3, 4]) {
      const ours = wt.browser.fromPixels({ data: rgba, width: W, height: H }, ch);
      const theirs = tf.browser.fromPixels({ data: new Uint8Array(rgba), width: W, height: H }, ch);
      expect(ours.shape).toEqual(theirs.shape);
      expect(ours.dtype).toBe(theirs.dtype);
      expect(Array.from(await ours.data())).toEqual(Array.from(await theirs.data()));
      const later = await wt.browser.fromPixelsAsync({ data: rgba, width: W, height: H }, ch);
      expect(Array.from(await later.data())).toEqual(Array.from(await ours.data()));
      wt.dispose([ours, later]);
    }
    const before = wt.memory().numTensors;
    expect(() => wt.browser.fromPixels({ data: rgba.slice(1), width: W, height: H })).toThrow(/fromPixels: pixel data of 3 x 2 needs 24 RGBA bytes, got 23/);
    expect(() => wt.browser.fromPixels({ data: rgba, width: W, height: H }, 5)).toThrow(/fromPixels: numChannels must be 1, 2, 3 or 4, got 5/);
    expect(wt.memory().numTensors).toBe(before);
  });

  it('toPixels matches tf.browser.toPixels for float32 and int32, grey, RGB and RGBA', async () => {
    await wt.setBackend('cpu');
    for (const shape of [[H, W], [H, W, 1], [H, W, 3], [H, W, 4]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const f = randData(n, 5, 0, 1);
      expect(Array.from(await wt.browser.toPixels(wt.tensor(f, shape)))).toEqual(Array.from(await tf.browser.toPixels(tf.tensor(f, shape) as tf.Tensor3D)));
      const ints = Int32Array.from(f, (v) => Math.floor(v * 255));
      expect(Array.from(await wt.browser.toPixels(wt.tensor(ints, shape, 'int32')))).toEqual(Array.from(await tf.browser.toPixels(tf.tensor(ints, shape, 'int32') as tf.Tensor3D)));
    }
    await expect(wt.browser.toPixels(wt.tensor([[2]]))).rejects.toThrow(/toPixels: float32 values must lie in \[0, 1\], got 2/);
    await expect(wt.browser.toPixels(wt.zeros([2, 2, 2]))).rejects.toThrow(/toPixels: expected a \[height, width\] or \[height, width, 1\|3\|4\] tensor, got \[2,2,2\]/);
  });
});
