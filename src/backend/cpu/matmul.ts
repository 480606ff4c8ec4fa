/**
 * cpu matmul: C = op(A) op(B) for each batch, with transposes read through strides (no copies).
 * The loop order i-k-j keeps the innermost loop streaming contiguous rows of B and C.
 */
import type { KernelAttrs } from '../backend.js';

export function matmulInto(a: Float32Array, b: Float32Array, c: Float32Array, at: KernelAttrs['matmul']): void {
  const { batch, m, n, k, transposeA, transposeB, aBatched, bBatched } = at;
  // element (i, p) of op(A) is a[i * ai + p * ap]; element (p, j) of op(B) is b[p * bp + j * bj]
  const ai = transposeA ? 1 : k, ap = transposeA ? m : 1;
  const bp = transposeB ? 1 : n, bj = transposeB ? k : 1;
  const acc = new Float64Array(n);
  for (let t = 0; t < batch; t++) {
    const aOff = aBatched ? t * m * k : 0;
    const bOff = bBatched ? t * k * n : 0;
    const cOff = t * m * n;
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        const av = a[aOff + i * ai + p * ap]!;
        if (av === 0) continue;
        const row = bOff + p * bp;
        for (let j = 0; j < n; j++) acc[j]! += av * b[row + j * bj]!;
      }
      for (let j = 0; j < n; j++) c[cOff + i * n + j] = acc[j]!;
    }
  }
}
