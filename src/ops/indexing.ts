/**
 * N-D indexing and segments, composed from the gather and scatterAdd kernels: gatherND, scatterND,
 * tensorScatterUpdate, sparseToDense, unsortedSegmentSum, bincount and denseBincount, with
 * TensorFlow.js's signatures. An index tuple [i0, .., iK-1] into the first K axes becomes one
 * linear index into those axes merged; gradients follow from gather's and scatterAdd's.
 */
import { fmt, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { argDType, backendOf, checkInt, defineOp, record, toTensor, type TensorLike } from './core.js';
import { cast, gather, reshape, broadcastTo } from './movement.js';
import { greater, greaterEqual, less, maximum, mul, where } from './elementwise.js';
import { all } from './reduce-math.js';
import { logicalAnd } from './logical.js';
import { sum } from './reduce.js';
import { runKernel } from './core.js';
import { ones } from './creation.js';

function intArg(op: string, name: string, a: TensorLike, backend: Tensor['backend']): Tensor {
  if (argDType(a, 'int32') !== 'int32') throw new Error(`${op}: ${name} must be int32, got ${argDType(a)}`);
  return toTensor(op, a, backend, 'int32');
}

/**
 * The linear index (int32 [N]) of each index tuple in `idx` ([..., K]) into `dims` (K axes).
 * Where the host can read the indices (cpu, wasm) a tuple out of range is an Error naming it, as
 * TensorFlow.js's cpu backend does; on the GPU backends it becomes -1, which reads and adds nothing.
 */
function linearIndex(op: string, idx: Tensor, dims: readonly number[]): Tensor {
  const K = dims.length;
  const n = idx.size / Math.max(K, 1);
  const strides = dims.map((_, j) => sizeOf(dims.slice(j + 1)));
  const rows = reshape(idx, [K === 0 ? idx.size : n, K]);
  if (idx.backend.readSync) {
    const v = idx.dataSync();
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < K; j++) {
        const k = v[r * K + j]!;
        if (k < 0 || k >= dims[j]!) {
          throw new Error(`${op}: index [${Array.from(v.subarray(r * K, r * K + K))}] at position ${r} is out of range for the leading dimensions ${fmt(dims)}`);
        }
      }
    }
    return sum(mul(rows, toTensor(op, Int32Array.from(strides), idx.backend)), 1);
  }
  const dimT = toTensor(op, Int32Array.from(dims), idx.backend);
  const ok = all(logicalAnd(greaterEqual(rows, 0), less(rows, dimT)), 1);
  return where(ok, sum(mul(rows, toTensor(op, Int32Array.from(strides), idx.backend)), 1), -1);
}

/**
 * Slices of `x` picked by index tuples (TensorFlow.js's tf.gatherND): `indices` is int32 [..., K]
 * with K <= rank(x); the result has shape indices.shape[:-1] + x.shape[K:].
 * @function
 */
export const gatherND = defineOp('gatherND', (a: TensorLike, indices: TensorLike): Tensor => {
  const backend = backendOf('gatherND', [a, indices]);
  const x = toTensor('gatherND', a, backend);
  const idx = intArg('gatherND', 'indices', indices, backend);
  if (idx.rank === 0) throw new Error('gatherND: indices must have rank >= 1 (index tuples along the last axis), got a scalar');
  const K = idx.shape[idx.rank - 1]!;
  if (K > x.rank) throw new Error(`gatherND: index tuples of length ${K} (indices ${fmt(idx.shape)}) exceed the rank of x ${fmt(x.shape)}`);
  const lead = x.shape.slice(0, K), rest = x.shape.slice(K);
  const lin = linearIndex('gatherND', idx, lead);
  const y = gather(reshape(x, [sizeOf(lead), ...rest]), lin, 0);
  return reshape(y, [...idx.shape.slice(0, -1), ...rest]);
});

/**
 * Sums of the rows of `x` by segment (TensorFlow.js's tf.unsortedSegmentSum): `segmentIds` is int32
 * [x.shape[0]]; the result is [numSegments, ...x.shape[1:]] of x's dtype. Rows whose id is outside
 * [0, numSegments) are dropped. int32 sums go through float32 (exact below 2^24).
 * @function
 */
export const unsortedSegmentSum = defineOp('unsortedSegmentSum', (a: TensorLike, segmentIds: TensorLike, numSegments: number): Tensor => {
  const backend = backendOf('unsortedSegmentSum', [a, segmentIds]);
  const x = toTensor('unsortedSegmentSum', a, backend);
  const ids = intArg('unsortedSegmentSum', 'segmentIds', segmentIds, backend);
  checkInt('unsortedSegmentSum', 'numSegments', numSegments, 0);
  if (x.rank === 0) throw new Error('unsortedSegmentSum: expected x of rank >= 1, got a scalar');
  if (ids.rank !== 1 || ids.size !== x.shape[0]) throw new Error(`unsortedSegmentSum: segmentIds must be 1-D with one id per row of x ${fmt(x.shape)}, got ${fmt(ids.shape)}`);
  if (x.dtype === 'bool') throw new Error(`unsortedSegmentSum: expected a float32 or int32 x, got bool ${fmt(x.shape)}`);
  const rest = x.shape.slice(1);
  const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
  const attrs = { outer: 1, axisLen: numSegments, inner: sizeOf(rest), numIdx: ids.size };
  let y = runKernel('scatterAdd', [xf, ids], [numSegments, ...rest], 'float32', attrs, backend);
  if (x.dtype !== 'float32') y = cast(y, x.dtype);
  return record('unsortedSegmentSum', [x, ids], y, (dy) => {
    const inRange = logicalAnd(greaterEqual(ids, 0), less(ids, numSegments));
    const g = gather(dy, maximum(where(inRange, ids, 0), 0), 0);
    return [mul(g, reshape(cast(inRange, 'float32'), [ids.size, ...rest.map(() => 1)])), null];
  });
});

/** Check scatterND-style arguments; returns the int32 indices, the updates and the slice geometry. */
function scatterArgs(op: string, indices: TensorLike, updates: TensorLike, shape: readonly number[]): { idx: Tensor; upd: Tensor; lead: number[]; rest: number[]; n: number } {
  const backend = backendOf(op, [indices, updates]);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${op}: shape must be an array of whole numbers, got ${JSON.stringify(shape)}`);
  const idx = intArg(op, 'indices', indices, backend);
  const upd = toTensor(op, updates, backend);
  if (idx.rank === 0) throw new Error(`${op}: indices must have rank >= 1 (index tuples along the last axis), got a scalar`);
  const K = idx.shape[idx.rank - 1]!;
  if (K > shape.length) throw new Error(`${op}: index tuples of length ${K} exceed the rank of the output shape ${fmt(shape)}`);
  const lead = shape.slice(0, K), rest = shape.slice(K);
  const want = [...idx.shape.slice(0, -1), ...rest];
  if (upd.rank !== want.length || upd.shape.some((d, i) => d !== want[i])) {
    throw new Error(`${op}: updates must have shape ${fmt(want)} (indices.shape[:-1] + shape[${K}:]), got ${fmt(upd.shape)}`);
  }
  return { idx, upd, lead, rest, n: sizeOf(idx.shape.slice(0, -1)) };
}

/** The scattered sum of `upd` rows at linear indices `lin` into [M, ...rest]. */
function scatterLinear(upd: Tensor, lin: Tensor, n: number, m: number, rest: readonly number[]): Tensor {
  return unsortedSegmentSum(reshape(upd, [n, ...rest]), lin, m);
}

/**
 * Zeros of `shape` with `updates` added at the index tuples of `indices` (TensorFlow.js's
 * tf.scatterND; repeated tuples add up). updates has shape indices.shape[:-1] + shape[K:].
 * @function
 */
export const scatterND = defineOp('scatterND', (indices: TensorLike, updates: TensorLike, shape: readonly number[]): Tensor => {
  const { idx, upd, lead, rest, n } = scatterArgs('scatterND', indices, updates, shape);
  if (upd.dtype === 'bool') throw new Error(`scatterND: expected float32 or int32 updates, got bool ${fmt(upd.shape)}`);
  const lin = linearIndex('scatterND', idx, lead);
  return reshape(scatterLinear(upd, lin, n, sizeOf(lead), rest), shape);
});

/** A bool mask [...lead, 1 per rest axis] of the slices that `lin` hits. */
function hitMask(lin: Tensor, n: number, lead: readonly number[], rest: readonly number[]): Tensor {
  const hits = unsortedSegmentSum(ones([n]), lin, sizeOf(lead));
  return reshape(greater(hits, 0), [...lead, ...rest.map(() => 1)]);
}

/**
 * `tensor` with the slices at the index tuples of `indices` replaced by `updates` (TensorFlow.js's
 * tf.tensorScatterUpdate). Each tuple should appear once: repeated tuples get the sum of their updates.
 * @function
 */
export const tensorScatterUpdate = defineOp('tensorScatterUpdate', (a: TensorLike, indices: TensorLike, updates: TensorLike): Tensor => {
  const x = toTensor('tensorScatterUpdate', a, backendOf('tensorScatterUpdate', [a, indices, updates]));
  const { idx, upd, lead, rest, n } = scatterArgs('tensorScatterUpdate', indices, updates, x.shape);
  if (upd.dtype !== x.dtype) throw new Error(`tensorScatterUpdate: updates must have the tensor's dtype ${x.dtype}, got ${upd.dtype}`);
  const lin = linearIndex('tensorScatterUpdate', idx, lead);
  const mask = hitMask(lin, n, lead, rest);
  const src = x.dtype === 'bool' ? cast(upd, 'float32') : upd;
  let scattered = reshape(scatterLinear(src, lin, n, sizeOf(lead), rest), x.shape);
  if (x.dtype === 'bool') scattered = greater(scattered, 0);
  return where(mask, scattered, x);
});

/**
 * A dense tensor of `outputShape` holding `sparseValues` at `sparseIndices` and `defaultValue`
 * elsewhere (TensorFlow.js's tf.sparseToDense). sparseIndices is int32 [N, rank], [N] (a 1-D
 * output) or a scalar; sparseValues is [N] or a scalar.
 * @function
 */
export const sparseToDense = defineOp('sparseToDense', (sparseIndices: TensorLike, sparseValues: TensorLike, outputShape: readonly number[], defaultValue: TensorLike = 0): Tensor => {
  const backend = backendOf('sparseToDense', [sparseIndices, sparseValues, defaultValue]);
  let idx = intArg('sparseToDense', 'sparseIndices', sparseIndices, backend);
  const vals = toTensor('sparseToDense', sparseValues, backend);
  if (idx.rank > 2) throw new Error(`sparseToDense: sparseIndices must have rank 0, 1 or 2, got ${fmt(idx.shape)}`);
  if (idx.rank < 2) idx = reshape(idx, outputShape.length === 1 || idx.rank === 0 ? [idx.size, 1] : [1, idx.size]);
  const n = idx.shape[0]!;
  if (vals.rank > 1 || (vals.rank === 1 && vals.size !== n)) throw new Error(`sparseToDense: sparseValues must be a scalar or have ${n} entries (one per index), got ${fmt(vals.shape)}`);
  const dflt = toTensor('sparseToDense', defaultValue, backend, typeof defaultValue === 'number' ? vals.dtype : undefined);
  if (dflt.size !== 1) throw new Error(`sparseToDense: defaultValue must be a scalar, got ${fmt(dflt.shape)}`);
  if (dflt.dtype !== vals.dtype) throw new Error(`sparseToDense: defaultValue's dtype ${dflt.dtype} differs from sparseValues' ${vals.dtype}`);
  if (idx.shape[1] !== outputShape.length) throw new Error(`sparseToDense: index tuples of length ${idx.shape[1]} do not match the output rank ${outputShape.length} (${fmt(outputShape)})`);
  const v = vals.rank === 0 ? broadcastTo(vals, [n]) : vals;
  const lin = linearIndex('sparseToDense', idx, outputShape);
  const mask = hitMask(lin, n, outputShape, []);
  const src = v.dtype === 'bool' ? cast(v, 'float32') : v;
  let scattered = reshape(scatterLinear(src, lin, n, sizeOf(outputShape), []), outputShape);
  if (v.dtype === 'bool') scattered = greater(scattered, 0);
  return where(mask, scattered, reshape(dflt, []));
});

/**
 * Counts of each value of the int32 `x` in [0, size) (TensorFlow.js's tf.bincount): with `weights`
 * (x's shape) the sum of the weights instead; values at or above size are dropped. 1-D x.
 * @function
 */
export const bincount = defineOp('bincount', (a: TensorLike, weights: TensorLike, size: number): Tensor => {
  const backend = backendOf('bincount', [a, weights]);
  const x = intArg('bincount', 'x', a, backend);
  if (x.rank !== 1) throw new Error(`bincount: expected a 1-D x, got ${fmt(x.shape)}`);
  return counts('bincount', x, toTensor('bincount', weights, backend), size, false);
});

/**
 * bincount over a 1-D or 2-D x (TensorFlow.js's tf.denseBincount): a 2-D x counts each row into a
 * row of the result; binaryOutput gives 1 where a value occurs at all.
 * @function
 */
export const denseBincount = defineOp('denseBincount', (a: TensorLike, weights: TensorLike, size: number, binaryOutput: boolean = false): Tensor => {
  const backend = backendOf('denseBincount', [a, weights]);
  const x = intArg('denseBincount', 'x', a, backend);
  if (x.rank !== 1 && x.rank !== 2) throw new Error(`denseBincount: expected a 1-D or 2-D x, got ${fmt(x.shape)}`);
  return counts('denseBincount', x, toTensor('denseBincount', weights, backend), size, binaryOutput);
});

function counts(op: string, x: Tensor, w: Tensor, size: number, binary: boolean): Tensor {
  checkInt(op, 'size', size, 0);
  if (w.size !== 0 && (w.rank !== x.rank || w.shape.some((d, i) => d !== x.shape[i]))) throw new Error(`${op}: weights must have x's shape ${fmt(x.shape)} or be empty, got ${fmt(w.shape)}`);
  const rows = x.rank === 2 ? x.shape[0]! : 1;
  const flat = reshape(x, [x.size]);
  // row r's values land in [r * size, (r + 1) * size); those outside [0, size) are dropped (one row:
  // the scatterAdd kernel drops ids outside [0, size) itself, so no mask is needed)
  let ids = flat;
  if (rows > 1) {
    const ok = logicalAnd(greaterEqual(flat, 0), less(flat, size));
    ids = reshape(broadcastTo(reshape(toTensor(op, Int32Array.from({ length: rows }, (_, r) => r * size), x.backend), [rows, 1]), x.shape).add(x), [x.size]);
    ids = where(ok, ids, -1);
  }
  // the result takes the weights' dtype, as in TensorFlow.js (empty float32 weights: float32 counts)
  const dtype = w.dtype;
  const src = binary || w.size === 0 ? ones([x.size]) : reshape(w.dtype === 'float32' ? w : cast(w, 'float32'), [x.size]);
  let y = unsortedSegmentSum(src, ids, rows * size);
  if (binary) y = cast(greater(y, 0), 'float32');
  if (dtype !== 'float32') y = cast(y, dtype);
  return reshape(y, x.rank === 2 ? [rows, size] : [size]);
}

