/*
 * Scans and top-k. scan: the running sum or product along the middle axis of [outer, size, inner]
 * (float32 or int32; exclusive and reverse as the cpu backend); units are (outer, chunk of inner
 * columns), whose columns run side by side. topk: the k largest of each row of [outer, size],
 * largest first (ties: the lower index; NaN above every number), by a heap of the k best so far
 * kept in the output row itself; units are rows.
 */
#include "wt.h"

#define CHUNK 64

typedef struct { const void *x; void *out; int32_t outer, size, inner, op, isInt, exclusive, reverse; } ScanArgs;

#define SCAN_BODY(T, OP, FIRST)                                                              \
  for (int32_t u = begin; u < end; u++) {                                                    \
    const int32_t p = u / chunks, q0 = (u % chunks) * CHUNK, q1 = imin(q0 + CHUNK, inner);   \
    const T *x = (const T *)g->x + (int64_t)p * size * inner;                                \
    T *o = (T *)g->out + (int64_t)p * size * inner;                                          \
    for (int32_t t = 0; t < size; t++) {                                                     \
      const int32_t k = g->reverse ? size - 1 - t : t;                                       \
      const int32_t prev = g->reverse ? k + 1 : k - 1;                                       \
      T *ok = o + k * inner;                                                                 \
      if (t == 0) {                                                                          \
        for (int32_t q = q0; q < q1; q++) ok[q] = g->exclusive ? (T)(FIRST) : x[k * inner + q]; \
      } else {                                                                               \
        const T *op_ = o + prev * inner;                                                     \
        const T *xs = x + (g->exclusive ? prev : k) * inner;                                 \
        for (int32_t q = q0; q < q1; q++) ok[q] = OP(op_[q], xs[q]);                         \
      }                                                                                      \
    }                                                                                        \
  }

#define FADD(a, b) ((a) + (b))
#define FMUL(a, b) ((a) * (b))
#define IADD(a, b) ((int32_t)((uint32_t)(a) + (uint32_t)(b)))
#define IMUL(a, b) ((int32_t)((uint32_t)(a) * (uint32_t)(b)))

TASK(scan) {
  const ScanArgs *g = args;
  const int32_t size = g->size, inner = g->inner, chunks = (inner + CHUNK - 1) / CHUNK;
  if (g->isInt) {
    if (g->op == 0) { SCAN_BODY(int32_t, IADD, 0) } else { SCAN_BODY(int32_t, IMUL, 1) }
  } else {
    if (g->op == 0) { SCAN_BODY(float, FADD, 0) } else { SCAN_BODY(float, FMUL, 1) }
  }
}

typedef struct { const void *x; void *vals; int32_t *idx; int32_t size, k, isInt; } TopkArgs;

INLINE int beats_f(float va, int32_t ia, float vb, int32_t ib) {
  if (va != va) return vb == vb || ia < ib;
  if (vb != vb) return 0;
  return va > vb || (va == vb && ia < ib);
}
INLINE int beats_i(int32_t va, int32_t ia, int32_t vb, int32_t ib) { return va > vb || (va == vb && ia < ib); }

/* sift entry j down a heap of n entries whose root is the worst */
#define SIFT(T, BEATS, V, I, J, N)                                                 \
  {                                                                                \
    int32_t j_ = (J);                                                              \
    const T v_ = V[j_];                                                            \
    const int32_t i_ = I[j_];                                                      \
    for (;;) {                                                                     \
      int32_t c = 2 * j_ + 1;                                                      \
      if (c >= (N)) break;                                                         \
      if (c + 1 < (N) && BEATS(V[c], I[c], V[c + 1], I[c + 1])) c++;               \
      if (!BEATS(v_, i_, V[c], I[c])) break;                                       \
      V[j_] = V[c];                                                                \
      I[j_] = I[c];                                                                \
      j_ = c;                                                                      \
    }                                                                              \
    V[j_] = v_;                                                                    \
    I[j_] = i_;                                                                    \
  }

#define TOPK_BODY(T, BEATS)                                                        \
  for (int32_t r = begin; r < end; r++) {                                          \
    const T *x = (const T *)g->x + (int64_t)r * size;                              \
    T *v = (T *)g->vals + (int64_t)r * k;                                          \
    int32_t *ix = g->idx + (int64_t)r * k;                                         \
    for (int32_t j = 0; j < k; j++) { v[j] = x[j]; ix[j] = j; }                    \
    for (int32_t j = k / 2 - 1; j >= 0; j--) SIFT(T, BEATS, v, ix, j, k)           \
    for (int32_t j = k; j < size; j++) {                                           \
      if (BEATS(x[j], j, v[0], ix[0])) { v[0] = x[j]; ix[0] = j; SIFT(T, BEATS, v, ix, 0, k) } \
    }                                                                              \
    for (int32_t n = k - 1; n > 0; n--) {                                          \
      const T tv = v[0];                                                           \
      const int32_t ti = ix[0];                                                    \
      v[0] = v[n]; ix[0] = ix[n]; v[n] = tv; ix[n] = ti;                           \
      SIFT(T, BEATS, v, ix, 0, n)                                                  \
    }                                                                              \
  }

TASK(topk) {
  const TopkArgs *g = args;
  const int32_t size = g->size, k = g->k;
  if (k == 0) return;
  if (g->isInt) { TOPK_BODY(int32_t, beats_i) } else { TOPK_BODY(float, beats_f) }
}
