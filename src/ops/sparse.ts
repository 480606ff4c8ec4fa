/**
 * wt.sparse, as TensorFlow.js has it: sparseFillEmptyRows, sparseReshape, sparseSegmentSum and
 * sparseSegmentMean. Their output sizes depend on the values of their index arguments, so, as in
 * TensorFlow.js, they read their inputs on the host and compute there (the results are written
 * back to the inputs' backend). That needs a backend the host reads synchronously (cpu, wasm).
 */
import type { Backend } from '../backend/backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { fmt, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, defineOp, fromData, toTensor, type TensorLike } from './core.js';

/** @internal The values of `t` on the host, now; a clear Error on backends that read asynchronously. */
export function hostValues(op: string, name: string, t: Tensor): TypedArray {
  if (!t.backend.readSync) {
    throw new Error(`${op}: needs the values of ${name} on the host, and the ${t.backend.name} backend reads asynchronously; run it on cpu or wasm (copy with \`await t.to('cpu')\`)`);
  }
  return t.dataSync();
}

/** An int32 argument of `rank` (or any rank when undefined), converted. */
function intArg(op: string, name: string, x: TensorLike, backend: Backend, rank?: number): Tensor {
  const t = toTensor(op, x, backend, x instanceof Array || typeof x === 'number' ? 'int32' : undefined);
  if (t.dtype !== 'int32') throw new Error(`${op}: ${name} must be int32, got ${t.dtype} ${fmt(t.shape)}`);
  if (rank !== undefined && t.rank !== rank) throw new Error(`${op}: ${name} must have rank ${rank}, got ${fmt(t.shape)}`);
  return t;
}

/** A fresh host array of `dtype` (bool as Uint8Array) of length n. */
function hostArray(dtype: DType, n: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'bool' ? new Uint8Array(n) : new Int32Array(n);
}

/** The result of sparseFillEmptyRows. */
export interface SparseFillEmptyRowsResult {
  /** [M, rank] int32: the input's indices, sorted by row, with [row, 0, ...] added for each empty row. */
  outputIndices: Tensor;
  /** The input's values [M], and defaultValue for each added entry. */
  outputValues: Tensor;
  /** [rows] bool: which rows were empty. */
  emptyRowIndicator: Tensor;
  /** [N] int32: where each input entry went in the output. */
  reverseIndexMap: Tensor;
}

/**
 * Fill the empty rows of a sparse tensor (indices [N, rank], values [N], denseShape [rank]) with
 * defaultValue at column 0, as TensorFlow.js's sparseFillEmptyRows. Entries are sorted by row
 * (stably). Every index must lie inside denseShape.
 * @function
 */
export const sparseFillEmptyRows = defineOp('sparseFillEmptyRows', (indices: TensorLike, values: TensorLike, denseShape: TensorLike, defaultValue: TensorLike): SparseFillEmptyRowsResult => {
  const op = 'sparseFillEmptyRows';
  const backend = backendOf(op, [indices, values, denseShape, defaultValue]);
  const idx = intArg(op, 'indices', indices, backend, 2);
  const shp = intArg(op, 'denseShape', denseShape, backend, 1);
  const val = toTensor(op, values, backend);
  const dv = toTensor(op, defaultValue, backend, typeof defaultValue === 'number' ? val.dtype : undefined);
  if (val.rank !== 1) throw new Error(`${op}: values must be 1-D, got ${fmt(val.shape)}`);
  if (dv.size !== 1) throw new Error(`${op}: defaultValue must be a scalar, got ${fmt(dv.shape)}`);
  if (dv.dtype !== val.dtype) throw new Error(`${op}: defaultValue (${dv.dtype}) must have the values' dtype (${val.dtype})`);
  const [n, rank] = idx.shape as [number, number];
  if (val.shape[0] !== n) throw new Error(`${op}: indices ${fmt(idx.shape)} and values ${fmt(val.shape)} must have the same number of entries`);
  if (shp.shape[0] !== rank || rank < 1) throw new Error(`${op}: denseShape ${fmt(shp.shape)} must have one entry per index column (${rank})`);
  const I = hostValues(op, 'indices', idx), V = hostValues(op, 'values', val), S = hostValues(op, 'denseShape', shp), d = hostValues(op, 'defaultValue', dv)[0]!;
  const rows = S[0]!;
  const count = new Array<number>(rows).fill(0);
  for (let e = 0; e < n; e++) {
    for (let k = 0; k < rank; k++) {
      const v = I[e * rank + k]!;
      if (v < 0 || v >= S[k]!) throw new Error(`${op}: indices(${e}, ${k}) = ${v} is outside [0, ${S[k]})`);
    }
    count[I[e * rank]!]!++;
  }
  const empty = count.map((c) => (c === 0 ? 1 : 0));
  // Each row's first output position: its entries (or its one default) in order.
  const start: number[] = [];
  let m = 0;
  for (let r = 0; r < rows; r++) { start.push(m); m += Math.max(count[r]!, 1); }
  const outI = new Int32Array(m * rank), outV = hostArray(val.dtype, m), rev = new Int32Array(n);
  const next = start.slice();
  for (let e = 0; e < n; e++) {
    const at = next[I[e * rank]!]!++;
    rev[e] = at;
    for (let k = 0; k < rank; k++) outI[at * rank + k] = I[e * rank + k]!;
    outV[at] = V[e]!;
  }
  for (let r = 0; r < rows; r++) if (empty[r]) { outI[start[r]! * rank] = r; outV[start[r]!] = d; }
  return {
    outputIndices: fromData(outI, [m, rank], 'int32', backend),
    outputValues: fromData(outV, [m], val.dtype, backend),
    emptyRowIndicator: fromData(Uint8Array.from(empty), [rows], 'bool', backend),
    reverseIndexMap: fromData(rev, [n], 'int32', backend),
  };
});

/** The result of sparseReshape. */
export interface SparseReshapeResult {
  /** [N, newRank] int32: each entry's index in the new shape. */
  outputIndices: Tensor;
  /** [newRank] int32: the new dense shape, with its -1 resolved. */
  outputShape: Tensor;
}

/**
 * Reshape a sparse tensor: its indices [N, rank] in inputShape become indices in newShape (one
 * entry may be -1, inferred), keeping each entry's row-major position, as TensorFlow.js's sparseReshape.
 * @function
 */
export const sparseReshape = defineOp('sparseReshape', (inputIndices: TensorLike, inputShape: TensorLike, newShape: TensorLike): SparseReshapeResult => {
  const op = 'sparseReshape';
  const backend = backendOf(op, [inputIndices, inputShape, newShape]);
  const idx = intArg(op, 'inputIndices', inputIndices, backend, 2);
  const ish = intArg(op, 'inputShape', inputShape, backend, 1);
  const nsh = intArg(op, 'newShape', newShape, backend, 1);
  const [n, rank] = idx.shape as [number, number];
  if (ish.shape[0] !== rank) throw new Error(`${op}: inputShape ${fmt(ish.shape)} must have one entry per index column (${rank})`);
  const I = hostValues(op, 'inputIndices', idx), S = Array.from(hostValues(op, 'inputShape', ish)), N = Array.from(hostValues(op, 'newShape', nsh));
  const total = sizeOf(S);
  const free = N.flatMap((v, i) => (v === -1 ? [i] : []));
  if (free.length > 1) throw new Error(`${op}: only one entry of newShape may be -1, got [${N}]`);
  const bad = N.find((v) => v < -1);
  if (bad !== undefined) throw new Error(`${op}: newShape entries must be >= -1, got [${N}]`);
  if (free.length === 1) {
    const known = sizeOf(N.filter((v) => v !== -1));
    if (known === 0 || total % known !== 0) throw new Error(`${op}: cannot reshape a sparse tensor of shape [${S}] (${total} dense values) into [${N}]`);
    N[free[0]!] = total / known;
  }
  if (sizeOf(N) !== total) throw new Error(`${op}: cannot reshape a sparse tensor of shape [${S}] (${total} dense values) into [${N}] (${sizeOf(N)})`);
  const out = new Int32Array(n * N.length);
  for (let e = 0; e < n; e++) {
    let flat = 0;
    for (let k = 0; k < rank; k++) flat = flat * S[k]! + I[e * rank + k]!;
    for (let k = N.length - 1; k >= 0; k--) { out[e * N.length + k] = flat % N[k]!; flat = Math.floor(flat / N[k]!); }
  }
  return { outputIndices: fromData(out, [n, N.length], 'int32', backend), outputShape: fromData(Int32Array.from(N), [N.length], 'int32', backend) };
});

/** sparseSegmentSum and sparseSegmentMean: rows data[indices[i]] summed into segment segmentIds[i]. */
function segment(op: string, data: TensorLike, indices: TensorLike, segmentIds: TensorLike, mean: boolean): Tensor {
  const backend = backendOf(op, [data, indices, segmentIds]);
  const x = toTensor(op, data, backend);
  if (x.rank < 1) throw new Error(`${op}: data must have rank >= 1, got a scalar`);
  if (x.dtype === 'bool') throw new Error(`${op}: expected float32 or int32 data, got bool`);
  const idx = intArg(op, 'indices', indices, backend, 1);
  const ids = intArg(op, 'segmentIds', segmentIds, backend, 1);
  if (idx.size !== ids.size) throw new Error(`${op}: indices (${idx.size}) and segmentIds (${ids.size}) must have the same length`);
  const X = hostValues(op, 'data', x), I = hostValues(op, 'indices', idx), G = hostValues(op, 'segmentIds', ids);
  const rows = x.shape[0]!, inner = x.size / Math.max(rows, 1);
  for (let i = 0; i < G.length; i++) {
    if (I[i]! < 0 || I[i]! >= rows) throw new Error(`${op}: indices[${i}] = ${I[i]} is outside [0, ${rows})`);
    if (G[i]! < 0 || (i > 0 && G[i]! < G[i - 1]!)) throw new Error(`${op}: segmentIds must be non-negative and sorted, got ${G[i]} at ${i}${i > 0 ? ` after ${G[i - 1]}` : ''}`);
  }
  const segments = G.length === 0 ? 0 : G[G.length - 1]! + 1;
  const acc = new Float64Array(segments * inner), count = new Int32Array(segments);
  for (let i = 0; i < G.length; i++) {
    const g = G[i]!, r = I[i]!;
    count[g]!++;
    for (let j = 0; j < inner; j++) acc[g * inner + j]! += X[r * inner + j]!;
  }
  const out = hostArray(x.dtype, segments * inner);
  for (let g = 0; g < segments; g++) {
    for (let j = 0; j < inner; j++) {
      const v = mean && count[g]! > 0 ? acc[g * inner + j]! / count[g]! : acc[g * inner + j]!;
      out[g * inner + j] = x.dtype === 'int32' ? Math.trunc(v) : v;
    }
  }
  return fromData(out, [segments, ...x.shape.slice(1)], x.dtype, backend);
}

/**
 * Sums of rows of data picked by indices, grouped by the sorted segmentIds: output row s is the sum
 * of data[indices[i]] over i with segmentIds[i] = s (zero for a segment without rows); there are
 * segmentIds[last] + 1 output rows.
 * @function
 */
export const sparseSegmentSum = defineOp('sparseSegmentSum', (data: TensorLike, indices: TensorLike, segmentIds: TensorLike): Tensor =>
  segment('sparseSegmentSum', data, indices, segmentIds, false));

/** As sparseSegmentSum, but each segment's mean (zero for a segment without rows). @function */
export const sparseSegmentMean = defineOp('sparseSegmentMean', (data: TensorLike, indices: TensorLike, segmentIds: TensorLike): Tensor =>
  segment('sparseSegmentMean', data, indices, segmentIds, true));

/** Sparse tensors, as TensorFlow.js's tf.sparse namespace. */
export const sparse = { sparseFillEmptyRows, sparseReshape, sparseSegmentMean, sparseSegmentSum };
