/**
 * Sorted search and shape checks: searchSorted, lowerBound and upperBound (on the host where it reads
 * buffers synchronously, else a binary search composed of gathers and comparisons, floor(log2 M) + 1
 * steps over every value at once),
 * inTopKAsync (from topk), ensureShape and broadcastArgs, with TensorFlow.js's signatures.
 */
import { fmt, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { backendOf, defineOp, fromData, toTensor, type TensorLike } from './core.js';
import { broadcastTo, concat, expandDims, gather, reshape } from './movement.js';
import { add, equal, less, lessEqual, minimum, sub, where } from './elementwise.js';
import { any } from './reduce-math.js';
import { ones, zeros } from './creation.js';
import { topk } from './scan.js';

/**
 * For each entry of `values`, where it would go in the sorted last axis of `sortedSequence` to keep
 * it sorted (TensorFlow.js's tf.searchSorted): 'left' the first such place, 'right' the last. The
 * leading dimensions of both must match; the result is int32 of values' shape.
 * @function
 */
export const searchSorted = defineOp('searchSorted', (sortedSequence: TensorLike, values: TensorLike, side: 'left' | 'right' = 'left'): Tensor => {
  const backend = backendOf('searchSorted', [sortedSequence, values]);
  const seq = toTensor('searchSorted', sortedSequence, backend);
  const vals = toTensor('searchSorted', values, backend);
  if (side !== 'left' && side !== 'right') throw new Error(`searchSorted: side must be 'left' or 'right', got ${String(side)}`);
  if (seq.rank === 0 || vals.rank === 0) throw new Error(`searchSorted: sortedSequence and values must have rank >= 1, got ${fmt(seq.shape)} and ${fmt(vals.shape)}`);
  if (seq.dtype !== vals.dtype) throw new Error(`searchSorted: sortedSequence and values must have one dtype, got ${seq.dtype} and ${vals.dtype}`);
  const m = seq.shape[seq.rank - 1]!, n = vals.shape[vals.rank - 1]!;
  const b = sizeOf(seq.shape.slice(0, -1));
  if (n > 0 && sizeOf(vals.shape.slice(0, -1)) !== b || (n === 0 && vals.size !== 0)) {
    throw new Error(`searchSorted: the leading dimensions of sortedSequence ${fmt(seq.shape)} and values ${fmt(vals.shape)} must match`);
  }
  const outShape = [b, n];
  if (m === 0 || vals.size === 0) return zeros(outShape, 'int32');
  const flat = reshape(seq, [b * m]);
  const v = reshape(vals, outShape);
  if (backend.readSync) {
    // where the host reads buffers synchronously (cpu, wasm), one readback and a host binary search
    // with the same comparison beat the ~6 kernels a step below
    const sv = flat.dataSync(), vv = v.dataSync();
    const out = new Int32Array(b * n);
    for (let r = 0; r < b; r++) {
      const base = r * m;
      for (let j = 0; j < n; j++) {
        const x = vv[r * n + j]!;
        let lo = 0, hi = m;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          const at = sv[base + mid]!;
          if (side === 'left' ? at < x : at <= x) lo = mid + 1;
          else hi = mid;
        }
        out[r * n + j] = lo;
      }
    }
    return fromData(out, outShape, 'int32', backend, 'searchSorted');
  }
  // A branchless binary search for the count of entries that come before each value ('left': those
  // below it, 'right': those at or below it): pos grows by each power of two, largest first, where
  // the entry just before pos + step still comes before the value. Candidates past the end read the
  // last entry; when that one comes before the value every entry does, and pos, which then took every
  // step (2^(k+1) - 1 >= m), is clamped to m. pos is tracked as an index into the flat sequence.
  const flatShape = [b * n];
  const rowStart = b === 1 ? null : reshape(toTensor('searchSorted', Int32Array.from({ length: b }, (_, i) => i * m), backend), [b, 1]);
  const rowLast = b === 1 ? null : add(rowStart!, m - 1);
  let pos = rowStart ? broadcastTo(rowStart, outShape) : zeros(outShape, 'int32');
  let step = 1;
  while (step * 2 <= m) step *= 2;
  for (; step >= 1; step >>= 1) {
    const cand = add(pos, step - 1);
    const at = reshape(gather(flat, reshape(minimum(cand, rowLast ?? m - 1), flatShape)), outShape);
    const before = side === 'left' ? less(at, v) : lessEqual(at, v);
    pos = where(before, add(pos, step), pos);
  }
  return minimum(rowStart ? sub(pos, rowStart) : pos, m);
});

/** searchSorted(sortedSequence, values, 'left'): the first place each value could go. @function */
export const lowerBound = defineOp('lowerBound', (sortedSequence: TensorLike, values: TensorLike): Tensor => searchSorted(sortedSequence, values, 'left'));

/** searchSorted(sortedSequence, values, 'right'): the last place each value could go. @function */
export const upperBound = defineOp('upperBound', (sortedSequence: TensorLike, values: TensorLike): Tensor => searchSorted(sortedSequence, values, 'right'));

const inTopK = defineOp('inTopK', (predictions: TensorLike, targets: TensorLike, k: number): Tensor => {
  const backend = backendOf('inTopK', [predictions, targets]);
  const p = toTensor('inTopK', predictions, backend);
  const t = toTensor('inTopK', targets, backend, 'int32');
  if (p.rank < 2) throw new Error(`inTopK: expected predictions of rank >= 2, got ${fmt(p.shape)}`);
  if (t.rank !== p.rank - 1 || t.shape.some((d, i) => d !== p.shape[i])) throw new Error(`inTopK: targets must have the shape of predictions without its last axis (${fmt(p.shape.slice(0, -1))}), got ${fmt(t.shape)}`);
  const last = p.shape[p.rank - 1]!;
  if (!Number.isInteger(k) || k <= 0 || k > last) throw new Error(`inTopK: k must be an integer in [1, ${last}] (the last dimension of predictions), got ${String(k)}`);
  return any(equal(topk(p, k).indices, expandDims(t, -1)), -1);
});

/**
 * Whether each target is among the k largest predictions of its row (TensorFlow.js's
 * tf.inTopKAsync): predictions [..., classes], int32 targets [...]; a bool result of targets' shape.
 * Ties rank the lower index first, as topk.
 */
export async function inTopKAsync(predictions: TensorLike, targets: TensorLike, k: number = 1): Promise<Tensor> {
  return inTopK(predictions, targets, k);
}

/**
 * `x` itself when its shape matches `shape` (null entries match any size), else an Error
 * (TensorFlow.js's tf.ensureShape).
 * @function
 */
export const ensureShape = defineOp('ensureShape', (x: Tensor, shape: readonly (number | null)[]): Tensor => {
  if (!(x instanceof Tensor)) throw new Error(`ensureShape: expected a Tensor, got ${typeof x}`);
  if (x.rank !== shape.length || shape.some((d, i) => d !== null && d !== x.shape[i])) {
    throw new Error(`ensureShape: the tensor's shape ${fmt(x.shape)} is not compatible with the expected shape [${shape.map((d) => (d === null ? 'null' : d)).join(',')}]`);
  }
  return x;
});

/**
 * The broadcast shape of two int32 shape vectors (TensorFlow.js's tf.broadcastArgs), as an int32
 * vector. Where the host can read the shapes (cpu, wasm) a pair that does not broadcast is an Error.
 * @function
 */
export const broadcastArgs = defineOp('broadcastArgs', (s0: TensorLike, s1: TensorLike): Tensor => {
  const backend = backendOf('broadcastArgs', [s0, s1]);
  const a = toTensor('broadcastArgs', s0, backend, 'int32'), b = toTensor('broadcastArgs', s1, backend, 'int32');
  if (a.dtype !== 'int32' || b.dtype !== 'int32' || a.rank !== 1 || b.rank !== 1) {
    throw new Error(`broadcastArgs: expected two 1-D int32 shapes, got ${a.dtype} ${fmt(a.shape)} and ${b.dtype} ${fmt(b.shape)}`);
  }
  const n = Math.max(a.size, b.size);
  const pad = (t: Tensor): Tensor => (t.size === n ? t : concat([ones([n - t.size], 'int32'), t]));
  const [pa, pb] = [pad(a), pad(b)];
  if (backend.readSync) {
    const va = pa.dataSync(), vb = pb.dataSync();
    for (let i = 0; i < n; i++) {
      if (va[i] !== vb[i] && va[i] !== 1 && vb[i] !== 1) throw new Error(`broadcastArgs: shapes [${Array.from(a.dataSync())}] and [${Array.from(b.dataSync())}] do not broadcast (axis ${i}: ${va[i]} vs ${vb[i]})`);
    }
  }
  return where(equal(pa, 1), pb, pa);
});
