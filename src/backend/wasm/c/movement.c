/*
 * Data movement: strided (slice, transpose, broadcastTo), pad, concat, gather, scatterAdd, oneHot.
 * Any dtype: elements are moved as 32-bit words. Rows of the output are the unit of work; a row's
 * source is found by an index walk over the outer axes of the (caller-collapsed) shape.
 */
#include "wt.h"

/* out[i] = x[offset + sum(i_d * strides[d])] over the collapsed shape; units are output rows, or
 * with rank 1, elements of the one row. */
typedef struct { const float *x; float *out; int32_t offset, rank; const int32_t *shape, *strides; } StridedArgs;

static void copy_row(const float *src, float *dst, int32_t n, int32_t step) {
  if (step == 1) __builtin_memcpy(dst, src, (uint32_t)n * 4);
  else if (step == 0) { const float v = *src; for (int32_t j = 0; j < n; j++) dst[j] = v; }
  else for (int32_t j = 0; j < n; j++) dst[j] = src[j * step];
}

TASK(strided) {
  const StridedArgs *g = args;
  const int32_t outer = g->rank - 1, n = g->shape[outer], step = g->strides[outer];
  if (outer == 0) {
    copy_row(g->x + g->offset + begin * step, g->out + begin, end - begin, step);
    return;
  }
  int32_t idx[32], off = g->offset, r = begin;
  for (int32_t d = outer - 1; d >= 0; d--) {
    idx[d] = r % g->shape[d];
    r /= g->shape[d];
    off += idx[d] * g->strides[d];
  }
  for (int32_t row = begin; row < end; row++) {
    copy_row(g->x + off, g->out + row * n, n, step);
    for (int32_t d = outer - 1; d >= 0; d--) {
      off += g->strides[d];
      if (++idx[d] < g->shape[d]) break;
      off -= g->strides[d] * g->shape[d];
      idx[d] = 0;
    }
  }
}

/* Rows of x (shape `shape`, rank `rank`) copied to out at `offset` + index . outStrides; the caller
 * zero-fills the output first (task fill). Units are rows of x. */
typedef struct { const float *x; float *out; int32_t offset, rank; const int32_t *shape, *outStrides; } PadArgs;

TASK(pad) {
  const PadArgs *g = args;
  const int32_t outer = g->rank - 1, n = g->shape[outer];
  int32_t idx[32], off = g->offset, r = begin;
  for (int32_t d = outer - 1; d >= 0; d--) {
    idx[d] = r % g->shape[d];
    r /= g->shape[d];
    off += idx[d] * g->outStrides[d];
  }
  for (int32_t row = begin; row < end; row++) {
    __builtin_memcpy(g->out + off, g->x + row * n, (uint32_t)n * 4);
    for (int32_t d = outer - 1; d >= 0; d--) {
      off += g->outStrides[d];
      if (++idx[d] < g->shape[d]) break;
      off -= g->outStrides[d] * g->shape[d];
      idx[d] = 0;
    }
  }
}

/* out[i] = value over units [begin, end) (elements). */
typedef struct { float *out; float value; } FillArgs;

TASK(fill) {
  const FillArgs *g = args;
  const f4 v = wasm_f32x4_splat(g->value);
  int32_t i = begin;
  for (; i < end && (i & 3); i++) g->out[i] = g->value;
  for (; i + 4 <= end; i += 4) wasm_v128_store(g->out + i, v);
  for (; i < end; i++) g->out[i] = g->value;
}

/* Units are outer indices: a's row then b's row. */
typedef struct { const float *a, *b; float *out; int32_t aRow, bRow; } ConcatArgs;

TASK(concat) {
  const ConcatArgs *g = args;
  for (int32_t p = begin; p < end; p++) {
    float *o = g->out + p * (g->aRow + g->bRow);
    __builtin_memcpy(o, g->a + p * g->aRow, (uint32_t)g->aRow * 4);
    __builtin_memcpy(o + g->aRow, g->b + p * g->bRow, (uint32_t)g->bRow * 4);
  }
}

/* x [outer, axisLen, inner], indices [numIdx] -> out [outer, numIdx, inner]; units are (p, j) pairs. */
typedef struct { const float *x; const int32_t *idx; float *out; int32_t axisLen, inner, numIdx; } GatherArgs;

TASK(gather) {
  const GatherArgs *g = args;
  const int32_t inner = g->inner;
  for (int32_t u = begin; u < end; u++) {
    const int32_t p = u / g->numIdx, j = u % g->numIdx, k = g->idx[j];
    float *o = g->out + u * inner;
    if (k < 0 || k >= g->axisLen) __builtin_memset(o, 0, (uint32_t)inner * 4);
    else __builtin_memcpy(o, g->x + (p * g->axisLen + k) * inner, (uint32_t)inner * 4);
  }
}

/* The adjoint of gather: out [outer, axisLen, inner] = 0, then dy rows added at their index.
 * Units are outer indices (each owns its output slab, so threads never add to the same place). */
typedef struct { const float *dy; const int32_t *idx; float *out; int32_t axisLen, inner, numIdx; } ScatterArgs;

TASK(scatter_add) {
  const ScatterArgs *g = args;
  const int32_t inner = g->inner;
  for (int32_t p = begin; p < end; p++) {
    float *o = g->out + p * g->axisLen * inner;
    __builtin_memset(o, 0, (uint32_t)(g->axisLen * inner) * 4);
    for (int32_t j = 0; j < g->numIdx; j++) {
      const int32_t k = g->idx[j];
      if (k < 0 || k >= g->axisLen) continue;
      const float *d = g->dy + (p * g->numIdx + j) * inner;
      float *r = o + k * inner;
      int32_t q = 0;
      for (; q + 4 <= inner; q += 4) wasm_v128_store(r + q, wasm_f32x4_add(wasm_v128_load(r + q), wasm_v128_load(d + q)));
      for (; q < inner; q++) r[q] += d[q];
    }
  }
}

/* indices [n] -> out [n, depth]; units are indices. */
typedef struct { const int32_t *idx; float *out; int32_t depth; float on, off; } OneHotArgs;

TASK(one_hot) {
  const OneHotArgs *g = args;
  for (int32_t i = begin; i < end; i++) {
    float *o = g->out + i * g->depth;
    for (int32_t j = 0; j < g->depth; j++) o[j] = g->off;
    const int32_t k = g->idx[i];
    if (k >= 0 && k < g->depth) o[k] = g->on;
  }
}
