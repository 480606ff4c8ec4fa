/*
 * Matmul, C = op(A) op(B) (+ bias, then activation), batched: the packed, register-blocked scheme
 * of GotoBLAS/BLIS with a WebAssembly SIMD micro-kernel.
 *
 *   pack_b  (task over panels of NR columns, all batches): op(B) -> k x NR panels, zero-padded
 *   compute (task over blocks of MC rows x NC columns of C, all batches; the last row blocks
 *            split into narrower column blocks, so the tasks that end a job are short):
 *     for each k-block of KC:  pack MC x KC of op(A) into MR-row slivers (per-thread scratch)
 *       for each B panel:      for each A sliver:  MR x NR micro-kernel over the k-block
 *
 * Transposes are absorbed in packing: op(A) and op(B) are read through strides into the layouts
 * the micro-kernel streams contiguously, so A^T B and A B^T cost what A B costs. The micro-kernel
 * keeps MR x NR accumulators in v128 locals; the last k-block adds the bias and applies the
 * activation before its single store (the fused epilogue). Accumulation is float32 in k order.
 */
#include "vmath.h"

/* 5 x 8: ten f32x4 accumulators, two B vectors, one A splat and a product temporary fit the 16
 * vector registers V8 uses on x64 (it keeps one for itself); measured against 4x8, 6x8, 4x12, 3x16,
 * 2x16 and 8x4 in src/backend/wasm/README.md. The relaxed modules keep 5 x 8: their fused
 * multiply-add needs no temporary, but 6 x 8 (twelve accumulators, XNNPACK's FMA tile) made Node
 * 20's TurboFan spill one, and ran slower than 5 x 8 on Node 24 too (README, "Relaxed SIMD"). */
#ifndef MR
#define MR 5
#endif
#ifndef NR
#define NR 8
#endif
#define NV (NR / 4)

enum { ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH, ACT_LEAKY, ACT_STEP };

/* Written by wasm/matmul.ts; all fields 4 bytes, in this order. */
typedef struct {
  const float *a, *b, *bias; float *c;
  int32_t batch, m, n, k;
  int32_t ai, ap;      /* op(A)(i, p) = a[i*ai + p*ap] */
  int32_t bp, bj;      /* op(B)(p, j) = b[p*bp + j*bj] */
  int32_t aStride, bStride; /* elements between batches (0: shared) */
  int32_t act; float alpha;
  float *bPacked;      /* batch(B) x panels x k x NR */
  float *scratch;      /* per-thread: MC x KC packed A + one MR x NR edge tile */
  int32_t scratchStride; /* floats per thread */
  int32_t mc, nc, kc;  /* row block (a multiple of MR), column block (a multiple of NR), k block */
  int32_t tailBlocks, tailNc; /* the last tailBlocks row blocks go in column blocks of tailNc (> 0) */
  const void *conv;    /* null, or A is packed by conv_pack_a from this window (c/conv.c); a is unused */
} MatmulArgs;

void conv_pack_a(const void *conv, float *dst, int32_t t, int32_t i0, int32_t rows, int32_t p0, int32_t kc, int32_t tid);

INLINE f4 activate(f4 v, int32_t act, f4 alpha) {
  switch (act) {
    case ACT_RELU: return wasm_v128_and(v, wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f))); /* NaN -> 0, as the cpu */
    case ACT_SIGMOID: return v_sigmoid(v);
    case ACT_TANH: return v_tanh(v);
    case ACT_LEAKY: return wasm_v128_bitselect(v, wasm_f32x4_mul(v, alpha), wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f)));
    case ACT_STEP: return wasm_v128_and(wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(1.0f));
    default: return v;
  }
}

/* ---- packing ---- */

/* Panels of NR columns of op(B): panel q holds op(B)(p, q*NR + j) at [q*k*NR + p*NR + j]. */
TASK(matmul_pack_b) {
  const MatmulArgs *g = args;
  const int32_t k = g->k, n = g->n, panels = (n + NR - 1) / NR;
  for (int32_t u = begin; u < end; u++) {
    const int32_t t = u / panels, q = u % panels, j0 = q * NR, cols = imin(NR, n - j0);
    const float *b = g->b + t * g->bStride;
    float *dst = g->bPacked + (t * panels + q) * k * NR;
    if (cols == NR && g->bj == 1) {
      /* plain B: NR adjacent floats of a row per p */
      const float *src = b + j0;
      for (int32_t p = 0; p < k; p++, src += g->bp, dst += NR)
        for (int32_t v = 0; v < NV; v++) wasm_v128_store(dst + 4 * v, wasm_v128_load(src + 4 * v));
    } else if (cols == NR && g->bp == 1) {
      /* transposed B: column j of op(B) is a contiguous row; 4x4 transposes */
      const int32_t bj = g->bj;
      int32_t p = 0;
      for (; p + 4 <= k; p += 4) {
        for (int32_t v = 0; v < NV; v++) {
          const float *s = b + (j0 + 4 * v) * bj + p;
          f4 r0 = wasm_v128_load(s), r1 = wasm_v128_load(s + bj), r2 = wasm_v128_load(s + 2 * bj), r3 = wasm_v128_load(s + 3 * bj);
          f4 t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
          f4 t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
          float *d = dst + p * NR + 4 * v;
          wasm_v128_store(d, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
          wasm_v128_store(d + NR, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
          wasm_v128_store(d + 2 * NR, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
          wasm_v128_store(d + 3 * NR, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
        }
      }
      for (; p < k; p++)
        for (int32_t j = 0; j < NR; j++) dst[p * NR + j] = b[(j0 + j) * bj + p];
    } else {
      /* the last, partial panel (or odd strides): element by element, zeros past n */
      for (int32_t p = 0; p < k; p++)
        for (int32_t j = 0; j < NR; j++) dst[p * NR + j] = j < cols ? b[p * g->bp + (j0 + j) * g->bj] : 0.0f;
    }
  }
}

/* MR-row slivers of op(A) rows [i0, i0+rows), k range [p0, p0+kc): sliver s at [s*kc*MR + p*MR + r].
 * Rows go four at a time through SIMD (4x4 transposes for plain A, straight copies for transposed
 * A), the rest of a sliver (MR % 4 rows, or a ragged last sliver) one element at a time, zeros past m. */
static void pack_a(const MatmulArgs *g, const float *a, float *dst, int32_t i0, int32_t rows, int32_t p0, int32_t kc) {
  const int32_t ai = g->ai, ap = g->ap;
  for (int32_t s = 0; s * MR < rows; s++, dst += kc * MR) {
    const int32_t r0 = i0 + s * MR, live = imin(MR, rows - s * MR);
    int32_t r = 0;
    if (ap == 1) {
      /* plain A: rows are contiguous in p */
      for (; r + 4 <= live; r += 4) {
        const float *s0 = a + (r0 + r) * ai + p0;
        int32_t p = 0;
        for (; p + 4 <= kc; p += 4) {
          f4 x0 = wasm_v128_load(s0 + p), x1 = wasm_v128_load(s0 + ai + p), x2 = wasm_v128_load(s0 + 2 * ai + p), x3 = wasm_v128_load(s0 + 3 * ai + p);
          f4 t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
          f4 t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
          float *d = dst + p * MR + r;
          wasm_v128_store(d, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
          wasm_v128_store(d + MR, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
          wasm_v128_store(d + 2 * MR, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
          wasm_v128_store(d + 3 * MR, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
        }
        for (; p < kc; p++)
          for (int32_t q = 0; q < 4; q++) dst[p * MR + r + q] = s0[q * ai + p];
      }
    } else if (ai == 1) {
      /* transposed A: the rows of op(A) sit side by side in each stored row */
      for (; r + 4 <= live; r += 4) {
        const float *src = a + p0 * ap + r0 + r;
        for (int32_t p = 0; p < kc; p++, src += ap) wasm_v128_store(dst + p * MR + r, wasm_v128_load(src));
      }
    }
    /* the rows left over, then zeros past m (the 4-wide stores above may run into this part; it is
     * written after them) */
    for (int32_t p = 0; p < kc; p++)
      for (int32_t q = r; q < MR; q++) dst[p * MR + q] = q < live ? a[(r0 + q) * ai + (p0 + p) * ap] : 0.0f;
  }
}

/* ---- the micro-kernel ---- */

/*
 * C[0..MR, 0..NR] (row stride ldc) = (first ? 0 : C) + A sliver (kc x MR) * B sliver (kc x NR);
 * when `last`, bias (NR values, may be null) is added and the activation applied before the store.
 */
static void micro(int32_t kc, const float *restrict A, const float *restrict B, float *restrict C, int32_t ldc,
                  int32_t first, int32_t last, const float *bias, int32_t act, float alpha) {
  f4 acc[MR][NV];
#pragma clang loop unroll(full)
  for (int32_t r = 0; r < MR; r++)
#pragma clang loop unroll(full)
    for (int32_t v = 0; v < NV; v++) acc[r][v] = wasm_f32x4_splat(0.0f);
  for (int32_t p = 0; p < kc; p++) {
    f4 b[NV];
#pragma clang loop unroll(full)
    for (int32_t v = 0; v < NV; v++) b[v] = wasm_v128_load(B + 4 * v);
#pragma clang loop unroll(full)
    for (int32_t r = 0; r < MR; r++) {
      f4 a = wasm_v128_load32_splat(A + r);
#pragma clang loop unroll(full)
      for (int32_t v = 0; v < NV; v++) acc[r][v] = madd(acc[r][v], a, b[v]);
    }
    A += MR;
    B += NR;
  }
  f4 bv[NV];
  const f4 al = wasm_f32x4_splat(alpha);
#pragma clang loop unroll(full)
  for (int32_t v = 0; v < NV; v++) bv[v] = last && bias ? wasm_v128_load(bias + 4 * v) : wasm_f32x4_splat(0.0f);
#pragma clang loop unroll(full)
  for (int32_t r = 0; r < MR; r++) {
#pragma clang loop unroll(full)
    for (int32_t v = 0; v < NV; v++) {
      f4 x = acc[r][v];
      if (!first) x = wasm_f32x4_add(wasm_v128_load(C + r * ldc + 4 * v), x);
      if (last) x = activate(wasm_f32x4_add(x, bv[v]), act, al);
      wasm_v128_store(C + r * ldc + 4 * v, x);
    }
  }
}

/* Blocks of C, mc rows x nc columns, numbered across batches (row blocks outermost); the last
 * tailBlocks row blocks (counted across batches) in column blocks of tailNc. Any blocking gives the
 * same sums: each element is accumulated in k order, a k-block of kc at a time, by one task. */
TASK(matmul_compute) {
  const MatmulArgs *g = args;
  const int32_t m = g->m, n = g->n, k = g->k, mc = g->mc, nc = g->nc, KC = g->kc;
  const int32_t rowBlocks = (m + mc - 1) / mc, colBlocks = (n + nc - 1) / nc, panels = (n + NR - 1) / NR;
  const int32_t mainBlocks = g->batch * rowBlocks - g->tailBlocks, tailCols = (n + g->tailNc - 1) / g->tailNc;
  float *ap = g->scratch + tid * g->scratchStride;
  float *edge = ap + mc * KC; /* MR x NR tile for the ragged edges of C */
  for (int32_t u = begin; u < end; u++) {
    int32_t blk, q0, q1; /* row block (across batches), panels [q0, q1) */
    if (u < mainBlocks * colBlocks) {
      const int32_t cb = u % colBlocks;
      blk = u / colBlocks, q0 = cb * nc / NR, q1 = imin(panels, (cb + 1) * nc / NR);
    } else {
      const int32_t w = u - mainBlocks * colBlocks, cb = w % tailCols;
      blk = mainBlocks + w / tailCols, q0 = cb * g->tailNc / NR, q1 = imin(panels, (cb + 1) * g->tailNc / NR);
    }
    const int32_t t = blk / rowBlocks, i0 = blk % rowBlocks * mc, rows = imin(mc, m - i0);
    const float *a = g->a + t * g->aStride;
    const float *bp = g->bPacked + (g->bStride ? t : 0) * panels * k * NR;
    float *c = g->c + t * m * n;
    /* k == 0 still runs one empty k-block, which stores the epilogue of zero sums */
    int32_t p0 = 0;
    do {
      const int32_t kc = imin(KC, k - p0), first = p0 == 0, last = p0 + kc == k;
      if (g->conv) conv_pack_a(g->conv, ap, t, i0, rows, p0, kc, tid);
      else pack_a(g, a, ap, i0, rows, p0, kc);
      for (int32_t q = q0; q < q1; q++) {
        const int32_t j0 = q * NR, cols = imin(NR, n - j0);
        const float *bs = bp + q * k * NR + p0 * NR;
        const float *bias = g->bias ? g->bias + j0 : 0;
        for (int32_t s = 0; s * MR < rows; s++) {
          const int32_t r0 = i0 + s * MR, live = imin(MR, rows - s * MR);
          float *cc = c + r0 * n + j0;
          if (live == MR && cols == NR) {
            micro(kc, ap + s * kc * MR, bs, cc, n, first, last, bias, g->act, g->alpha);
          } else {
            /* ragged edge: run on the edge tile, copying the live part of C in and out. The bias
             * may be read past n: buffers are whole 64-byte blocks (see alloc.ts). */
            if (!first)
              for (int32_t r = 0; r < live; r++)
                for (int32_t j = 0; j < cols; j++) edge[r * NR + j] = cc[r * n + j];
            micro(kc, ap + s * kc * MR, bs, edge, NR, first, last, bias, g->act, g->alpha);
            for (int32_t r = 0; r < live; r++)
              for (int32_t j = 0; j < cols; j++) cc[r * n + j] = edge[r * NR + j];
          }
        }
      }
      p0 += KC;
    } while (p0 < k);
  }
}

/* The micro-kernel's shape, for the planner in wasm/matmul.ts. */
EXPORT(matmul_mr) int32_t matmul_mr(void) { return MR; }
EXPORT(matmul_nr) int32_t matmul_nr(void) { return NR; }
