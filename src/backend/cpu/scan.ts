/** The cpu scan and topk kernels: running sums/products along an axis, and the k largest of each row. */
import type { KernelAttrs } from '../backend.js';
import type { StorageArray } from '../../dtype.js';

/**
 * Running sum or product along the middle axis of [outer, size, inner]. The running value lives in
 * the output array (float32 or int32), so it is rounded (or wrapped) at every step as in the other
 * backends.
 */
export function scan(x: StorageArray, out: StorageArray, { op, dtype, outer, size, inner, exclusive, reverse }: KernelAttrs['scan']): void {
  const int = dtype === 'int32';
  const f = op === 'sum' ? (a: number, b: number) => a + b : int ? Math.imul : (a: number, b: number) => a * b;
  const first = op === 'sum' ? 0 : 1;
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * size * inner + q;
      let prev = -1;
      for (let t = 0; t < size; t++) {
        const k = reverse ? size - 1 - t : t;
        const at = base + k * inner;
        if (exclusive) out[at] = prev < 0 ? first : f(out[prev]!, x[prev]!);
        else out[at] = prev < 0 ? x[at]! : f(out[prev]!, x[at]!);
        prev = at;
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
