// Behaviour that used to differ from TensorFlow.js, each checked against @tensorflow/tfjs-core
// (cpu backend) run in the same test: relu/step on NaN, step's alpha, scalar(NaN), argMax's default
// axis, the avgPool gradient with explicit padding (TF.js's contradicts finite differences: ours
// kept), tf.losses weights and reductions, fused relu6/elu/prelu, eye's batchShape, and a read
// that completes although its tensor is disposed meanwhile.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// The bare tfjs-core entry registers neither the gradients nor the chained Tensor methods.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as wt from '../src/index.js';
import { checkGrad, expectClose, input, randData } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await wt.setBackend('cpu');
});

/** Both libraries' values, shape and dtype agree (NaN matches NaN). */
async function same(ours: wt.Tensor, theirs: tf.Tensor, tol = 1e-6): Promise<void> {
  expect(ours.shape).toEqual(theirs.shape);
  expect(ours.dtype).toBe(theirs.dtype);
  const a = Array.from(await ours.data()), b = Array.from(await theirs.data());
  expect(a.map(Number.isNaN)).toEqual(b.map(Number.isNaN));
  expectClose(a.map((v) => (Number.isNaN(v) ? 0 : v)), b.map((v) => (Number.isNaN(v) ? 0 : v)), { atol: tol, rtol: tol });
}

const SPECIAL = [NaN, -Infinity, -2, -0.5, 0, 0.5, 3, Infinity];

describe('elementwise semantics as TF.js', () => {
  it('relu keeps NaN; step keeps NaN and gives alpha at x <= 0', async () => {
    await same(wt.relu(wt.tensor(SPECIAL)), tf.relu(tf.tensor(SPECIAL)));
    await same(wt.step(wt.tensor(SPECIAL)), tf.step(tf.tensor(SPECIAL)));
    await same(wt.step(wt.tensor(SPECIAL), 0.25), tf.step(tf.tensor(SPECIAL), 0.25));
    await same(wt.tensor(SPECIAL).step(-1), tf.tensor(SPECIAL).step(-1));
    expect(() => wt.step(wt.tensor([1]), NaN)).toThrow(/step: alpha must be a number, got NaN/);
  });

  it('scalar takes NaN and the infinities', async () => {
    for (const v of [NaN, Infinity, -Infinity]) await same(wt.scalar(v), tf.scalar(v));
    // a string makes a string scalar, as in TF.js; other values are refused
    const str = wt.scalar('1');
    expect([str.dtype, str.shape]).toEqual([tf.scalar('1').dtype, []]);
    str.dispose();
    expect(() => wt.scalar({} as unknown as number)).toThrow(/scalar: /);
  });

  it('argMax reduces axis 0 by default', async () => {
    const x = [[1, 5, 2], [3, 2, 9]];
    await same(wt.argMax(wt.tensor(x)), tf.argMax(tf.tensor(x)));
    await same(wt.tensor(x).argMax(), tf.tensor(x).argMax());
    await same(wt.argMax(wt.tensor(x), -1), tf.argMax(tf.tensor(x), -1));
  });
});

describe('eye(numRows, numColumns, batchShape, dtype)', () => {
  it('matches TF.js with and without a batch shape', async () => {
    await same(wt.eye(3), tf.eye(3));
    await same(wt.eye(2, 3), tf.eye(2, 3));
    await same(wt.eye(3, 2, [2]), tf.eye(3, 2, [2]));
    await same(wt.eye(2, 2, [2, 1], 'int32'), tf.eye(2, 2, [2, 1], 'int32'));
    expect(() => wt.eye(2, 2, 'int32' as unknown as number[])).toThrow(/eye: batchShape must be an array of dimensions, got 'int32' \(the dtype is the fourth argument\)/);
    const before = wt.memory().numTensors;
    expect(() => wt.eye(2, 2, [-1])).toThrow(/eye/);
    expect(wt.memory().numTensors).toBe(before);
  });
});

describe('avgPool gradient with explicit padding', () => {
  // 3x3 ones, 2x2 windows, stride 1, one padded row/column on each side: corner windows hold one
  // real element, so a corner element's gradient is 1 + 3 * (its other windows' 1/2 or 1/4 shares).
  const pad = [[0, 0], [1, 1], [1, 1], [0, 0]] as [number, number][];

  it('ours agrees with finite differences of both forwards; TF.js\'s analytic gradient does not', async () => {
    const x = randData(9, 3, -1, 1);
    // Ours against central differences of our forward.
    await checkGrad((t) => wt.avgPool(t.reshape([1, 3, 3, 1]), 2, 1, pad), [input([1, 3, 3, 1], 1, x)]);
    // Both forwards agree (padded taps ignored), so one set of finite differences judges both gradients.
    const xs = tf.tensor4d(x, [1, 3, 3, 1]);
    await same(wt.avgPool(wt.tensor(x, [1, 3, 3, 1]), 2, 1, pad), tf.avgPool(xs, 2, 1, pad), 1e-6);
    const ours = await wt.grad((t: wt.Tensor) => wt.avgPool(t, 2, 1, pad).sum())(wt.tensor(x, [1, 3, 3, 1])).data();
    const theirs = await tf.grad((t: tf.Tensor) => tf.sum(tf.avgPool(t as tf.Tensor4D, 2, 1, pad)))(xs).data();
    const fd = new Float64Array(9);
    const h = 1e-2;
    for (let i = 0; i < 9; i++) {
      const f = (d: number): number => {
        const v = x.slice();
        v[i]! += d;
        return tf.tidy(() => tf.sum(tf.avgPool(tf.tensor4d(v, [1, 3, 3, 1]), 2, 1, pad)).dataSync()[0]!);
      };
      fd[i] = (f(h) - f(-h)) / (2 * h);
    }
    expectClose(Array.from(ours), Array.from(fd), { atol: 1e-3, rtol: 1e-3 });
    // The corner: 1 (its own one-tap window) + 1/2 + 1/2 (edge windows of two taps) + 1/4 = 2.25.
    expect(ours[0]).toBeCloseTo(2.25, 5);
    // TF.js divides every window's gradient by the full 4 taps, padded ones included: 1 at every element.
    expect(Array.from(theirs)).toEqual(new Array(9).fill(1));
    expect(Math.abs(theirs[0]! - fd[0]!)).toBeGreaterThan(1);
  });
});

describe('tf.losses with weights and reductions', () => {
  const y = [[0, 1], [1, 0], [2, 2]];
  const p = [[0.5, 0.25], [1.5, -1], [2, 3]];
  const weights: (number[][] | number[] | number | undefined)[] = [undefined, 0.5, [[1], [0], [2]], [[1, 0], [0.5, 2], [0, 0]]];
  const R = [0, 1, 2, 3] as const;

  it('meanSquaredError, absoluteDifference, huberLoss, hingeLoss and logLoss give TF.js\'s numbers for every weighting and reduction', async () => {
    for (const w of weights) {
      for (const r of R) {
        const ow = w === undefined ? undefined : wt.tensor(w as number[]);
        const tw = w === undefined ? undefined : tf.tensor(w as number[]);
        const label = `weights ${JSON.stringify(w)}, reduction ${r}`;
        const pairs: [wt.Tensor, tf.Tensor][] = [
          [wt.losses.meanSquaredError(y, p, ow, r), tf.losses.meanSquaredError(y, p, tw, r)],
          [wt.losses.absoluteDifference(y, p, ow, r), tf.losses.absoluteDifference(y, p, tw, r)],
          [wt.losses.huberLoss(y, p, ow, 0.7, r), tf.losses.huberLoss(y, p, tw, 0.7, r)],
          [wt.losses.hingeLoss([[0, 1], [1, 0], [1, 1]], p, ow, r), tf.losses.hingeLoss([[0, 1], [1, 0], [1, 1]], p, tw, r)],
          [wt.losses.logLoss([[0, 1], [1, 0], [1, 1]], [[0.2, 0.7], [0.9, 0.1], [0.5, 0.6]], ow, 1e-7, r), tf.losses.logLoss([[0, 1], [1, 0], [1, 1]], [[0.2, 0.7], [0.9, 0.1], [0.5, 0.6]], tw, 1e-7, r)],
        ];
        for (const [o, t] of pairs) {
          try {
            await same(o, t, 1e-5);
          } catch (e) {
            throw new Error(`${label}: ${(e as Error).message}`);
          }
        }
      }
    }
    expect(wt.Reduction.SUM_BY_NONZERO_WEIGHTS).toBe(tf.Reduction.SUM_BY_NONZERO_WEIGHTS);
    expect(wt.losses.Reduction.MEAN).toBe(tf.Reduction.MEAN);
  });

  it('meanSquaredError with two arguments is still the Keras loss (the mean), usable in compile', async () => {
    const m = wt.sequential([wt.layers.dense({ units: 2, inputShape: [3] })]);
    m.compile({ optimizer: 'sgd', loss: wt.losses.meanSquaredError });
    const x = wt.randn([4, 3], { seed: 1 });
    const t = wt.randn([4, 2], { seed: 2 });
    const { loss } = await m.evaluate(x, t);
    const want = (await wt.mean(wt.square(wt.sub(t, m.predict(x) as wt.Tensor))).data())[0]!;
    expect(loss).toBeCloseTo(want, 5);
    m.dispose();
  });

  it('reject a bad reduction or mismatched shapes, leaving memory as it was', () => {
    const before = wt.memory().numTensors;
    expect(() => wt.losses.meanSquaredError([1, 2], [1, 2], undefined, 7 as wt.Reduction)).toThrow(/meanSquaredError: reduction must be one of .* got 7/);
    expect(() => wt.losses.meanSquaredError([1, 2], [1, 2, 3])).toThrow(/meanSquaredError: labels \[2\] and predictions \[3\] must have the same shape/);
    expect(wt.memory().numTensors).toBe(before);
  });
});

describe('fused relu6, elu and prelu', () => {
  const a = randData(12, 1, -4, 4), b = randData(20, 2, -2, 2), bias = randData(5, 3, -1, 1), alpha = randData(5, 4, 0, 0.5);

  it('fused.matMul matches TF.js\'s, and the gradients match finite differences', async () => {
    for (const activation of ['relu6', 'elu', 'prelu'] as const) {
      const ours = wt.fused.matMul({ a: wt.tensor(a, [3, 4]), b: wt.tensor(b, [4, 5]), bias: wt.tensor(bias), activation, preluActivationWeights: wt.tensor(alpha) });
      const theirs = tf.fused.matMul({ a: tf.tensor2d(a, [3, 4]), b: tf.tensor2d(b, [4, 5]), bias: tf.tensor1d(bias), activation, preluActivationWeights: tf.tensor1d(alpha) });
      await same(ours, theirs, 1e-5);
    }
    // relu6 is scaled so some outputs pass 6.
    const big = Float32Array.from(a, (v) => v * 3);
    await same(wt.fusedMatmul(wt.tensor(big, [3, 4]), wt.tensor(b, [4, 5]), { activation: 'relu6' }), tf.fused.matMul({ a: tf.tensor2d(big, [3, 4]), b: tf.tensor2d(b, [4, 5]), activation: 'relu6' }), 1e-5);
    for (const activation of ['elu', 'prelu'] as const) {
      await checkGrad((x, w, s) => wt.fusedMatmul(x, w, { bias: wt.tensor(bias), activation, preluActivationWeights: s }), [input([3, 4], 5), input([4, 5], 6), input([5], 7)]);
    }
    expect(() => wt.fusedMatmul(wt.zeros([2, 2]), wt.zeros([2, 2]), { activation: 'prelu' })).toThrow(/fusedMatmul: activation 'prelu' needs preluActivationWeights/);
  });

  it('fused.conv2d matches TF.js\'s', async () => {
    const x = randData(2 * 5 * 5 * 3, 8, -2, 2), f = randData(3 * 3 * 3 * 4, 9, -1, 1), cb = randData(4, 10), ca = randData(4, 11, 0, 0.5);
    for (const activation of ['relu6', 'elu', 'prelu'] as const) {
      const ours = wt.fused.conv2d({ x: wt.tensor(x, [2, 5, 5, 3]), filter: wt.tensor(f, [3, 3, 3, 4]), strides: 1, pad: 'same', bias: wt.tensor(cb), activation, preluActivationWeights: wt.tensor(ca) });
      const theirs = tf.fused.conv2d({ x: tf.tensor4d(x, [2, 5, 5, 3]), filter: tf.tensor4d(f, [3, 3, 3, 4]), strides: 1, pad: 'same', bias: tf.tensor1d(cb), activation, preluActivationWeights: tf.tensor1d(ca) });
      await same(ours, theirs, 1e-4);
    }
  });

  it('the activations alone match TF.js on special values, their gradients finite differences', async () => {
    const xs = [...SPECIAL, 5.5, 6, 7];
    await same(wt.relu6(wt.tensor(xs)), tf.relu6(tf.tensor(xs)));
    await same(wt.elu(wt.tensor(xs)), tf.elu(tf.tensor(xs)));
    await same(wt.selu(wt.tensor(xs)), tf.selu(tf.tensor(xs)), 1e-6);
    await same(wt.prelu(wt.tensor(xs), wt.scalar(0.3)), tf.prelu(tf.tensor(xs), tf.scalar(0.3)));
    const finite = [-30, -2, -0.5, 0, 0.5, 3, 30];
    await same(wt.softplus(wt.tensor(finite)), tf.softplus(tf.tensor(finite)), 1e-6);
    await same(wt.logSigmoid(wt.tensor(finite)), tf.logSigmoid(tf.tensor(finite)), 1e-6);
    // tfjs-core has no softsign (tfjs-layers's activation): x / (1 + |x|) by hand.
    expectClose(Array.from(await wt.softsign(wt.tensor(finite)).data()), finite.map((v) => v / (1 + Math.abs(v))), { atol: 1e-7, rtol: 1e-6 });
    for (const f of [wt.relu6, wt.elu, wt.selu, wt.softplus, wt.logSigmoid, wt.softsign]) {
      await checkGrad((t) => f(t.mul(3)), [input([2, 5], 12)]);
    }
    await checkGrad((t, s) => wt.prelu(t, s), [input([3, 4], 13), input([4], 14)]);
    // softplus at 0 has slope 1/2 (a composition through |x| would give 0 there).
    expect((await wt.grad((t: wt.Tensor) => wt.softplus(t).sum())(wt.tensor([0])).data())[0]).toBe(0.5);
  });
});

describe('the unary kernel\'s math members', () => {
  it('have gradients that match finite differences', async () => {
    const domains: [keyof typeof wt, number, number][] = [
      ['sin', -3, 3], ['cos', -3, 3], ['tan', -1.2, 1.2], ['asin', -0.9, 0.9], ['acos', -0.9, 0.9], ['atan', -3, 3], ['sinh', -2, 2],
      ['cosh', -2, 2], ['asinh', -3, 3], ['acosh', 1.2, 4], ['atanh', -0.8, 0.8], ['erf', -2, 2], ['expm1', -2, 2], ['log1p', -0.5, 3],
    ];
    for (const [op, lo, hi] of domains) {
      const f = wt[op] as (x: wt.Tensor) => wt.Tensor;
      await checkGrad((x) => f(x), [input([2, 5], 21, randData(10, 22, lo, hi))]);
    }
    await checkGrad((a, b) => wt.atan2(a, b), [input([2, 5], 23), input([5], 24)]);
    // Rounding has zero gradient, as TensorFlow.js's.
    for (const op of ['ceil', 'floor', 'round'] as const) expect(Array.from(await wt.grad((x: wt.Tensor) => wt[op](x).sum())(wt.tensor([0.3, 1.7])).data())).toEqual([0, 0]);
  });
});

describe('mirrorPad gradient', () => {
  it('ours sums every mirrored copy (finite differences agree); TF.js\'s only slices dy', async () => {
    for (const mode of ['reflect', 'symmetric'] as const) {
      await checkGrad((x) => wt.mirrorPad(x, [[1, 2], [0, 1]], mode), [input([3, 3], 31)]);
    }
    // All-ones dy on a [3] reflected by 1 on each side: [x1, x0, x1, x2, x1] sends 1 + 1 + 1 to x1.
    const ours = await wt.grad((x: wt.Tensor) => wt.mirrorPad(x, [[1, 1]], 'reflect').sum())(wt.tensor([1, 2, 3])).data();
    const theirs = await tf.grad((x: tf.Tensor) => tf.sum(tf.mirrorPad(x as tf.Tensor1D, [[1, 1]], 'reflect')))(tf.tensor([1, 2, 3])).data();
    expect(Array.from(ours)).toEqual([1, 3, 1]);
    expect(Array.from(theirs)).toEqual([1, 1, 1]);
  });
});

describe('a read that outlives its tensor', () => {
  it('completes when the tensor is disposed while data() is pending, as in TF.js', async () => {
    for (const name of ['cpu', 'wasm'] as const) {
      await wt.setBackend(name);
      const t = wt.tensor([1, 2, 3]).mul(2);
      const p = t.data();
      t.dispose();
      expect(Array.from(await p)).toEqual([2, 4, 6]);
      expect(t.isDisposed).toBe(true);
    }
    await wt.setBackend('cpu');
    const tt = tf.tensor([1, 2, 3]).mul(2);
    const tp = tt.data();
    tt.dispose();
    expect(Array.from(await tp)).toEqual([2, 4, 6]);
  });
});
