/**
 * depthwiseConv2d, separableConv2d and fused.depthwiseConv2d: hand-worked values, TensorFlow.js's
 * own kernels on the same inputs (forward and gradients, cpu backend), finite-difference gradients,
 * errors that name the op and leave memory as it was, and the wasm backend's convolution kernels
 * (implicit-GEMM conv2d, direct depthwise) giving the same bits on one thread and on three.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers registers TensorFlow.js's gradients as it loads
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { checkGrad, expectClose, expectTensor, input, randData } from './helpers.js';

beforeAll(async () => {
  await wt.setBackend('cpu');
  await tf.setBackend('cpu');
});

type Pad = 'valid' | 'same';
interface Dw { x: number[]; f: number[]; s: [number, number]; d: [number, number]; pad: Pad }
const CASES: Dw[] = [
  { x: [2, 7, 6, 8], f: [3, 3, 8, 1], s: [1, 1], d: [1, 1], pad: 'same' },
  { x: [1, 7, 5, 3], f: [3, 2, 3, 1], s: [1, 1], d: [1, 1], pad: 'valid' },
  { x: [2, 8, 7, 4], f: [3, 3, 4, 2], s: [2, 2], d: [1, 1], pad: 'same' },
  { x: [1, 9, 8, 5], f: [2, 3, 5, 3], s: [2, 1], d: [1, 1], pad: 'valid' },
  { x: [1, 9, 9, 6], f: [3, 3, 6, 1], s: [1, 1], d: [2, 2], pad: 'same' },
  { x: [1, 5, 6, 40], f: [3, 3, 40, 1], s: [1, 1], d: [1, 1], pad: 'same' },
];
const label = (c: Dw): string => `x [${c.x}] filter [${c.f}] strides [${c.s}] dilations [${c.d}] ${c.pad}`;
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

describe('depthwiseConv2d', () => {
  it('hand-worked: each channel with its own filters', async () => {
    // channel 0 = 1..4, channel 1 = 10..40 on a 2x2 image; a 2x2 window, multiplier 2
    const x = wt.tensor([1, 10, 2, 20, 3, 30, 4, 40], [1, 2, 2, 2]);
    // filter[ky][kx][c][q]: channel 0 sums (q 0) and takes the top-left tap (q 1); channel 1 takes 1/10 of the bottom-right (q 0) and doubles the top-right (q 1)
    const f = wt.tensor([1, 1, 0, 0, 1, 0, 0, 2, 1, 0, 0, 0, 1, 0, 0.1, 0], [2, 2, 2, 2]);
    await expectTensor(wt.depthwiseConv2d(x, f, 1, 'valid'), [[[[10, 1, 4, 40]]]]);
  });

  it.each(CASES.map((c) => [label(c), c] as const))('forward matches TensorFlow.js, gradients too where it has them: %s', async (_n, c) => {
    const xd = randData(size(c.x), 1), fd = randData(size(c.f), 2);
    const tx = tf.tensor4d(xd, c.x as [number, number, number, number]);
    const tfl = tf.tensor4d(fd, c.f as [number, number, number, number]);
    const ty = tf.depthwiseConv2d(tx, tfl, c.s, c.pad, 'NHWC', c.d);
    const dy = randData(ty.size, 3);
    const [y, [gx, gf]] = wt.valueAndGrad((a: wt.Tensor, b: wt.Tensor) => wt.depthwiseConv2d(a, b, c.s, c.pad, 'NHWC', c.d))([wt.tensor(xd, c.x), wt.tensor(fd, c.f)], wt.tensor(dy, ty.shape));
    expect(y.shape).toEqual(ty.shape);
    expectClose(await y.data(), await ty.data(), { atol: 1e-5, rtol: 1e-5 });
    // TensorFlow.js has no depthwise gradient with dilation
    if (c.d[0] !== 1 || c.d[1] !== 1) return;
    const [tgx, tgf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad))([tx, tfl], tf.tensor(dy, ty.shape));
    expectClose(await gx!.data(), await tgx!.data(), { atol: 1e-5, rtol: 1e-5 });
    expectClose(await gf!.data(), await tgf!.data(), { atol: 1e-4, rtol: 1e-5 });
  });

  it.each(CASES.map((c) => [label(c), c] as const))('gradients against finite differences: %s', async (_n, c) => {
    const xs = c.x[3] === 40 ? [1, 4, 4, 40] : c.x; // the 40-channel image smaller: central differences per element
    await checkGrad((a, b) => wt.depthwiseConv2d(a, b, c.s, c.pad, 'NHWC', c.d), [input(xs, 4), input(c.f, 5)]);
  });

  it('rank 3, NCHW and explicit padding match the NHWC batch form', async () => {
    const xd = randData(2 * 5 * 6 * 3, 6), fd = randData(3 * 3 * 3 * 2, 7);
    const x = wt.tensor(xd, [2, 5, 6, 3]), f = wt.tensor(fd, [3, 3, 3, 2]);
    const want = await wt.depthwiseConv2d(x, f, 1, 'same').data();
    const r3 = wt.depthwiseConv2d(wt.slice(x, [0, 0, 0, 0], [1, 5, 6, 3]).reshape([5, 6, 3]), f, 1, 'same');
    expect(r3.shape).toEqual([5, 6, 6]);
    expectClose(await r3.data(), want.slice(0, 5 * 6 * 6), { atol: 0 });
    const nchw = wt.depthwiseConv2d(x.transpose([0, 3, 1, 2]), f, 1, 'same', 'NCHW');
    expectClose(await nchw.transpose([0, 2, 3, 1]).data(), want, { atol: 0 });
    const explicit = wt.depthwiseConv2d(x, f, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    expectClose(await explicit.data(), want, { atol: 0 });
  });
});

describe('separableConv2d and fused.depthwiseConv2d', () => {
  it('separableConv2d matches TensorFlow.js, gradients included', async () => {
    const xd = randData(2 * 7 * 6 * 4, 8), dd = randData(3 * 3 * 4 * 2, 9), pd = randData(8 * 5, 10);
    const tx = tf.tensor4d(xd, [2, 7, 6, 4]), td = tf.tensor4d(dd, [3, 3, 4, 2]), tp = tf.tensor4d(pd, [1, 1, 8, 5]);
    const ty = tf.separableConv2d(tx, td, tp, 2, 'same');
    const dy = randData(ty.size, 11);
    const tg = tf.grads((a: tf.Tensor, b: tf.Tensor, p: tf.Tensor) => tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, p as tf.Tensor4D, 2, 'same'))([tx, td, tp], tf.tensor(dy, ty.shape));
    const [y, g] = wt.valueAndGrad((a: wt.Tensor, b: wt.Tensor, p: wt.Tensor) => wt.separableConv2d(a, b, p, 2, 'same'))(
      [wt.tensor(xd, [2, 7, 6, 4]), wt.tensor(dd, [3, 3, 4, 2]), wt.tensor(pd, [1, 1, 8, 5])], wt.tensor(dy, ty.shape));
    expect(y.shape).toEqual(ty.shape);
    expectClose(await y.data(), await ty.data(), { atol: 1e-5, rtol: 1e-5 });
    for (let i = 0; i < 3; i++) expectClose(await g[i]!.data(), await tg[i]!.data(), { atol: 1e-4, rtol: 1e-5 });
  });

  it('fused.depthwiseConv2d with bias and each activation matches TensorFlow.js', async () => {
    const xd = randData(2 * 6 * 5 * 3, 12), fd = randData(3 * 3 * 3 * 2, 13), bd = randData(6, 14);
    const tx = tf.tensor4d(xd, [2, 6, 5, 3]), tfl = tf.tensor4d(fd, [3, 3, 3, 2]), tb = tf.tensor1d(bd);
    for (const activation of ['linear', 'relu', 'sigmoid', 'leakyrelu'] as const) {
      const ty = tf.fused.depthwiseConv2d({ x: tx, filter: tfl, strides: 1, pad: 'same', bias: tb, activation, leakyreluAlpha: 0.3 });
      const y = wt.fused.depthwiseConv2d({ x: wt.tensor(xd, [2, 6, 5, 3]), filter: wt.tensor(fd, [3, 3, 3, 2]), strides: 1, pad: 'same', bias: wt.tensor(bd), activation, leakyreluAlpha: 0.3 });
      expectClose(await y.data(), await ty.data(), { atol: 1e-5, rtol: 1e-5 });
    }
  });
});

describe('errors name the op and leave memory as it was', () => {
  const fails = (f: () => unknown, pattern: RegExp): void => {
    const before = wt.memory();
    expect(f).toThrow(pattern);
    expect(wt.memory()).toEqual(before);
  };
  it('bad shapes, pads and strides', () => {
    const x = wt.zeros([1, 5, 5, 3]), x2 = wt.zeros([5, 5]), f = wt.zeros([3, 3, 3, 1]), f2 = wt.zeros([3, 3, 3, 2]);
    const wrongC = wt.zeros([3, 3, 2, 1]), rank3 = wt.zeros([3, 3, 3]), tall = wt.zeros([7, 3, 3, 1]), b3 = wt.zeros([3]), pw = wt.zeros([1, 1, 3, 4]);
    fails(() => wt.depthwiseConv2d(x, wrongC, 1, 'same'), /^depthwiseConv2d: x \[1,5,5,3\] has 3 input channels but filter \[3,3,2,1\] expects 2/);
    fails(() => wt.depthwiseConv2d(x, rank3, 1, 'same'), /^depthwiseConv2d: filter must be of rank 4 .*got rank 3 \[3,3,3\]/);
    fails(() => wt.depthwiseConv2d(x2, f, 1, 'same'), /^depthwiseConv2d: x must be of rank 3 or 4/);
    fails(() => wt.depthwiseConv2d(x, tall, 1, 'valid'), /^depthwiseConv2d: the kernel height 7 is bigger than the input height 5/);
    fails(() => wt.depthwiseConv2d(x, f, 0, 'same'), /^depthwiseConv2d: strides must be a positive integer/);
    fails(() => wt.depthwiseConv2d(x, [[[[1], [2], [3]]]], 1, 'bad' as 'same'), /^depthwiseConv2d: pad must be/);
    fails(() => wt.fused.depthwiseConv2d({ x, filter: f2, strides: 1, pad: 'same', bias: b3 }), /^depthwiseConv2d: bias must have one value per output channel \(\[6\]/);
    fails(() => wt.separableConv2d(x, f2, pw, 1, 'same'), /^separableConv2d: pointwiseFilter must be \[1, 1, inChannels \* channelMultiplier \(6\), outChannels\], got \[1,1,3,4\]/);
    wt.dispose([x, x2, f, f2, wrongC, rank3, tall, b3, pw]);
  });
});

describe('wasm convolution kernels on one thread and on three', () => {
  it('match the cpu where the filter gradient is split over the pixels (the first layer of the CNN)', async () => {
    const grads = async (backend: wt.BackendName): Promise<Float32Array[]> => {
      await wt.setBackend(backend);
      const x = wt.tensor(randData(64 * 28 * 28, 21), [64, 28, 28, 1]), f = wt.tensor(randData(9 * 16, 22), [3, 3, 1, 16]);
      const dy = wt.tensor(randData(64 * 26 * 26 * 16, 23), [64, 26, 26, 16]);
      const g = wt.grad((a: wt.Tensor, b: wt.Tensor) => wt.conv2d(a, b, 1, 'valid').mul(dy).sum())([x, f]);
      const out = await Promise.all(g.map(async (t) => (await t.data()) as Float32Array));
      wt.dispose([x, f, dy, ...g]);
      return out;
    };
    const want = await grads('cpu');
    const got = await grads('wasm');
    expectClose(got[0], want[0], { atol: 1e-5, rtol: 1e-5 });
    expectClose(got[1], want[1], { atol: 1e-3, rtol: 1e-5 }); // sums of 43264 products
    await wt.setBackend('cpu');
  });


  it('give the same bits: conv2d forward and both gradients (implicit GEMM and cols routes), depthwise', async () => {
    await wt.setBackend('wasm');
    const compute = async (): Promise<Int32Array[]> => {
      const outs = wt.tidy(() => {
        const x = wt.randn([8, 12, 11, 16], { seed: 1 });
        const res: wt.Tensor[] = [];
        // 'same' stride 1 (implicit input gradient), 'valid' and stride 2 (cols + col2im)
        for (const [f, s, pad] of [[wt.randn([3, 3, 16, 24], { seed: 2 }), 1, 'same'], [wt.randn([3, 3, 16, 8], { seed: 3 }), 1, 'valid'], [wt.randn([3, 2, 16, 12], { seed: 4 }), 2, 'same']] as const) {
          const [y, g] = wt.valueAndGrad((a: wt.Tensor, b: wt.Tensor) => wt.conv2d(a, b, s, pad).square().sum())([x, f]);
          res.push(y, ...g);
        }
        // a small filter over many pixels: the filter gradient splits them into products
        const [yk, gk] = wt.valueAndGrad((a: wt.Tensor, b: wt.Tensor) => wt.conv2d(a, b, 1, 'valid').square().sum())([wt.randn([16, 34, 34, 2], { seed: 7 }), wt.randn([3, 3, 2, 8], { seed: 8 })]);
        res.push(yk, ...gk);
        for (const f of [wt.randn([3, 3, 16, 1], { seed: 5 }), wt.randn([3, 3, 16, 2], { seed: 6 })]) {
          const [y, g] = wt.valueAndGrad((a: wt.Tensor, b: wt.Tensor) => wt.depthwiseConv2d(a, b, 1, 'same').square().sum())([x, f]);
          res.push(y, ...g);
        }
        return res;
      });
      return Promise.all(outs.map(async (t) => { const d = (await t.data()) as Float32Array; t.dispose(); return new Int32Array(d.buffer, d.byteOffset, d.length); }));
    };
    await wt.setWasmThreads(1);
    const one = await compute();
    await wt.setWasmThreads(3);
    const three = await compute();
    await wt.setWasmThreads(2);
    three.forEach((t, i) => expect(t.findIndex((v, j) => v !== one[i]![j]), `output ${i}`).toBe(-1));
    await wt.setBackend('cpu');
  });
});
