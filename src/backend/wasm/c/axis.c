/*
 * Kernels along one axis of a tensor seen as [outer, size, inner]: reduce (sum, max, min, argmax, prod),
 * softmax / logSoftmax and their gradient. A unit is one (outer index, chunk of up to CHUNK inner
 * columns): with inner > 1 the lanes of a vector are 4 neighbouring columns walking down the axis
 * together; with inner == 1 each unit is one contiguous line, split across lanes and combined at
 * the end. Results match the cpu reference's rules: max/min propagate NaN, argmax takes the first
 * maximum (or the first NaN), sums and products run in float32 over 4-16 partial results.
 */
#include "vmath.h"

#define CHUNK 64

typedef struct { const float *x; float *out; int32_t outer, size, inner, op, log; const float *dy; } AxisArgs;

enum { R_SUM, R_MAX, R_MIN, R_ARGMAX, R_PROD };

INLINE int32_t chunks(int32_t inner) { return (inner + CHUNK - 1) / CHUNK; }

INLINE f4 pick_max(f4 m, f4 v) { return wasm_v128_bitselect(v, m, wasm_v128_or(wasm_f32x4_gt(v, m), wasm_f32x4_ne(v, v))); }
INLINE f4 pick_min(f4 m, f4 v) { return wasm_v128_bitselect(v, m, wasm_v128_or(wasm_f32x4_lt(v, m), wasm_f32x4_ne(v, v))); }
INLINE float lane(f4 v, int i) {
  switch (i) { case 0: return wasm_f32x4_extract_lane(v, 0); case 1: return wasm_f32x4_extract_lane(v, 1);
               case 2: return wasm_f32x4_extract_lane(v, 2); default: return wasm_f32x4_extract_lane(v, 3); }
}

/* One contiguous line of n floats reduced by op; argmax gives its index. */
static float reduce_line(const float *x, int32_t n, int32_t op) {
  int32_t j = 0;
  if (op == R_SUM) {
    f4 s0 = F4(0.0f), s1 = s0, s2 = s0, s3 = s0;
    for (; j + 16 <= n; j += 16) {
      s0 = wasm_f32x4_add(s0, wasm_v128_load(x + j)); s1 = wasm_f32x4_add(s1, wasm_v128_load(x + j + 4));
      s2 = wasm_f32x4_add(s2, wasm_v128_load(x + j + 8)); s3 = wasm_f32x4_add(s3, wasm_v128_load(x + j + 12));
    }
    for (; j + 4 <= n; j += 4) s0 = wasm_f32x4_add(s0, wasm_v128_load(x + j));
    f4 s = wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3));
    float t = (lane(s, 0) + lane(s, 1)) + (lane(s, 2) + lane(s, 3));
    for (; j < n; j++) t += x[j];
    return t;
  }
  if (op == R_PROD) {
    f4 s0 = F4(1.0f), s1 = s0, s2 = s0, s3 = s0;
    for (; j + 16 <= n; j += 16) {
      s0 = wasm_f32x4_mul(s0, wasm_v128_load(x + j)); s1 = wasm_f32x4_mul(s1, wasm_v128_load(x + j + 4));
      s2 = wasm_f32x4_mul(s2, wasm_v128_load(x + j + 8)); s3 = wasm_f32x4_mul(s3, wasm_v128_load(x + j + 12));
    }
    for (; j + 4 <= n; j += 4) s0 = wasm_f32x4_mul(s0, wasm_v128_load(x + j));
    f4 s = wasm_f32x4_mul(wasm_f32x4_mul(s0, s1), wasm_f32x4_mul(s2, s3));
    float t = (lane(s, 0) * lane(s, 1)) * (lane(s, 2) * lane(s, 3));
    for (; j < n; j++) t *= x[j];
    return t;
  }
  if (op == R_ARGMAX) {
    /* lane l sees indices l, l+4, ...: strict > keeps its first maximum, NaN wins over numbers */
    f4 best = F4(-__builtin_inff());
    v128_t bi = I4(0), idx = wasm_i32x4_make(0, 1, 2, 3);
    if (n >= 4) {
      best = wasm_v128_load(x);
      bi = idx;
      for (j = 4; j + 4 <= n; j += 4) {
        idx = wasm_i32x4_add(idx, I4(4));
        f4 v = wasm_v128_load(x + j);
        v128_t take = wasm_v128_or(wasm_f32x4_gt(v, best), wasm_v128_andnot(wasm_f32x4_ne(v, v), wasm_f32x4_ne(best, best)));
        best = wasm_v128_bitselect(v, best, take);
        bi = wasm_v128_bitselect(idx, bi, take);
      }
    }
    float bv = -__builtin_inff();
    int32_t b = 0, found = 0;
    for (int l = 0; l < 4 && n >= 4; l++) {
      float v = lane(best, l);
      int32_t i = wasm_i32x4_extract_lane(bi, 0);
      switch (l) { case 1: i = wasm_i32x4_extract_lane(bi, 1); break; case 2: i = wasm_i32x4_extract_lane(bi, 2); break; case 3: i = wasm_i32x4_extract_lane(bi, 3); break; }
      int vNaN = v != v, bNaN = bv != bv;
      if (!found || (vNaN && !bNaN) || (!bNaN && !vNaN && (v > bv || (v == bv && i < b))) || (vNaN && bNaN && i < b)) { bv = v; b = i; found = 1; }
    }
    for (; j < n; j++) {
      float v = x[j];
      if (!found || v > bv || (v != v && bv == bv)) { bv = v; b = j; found = 1; }
    }
    return (float)b;
  }
  f4 m = F4(op == R_MAX ? -__builtin_inff() : __builtin_inff());
  for (; j + 4 <= n; j += 4) m = op == R_MAX ? pick_max(m, wasm_v128_load(x + j)) : pick_min(m, wasm_v128_load(x + j));
  float r = op == R_MAX ? -__builtin_inff() : __builtin_inff();
  for (int l = 0; l < 4; l++) {
    float v = lane(m, l);
    if (op == R_MAX ? (v > r || v != v) : (v < r || v != v)) r = v;
  }
  for (; j < n; j++) {
    float v = x[j];
    if (op == R_MAX ? (v > r || v != v) : (v < r || v != v)) r = v;
  }
  return r;
}

/* Columns [q0, q1) of one [size, inner] slab, reduced down the axis into out[q]. */
static void reduce_columns(const float *x, float *out, int32_t size, int32_t inner, int32_t q0, int32_t q1, int32_t op) {
  int32_t q = q0;
  for (; q + 4 <= q1; q += 4) {
    const float *p = x + q;
    if (op == R_SUM) {
      f4 s = F4(0.0f);
      for (int32_t i = 0; i < size; i++, p += inner) s = wasm_f32x4_add(s, wasm_v128_load(p));
      wasm_v128_store(out + q, s);
    } else if (op == R_PROD) {
      f4 s = F4(1.0f);
      for (int32_t i = 0; i < size; i++, p += inner) s = wasm_f32x4_mul(s, wasm_v128_load(p));
      wasm_v128_store(out + q, s);
    } else if (op == R_ARGMAX) {
      f4 best = wasm_v128_load(p);
      v128_t bi = I4(0);
      p += inner;
      for (int32_t i = 1; i < size; i++, p += inner) {
        f4 v = wasm_v128_load(p);
        v128_t take = wasm_v128_or(wasm_f32x4_gt(v, best), wasm_v128_andnot(wasm_f32x4_ne(v, v), wasm_f32x4_ne(best, best)));
        best = wasm_v128_bitselect(v, best, take);
        bi = wasm_v128_bitselect(I4(i), bi, take);
      }
      wasm_v128_store(out + q, bi);
    } else {
      f4 m = F4(op == R_MAX ? -__builtin_inff() : __builtin_inff());
      for (int32_t i = 0; i < size; i++, p += inner) m = op == R_MAX ? pick_max(m, wasm_v128_load(p)) : pick_min(m, wasm_v128_load(p));
      wasm_v128_store(out + q, m);
    }
  }
  for (; q < q1; q++) {
    const float *p = x + q;
    float r = op == R_SUM ? 0.0f : op == R_PROD ? 1.0f : op == R_MAX || op == R_ARGMAX ? -__builtin_inff() : __builtin_inff();
    int32_t bi = 0;
    for (int32_t i = 0; i < size; i++, p += inner) {
      float v = *p;
      if (op == R_SUM) r += v;
      else if (op == R_PROD) r *= v;
      else if (op == R_MIN) { if (v < r || v != v) r = v; }
      else if (op == R_MAX) { if (v > r || v != v) r = v; }
      else if (i == 0 || v > r || (v != v && r == r)) { r = v; bi = i; }
    }
    if (op == R_ARGMAX) ((int32_t *)out)[q] = bi;
    else out[q] = r;
  }
}

/* int32 reductions (op R_INT + R_SUM..R_PROD): exact, sums and products wrapping as two's
 * complement (in uint32_t, where C defines the wrap). Columns of one chunk walk down the axis together. */
#define R_INT 8
static void reduce_int_columns(const int32_t *x, int32_t *out, int32_t size, int32_t inner, int32_t q0, int32_t q1, int32_t op) {
  for (int32_t q = q0; q < q1; q++) {
    const int32_t *p = x + q;
    int32_t r = size > 0 ? p[0] : 0, bi = 0;
    uint32_t s = op == R_PROD ? 1u : 0u;
    for (int32_t i = 0; i < size; i++, p += inner) {
      const int32_t v = *p;
      if (op == R_SUM) s += (uint32_t)v;
      else if (op == R_PROD) s *= (uint32_t)v;
      else if (op == R_MAX) r = v > r ? v : r;
      else if (op == R_MIN) r = v < r ? v : r;
      else if (v > r) { r = v; bi = i; }
    }
    out[q] = op == R_SUM || op == R_PROD ? (int32_t)s : op == R_ARGMAX ? bi : r;
  }
}

TASK(reduce) {
  const AxisArgs *g = args;
  const int32_t size = g->size, inner = g->inner;
  if (g->op >= R_INT) {
    const int32_t nc = chunks(inner);
    for (int32_t u = begin; u < end; u++) {
      const int32_t p = u / nc, q0 = (u % nc) * CHUNK;
      reduce_int_columns((const int32_t *)g->x + p * size * inner, (int32_t *)g->out + p * inner, size, inner, q0, imin(inner, q0 + CHUNK), g->op - R_INT);
    }
    return;
  }
  if (inner == 1) {
    for (int32_t u = begin; u < end; u++) {
      float r = reduce_line(g->x + u * size, size, g->op);
      if (g->op == R_ARGMAX) ((int32_t *)g->out)[u] = (int32_t)r;
      else g->out[u] = r;
    }
    return;
  }
  const int32_t nc = chunks(inner);
  for (int32_t u = begin; u < end; u++) {
    const int32_t p = u / nc, q0 = (u % nc) * CHUNK;
    reduce_columns(g->x + p * size * inner, g->out + p * inner, size, inner, q0, imin(inner, q0 + CHUNK), g->op);
  }
}

/* ---- softmax ---- */

static void softmax_line(const float *x, float *o, int32_t n, int32_t log) {
  const float m = reduce_line(x, n, R_MAX);
  const f4 mv = F4(m);
  f4 s = F4(0.0f);
  int32_t j = 0;
  for (; j + 4 <= n; j += 4) {
    f4 e = v_exp(wasm_f32x4_sub(wasm_v128_load(x + j), mv));
    if (!log) wasm_v128_store(o + j, e);
    s = wasm_f32x4_add(s, e);
  }
  float t = (lane(s, 0) + lane(s, 1)) + (lane(s, 2) + lane(s, 3));
  for (; j < n; j++) {
    float e = lane(v_exp(F4(x[j] - m)), 0);
    if (!log) o[j] = e;
    t += e;
  }
  j = 0;
  if (log) {
    /* (x - m) - log(s): x - m is exact for nearby values, so large logits keep their precision */
    const f4 ls = v_log(F4(t));
    for (; j + 4 <= n; j += 4) wasm_v128_store(o + j, wasm_f32x4_sub(wasm_f32x4_sub(wasm_v128_load(x + j), mv), ls));
    for (; j < n; j++) o[j] = (x[j] - m) - lane(ls, 0);
  } else {
    const f4 tv = F4(t);
    for (; j + 4 <= n; j += 4) wasm_v128_store(o + j, wasm_f32x4_div(wasm_v128_load(o + j), tv));
    for (; j < n; j++) o[j] = o[j] / t;
  }
}

/* Four neighbouring columns (q .. q+3, all live when `full`) of a [size, inner] slab at once. */
static void softmax_columns(const float *x, float *o, int32_t size, int32_t inner, int32_t q0, int32_t q1, int32_t log) {
  for (int32_t q = q0; q < q1; q += 4) {
    const int32_t full = q + 4 <= q1;
    /* the ragged last group works one column at a time through lane 0 */
    for (int32_t c = 0; c < (full ? 1 : q1 - q); c++) {
      const int32_t col = q + c;
#define LD(i) (full ? wasm_v128_load(x + (i) * inner + col) : F4(x[(i) * inner + col]))
#define ST(i, v) do { if (full) wasm_v128_store(o + (i) * inner + col, v); else o[(i) * inner + col] = lane(v, 0); } while (0)
      f4 m = F4(-__builtin_inff());
      for (int32_t i = 0; i < size; i++) m = pick_max(m, LD(i));
      f4 s = F4(0.0f);
      for (int32_t i = 0; i < size; i++) {
        f4 e = v_exp(wasm_f32x4_sub(LD(i), m));
        if (!log) ST(i, e);
        s = wasm_f32x4_add(s, e);
      }
      if (log) {
        f4 ls = v_log(s);
        for (int32_t i = 0; i < size; i++) ST(i, wasm_f32x4_sub(wasm_f32x4_sub(LD(i), m), ls));
      } else {
        for (int32_t i = 0; i < size; i++) {
          f4 v = full ? wasm_v128_load(o + i * inner + col) : F4(o[i * inner + col]);
          ST(i, wasm_f32x4_div(v, s));
        }
      }
#undef LD
#undef ST
    }
  }
}

TASK(softmax) {
  const AxisArgs *g = args;
  const int32_t size = g->size, inner = g->inner;
  if (inner == 1) {
    for (int32_t u = begin; u < end; u++) softmax_line(g->x + u * size, g->out + u * size, size, g->log);
    return;
  }
  const int32_t nc = chunks(inner);
  for (int32_t u = begin; u < end; u++) {
    const int32_t p = u / nc, q0 = (u % nc) * CHUNK;
    softmax_columns(g->x + p * size * inner, g->out + p * size * inner, size, inner, q0, imin(inner, q0 + CHUNK), g->log);
  }
}

/*
 * softmax:    dx = y * (dy - sum(dy * y))      logSoftmax: dx = dy - exp(y) * sum(dy)
 * x holds y here; dy is the incoming gradient.
 */
static void softmax_grad_cols(const float *y, const float *dy, float *o, int32_t size, int32_t stride, int32_t lanes, int32_t log) {
  /* lanes == 4: four columns at once; lanes == 1: one column through lane 0 */
#define LD(p, i) (lanes == 4 ? wasm_v128_load((p) + (i) * stride) : F4((p)[(i) * stride]))
  f4 s = F4(0.0f);
  for (int32_t i = 0; i < size; i++) s = wasm_f32x4_add(s, log ? LD(dy, i) : wasm_f32x4_mul(LD(dy, i), LD(y, i)));
  for (int32_t i = 0; i < size; i++) {
    f4 d = LD(dy, i), v = LD(y, i);
    f4 r = log ? wasm_f32x4_sub(d, wasm_f32x4_mul(v_exp(v), s)) : wasm_f32x4_mul(v, wasm_f32x4_sub(d, s));
    if (lanes == 4) wasm_v128_store(o + i * stride, r);
    else o[i * stride] = lane(r, 0);
  }
#undef LD
}

static void softmax_grad_line(const float *y, const float *dy, float *o, int32_t n, int32_t log) {
  f4 s = F4(0.0f);
  int32_t j = 0;
  for (; j + 4 <= n; j += 4) s = wasm_f32x4_add(s, log ? wasm_v128_load(dy + j) : wasm_f32x4_mul(wasm_v128_load(dy + j), wasm_v128_load(y + j)));
  float t = (lane(s, 0) + lane(s, 1)) + (lane(s, 2) + lane(s, 3));
  for (; j < n; j++) t += log ? dy[j] : dy[j] * y[j];
  const f4 tv = F4(t);
  for (j = 0; j + 4 <= n; j += 4) {
    f4 d = wasm_v128_load(dy + j), v = wasm_v128_load(y + j);
    wasm_v128_store(o + j, log ? wasm_f32x4_sub(d, wasm_f32x4_mul(v_exp(v), tv)) : wasm_f32x4_mul(v, wasm_f32x4_sub(d, tv)));
  }
  for (; j < n; j++) o[j] = log ? dy[j] - lane(v_exp(F4(y[j])), 0) * t : y[j] * (dy[j] - t);
}

TASK(softmax_grad) {
  const AxisArgs *g = args;
  const int32_t size = g->size, inner = g->inner;
  if (inner == 1) {
    for (int32_t u = begin; u < end; u++) softmax_grad_line(g->x + u * size, g->dy + u * size, g->out + u * size, size, g->log);
    return;
  }
  const int32_t nc = chunks(inner);
  for (int32_t u = begin; u < end; u++) {
    const int32_t p = u / nc, q0 = (u % nc) * CHUNK, q1 = imin(inner, q0 + CHUNK), base = p * size * inner;
    int32_t q = q0;
    for (; q + 4 <= q1; q += 4) softmax_grad_cols(g->x + base + q, g->dy + base + q, g->out + base + q, size, inner, 4, g->log);
    for (; q < q1; q++) softmax_grad_cols(g->x + base + q, g->dy + base + q, g->out + base + q, size, inner, 1, g->log);
  }
}
