/**
 * conv2d, maxPool and avgPool on the cpu reference: hand-worked values, TensorFlow's 'same' rule,
 * a direct convolution written out in the test, TensorFlow.js's own kernels (forward and
 * gradients), and finite-difference gradients, dilation included (which TensorFlow.js refuses).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers registers TensorFlow.js's gradients (Conv2D, MaxPool, ...) as it loads
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { checkGrad, expectClose, expectTensor, input, randData } from './helpers.js';

beforeAll(async () => {
  await wt.setBackend('cpu');
  await tf.setBackend('cpu');
});

interface Conv {
  x: number[]; // [b, h, w, c]
  f: number[]; // [kh, kw, cin, cout]
  s: [number, number];
  d: [number, number];
  pad: 'valid' | 'same';
}

/** Direct convolution on the host in float64: the definition, nothing shared with the library. */
function directConv(x: Float32Array, f: Float32Array, c: Conv): { data: Float64Array; shape: number[] } {
  const [B, H, W, C] = c.x as [number, number, number, number];
  const [KH, KW, , O] = c.f as [number, number, number, number];
  const eh = (KH - 1) * c.d[0] + 1, ew = (KW - 1) * c.d[1] + 1;
  let oh: number, ow: number, pt = 0, pl = 0;
  if (c.pad === 'same') {
    oh = Math.ceil(H / c.s[0]);
    ow = Math.ceil(W / c.s[1]);
    pt = Math.floor(Math.max((oh - 1) * c.s[0] + eh - H, 0) / 2);
    pl = Math.floor(Math.max((ow - 1) * c.s[1] + ew - W, 0) / 2);
  } else {
    oh = Math.floor((H - eh) / c.s[0]) + 1;
    ow = Math.floor((W - ew) / c.s[1]) + 1;
  }
  const out = new Float64Array(B * oh * ow * O);
  for (let b = 0; b < B; b++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let o = 0; o < O; o++) {
    let s = 0;
    for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
      const y = i * c.s[0] - pt + ky * c.d[0], xx = j * c.s[1] - pl + kx * c.d[1];
      if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
      for (let ch = 0; ch < C; ch++) s += x[((b * H + y) * W + xx) * C + ch]! * f[((ky * KW + kx) * C + ch) * O + o]!;
    }
    out[((b * oh + i) * ow + j) * O + o] = s;
  }
  return { data: out, shape: [B, oh, ow, O] };
}

const CONVS: Conv[] = [
  { x: [2, 7, 5, 3], f: [3, 3, 3, 4], s: [1, 1], d: [1, 1], pad: 'valid' },
  { x: [2, 7, 5, 3], f: [3, 3, 3, 4], s: [1, 1], d: [1, 1], pad: 'same' },
  { x: [1, 9, 8, 2], f: [3, 2, 2, 5], s: [2, 3], d: [1, 1], pad: 'same' },
  { x: [1, 9, 8, 2], f: [3, 2, 2, 5], s: [3, 2], d: [1, 1], pad: 'valid' },
  { x: [2, 10, 9, 2], f: [3, 3, 2, 3], s: [1, 1], d: [2, 3], pad: 'same' },
  { x: [1, 11, 11, 1], f: [2, 3, 1, 2], s: [2, 2], d: [3, 2], pad: 'valid' },
  { x: [3, 6, 6, 5], f: [1, 1, 5, 7], s: [1, 1], d: [1, 1], pad: 'valid' },
  { x: [1, 6, 6, 5], f: [1, 1, 5, 7], s: [2, 2], d: [1, 1], pad: 'same' },
  { x: [2, 5, 4, 3], f: [5, 4, 3, 6], s: [1, 1], d: [1, 1], pad: 'valid' },
  { x: [1, 5, 4, 3], f: [5, 4, 3, 6], s: [2, 2], d: [1, 1], pad: 'same' },
  { x: [1, 4, 4, 40], f: [3, 3, 40, 33], s: [1, 1], d: [1, 1], pad: 'same' },
];
const label = (c: Conv): string => `x [${c.x}] filter [${c.f}] strides [${c.s}] dilations [${c.d}] ${c.pad}`;

describe('conv2d', () => {
  it('hand-worked: 3x3 image, 2x2 window of ones, valid and same', async () => {
    const x = wt.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const f = wt.ones([2, 2, 1, 1]);
    await expectTensor(wt.conv2d(x, f, 1, 'valid'), [[[[12], [16]], [[24], [28]]]]);
    // 'same' pads one row and column after (the smaller half, 0, goes before)
    await expectTensor(wt.conv2d(x, f, 1, 'same'), [[[[12], [16], [9]], [[24], [28], [15]], [[15], [17], [9]]]]);
    // stride 2 on 4 rows: out 2, padding 1 in total, all of it after
    const x4 = wt.tensor(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    await expectTensor(wt.conv2d(x4, wt.ones([3, 3, 1, 1]), 2, 'same'), [[[[45], [39]], [[66], [50]]]]);
  });

  it.each(CONVS.map((c) => [label(c), c] as const))('matches a direct convolution: %s', async (_n, c) => {
    const xd = randData(c.x.reduce((a, b) => a * b), 1), fd = randData(c.f.reduce((a, b) => a * b), 2);
    const want = directConv(xd, fd, c);
    const y = wt.conv2d(wt.tensor(xd, c.x), wt.tensor(fd, c.f), c.s, c.pad, 'NHWC', c.d);
    await expectTensor(y, Array.from(want.data), { shape: want.shape, atol: 1e-5, rtol: 1e-5 });
  });

  it.each(CONVS.filter((c) => c.d[0] === 1 && c.d[1] === 1).map((c) => [label(c), c] as const))('forward and both gradients match TensorFlow.js: %s', async (_n, c) => {
    const xd = randData(c.x.reduce((a, b) => a * b), 3), fd = randData(c.f.reduce((a, b) => a * b), 4);
    const tx = tf.tensor4d(xd, c.x as [number, number, number, number]);
    const tw = tf.tensor4d(fd, c.f as [number, number, number, number]);
    const ty = tf.conv2d(tx, tw, c.s, c.pad);
    const dy = randData(ty.size, 5);
    const [gx, gw] = tf.grads((a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, c.s, c.pad))([tx, tw], tf.tensor(dy, ty.shape));
    const [y, [ox, ow]] = wt.valueAndGrad((a: wt.Tensor, b: wt.Tensor) => wt.conv2d(a, b, c.s, c.pad))([wt.tensor(xd, c.x), wt.tensor(fd, c.f)], wt.tensor(dy, ty.shape));
    expect(y.shape).toEqual(ty.shape);
    expectClose(await y.data(), await ty.data(), { atol: 1e-4, rtol: 1e-4 });
    expectClose(await ox!.data(), await gx!.data(), { atol: 1e-4, rtol: 1e-4 });
    expectClose(await ow!.data(), await gw!.data(), { atol: 1e-4, rtol: 1e-4 });
  });

  it('rank 3 input, NCHW, numeric and explicit padding', async () => {
    const xd = randData(2 * 6 * 5 * 3, 6), fd = randData(3 * 3 * 3 * 2, 7);
    const x = wt.tensor(xd, [2, 6, 5, 3]), f = wt.tensor(fd, [3, 3, 3, 2]);
    const ref = await wt.conv2d(x, f, 1, 'same').data();
    const r3 = wt.conv2d(wt.slice(x, [1], [1]).reshape([6, 5, 3]), f, 1, 'same');
    expect(r3.shape).toEqual([6, 5, 2]);
    expectClose(await r3.data(), ref.slice(30 * 2), { atol: 0 });
    const nchw = wt.conv2d(x.transpose([0, 3, 1, 2]), f, 1, 'same', 'NCHW');
    expectClose(await nchw.transpose([0, 2, 3, 1]).data(), ref, { atol: 0 });
    expectClose(await wt.conv2d(x, f, 1, 1).data(), ref, { atol: 0 });
    expectClose(await wt.conv2d(x, f, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]).data(), ref, { atol: 0 });
    const asym = wt.conv2d(x, f, 1, [[0, 0], [0, 2], [2, 0], [0, 0]]);
    expect(asym.shape).toEqual([2, 6, 5, 2]);
    const want = directConv(new Float32Array(await wt.pad(x, [2, 8, 7, 3], [0, 0, 2, 0]).data()), fd, { x: [2, 8, 7, 3], f: [3, 3, 3, 2], s: [1, 1], d: [1, 1], pad: 'valid' });
    expectClose(await asym.data(), want.data, { atol: 1e-5 });
  });

  it('the fused epilogue: bias + activation equals the separate ops, gradients included', async () => {
    const x = input([2, 5, 6, 3], 8), f = input([3, 2, 3, 4], 9), b = input([4], 10);
    for (const activation of ['linear', 'relu', 'sigmoid', 'tanh', 'leakyrelu'] as const) {
      const fusedY = wt.fused.conv2d({ x: wt.tensor(x.data, x.shape), filter: wt.tensor(f.data, f.shape), strides: [1, 2], pad: 'same', bias: wt.tensor(b.data, b.shape), activation, leakyreluAlpha: 0.1 });
      const z = wt.conv2d(wt.tensor(x.data, x.shape), wt.tensor(f.data, f.shape), [1, 2], 'same').add(wt.tensor(b.data, b.shape));
      const sep = activation === 'linear' ? z : activation === 'leakyrelu' ? z.leakyRelu(0.1) : z[activation]();
      expectClose(await fusedY.data(), await sep.data(), { atol: 1e-6, rtol: 1e-6 });
    }
    await checkGrad((a, w, c) => wt.fusedConv2d({ x: a, filter: w, strides: [1, 2], pad: 'same', bias: c, activation: 'tanh' }), [x, f, b]);
  });
});

describe('conv2d gradients against finite differences', () => {
  const cases: [string, number[], number[], [number, number], 'same' | 'valid', [number, number]][] = [
    ['valid, stride 1', [2, 5, 4, 2], [3, 2, 2, 3], [1, 1], 'valid', [1, 1]],
    ['same, strides 2 and 3', [1, 7, 8, 2], [3, 3, 2, 2], [2, 3], 'same', [1, 1]],
    ['same, dilation 2', [1, 7, 6, 2], [2, 3, 2, 2], [1, 1], 'same', [2, 2]],
    ['valid, dilation 3 and stride 2', [1, 9, 8, 1], [2, 2, 1, 3], [2, 1], 'valid', [3, 2]],
    ['1x1', [2, 3, 4, 3], [1, 1, 3, 2], [1, 1], 'valid', [1, 1]],
    ['whole image', [2, 3, 4, 2], [3, 4, 2, 3], [1, 1], 'valid', [1, 1]],
  ];
  it.each(cases)('%s', async (_n, xs, fs, s, pad, d) => {
    await checkGrad((a, w) => wt.conv2d(a, w, s, pad, 'NHWC', d), [input(xs, 11), input(fs, 12)]);
  });
});

describe('maxPool and avgPool', () => {
  const x = wt.tensor([1, 5, 2, 4, 3, 9, 8, 6, 7], [1, 3, 3, 1]);
  it("hand-worked 2x2 windows, 'valid' and 'same' (padding ignored)", async () => {
    await expectTensor(wt.maxPool(x, 2, 1, 'valid'), [[[[5], [9]], [[8], [9]]]]);
    await expectTensor(wt.avgPool(x, 2, 1, 'valid'), [[[[13 / 4], [19 / 4]], [[21 / 4], [25 / 4]]]]);
    // 'same', stride 2 on 3: out 2, one padded row/column after; the last windows see only real taps
    await expectTensor(wt.maxPool(x, 2, 2, 'same'), [[[[5], [9]], [[8], [7]]]]);
    await expectTensor(wt.avgPool(x, 2, 2, 'same'), [[[[13 / 4], [11 / 2]], [[7], [7]]]]);
    // strides default to the window
    await expectTensor(x.maxPool(2, undefined, 'same'), [[[[5], [9]], [[8], [7]]]]);
  });

  it('gradients: max goes to the first maximal tap, avg divides by the real taps', async () => {
    const t = wt.tensor([1, 3, 3, 0], [1, 2, 2, 1]);
    await expectTensor(wt.grad((a: wt.Tensor) => wt.maxPool(a, 2, 1, 'valid').sum())(t), [[[[0], [1]], [[0], [0]]]]);
    await expectTensor(wt.grad((a: wt.Tensor) => wt.maxPool(a, 2, 1, 'same').sum())(t), [[[[0], [2]], [[1], [1]]]]);
    await expectTensor(wt.grad((a: wt.Tensor) => wt.avgPool(a, 2, 1, 'same').sum())(t), [[[[1 / 4], [1 / 4 + 1 / 2]], [[1 / 4 + 1 / 2], [1 / 4 + 1 / 2 + 1 / 2 + 1]]]]);
  });

  const pools: [number[], [number, number], [number, number], 'same' | 'valid'][] = [
    [[2, 7, 6, 3], [2, 2], [2, 2], 'valid'],
    [[1, 7, 6, 2], [3, 3], [2, 2], 'same'],
    [[1, 8, 7, 2], [2, 3], [3, 1], 'same'],
    [[2, 5, 5, 4], [5, 5], [1, 1], 'valid'],
    [[1, 5, 4, 1], [3, 2], [1, 1], 'same'],
  ];
  it.each(pools)('x %j window %j strides %j %s: forward and (but avg with same) gradient match TensorFlow.js', async (xs, k, s, pad) => {
    const xd = randData(xs.reduce((a, b) => a * b), 13);
    const tx = tf.tensor4d(xd, xs as [number, number, number, number]);
    for (const [ours, theirs] of [[wt.maxPool, tf.maxPool], [wt.avgPool, tf.avgPool]] as const) {
      const ty = theirs(tx, k, s, pad);
      const dy = randData(ty.size, 14);
      const gx = tf.grad((a: tf.Tensor4D) => theirs(a, k, s, pad))(tx, tf.tensor(dy, ty.shape) as tf.Tensor4D);
      const [y, g] = wt.valueAndGrad((a: wt.Tensor) => ours(a, k, s, pad))(wt.tensor(xd, xs), wt.tensor(dy, ty.shape));
      expect(y.shape).toEqual(ty.shape);
      expectClose(await y.data(), await ty.data(), { atol: 1e-6, rtol: 1e-6 });
      // TensorFlow.js's avgPool gradient divides by the whole window even where its forward pass
      // divided by the real taps ('same' borders); ours follows the forward rule (finite differences below).
      if (ours === wt.avgPool && pad === 'same') continue;
      expectClose(await g.data(), await gx.data(), { atol: 1e-6, rtol: 1e-6 });
    }
  });

  it.each(pools)('finite differences: x %j window %j strides %j %s', async (xs, k, s, pad) => {
    // a small step, so no perturbed value overtakes its neighbour in a window
    await checkGrad((a) => wt.maxPool(a, k, s, pad), [input(xs, 15)], { eps: 1e-3 });
    await checkGrad((a) => wt.avgPool(a, k, s, pad), [input(xs, 16)], { eps: 1e-3 });
  });

  it('rank 3 input', async () => {
    const r3 = wt.maxPool(wt.reshape(x, [3, 3, 1]), 2, 1, 'valid');
    expect(r3.shape).toEqual([2, 2, 1]);
    expectClose(await r3.data(), [5, 9, 8, 9], { atol: 0 });
  });
});
