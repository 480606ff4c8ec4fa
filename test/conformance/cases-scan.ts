/**
 * Conformance cases of the scans, top-k and N-D indexing ops: cumsum, cumprod and prod along every
 * kind of axis with their flags and gradients, topk on float32 and int32 rows with ties, gatherND,
 * scatterND, tensorScatterUpdate, stridedSlice and the segment ops. Pushed onto CASES by cases.ts.
 */
import type { Case, Tensor, Wt } from './cases.ts';

type Out = Tensor | readonly Out[];
export const SCAN_CASES: Case[] = [];
const add = (name: string, tol: number, fn: (wt: Wt) => Out): void => {
  SCAN_CASES.push({ name, tol, fn });
};
const rn = (wt: Wt, shape: number[], seed: number, scale = 1): Tensor => wt.randn(shape, { seed, std: scale });
const weigh = (wt: Wt, y: Tensor): Tensor => y.mul(wt.randn(y.shape as number[], { seed: 4545 })).sum();
const vg = (wt: Wt, f: (...x: Tensor[]) => Tensor, ...xs: Tensor[]): Out =>
  wt.valueAndGrad((...t: Tensor[]) => weigh(wt, f(...t)))(xs) as unknown as Out;
/** Uniform in [-0.5, 0.5): exact on every backend, so top-k orders match bit for bit. */
const rx = (wt: Wt, shape: number[], seed: number): Tensor => wt.rand(shape, { seed }).sub(0.5);
/** Whole numbers in [lo, hi) as int32. */
const ri = (wt: Wt, shape: number[], seed: number, lo: number, hi: number): Tensor => wt.rand(shape, { seed, lo, hi }).floor().cast('int32');

let seed = 6000;
for (const [shape, axis] of [[[7], 0], [[3, 5], 0], [[3, 5], 1], [[2, 3, 4], 1], [[2, 3, 4], -1], [[1, 9, 1], 1]] as [number[], number][]) {
  for (const exclusive of [false, true]) {
    for (const reverse of [false, true]) {
      const s = (seed += 2);
      const name = `[${shape}] axis ${axis}${exclusive ? ' exclusive' : ''}${reverse ? ' reverse' : ''}`;
      add(`cumsum ${name}`, 1e-5, (wt) => wt.cumsum(rn(wt, shape, s), axis, exclusive, reverse));
      add(`cumprod ${name}`, 1e-5, (wt) => wt.cumprod(rn(wt, shape, s).mul(0.5).add(1), axis, exclusive, reverse));
    }
  }
}
// int32 values stay below 2^24, where gpujs's float textures are exact (wrapping: test/ops-scan.test.ts)
add('cumsum int32 [4,6] axis 1', 0, (wt) => wt.cumsum(ri(wt, [4, 6], 6101, -1000, 1000), 1));
add('cumprod int32 [3,5] axis 0 reverse', 0, (wt) => wt.cumprod(ri(wt, [3, 5], 6102, -9, 9), 0, false, true));
add('cumsum of bool counts', 0, (wt) => wt.cumsum(wt.tensor([true, false, true, true])));
add('cumsum long row (Hillis-Steele passes on gpujs)', 1e-4, (wt) => wt.cumsum(rn(wt, [2, 100], 6103), 1));
add('grad cumsum [3,5] axis 1 exclusive', 1e-4, (wt) => vg(wt, (x) => wt.cumsum(x, 1, true), rn(wt, [3, 5], 6104)));
add('grad cumsum [3,5] axis 0 reverse', 1e-4, (wt) => vg(wt, (x) => wt.cumsum(x, 0, false, true), rn(wt, [3, 5], 6105)));
add('grad cumprod [2,4] axis 1', 1e-4, (wt) => vg(wt, (x) => wt.cumprod(x, 1), rn(wt, [2, 4], 6106).mul(0.3).add(1)));

add('prod all / axis / axes / keepDims', 1e-5, (wt) => {
  const x = rn(wt, [3, 4, 2], 6201).mul(0.4).add(1);
  return [wt.prod(x), wt.prod(x, 1), wt.prod(x, [0, 2]), wt.prod(x, -1, true), wt.prod(x, [])];
});
// long rows reach the kernels' vector lanes and partial products (wasm) and split passes (webgpu)
add('prod long rows, a whole tensor, zeros and infinities', 1e-4, (wt) => {
  const x = rn(wt, [3, 4099], 6204).mul(0.01).add(1);
  const z = wt.tensor([[2, 0, 3, 5, 7, 1, 2, 3, 4], [1, 2, Infinity, 4, 5, 6, 7, 8, 9], [-1, 2, -3, 4, -5, 6, -7, 8, -0.5]]);
  return [wt.prod(x, 1), wt.prod(x.reshape([3 * 4099]).mul(1.0001)), wt.prod(x.slice([0, 0], [3, 37]), 0), wt.prod(z, 1)];
});
add('prod int32 and bool', 0, (wt) => [wt.prod(ri(wt, [3, 4], 6202, -5, 5), 1), wt.prod(wt.tensor([[true, true], [true, false]]), 1)]);
add('grad prod with zeros', 1e-4, (wt) => vg(wt, (x) => wt.prod(x, 1), wt.tensor([[1, 2, 3, 4], [2, 0, 3, 1], [0, 5, 0, 2]])));
add('grad prod over two axes', 1e-4, (wt) => vg(wt, (x) => wt.prod(x, [0, 2]), rn(wt, [2, 3, 2], 6203).mul(0.3).add(1)));

add('topk [4,9] k=3', 0, (wt) => { const r = wt.topk(rx(wt, [4, 9], 6301), 3); return [r.values, r.indices]; });
add('topk [7] k=7 (a full sort)', 0, (wt) => { const r = wt.topk(rx(wt, [7], 6302), 7); return [r.values, r.indices]; });
add('topk [2,3,40] k=5', 0, (wt) => { const r = wt.topk(rx(wt, [2, 3, 40], 6303), 5); return [r.values, r.indices]; });
add('topk ties keep the lower index; int32', 0, (wt) => {
  const a = wt.topk(wt.tensor([[1, 3, 3, 2, 3], [5, 5, 5, 5, 5]]), 4);
  const b = wt.topk(ri(wt, [3, 11], 6304, -4, 4), 6);
  return [a.values, a.indices, b.values, b.indices];
});
add('topk k=0 and k=1', 0, (wt) => { const x = rx(wt, [3, 5], 6305); const a = wt.topk(x, 0), b = wt.topk(x); return [a.values, a.indices, b.values, b.indices]; });

// ---- N-D indexing and segments (composed from gather and scatterAdd) ----
const idx = (wt: Wt, v: number[][]): Tensor => wt.tensor(v, undefined, 'int32');
add('gatherND slices, tuples and full tuples', 1e-6, (wt) => {
  const x = rn(wt, [3, 4, 2], 6401);
  return [wt.gatherND(x, idx(wt, [[0, 1], [2, 3], [1, 0]])), wt.gatherND(x, idx(wt, [[2], [0]])), wt.gatherND(x, idx(wt, [[1, 2, 1], [0, 0, 0]])), wt.gatherND(ri(wt, [4, 3], 6402, -50, 50), idx(wt, [[3, 2], [0, 1]]))];
});
add('grad gatherND with a repeated tuple', 1e-5, (wt) => vg(wt, (x) => wt.gatherND(x, idx(wt, [[0, 1], [2, 3], [0, 1]])), rn(wt, [3, 4, 2], 6403)));
add('scatterND and tensorScatterUpdate', 1e-6, (wt) => {
  const u = rn(wt, [3, 2], 6404);
  return [wt.scatterND(idx(wt, [[0, 1], [2, 3], [0, 1]]), u, [3, 4, 2]), wt.tensorScatterUpdate(rn(wt, [3, 4, 2], 6405), idx(wt, [[1, 1], [2, 0]]), rn(wt, [2, 2], 6406)),
    wt.scatterND(idx(wt, [[1], [3]]), ri(wt, [2, 3], 6407, -9, 9), [5, 3])];
});
add('grad scatterND and tensorScatterUpdate', 1e-5, (wt) => [vg(wt, (u) => wt.scatterND(idx(wt, [[0, 1], [2, 3]]), u, [3, 4, 2]), rn(wt, [2, 2], 6408)),
  vg(wt, (x, u) => wt.tensorScatterUpdate(x, idx(wt, [[2], [0]]), u), rn(wt, [3, 4], 6409), rn(wt, [2, 4], 6410))]);
add('sparseToDense', 1e-6, (wt) => wt.sparseToDense(idx(wt, [[0, 1], [2, 0]]), wt.tensor([5, 7]), [3, 3], -1));
add('unsortedSegmentSum, bincount, denseBincount', 1e-5, (wt) => {
  const ids = wt.tensor([3, 0, 1, 3, 2, 0, 7, -1], [8], 'int32');
  return [wt.unsortedSegmentSum(rn(wt, [8, 3], 6411), ids, 4), wt.bincount(ids, wt.tensor([], [0]), 5), wt.bincount(ids, rn(wt, [8], 6412), 4),
    wt.denseBincount(wt.tensor([[1, 1, 3], [0, 2, 2]], undefined, 'int32'), wt.tensor([], [0]), 4, true)];
});
add('grad unsortedSegmentSum (dropped ids get 0)', 1e-5, (wt) => vg(wt, (x) => wt.unsortedSegmentSum(x, wt.tensor([3, 0, 1, 3, 9, -1], [6], 'int32'), 4), rn(wt, [6, 2], 6413)));
add('stridedSlice: strides, negative strides, masks', 1e-6, (wt) => {
  const x = rn(wt, [4, 6, 3], 6501);
  return [wt.stridedSlice(x, [0, 1], [4, 6], [2, 2]), wt.stridedSlice(x, [3, -1, 2], [0, 0, 0], [-1, -2, -2]), wt.stridedSlice(x, [1, 0], [2, 0], [1, 1], 0, 2, 0, 0, 1),
    wt.stridedSlice(x, [0, 1], [0, 2], [1, 1], 0, 0, 1, 0, 0)];
});
add('grad stridedSlice', 1e-5, (wt) => vg(wt, (x) => wt.stridedSlice(x, [3, -1], [0, 0], [-1, -2]), rn(wt, [4, 6], 6502)));
add('searchSorted left and right on a sorted [3,40] with ties', 0, (wt) => {
  const seq = wt.topk(ri(wt, [3, 40], 6601, -20, 20).cast('float32'), 40).values.reverse(1);
  const v = ri(wt, [3, 9], 6602, -25, 25).cast('float32');
  return [wt.searchSorted(seq, v, 'left'), wt.searchSorted(seq, v, 'right')];
});
add('topk membership (inTopK) as topk indices against targets', 0, (wt) => wt.equal(wt.topk(rx(wt, [5, 7], 6603), 3).indices, wt.tensor([[1], [0], [6], [3], [2]], undefined, 'int32')));
