/**
 * cpu matmul: C = op(A) op(B) for each batch, the classic packed, register-blocked scheme (as in
 * BLIS/GotoBLAS) kept small enough to read:
 *
 *   for each panel of NC columns of op(B):    pack that panel (k x NC) into a scratch buffer
 *     for each block of 4 rows of op(A):      pack those rows (4 x k) into a scratch buffer
 *       for each strip of 4 panel columns:    4x4 micro-kernel: 16 local accumulators over all of k
 *
 * Packing is where transposes are handled: op(A) and op(B) are read through strides while they are
 * copied into the layouts the micro-kernel streams contiguously, so a transposed operand costs the
 * same as a plain one and is never copied whole. Panels past the matrix edge are zero-padded, so the
 * micro-kernel has no edge cases; only the store checks bounds.
 *
 * Accumulation: the 16 accumulators are JS numbers, i.e. float64, summed over the whole of k and
 * rounded to float32 once at the store. That is more accurate than float32 accumulation (the GPU
 * kernels' choice) and exact for integer-valued inputs whose dot products stay below 2^53 (and are
 * representable in float32).
 */
import type { KernelAttrs } from '../backend.js';

/** Rows of op(A) and columns of op(B) per micro-kernel call (4x4 = 16 accumulators fit in registers). */
const MR = 4;
const NR = 4;
/** Target size of a packed B panel, in floats (256 KiB: about an L2 cache). */
const PANEL_FLOATS = 1 << 16;

// Scratch buffers, grown on demand and reused across calls (the cpu backend is single-threaded).
let aPack: Float32Array = new Float32Array(0);
let bPack: Float32Array = new Float32Array(0);

function scratch(buf: Float32Array, size: number): Float32Array {
  return buf.length >= size ? buf : new Float32Array(size);
}

export function matmulInto(a: Float32Array, b: Float32Array, c: Float32Array, at: KernelAttrs['matmul']): void {
  const { batch, m, n, k, transposeA, transposeB, aBatched, bBatched } = at;
  // element (i, p) of op(A) is a[i * ai + p * ap]; element (p, j) of op(B) is b[p * bp + j * bj]
  const ai = transposeA ? 1 : k, ap = transposeA ? m : 1;
  const bp = transposeB ? 1 : n, bj = transposeB ? k : 1;
  if (k === 0) {
    c.fill(0, 0, batch * m * n);
    return;
  }
  // Panel width: as many 4-column strips as fit PANEL_FLOATS, at least one, at most all of n.
  const nPadded = Math.ceil(n / NR) * NR;
  const nc = Math.min(nPadded, Math.max(NR, Math.floor(PANEL_FLOATS / k / NR) * NR));
  aPack = scratch(aPack, MR * k);
  bPack = scratch(bPack, nc * k);
  const A = aPack, B = bPack;

  for (let t = 0; t < batch; t++) {
    const aOff = aBatched ? t * m * k : 0;
    const bOff = bBatched ? t * k * n : 0;
    const cOff = t * m * n;
    for (let jc = 0; jc < n; jc += nc) {
      const ncHere = Math.min(nc, nPadded - jc);
      packB(b, B, bOff, jc, ncHere, n, k, bp, bj);
      for (let i0 = 0; i0 < m; i0 += MR) {
        packA(a, A, aOff, i0, m, k, ai, ap);
        for (let js = 0; js < ncHere; js += NR) {
          micro(A, B, js * k, k, c, cOff, i0, jc + js, m, n);
        }
      }
    }
  }
}

/** Pack rows i0..i0+3 of op(A) as A[p * 4 + r] (rows past m are zeros). */
function packA(a: Float32Array, A: Float32Array, off: number, i0: number, m: number, k: number, ai: number, ap: number): void {
  const rows = Math.min(MR, m - i0);
  if (rows < MR) A.fill(0, 0, MR * k);
  if (ap === 1) {
    // plain A: each row is contiguous in memory
    for (let r = 0; r < rows; r++) {
      const src = off + (i0 + r) * ai;
      for (let p = 0; p < k; p++) A[p * MR + r] = a[src + p]!;
    }
  } else {
    // transposed A: the 4 rows of op(A) sit side by side in each stored row
    for (let p = 0; p < k; p++) {
      const src = off + p * ap + i0;
      for (let r = 0; r < rows; r++) A[p * MR + r] = a[src + r]!;
    }
  }
}

/**
 * Pack columns jc..jc+ncHere-1 of op(B) as 4-column strips: strip s holds B[s*4*k + p*4 + q]
 * = op(B)(p, jc + 4s + q) (columns past n are zeros).
 */
function packB(b: Float32Array, B: Float32Array, off: number, jc: number, ncHere: number, n: number, k: number, bp: number, bj: number): void {
  for (let js = 0; js < ncHere; js += NR) {
    const strip = js * k;
    const j0 = jc + js;
    const cols = Math.min(NR, n - j0);
    if (cols < NR) B.fill(0, strip, strip + NR * k);
    if (bj === 1) {
      // plain B: the 4 columns sit side by side in each stored row
      for (let p = 0; p < k; p++) {
        const src = off + p * bp + j0;
        for (let q = 0; q < cols; q++) B[strip + p * NR + q] = b[src + q]!;
      }
    } else {
      // transposed B: each column of op(B) is a contiguous stored row
      for (let q = 0; q < cols; q++) {
        const src = off + (j0 + q) * bj;
        for (let p = 0; p < k; p++) B[strip + p * NR + q] = b[src + p]!;
      }
    }
  }
}

/** C[i0..i0+3, j0..j0+3] = packed A (4 x k) times one packed B strip (k x 4), clipped to m x n. */
function micro(A: Float32Array, B: Float32Array, bo: number, k: number, c: Float32Array, cOff: number, i0: number, j0: number, m: number, n: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0, ao = 0; p < k; p++, ao += MR, bo += NR) {
    const b0 = B[bo]!, b1 = B[bo + 1]!, b2 = B[bo + 2]!, b3 = B[bo + 3]!;
    let av = A[ao]!;
    c00 += av * b0; c01 += av * b1; c02 += av * b2; c03 += av * b3;
    av = A[ao + 1]!;
    c10 += av * b0; c11 += av * b1; c12 += av * b2; c13 += av * b3;
    av = A[ao + 2]!;
    c20 += av * b0; c21 += av * b1; c22 += av * b2; c23 += av * b3;
    av = A[ao + 3]!;
    c30 += av * b0; c31 += av * b1; c32 += av * b2; c33 += av * b3;
  }
  if (i0 + MR <= m && j0 + NR <= n) {
    let o = cOff + i0 * n + j0;
    c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += n;
    c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += n;
    c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += n;
    c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    return;
  }
  // The edge of C: store only the part inside m x n.
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < MR && i0 + r < m; r++) {
    for (let q = 0; q < NR && j0 + q < n; q++) c[cOff + (i0 + r) * n + j0 + q] = tile[r * NR + q]!;
  }
}
