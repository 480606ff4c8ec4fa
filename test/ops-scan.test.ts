// Semantics and edge cases of the scans, products and top-k on every backend: hand-worked values,
// finite differences, empty tensors, negative axes, int32 wrapping, NaN ordering, and bad input
// (a clear Error naming the op, with wt.memory() unchanged).
import { describe, it, expect, beforeAll } from 'vitest';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';

const backends = await availableBackends();

/** The numeric gradient of sum(f(x) * w) at x by central differences. */
async function numericGrad(f: (x: wt.Tensor) => wt.Tensor, x: number[], shape: number[], w: number[]): Promise<number[]> {
  const h = 1e-2;
  const at = async (v: number[]): Promise<number> => (await f(wt.tensor(v, shape)).mul(wt.tensor(w, shape.length ? [w.length] : [])).sum().data())[0]!;
  const g: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const up = x.slice(), dn = x.slice();
    up[i]! += h; dn[i]! -= h;
    g.push(((await at(up)) - (await at(dn))) / (2 * h));
  }
  return g;
}

function expectClose(got: ArrayLike<number>, want: readonly number[], tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  Array.from(got).forEach((v, i) => expect(Math.abs(v - want[i]!), `[${i}]: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
}

function expectRefused(fn: () => unknown, pattern: RegExp): void {
  const before = wt.memory().numTensors;
  expect(fn).toThrow(pattern);
  expect(wt.memory().numTensors).toBe(before);
}

describe.each(backends)('scans and top-k on %s', (name) => {
  const exact = name !== 'gpujs';
  beforeAll(async () => {
    await wt.setBackend(name as wt.BackendName);
  });

  it('cumsum and cumprod: hand-worked values with every flag, negative axes', async () => {
    const x = wt.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(Array.from(await wt.cumsum(x, 1).data())).toEqual([1, 3, 6, 4, 9, 15]);
    expect(Array.from(await wt.cumsum(x, -1, true).data())).toEqual([0, 1, 3, 0, 4, 9]);
    expect(Array.from(await wt.cumsum(x, 1, false, true).data())).toEqual([6, 5, 3, 15, 11, 6]);
    expect(Array.from(await wt.cumsum(x, 1, true, true).data())).toEqual([5, 3, 0, 11, 6, 0]);
    expect(Array.from(await wt.cumsum(x).data())).toEqual([1, 2, 3, 5, 7, 9]);
    expect(Array.from(await wt.cumsum(x, -2).data())).toEqual([1, 2, 3, 5, 7, 9]);
    expect(Array.from(await wt.cumprod(x, 1).data())).toEqual([1, 2, 6, 4, 20, 120]);
    expect(Array.from(await wt.cumprod(x, 1, true).data())).toEqual([1, 1, 2, 1, 4, 20]);
    expect(Array.from(await wt.cumprod(x, 1, true, true).data())).toEqual([6, 3, 1, 30, 6, 1]);
    expect(Array.from(await x.cumsum(1).data())).toEqual([1, 3, 6, 4, 9, 15]);
    expect(Array.from(await x.cumprod(0).data())).toEqual([1, 2, 3, 4, 10, 18]);
  });

  it('cumsum, cumprod and prod keep int32 (wrapping past 2^31 where the backend is exact) and count bools as int32', async () => {
    const y = wt.cumsum(wt.tensor([2 ** 30, 2 ** 30, 5], [3], 'int32'));
    expect(y.dtype).toBe('int32');
    if (exact) expect(Array.from(await y.data())).toEqual([2 ** 30, -(2 ** 31), -(2 ** 31) + 5]);
    const p = wt.cumprod(wt.tensor([65536, 65536, 3], [3], 'int32'));
    if (exact) expect(Array.from(await p.data())).toEqual([65536, 0, 0]);
    const q = wt.prod(wt.tensor([[65536, 65536, 3], [-7, 3, 11]], [2, 3], 'int32'), 1);
    expect(q.dtype).toBe('int32');
    if (exact) expect(Array.from(await q.data())).toEqual([0, -231]);
    expect(Array.from(await wt.prod(wt.tensor(Int32Array.from({ length: 33 }, (_, i) => (i % 3) - 1 || 1), [33], 'int32')).data())).toEqual([(-1) ** 11]);
    const b = wt.cumsum(wt.tensor([true, false, true]));
    expect(b.dtype).toBe('int32');
    expect(Array.from(await b.data())).toEqual([1, 1, 2]);
  });

  it('cumsum of NaN and empty tensors', async () => {
    const y = await wt.cumsum(wt.tensor([1, NaN, 2])).data();
    expect(y[0]).toBe(1);
    if (name !== 'webgpu') expect(Number.isNaN(y[1]!) && Number.isNaN(y[2]!)).toBe(true);
    expect(wt.cumsum(wt.zeros([0, 3]), 1).shape).toEqual([0, 3]);
    expect(wt.cumprod(wt.zeros([2, 0]), 1).shape).toEqual([2, 0]);
  });

  it('gradients of cumsum and cumprod match finite differences', async () => {
    const x = [0.5, 1.5, -1, 2, 0.7, 1.1], w = [1, -2, 0.5, 3, 1, -1];
    for (const [f, tol] of [[(t: wt.Tensor) => wt.cumsum(t.reshape([2, 3]), 1, true, true).reshape([6]), 2e-3], [(t: wt.Tensor) => wt.cumprod(t.reshape([2, 3]), 0).reshape([6]), 2e-3]] as const) {
      const g = await wt.grad((t: wt.Tensor) => f(t).mul(wt.tensor(w)).sum())(wt.tensor(x)).data();
      expectClose(g, await numericGrad(f, x, [6], w), tol);
    }
  });

  it('prod: values, dtypes, empty axes, keepDims, and an exact gradient with zeros', async () => {
    const x = wt.tensor([[1, 2, 3], [4, 0, 6]]);
    expect(Array.from(await wt.prod(x).data())).toEqual([0]);
    expect(Array.from(await wt.prod(x, 1).data())).toEqual([6, 0]);
    expect(Array.from(await wt.prod(x, -2).data())).toEqual([4, 0, 18]);
    expect(wt.prod(x, 0, true).shape).toEqual([1, 3]);
    expect(Array.from(await x.prod(1).data())).toEqual([6, 0]);
    expect(Array.from(await wt.prod(wt.zeros([2, 0]), 1).data())).toEqual([1, 1]);
    expect(wt.prod(wt.zeros([2, 0]), 1, true).shape).toEqual([2, 1]);
    const i = wt.prod(wt.tensor([[65536, 65536], [3, -7]], [2, 2], 'int32'), 1);
    expect(i.dtype).toBe('int32');
    if (exact) expect(Array.from(await i.data())).toEqual([0, -21]);
    expect(wt.prod(wt.tensor([true, false])).dtype).toBe('int32');
    // d/dx_i of the product is the product of the others, also where x has zeros
    const g = await wt.grad((t: wt.Tensor) => wt.prod(t, 1).sum())(wt.tensor([[2, 0, 3], [0, 0, 5], [1, 2, 4]])).data();
    expect(Array.from(g)).toEqual([0, 6, 0, 0, 0, 0, 8, 4, 2]);
  });

  it('topk: hand-worked values and indices, ties, NaN first, int32, k=0 and empty', async () => {
    const r = wt.topk(wt.tensor([[1, 5, 3, 5, 2], [0, -1, 9, 9, 9]]), 3);
    expect(r.values.shape).toEqual([2, 3]);
    expect(r.indices.dtype).toBe('int32');
    expect(Array.from(await r.values.data())).toEqual([5, 5, 3, 9, 9, 9]);
    expect(Array.from(await r.indices.data())).toEqual([1, 3, 2, 2, 3, 4]);
    const m = x3();
    expect(Array.from(await m.topk(2).indices.data())).toEqual([2, 0]);
    if (name !== 'webgpu' && name !== 'gpujs') {
      const n = wt.topk(wt.tensor([1, NaN, 3, NaN]), 3);
      const v = await n.values.data();
      expect(Number.isNaN(v[0]!) && Number.isNaN(v[1]!) && v[2] === 3).toBe(true);
      expect(Array.from(await n.indices.data())).toEqual([1, 3, 2]);
    }
    const ri = wt.topk(wt.tensor([3, -(2 ** 31), 2 ** 31 - 1, 0], [4], 'int32'), 4);
    expect(ri.values.dtype).toBe('int32');
    if (exact) expect(Array.from(await ri.values.data())).toEqual([2 ** 31 - 1, 3, 0, -(2 ** 31)]);
    expect(wt.topk(wt.tensor([1, 2]), 0).values.shape).toEqual([0]);
    expect(wt.topk(wt.zeros([0, 4]), 2).indices.shape).toEqual([0, 2]);
  });

  it('gatherND, scatterND, tensorScatterUpdate: hand-worked values, a finite-difference gradient, out-of-range tuples', async () => {
    const x = wt.tensor([[1, 2, 3], [4, 5, 6]]);
    const ix = wt.tensor([[1, 2], [0, 0], [1, 2]], undefined, 'int32');
    expect(Array.from(await wt.gatherND(x, ix).data())).toEqual([6, 1, 6]);
    expect(Array.from(await wt.gatherND(x, wt.tensor([[1]], undefined, 'int32')).data())).toEqual([4, 5, 6]);
    expect(Array.from(await x.gatherND(wt.tensor([0, 1], [2], 'int32')).data())).toEqual([2]);
    const g = await wt.grad((t: wt.Tensor) => wt.gatherND(t, ix).mul(wt.tensor([1, 2, 3])).sum())(x).data();
    expect(Array.from(g)).toEqual([2, 0, 0, 0, 0, 4]);
    const f = (t: wt.Tensor): wt.Tensor => wt.gatherND(t.reshape([2, 3]), ix);
    expectClose(await wt.grad((t: wt.Tensor) => f(t).mul(wt.tensor([1, -1, 2])).sum())(wt.tensor([1, 2, 3, 4, 5, 6])).data(), await numericGrad(f, [1, 2, 3, 4, 5, 6], [6], [1, -1, 2]), 1e-3);
    expect(Array.from(await wt.scatterND(wt.tensor([[1], [3], [1]], undefined, 'int32'), wt.tensor([10, 20, 5]), [5]).data())).toEqual([0, 15, 0, 20, 0]);
    expect(Array.from(await wt.tensorScatterUpdate(x, wt.tensor([[0, 2], [1, 0]], undefined, 'int32'), wt.tensor([-3, -4])).data())).toEqual([1, 2, -3, -4, 5, 6]);
    expect(Array.from(await wt.sparseToDense(wt.tensor([3, 1], [2], 'int32'), 7, [5], 1).data())).toEqual([1, 7, 1, 7, 1]);
    const bad = wt.tensor([[0, 3], [1, 1]], undefined, 'int32');
    if (name === 'cpu' || name === 'wasm') {
      expectRefused(() => wt.gatherND(x, bad), /^gatherND: index \[0,3\] at position 0 is out of range for the leading dimensions \[2,3\]/);
      expectRefused(() => wt.scatterND(bad, [1, 2], [2, 3]), /^scatterND: index \[0,3\]/);
    } else {
      // the GPU backends cannot see the indices without a readback: an out-of-range tuple reads 0 and writes nothing
      expect(Array.from(await wt.gatherND(x, bad).data())).toEqual([0, 5]);
      expect(Array.from(await wt.scatterND(bad, wt.tensor([1, 2]), [2, 3]).data())).toEqual([0, 0, 0, 0, 2, 0]);
    }
  });

  it('unsortedSegmentSum, bincount, denseBincount: hand-worked values and dtypes', async () => {
    const ids = wt.tensor([2, 0, 2, 5, -1], [5], 'int32');
    const s = wt.unsortedSegmentSum(wt.tensor([1, 2, 3, 4, 5]), ids, 3);
    expect(Array.from(await s.data())).toEqual([2, 0, 4]);
    const si = wt.unsortedSegmentSum(wt.tensor([1, 2, 3, 4, 5], [5], 'int32'), ids, 3);
    expect(si.dtype).toBe('int32');
    expect(Array.from(await wt.bincount(ids, wt.tensor([], [0]), 4).data())).toEqual([1, 0, 2, 0]);
    expect(Array.from(await wt.bincount(ids, wt.tensor([0.5, 1, 2, 3, 4]), 3).data())).toEqual([1, 0, 2.5]);
    const d = wt.denseBincount(wt.tensor([[0, 0, 1], [2, 2, 2]], undefined, 'int32'), wt.tensor([], [0]), 3, true);
    expect(d.shape).toEqual([2, 3]);
    expect(Array.from(await d.data())).toEqual([1, 1, 0, 0, 0, 1]);
  });

  it('stridedSlice: TensorFlow\'s semantics by hand, empty ranges, dtype, a finite-difference gradient', async () => {
    const x = wt.tensor(Array.from({ length: 24 }, (_, i) => i), [4, 6]);
    expect(Array.from(await wt.stridedSlice(x, [2, 1], [3, 5], [1, 2], 0, 0, 0, 0, 1).data())).toEqual([13, 15]);
    expect(Array.from(await x.stridedSlice([3, -1], [0, 0], [-1, -2]).data())).toEqual([23, 21, 19, 17, 15, 13, 11, 9, 7]);
    const e = wt.stridedSlice(wt.tensor([1, 2, 3, 4], [4], 'int32'), [3], [1]);
    expect(e.shape).toEqual([0]);
    expect(e.dtype).toBe('int32');
    const n = wt.stridedSlice(x, [0, 1], [0, 3], [1, 1], 0, 0, 1);
    expect(n.shape).toEqual([4, 2]);
    expect(wt.stridedSlice(x, [0, 0, 1], [0, 2, 3], [1, 1, 1], 0, 0, 0, 1).shape).toEqual([1, 2, 2]);
    const f = (t: wt.Tensor): wt.Tensor => wt.stridedSlice(t.reshape([2, 3]), [1, 2], [-3, -4], [-1, -2]).reshape([4]);
    const w = [1, -2, 0.5, 3];
    expectClose(await wt.grad((t: wt.Tensor) => f(t).mul(wt.tensor(w)).sum())(wt.tensor([1, 2, 3, 4, 5, 6])).data(), await numericGrad(f, [1, 2, 3, 4, 5, 6], [6], w), 1e-3);
  });

  it('searchSorted, inTopKAsync, ensureShape, broadcastArgs: hand-worked values', async () => {
    const seq = wt.tensor([[1, 3, 3, 5, 8, 8, 8]]), v = wt.tensor([[3, 0, 9, 8, 4]]);
    expect(Array.from(await wt.lowerBound(seq, v).data())).toEqual([1, 0, 7, 4, 3]);
    expect(Array.from(await wt.upperBound(seq, v).data())).toEqual([3, 0, 7, 7, 3]);
    expect(wt.searchSorted(seq, v).dtype).toBe('int32');
    expect(Array.from(await wt.searchSorted(wt.tensor([[]]), wt.tensor([[1, 2]])).data())).toEqual([0, 0]);
    const hit = await wt.inTopKAsync(wt.tensor([[0.1, 0.5, 0.5, 0.2], [1, 0, 0, 0]]), wt.tensor([2, 3], [2], 'int32'), 2);
    expect(hit.dtype).toBe('bool');
    expect(Array.from(await hit.data())).toEqual([1, 0]);
    const x = wt.zeros([2, 3]);
    expect(wt.ensureShape(x, [null, 3])).toBe(x);
    expect(Array.from(await wt.broadcastArgs(wt.tensor([5, 1, 3], [3], 'int32'), wt.tensor([2, 1], [2], 'int32')).data())).toEqual([5, 2, 3]);
  });

  it('whereAsync, booleanMaskAsync, setdiff1dAsync read back; unique only where reads are synchronous', async () => {
    const c = wt.tensor([[true, false], [false, true], [true, true]]);
    expect(Array.from(await (await wt.whereAsync(c)).data())).toEqual([0, 0, 1, 1, 2, 0, 2, 1]);
    expect((await wt.whereAsync(wt.tensor([false, false]))).shape).toEqual([0, 1]);
    const m = await wt.booleanMaskAsync(wt.tensor([[1, 2], [3, 4], [5, 6]]), wt.tensor([true, false, true]));
    expect(m.shape).toEqual([2, 2]);
    expect(Array.from(await m.data())).toEqual([1, 2, 5, 6]);
    const [vals, idx] = await wt.setdiff1dAsync(wt.tensor([4, 1, 4, 2]), wt.tensor([4]));
    expect(Array.from(await vals.data())).toEqual([1, 2]);
    expect(Array.from(await idx.data())).toEqual([1, 3]);
    const before = wt.memory().numTensors;
    if (name === 'cpu' || name === 'wasm') {
      const u = wt.unique([5, 5, 2, 9, 2]);
      expect(Array.from(await u.values.data())).toEqual([5, 2, 9]);
      expect(Array.from(await u.indices.data())).toEqual([0, 0, 1, 2, 1]);
      u.values.dispose(); u.indices.dispose();
      // NaN meets NaN and -0 meets 0, in a vector as in the slices of a matrix (as tf.unique)
      const n = wt.unique([NaN, 0, -0, NaN, 1]);
      expect(Array.from(await n.indices.data())).toEqual([0, 1, 1, 0, 2]);
      const r = wt.unique([[NaN, 0], [-0, 1], [NaN, 1]], 1);
      expect(Array.from(await r.indices.data())).toEqual([0, 1]);
      const t = wt.tensor([[NaN, 0, NaN], [1, 2, 1]]);
      const s = wt.unique(t, 1);
      t.dispose();
      expect(Array.from(await s.indices.data())).toEqual([0, 1, 0]);
      n.values.dispose(); n.indices.dispose(); r.values.dispose(); r.indices.dispose(); s.values.dispose(); s.indices.dispose();
    } else {
      expect(() => wt.unique([5, 5, 2])).toThrow(/^unique: the \w+ backend reads its buffers asynchronously.*await t\.to\('wasm'\)/);
    }
    expect(wt.memory().numTensors).toBe(before);
    const y1 = wt.tensor([1], [1], 'int32');
    const n0 = wt.memory().numTensors;
    await expect(wt.whereAsync([1, 0])).rejects.toThrow(/^whereAsync: expected a bool condition, got float32/);
    await expect(wt.booleanMaskAsync([[1, 2]], [true, false, true])).rejects.toThrow(/^booleanMaskAsync: the mask \[3\] must match axes 0..0 of the tensor \[1,2\]/);
    await expect(wt.setdiff1dAsync([1, 2], y1)).rejects.toThrow(/^setdiff1dAsync: x and y must have one dtype, got float32 and int32/);
    expect(wt.memory().numTensors).toBe(n0);
  });

  it('refuses bad input with a clear Error and no leak', () => {
    const x = wt.tensor([[1, 2], [3, 4]]);
    expectRefused(() => wt.cumsum(1), /^cumsum: expected a tensor of rank >= 1/);
    expectRefused(() => wt.cumsum(x, 2), /^cumsum: axis 2 is out of range/);
    expectRefused(() => wt.cumprod([1, 2], 0, 'yes' as unknown as boolean), /^cumprod: exclusive and reverse must be booleans/);
    expectRefused(() => wt.prod(x, 3), /^prod: axis 3 is out of range/);
    expectRefused(() => wt.topk(x, 3), /^topk: k \(3\) must be at most the last dimension of \[2,2\]/);
    expectRefused(() => wt.topk(x, -1), /^topk: k must be an integer >= 0/);
    expectRefused(() => wt.topk(2), /^topk: expected a tensor of rank >= 1/);
    expectRefused(() => wt.topk([1, 2, 3], 1.5), /^topk: k must be an integer/);
    const i2 = wt.tensor([[0, 1]], undefined, 'int32'), i3 = wt.tensor([[0, 1, 0]], undefined, 'int32'), u1 = wt.tensor([1], [1], 'int32');
    const id1 = wt.tensor([0], [1], 'int32'), id2 = wt.tensor([0, 1], [2], 'int32'), x3d = wt.zeros([1, 1, 1], 'int32'), f2 = wt.tensor([[0, 1]]);
    expectRefused(() => wt.gatherND(x, f2), /^gatherND: indices must be int32, got float32/);
    expectRefused(() => wt.gatherND(x, i3), /^gatherND: index tuples of length 3/);
    expectRefused(() => wt.scatterND(i2, [1, 2], [2, 2]), /^scatterND: updates must have shape \[1\]/);
    expectRefused(() => wt.tensorScatterUpdate(x, i2, u1), /^tensorScatterUpdate: updates must have the tensor's dtype float32/);
    expectRefused(() => wt.unsortedSegmentSum(x, id1, 2), /^unsortedSegmentSum: segmentIds must be 1-D with one id per row of x \[2,2\]/);
    expectRefused(() => wt.unsortedSegmentSum(x, id2, -1), /^unsortedSegmentSum: numSegments must be an integer >= 0/);
    expectRefused(() => wt.bincount(id2, [1], 3), /^bincount: weights must have x's shape \[2\] or be empty/);
    expectRefused(() => wt.denseBincount(x3d, [], 3), /^denseBincount: expected a 1-D or 2-D x/);
    expectRefused(() => wt.sparseToDense(i2, [1, 2], [2, 2]), /^sparseToDense: sparseValues must be a scalar or have 1 entries/);
    expectRefused(() => wt.stridedSlice(x, [0, 0], [1, 1], [1, 0]), /^stridedSlice: stride 1 is 0 \(x \[2,2\]\)/);
    expectRefused(() => wt.stridedSlice(x, [0, 0], [1], [1, 1]), /^stridedSlice: begin \[0,0\], end \[1\] and strides \[1,1\] must have one length/);
    expectRefused(() => wt.stridedSlice(x, [5], [6], [1], 0, 0, 0, 0, 1), /^stridedSlice: index 5 is out of range for axis 0 of \[2,2\]/);
    expectRefused(() => wt.stridedSlice(x, [0, 0, 0], [1, 1, 1]), /^stridedSlice: the slice spec has more axes than \[2,2\]/);
    expectRefused(() => wt.searchSorted(x, [[1], [2], [3]]), /^searchSorted: the leading dimensions of sortedSequence \[2,2\] and values \[3,1\] must match/);
    expectRefused(() => wt.searchSorted(x, x, 'middle' as 'left'), /^searchSorted: side must be 'left' or 'right'/);
    expectRefused(() => wt.ensureShape(x, [2, 3]), /^ensureShape: the tensor's shape \[2,2\] is not compatible with the expected shape \[2,3\]/);
    expectRefused(() => wt.broadcastArgs(f2, id2), /^broadcastArgs: expected two 1-D int32 shapes/);
    for (const t of [i2, i3, u1, id1, id2, x3d, f2]) t.dispose();
    x.dispose();
  });
});

function x3(): wt.Tensor {
  return wt.tensor([4, 1, 7]);
}
