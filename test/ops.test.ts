/**
 * Every op on the cpu reference backend against values worked out by hand: creation, readback,
 * movement, matmul (also against a naive triple loop for every transpose and odd shapes),
 * broadcasting arithmetic, unary ops, softmax, reductions, comparisons, where, clip and int32.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { expectClose, expectExact, expectTensor, randData, rng } from './helpers.js';

beforeAll(async () => {
  await wt.setBackend('cpu');
});

describe('creation and readback', () => {
  it('tensor from nested arrays, flat data + shape, typed arrays and a number', async () => {
    const a = wt.tensor([[1, 2, 3], [4, 5, 6]]);
    expect([a.shape, a.dtype, a.size, a.rank]).toEqual([[2, 3], 'float32', 6, 2]);
    expect(Array.from(await a.data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await a.data()).toBeInstanceOf(Float32Array);
    await expectExact(wt.tensor([1, 2, 3, 4, 5, 6], [3, 2]), [[1, 2], [3, 4], [5, 6]]);
    await expectExact(wt.tensor(new Float32Array([1.5, 2.5]), [2, 1]), [[1.5], [2.5]]);
    const i = wt.tensor(new Int32Array([7, -8]));
    expect([i.dtype, i.shape]).toEqual(['int32', [2]]);
    expect(await i.data()).toBeInstanceOf(Int32Array);
    const s = wt.tensor(3.5);
    expect([s.shape, s.rank, s.size]).toEqual([[], 0, 1]);
    expect(await s.array()).toBe(3.5);
    await expectExact(wt.scalar(2, 'int32'), 2, 'int32');
    await expectExact(wt.tensor([1.7, -2.7], [2], 'int32'), [1, -2], 'int32');
    await expectExact(wt.tensor([[[1], [2]]]), [[[1], [2]]]);
  });
  it('empty tensors', async () => {
    const e = wt.tensor([], [0, 3]);
    expect([e.shape, e.size]).toEqual([[0, 3], 0]);
    expect(await e.array()).toEqual([]);
    expect(await wt.zeros([2, 0]).array()).toEqual([[], []]);
  });
  it('zeros, ones, full (and like)', async () => {
    await expectExact(wt.zeros([2, 2]), [[0, 0], [0, 0]], 'float32');
    await expectExact(wt.ones([3], 'int32'), [1, 1, 1], 'int32');
    await expectExact(wt.full([2, 1], 7.5), [[7.5], [7.5]]);
    await expectExact(wt.zerosLike(wt.ones([2])), [0, 0]);
    await expectExact(wt.onesLike(wt.zeros([1, 2], 'int32')), [[1, 1]], 'int32');
    await expectExact(wt.full([], 4), 4);
  });
  it('arange and eye', async () => {
    await expectExact(wt.arange(5), [0, 1, 2, 3, 4]);
    await expectExact(wt.arange(1, 7, 2), [1, 3, 5]);
    await expectExact(wt.arange(5, 0, -2), [5, 3, 1]);
    await expectExact(wt.arange(0, 1, 0.25), [0, 0.25, 0.5, 0.75]);
    await expectExact(wt.arange(2, 5, 1, 'int32'), [2, 3, 4], 'int32');
    expect(wt.arange(3, 3).shape).toEqual([0]);
    await expectExact(wt.eye(3), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    await expectExact(wt.eye(2, 3), [[1, 0, 0], [0, 1, 0]]);
  });
  it('rand: seeded, in range, roughly uniform', async () => {
    const a = Array.from(await wt.rand([10000], { seed: 42 }).data());
    const b = await wt.rand([10000], { seed: 42 }).data();
    const c = await wt.rand([10000], { seed: 43 }).data();
    expect(a).toEqual(Array.from(b));
    expect(a).not.toEqual(Array.from(c));
    expect(a.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const v = a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(v - 1 / 12)).toBeLessThan(0.005);
    const r = Array.from(await wt.rand([1000], { seed: 1, lo: -3, hi: -1 }).data());
    expect(r.every((x) => x >= -3 && x < -1)).toBe(true);
    expect(wt.rand([2, 3]).shape).toEqual([2, 3]);
  });
  it('randn: seeded, mean and std right on 10k samples', async () => {
    const t = wt.randn([100, 100], { seed: 7 });
    expect([t.shape, t.dtype]).toEqual([[100, 100], 'float32']);
    const a = Array.from(await t.data());
    expect(a).toEqual(Array.from(await wt.randn([100, 100], { seed: 7 }).data()));
    expect(a).not.toEqual(Array.from(await wt.randn([100, 100], { seed: 8 }).data()));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const std = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(std - 1)).toBeLessThan(0.05);
    expect(a.every(Number.isFinite)).toBe(true);
    const b = Array.from(await wt.randn([10000], { seed: 3, mean: 5, std: 0.5 }).data());
    const mb = b.reduce((s, v) => s + v, 0) / b.length;
    expect(Math.abs(mb - 5)).toBeLessThan(0.03);
    // the same counter-based draw seen through a prefix: element i depends only on (seed, i)
    expect(Array.from(await wt.randn([5], { seed: 7 }).data())).toEqual(a.slice(0, 5));
  });
});

describe('movement', () => {
  const x = () => wt.tensor([[1, 2, 3], [4, 5, 6]]);
  it('reshape, -1, flatten, expandDims, squeeze', async () => {
    await expectExact(wt.reshape(x(), [3, 2]), [[1, 2], [3, 4], [5, 6]]);
    await expectExact(x().reshape([-1]), [1, 2, 3, 4, 5, 6]);
    await expectExact(x().reshape([1, -1, 2]), [[[1, 2], [3, 4], [5, 6]]]);
    await expectExact(x().flatten(), [1, 2, 3, 4, 5, 6]);
    expect(wt.expandDims(x(), 1).shape).toEqual([2, 1, 3]);
    expect(x().expandDims(-1).shape).toEqual([2, 3, 1]);
    expect(wt.squeeze(wt.zeros([1, 2, 1])).shape).toEqual([2]);
    expect(wt.zeros([1, 2, 1]).squeeze(2).shape).toEqual([1, 2]);
  });
  it('transpose: default, explicit and any permutation of rank 3', async () => {
    await expectExact(wt.transpose(x()), [[1, 4], [2, 5], [3, 6]]);
    await expectExact(x().transpose([1, 0]), [[1, 4], [2, 5], [3, 6]]);
    const t = wt.arange(24).reshape([2, 3, 4]);
    const src = (await t.array()) as number[][][];
    const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (const p of perms) {
      const y = t.transpose(p);
      expect(y.shape).toEqual(p.map((i) => t.shape[i]));
      const got = (await y.array()) as number[][][];
      for (let a = 0; a < y.shape[0]!; a++) for (let b = 0; b < y.shape[1]!; b++) for (let c = 0; c < y.shape[2]!; c++) {
        const idx = [0, 0, 0];
        idx[p[0]!] = a; idx[p[1]!] = b; idx[p[2]!] = c;
        expect(got[a]![b]![c]).toBe(src[idx[0]!]![idx[1]!]![idx[2]!]);
      }
    }
  });
  it('slice', async () => {
    await expectExact(wt.slice(x(), [0, 1], [2, 2]), [[2, 3], [5, 6]]);
    await expectExact(x().slice([1, 0], [1, -1]), [[4, 5, 6]]);
    await expectExact(x().slice(1), [[4, 5, 6]]);
    await expectExact(wt.arange(10).slice(3, 4), [3, 4, 5, 6]);
    await expectExact(wt.arange(24).reshape([2, 3, 4]).slice([1, 1, 2], [1, 2, 2]), [[[18, 19], [22, 23]]]);
  });
  it('gather rows and along an axis', async () => {
    const idx = wt.tensor([2, 0, 2], [3], 'int32');
    await expectExact(wt.gather(wt.tensor([[1, 2], [3, 4], [5, 6]]), idx), [[5, 6], [1, 2], [5, 6]]);
    await expectExact(x().gather([2, 0], 1), [[3, 1], [6, 4]]);
    await expectExact(wt.gather(wt.tensor([10, 20, 30], [3], 'int32'), [1, 1]), [20, 20], 'int32');
  });
  it('concat and stack', async () => {
    await expectExact(wt.concat([x(), wt.tensor([[7, 8, 9]])]), [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    await expectExact(wt.concat([x(), wt.tensor([[0], [0]]), x()], 1), [[1, 2, 3, 0, 1, 2, 3], [4, 5, 6, 0, 4, 5, 6]]);
    expect(x().concat(x(), -1).shape).toEqual([2, 6]);
    expect(x().concat([x(), x()]).shape).toEqual([6, 3]);
    await expectExact(wt.concat([x()]), [[1, 2, 3], [4, 5, 6]]);
    await expectExact(wt.stack([wt.tensor([1, 2]), wt.tensor([3, 4])]), [[1, 2], [3, 4]]);
    await expectExact(wt.stack([wt.tensor([1, 2]), wt.tensor([3, 4])], 1), [[1, 3], [2, 4]]);
  });
  it('oneHot (out-of-range index gives a row of zeros)', async () => {
    await expectExact(wt.oneHot(wt.tensor([0, 2, 1], [3], 'int32'), 3), [[1, 0, 0], [0, 0, 1], [0, 1, 0]], 'float32');
    await expectExact(wt.tensor([1, 5], [2], 'int32').oneHot(2), [[0, 1], [0, 0]]);
    await expectExact(wt.oneHot([[1], [0]], 2), [[[0, 1]], [[1, 0]]]);
  });
  it('broadcastTo, cast, clone', async () => {
    await expectExact(wt.broadcastTo(wt.tensor([1, 2]), [2, 2]), [[1, 2], [1, 2]]);
    await expectExact(wt.tensor([[1], [2]]).broadcastTo([2, 3]), [[1, 1, 1], [2, 2, 2]]);
    await expectExact(wt.cast(wt.tensor([1.9, -1.9, 0.5]), 'int32'), [1, -1, 0], 'int32');
    await expectExact(wt.tensor([3, 4], [2], 'int32').cast('float32'), [3, 4], 'float32');
    const a = x();
    const c = a.clone();
    a.dispose();
    await expectExact(c, [[1, 2, 3], [4, 5, 6]]);
  });
});

/** The textbook triple loop, in float64. */
function naiveMatmul(a: Float32Array, b: Float32Array, m: number, n: number, k: number, tA: boolean, tB: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[tA ? p * m + i : i * k + p]! * b[tB ? j * k + p : p * n + j]!;
    c[i * n + j] = s;
  }
  return c;
}

describe('matmul', () => {
  it('by hand', async () => {
    const a = wt.tensor([[1, 2, 3], [4, 5, 6]]);
    await expectExact(wt.matmul(a, wt.tensor([[1, 0], [0, 1], [1, 1]])), [[4, 5], [10, 11]]);
    await expectExact(a.matmul(a, { transposeB: true }), [[14, 32], [32, 77]]);
    await expectExact(wt.matmul(a, a, { transposeA: true }), [[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
    await expectExact(wt.matmul(wt.tensor([[1, 2], [3, 4]]), wt.tensor([[5, 6], [7, 8]]), { transposeA: true, transposeB: true }), [[23, 31], [34, 46]]);
  });
  it('batched 3-D, and 3-D with a shared 2-D operand', async () => {
    const a = wt.tensor([[[1, 2], [3, 4]], [[1, 0], [0, 2]]]);
    const b = wt.tensor([[[1, 1], [0, 1]], [[2, 3], [4, 5]]]);
    await expectExact(wt.matmul(a, b), [[[1, 3], [3, 7]], [[2, 3], [8, 10]]]);
    await expectExact(a.matmul(wt.tensor([[1], [1]])), [[[3], [7]], [[1], [2]]]);
    await expectExact(wt.matmul(wt.tensor([[1, 1]]), b), [[[1, 2]], [[6, 8]]]);
    await expectExact(wt.matmul(a, b, { transposeA: true, transposeB: true }), [[[4, 3], [6, 4]], [[2, 4], [6, 10]]]);
  });
  it('fused bias and activations', async () => {
    const a = wt.tensor([[1, -2], [0.5, 1]]);
    const w = wt.tensor([[1, 2], [3, -1]]);
    const bias = wt.tensor([0.5, -1]);
    // a @ w = [[-5, 4], [3.5, 0]]; + bias = [[-4.5, 3], [4, -1]]
    await expectExact(wt.fusedMatmul(a, w, { bias }), [[-4.5, 3], [4, -1]]);
    await expectExact(wt.fusedMatmul(a, w, { bias, activation: 'relu' }), [[0, 3], [4, 0]]);
    await expectExact(wt.fusedMatmul(a, w, { bias, activation: 'leakyRelu', alpha: 0.5 }), [[-2.25, 3], [4, -0.5]]);
    await expectExact(wt.fusedMatmul(a, w, { bias, activation: 'step' }), [[0, 1], [1, 0]]);
    await expectTensor(wt.fusedMatmul(a, w, { bias, activation: 'tanh' }), [[Math.tanh(-4.5), Math.tanh(3)], [Math.tanh(4), Math.tanh(-1)]]);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    await expectTensor(wt.fusedMatmul(a, w, { bias, activation: 'sigmoid' }), [[sig(-4.5), sig(3)], [sig(4), sig(-1)]]);
    await expectExact(wt.fusedMatmul(wt.tensor([[1, 2]]), wt.tensor([[1], [1]]), { bias: wt.tensor([[10]]), activation: 'linear' }), [[13]]);
  });
  it('equals a naive triple loop for every transpose combination and odd shapes', async () => {
    const shapes: [number, number, number][] = [[1, 1, 1], [1, 7, 3], [5, 1, 6], [3, 5, 1], [7, 9, 13], [17, 33, 5], [33, 18, 67], [4, 4, 300], [65, 70, 9]];
    let seed = 100;
    for (const [m, n, k] of shapes) {
      for (const tA of [false, true]) for (const tB of [false, true]) {
        const a = randData(m * k, seed++), b = randData(k * n, seed++);
        const y = wt.matmul(wt.tensor(a, tA ? [k, m] : [m, k]), wt.tensor(b, tB ? [n, k] : [k, n]), { transposeA: tA, transposeB: tB });
        expect(y.shape).toEqual([m, n]);
        expectClose(await y.data(), naiveMatmul(a, b, m, n, k, tA, tB), { atol: 1e-5, rtol: 1e-5 });
      }
    }
  });
  it('batched odd shapes match the naive loop batch by batch', async () => {
    const [bt, m, n, k] = [3, 5, 6, 7];
    for (const tA of [false, true]) for (const tB of [false, true]) {
      const a = randData(bt * m * k, 1), b = randData(bt * k * n, 2);
      const y = await wt.matmul(wt.tensor(a, tA ? [bt, k, m] : [bt, m, k]), wt.tensor(b, tB ? [bt, n, k] : [bt, k, n]), { transposeA: tA, transposeB: tB }).data();
      for (let t = 0; t < bt; t++) {
        const want = naiveMatmul(a.subarray(t * m * k, (t + 1) * m * k), b.subarray(t * k * n, (t + 1) * k * n), m, n, k, tA, tB);
        expectClose(y.subarray(t * m * n, (t + 1) * m * n), want, { atol: 1e-5, rtol: 1e-5 });
      }
    }
  });
  it('is exact for integer-valued inputs', async () => {
    const r = rng(5);
    const [m, n, k] = [37, 29, 150];
    const a = Float32Array.from({ length: m * k }, () => Math.floor(r() * 201) - 100);
    const b = Float32Array.from({ length: k * n }, () => Math.floor(r() * 201) - 100);
    for (const tA of [false, true]) for (const tB of [false, true]) {
      const y = await wt.matmul(wt.tensor(a, tA ? [k, m] : [m, k]), wt.tensor(b, tB ? [n, k] : [k, n]), { transposeA: tA, transposeB: tB }).data();
      expect(Array.from(y)).toEqual(Array.from(naiveMatmul(a, b, m, n, k, tA, tB)));
    }
  });
  it('k = 0 gives zeros; empty m or n gives an empty result', async () => {
    await expectExact(wt.matmul(wt.zeros([2, 0]), wt.zeros([0, 3])), [[0, 0, 0], [0, 0, 0]]);
    expect(wt.matmul(wt.zeros([0, 4]), wt.zeros([4, 3])).shape).toEqual([0, 3]);
  });
});

describe('broadcasting arithmetic', () => {
  it("the material's example: [[1,2,3],[4,5,6]] + [[100],[200]]", async () => {
    const a = wt.tensor([[1, 2, 3], [4, 5, 6]]);
    await expectExact(wt.add(a, wt.tensor([[100], [200]])), [[101, 102, 103], [204, 205, 206]]);
    await expectExact(a.add(wt.tensor([100, 200, 300])), [[101, 202, 303], [104, 205, 306]]);
    await expectExact(a.add(100), [[101, 102, 103], [104, 105, 106]]);
  });
  it('the calories table: column sums, then 100 * A / cal', async () => {
    // rows: carbs, protein, fat; columns: apples, beef, eggs, potatoes (calories per 100 g)
    const A = wt.tensor([[56, 0, 4.4, 68], [1.2, 104, 52, 8], [1.8, 135, 99, 0.9]]);
    const cal = A.sum(0);
    await expectTensor(cal, [59, 239, 155.4, 76.9], { atol: 1e-4 });
    const pct = wt.mul(100, A.div(cal.reshape([1, 4])));
    await expectTensor(pct, [
      [94.9152542, 0, 2.8314028, 88.4265280],
      [2.0338983, 43.5146444, 33.4620335, 10.4031209],
      [3.0508475, 56.4853556, 63.7065637, 1.1703511],
    ], { atol: 1e-4 });
    // the same with the row broadcast implicitly, and each column summing to 100%
    await expectTensor(A.div(cal).mul(100).sum(0), [100, 100, 100, 100], { atol: 1e-4 });
  });
  it('add, sub, mul, div, pow, maximum, minimum with broadcasting, as functions and methods', async () => {
    const a = wt.tensor([[1, -2], [3, 4]]);
    const b = wt.tensor([2, -1]);
    await expectExact(wt.sub(a, b), [[-1, -1], [1, 5]]);
    await expectExact(a.sub(b), [[-1, -1], [1, 5]]);
    await expectExact(wt.mul(a, b), [[2, 2], [6, -4]]);
    await expectExact(a.mul(b), [[2, 2], [6, -4]]);
    await expectExact(wt.div(a, b), [[0.5, 2], [1.5, -4]]);
    await expectExact(a.div(b), [[0.5, 2], [1.5, -4]]);
    await expectExact(wt.pow(a, wt.tensor([[2], [3]])), [[1, 4], [27, 64]]);
    await expectExact(a.pow(2), [[1, 4], [9, 16]]);
    await expectTensor(wt.pow(wt.tensor([4, 9]), 0.5), [2, 3]);
    await expectExact(wt.maximum(a, b), [[2, -1], [3, 4]]);
    await expectExact(a.maximum(0), [[1, 0], [3, 4]]);
    await expectExact(wt.minimum(a, b), [[1, -2], [2, -1]]);
    await expectExact(a.minimum(b), [[1, -2], [2, -1]]);
    await expectExact(wt.sub(10, a), [[9, 12], [7, 6]]);
    const c = wt.add(wt.ones([2, 1, 3]), wt.tensor([[10], [20]]));
    await expectExact(c, [[[11, 11, 11], [21, 21, 21]], [[11, 11, 11], [21, 21, 21]]]);
    await expectExact(wt.div(wt.tensor([1, -1, 0]), 0), [Infinity, -Infinity, NaN]);
  });
  it('square', async () => {
    await expectExact(wt.square(wt.tensor([-3, 2])), [9, 4]);
    await expectExact(wt.tensor([0.5]).square(), [0.25]);
  });
});

describe('unary ops and activations', () => {
  const xs = [-2, -0.5, 0, 0.5, 3];
  const x = () => wt.tensor(xs);
  const cases: [string, (t: wt.Tensor) => wt.Tensor, (t: wt.Tensor) => wt.Tensor, (v: number) => number][] = [
    ['neg', (t) => wt.neg(t), (t) => t.neg(), (v) => -v],
    ['exp', (t) => wt.exp(t), (t) => t.exp(), Math.exp],
    ['abs', (t) => wt.abs(t), (t) => t.abs(), Math.abs],
    ['sign', (t) => wt.sign(t), (t) => t.sign(), Math.sign],
    ['tanh', (t) => wt.tanh(t), (t) => t.tanh(), Math.tanh],
    ['sigmoid', (t) => wt.sigmoid(t), (t) => t.sigmoid(), (v) => 1 / (1 + Math.exp(-v))],
    ['relu', (t) => wt.relu(t), (t) => t.relu(), (v) => Math.max(v, 0)],
    ['leakyRelu (alpha 0.2 default)', (t) => wt.leakyRelu(t), (t) => t.leakyRelu(), (v) => (v > 0 ? v : 0.2 * v)],
    ['leakyRelu alpha 0.1', (t) => wt.leakyRelu(t, 0.1), (t) => t.leakyRelu(0.1), (v) => (v > 0 ? v : 0.1 * v)],
    ['step', (t) => wt.step(t), (t) => t.step(), (v) => (v > 0 ? 1 : 0)],
  ];
  for (const [name, fn, method, ref] of cases) {
    it(name, async () => {
      await expectTensor(fn(x()), xs.map(ref), { atol: 1e-6, rtol: 1e-6 });
      await expectTensor(method(x()), xs.map(ref), { atol: 1e-6, rtol: 1e-6 });
    });
  }
  it('log and sqrt (NaN outside the domain, like Math)', async () => {
    await expectTensor(wt.log(wt.tensor([1, Math.E, 0.5])), [0, 1, Math.log(0.5)], { atol: 1e-6 });
    await expectTensor(wt.tensor([4, 2.25, 0]).sqrt(), [2, 1.5, 0]);
    await expectExact(wt.log(wt.tensor([0, -1])), [-Infinity, NaN]);
    await expectExact(wt.tensor([-1]).sqrt(), [NaN]);
  });
  it('sigmoid saturates without NaN', async () => {
    await expectTensor(wt.sigmoid(wt.tensor([-1000, 1000])), [0, 1]);
    await expectTensor(wt.tensor([-1000, 1000]).tanh(), [-1, 1]);
  });
  it('clip', async () => {
    await expectExact(wt.clip(wt.tensor([-3, -1, 0, 2, 5]), -1, 2), [-1, -1, 0, 2, 2]);
    await expectExact(wt.tensor([0.5, 9]).clip(0, 1), [0.5, 1]);
  });
});

describe('softmax and logSoftmax', () => {
  const ref = (row: number[]) => {
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  it('along the last axis (default) and axis 0', async () => {
    const x = wt.tensor([[1, 2, 3], [1, 1, 1]]);
    await expectTensor(wt.softmax(x), [ref([1, 2, 3]), [1 / 3, 1 / 3, 1 / 3]], { atol: 1e-6 });
    await expectTensor(x.softmax(-1), [ref([1, 2, 3]), [1 / 3, 1 / 3, 1 / 3]], { atol: 1e-6 });
    const cols = [ref([1, 1]), ref([2, 1]), ref([3, 1])];
    await expectTensor(x.softmax(0), [cols.map((c) => c[0]), cols.map((c) => c[1])], { atol: 1e-6 });
    await expectTensor(wt.logSoftmax(x), [ref([1, 2, 3]).map(Math.log), [1, 1, 1].map(() => Math.log(1 / 3))], { atol: 1e-6 });
    await expectTensor(x.logSoftmax(0), [cols.map((c) => Math.log(c[0]!)), cols.map((c) => Math.log(c[1]!))], { atol: 1e-6 });
  });
  it('a middle axis of a 3-D tensor', async () => {
    const x = wt.arange(12).reshape([2, 3, 2]);
    const y = (await x.softmax(1).array()) as number[][][];
    const want = ref([0, 2, 4]);
    expectClose([y[0]![0]![0], y[0]![1]![0], y[0]![2]![0]], want, { atol: 1e-6 });
    expectClose(await x.softmax(1).sum(1).data(), [1, 1, 1, 1], { atol: 1e-6 });
  });
  it('large logits give no NaN or Infinity', async () => {
    const x = wt.tensor([[1000, 1001, 1002], [-1000, -1000, -1e30]]);
    await expectTensor(wt.softmax(x), [ref([0, 1, 2]), [0.5, 0.5, 0]], { atol: 1e-6 });
    const ls = await wt.logSoftmax(wt.tensor([1000, 1001, 1002])).data();
    expectClose(ls, ref([0, 1, 2]).map(Math.log), { atol: 1e-5 });
    expect(Array.from(ls).every(Number.isFinite)).toBe(true);
  });
});

describe('reductions', () => {
  const x = () => wt.tensor([[1, 5, 3], [4, 2, 6]]);
  it('sum and mean along axes, keepDims, negative axes, all axes', async () => {
    await expectExact(wt.sum(x()), 21);
    await expectExact(x().sum(0), [5, 7, 9]);
    await expectExact(x().sum(1), [9, 12]);
    await expectExact(x().sum(-1, true), [[9], [12]]);
    await expectExact(x().sum([0, 1], true), [[21]]);
    await expectExact(x().sum(null), 21);
    await expectExact(wt.mean(x()), 3.5);
    await expectExact(x().mean(0), [2.5, 3.5, 4.5]);
    await expectExact(x().mean(-1, true), [[3], [4]]);
    const t = wt.arange(24).reshape([2, 3, 4]);
    await expectExact(t.sum([0, 2]), [60, 92, 124]);
    await expectExact(t.sum([-1, 0], true), [[[60], [92], [124]]]);
    await expectExact(t.mean(1), [[4, 5, 6, 7], [16, 17, 18, 19]]);
  });
  it('max, min along axes with keepDims', async () => {
    await expectExact(wt.max(x()), 6);
    await expectExact(x().max(0), [4, 5, 6]);
    await expectExact(x().max(-1, true), [[5], [6]]);
    await expectExact(wt.min(x(), 1), [1, 2]);
    await expectExact(x().min(0, true), [[1, 2, 3]]);
    await expectExact(wt.arange(24).reshape([2, 3, 4]).max([0, 1]), [20, 21, 22, 23]);
  });
  it('argMax (int32, first index wins ties)', async () => {
    await expectExact(wt.argMax(x(), -1), [1, 2], 'int32');
    await expectExact(x().argMax(0), [1, 0, 1], 'int32');
    await expectExact(wt.tensor([3, 7, 7, 1]).argMax(), 1, 'int32');
    await expectExact(wt.arange(24).reshape([2, 3, 4]).argMax(1), [[2, 2, 2, 2], [2, 2, 2, 2]], 'int32');
  });
  it('reducing a scalar returns it', async () => {
    await expectExact(wt.sum(wt.scalar(4)), 4);
    await expectExact(wt.scalar(4).max(), 4);
  });
});

describe('comparisons and where', () => {
  const a = () => wt.tensor([1, 2, 3]);
  const b = () => wt.tensor([3, 2, 1]);
  it('each comparison, function and method, broadcasting to bool masks of 1/0', async () => {
    const cases: [string, (x: wt.Tensor, y: wt.Tensor) => wt.Tensor, (x: wt.Tensor, y: wt.Tensor) => wt.Tensor, number[]][] = [
      ['equal', wt.equal, (x, y) => x.equal(y), [0, 1, 0]],
      ['notEqual', wt.notEqual, (x, y) => x.notEqual(y), [1, 0, 1]],
      ['less', wt.less, (x, y) => x.less(y), [1, 0, 0]],
      ['lessEqual', wt.lessEqual, (x, y) => x.lessEqual(y), [1, 1, 0]],
      ['greater', wt.greater, (x, y) => x.greater(y), [0, 0, 1]],
      ['greaterEqual', wt.greaterEqual, (x, y) => x.greaterEqual(y), [0, 1, 1]],
    ];
    for (const [name, f, m, want] of cases) {
      const y = f(a(), b());
      expect(y.dtype, name).toBe('bool');
      await expectExact(y, want);
      await expectExact(m(a(), b()), want);
    }
    await expectExact(wt.greater(wt.tensor([[1], [3]]), wt.tensor([0, 2, 4])), [[1, 0, 0], [1, 1, 0]]);
    await expectExact(a().less(2), [1, 0, 0]);
  });
  it('where picks a where cond != 0, with broadcasting', async () => {
    await expectExact(wt.where(wt.tensor([1, 0, 1]), a(), b()), [1, 2, 3]);
    await expectExact(wt.where(a().greater(1), a(), 0), [0, 2, 3]);
    await expectExact(wt.where(wt.tensor([[1], [0]]), wt.tensor([1, 2]), wt.tensor([[7], [8]])), [[1, 2], [8, 8]]);
    await expectExact(wt.where(wt.tensor([0, 1]), wt.tensor([1, 2], [2], 'int32'), wt.tensor([5, 6], [2], 'int32')), [5, 2], 'int32');
  });
});

describe('int32 behaviour', () => {
  const i = (v: number[]) => wt.tensor(v, [v.length], 'int32');
  it('add/sub/mul/maximum/minimum of int32 stay int32; div goes to float32', async () => {
    await expectExact(i([1, 2]).add(i([3, 4])), [4, 6], 'int32');
    await expectExact(wt.sub(i([1, 2]), i([3, 5])), [-2, -3], 'int32');
    await expectExact(wt.mul(i([3, -2]), 4), [12, -8], 'int32');
    await expectExact(wt.maximum(i([3, -2]), i([1, 1])), [3, 1], 'int32');
    await expectExact(wt.minimum(i([3, -2]), 0), [0, -2], 'int32');
    await expectExact(wt.div(i([7, 1]), i([2, 4])), [3.5, 0.25], 'float32');
    await expectExact(wt.neg(i([3])), [-3], 'int32');
  });
  it('int32 with float32 or a fractional number gives float32', async () => {
    await expectExact(i([1, 2]).add(wt.tensor([0.5, 0.5])), [1.5, 2.5], 'float32');
    await expectExact(i([1, 2]).mul(0.5), [0.5, 1], 'float32');
  });
  it('sum, max and min of int32 stay int32; mean and unary ops give float32', async () => {
    await expectExact(wt.sum(i([1, 2, 3])), 6, 'int32');
    await expectExact(wt.mean(i([1, 2])), 1.5, 'float32');
    await expectExact(wt.exp(i([0])), [1], 'float32');
    await expectExact(i([5, 9, 2]).argMax(), 1, 'int32');
    await expectExact(i([5, 9, 2]).max(), 9, 'int32');
    await expectExact(wt.min(wt.tensor([[5, -9], [2, 4]], [2, 2], 'int32'), 0, true), [[2, -9]], 'int32');
  });
  it('movement keeps int32', async () => {
    await expectExact(i([1, 2, 3, 4]).reshape([2, 2]).transpose(), [[1, 3], [2, 4]], 'int32');
    await expectExact(wt.concat([i([1]), i([2])]), [1, 2], 'int32');
    await expectExact(i([1, 2, 3]).slice(1), [2, 3], 'int32');
  });
});

describe('every op is a function and a method', () => {
  it('methods give the same values as the functions', async () => {
    const x = wt.tensor([[0.5, -1.5], [2, 0.25]]);
    const y = wt.tensor([[1, 2], [3, 4]]);
    const pairs: [wt.Tensor, wt.Tensor][] = [
      [x.add(y), wt.add(x, y)], [x.transpose(), wt.transpose(x)], [x.reshape([4]), wt.reshape(x, [4])],
      [x.matmul(y), wt.matmul(x, y)], [x.sum(0), wt.sum(x, 0)], [x.mean(1, true), wt.mean(x, 1, true)],
      [x.max(), wt.max(x)], [x.min(0), wt.min(x, 0)], [x.argMax(0), wt.argMax(x, 0)], [x.softmax(0), wt.softmax(x, 0)],
      [x.slice([0, 1], [2, 1]), wt.slice(x, [0, 1], [2, 1])], [x.gather([1]), wt.gather(x, [1])],
      [x.concat(y), wt.concat([x, y])], [x.broadcastTo([2, 2, 2]), wt.broadcastTo(x, [2, 2, 2])],
      [x.cast('int32'), wt.cast(x, 'int32')], [x.clone(), wt.clone(x)], [x.expandDims(0), wt.expandDims(x, 0)],
      [x.clip(0, 1), wt.clip(x, 0, 1)], [x.square(), wt.square(x)], [x.abs(), wt.abs(x)],
    ];
    for (const [m, f] of pairs) {
      expect(m.shape).toEqual(f.shape);
      expect(m.dtype).toBe(f.dtype);
      expect(await m.array()).toEqual(await f.array());
    }
  });
});
