/** The cpu scan and topk kernels: running sums/products along an axis, and the k largest of each row. */
import type { KernelAttrs } from '../backend.js';
import type { StorageArray } from '../../dtype.js';

/**
 * Running sum or product along the middle axis of [outer, size, inner]. The running value is
 * rounded to float32 (or wrapped to int32) at every step, as the output array stores it and as in
 * the other backends.
 */
export function scan(x: StorageArray, out: StorageArray, { op, dtype, outer, size, inner, exclusive, reverse }: KernelAttrs['scan']): void {
  // 0 float sum, 1 float product, 2 int32 sum, 3 int32 product
  const kind = (dtype === 'int32' ? 2 : 0) + (op === 'sum' ? 0 : 1);
  // an inclusive float sum starts from -0, so that a first element of -0 stays -0
  const first = op === 'sum' ? (exclusive || kind === 2 ? 0 : -0) : 1;
  const step = reverse ? -inner : inner;
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      let at = p * size * inner + q + (reverse ? (size - 1) * inner : 0);
      let acc = first;
      for (let t = 0; t < size; t++, at += step) {
        const v = x[at]!;
        if (exclusive) out[at] = acc;
        acc = kind === 0 ? Math.fround(acc + v) : kind === 1 ? Math.fround(acc * v) : kind === 2 ? (acc + v) | 0 : Math.imul(acc, v);
        if (!exclusive) out[at] = acc;
      }
    }
  }
}

/** Whether element (va, ia) ranks above (vb, ib): larger first, NaN above every number, ties by lower index. */
export function beats(va: number, ia: number, vb: number, ib: number): boolean {
  if (va !== va) return vb === vb || ia < ib;
  if (vb !== vb) return false;
  return va > vb || (va === vb && ia < ib);
}

/**
 * The k best of each row by a heap of the k best so far (its root the worst of them), then a heap
 * sort that leaves them best first: O(size log k) per row.
 */
export function topk(x: StorageArray, vals: StorageArray, idx: Int32Array, { outer, size, k }: KernelAttrs['topk']): void {
  if (k === 0) return;
  for (let r = 0; r < outer; r++) {
    const row = r * size, o = r * k;
    // sift the entry at j down a heap of n entries, keeping the worst at the root
    const sift = (j: number, n: number): void => {
      const v = vals[o + j]!, i = idx[o + j]!;
      for (;;) {
        let c = 2 * j + 1;
        if (c >= n) break;
        if (c + 1 < n && beats(vals[o + c]!, idx[o + c]!, vals[o + c + 1]!, idx[o + c + 1]!)) c++;
        if (!beats(v, i, vals[o + c]!, idx[o + c]!)) break;
        vals[o + j] = vals[o + c]!;
        idx[o + j] = idx[o + c]!;
        j = c;
      }
      vals[o + j] = v;
      idx[o + j] = i;
    };
    for (let j = 0; j < k; j++) { vals[o + j] = x[row + j]!; idx[o + j] = j; }
    for (let j = (k >> 1) - 1; j >= 0; j--) sift(j, k);
    for (let j = k; j < size; j++) {
      const v = x[row + j]!;
      if (beats(v, j, vals[o]!, idx[o]!)) { vals[o] = v; idx[o] = j; sift(0, k); }
    }
    for (let n = k - 1; n > 0; n--) {
      const v = vals[o]!, i = idx[o]!;
      vals[o] = vals[o + n]!; idx[o] = idx[o + n]!;
      vals[o + n] = v; idx[o + n] = i;
      sift(0, n);
    }
  }
}
