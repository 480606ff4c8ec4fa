/*
 * Elementwise kernels: unary math and activations, activation derivatives, where, cast, and the
 * binary ops with broadcasting. Same-size kernels run over whole f32x4 vectors, tail included:
 * every buffer is a whole number of 64-byte blocks (see alloc.ts), so the last vector's spare
 * lanes read and write the buffer's own padding. Each matches the cpu reference's definition,
 * NaN handling included (relu, step, max and min propagate it, as TensorFlow.js does).
 */
#include "vmath.h"
#include "vtrig.h"

enum { U_NEG, U_EXP, U_LOG, U_SQRT, U_ABS, U_SIGN, U_TANH, U_SIGMOID, U_RELU, U_LEAKY, U_STEP,
       U_CEIL, U_FLOOR, U_ROUND, U_SIN, U_COS, U_TAN, U_ASIN, U_ACOS, U_ATAN, U_SINH, U_COSH, U_ASINH, U_ACOSH,
       U_ATANH, U_ERF, U_EXPM1, U_LOG1P, U_ISNAN, U_ISINF, U_ISFINITE,
       /* int32 forms (wrapping: -(-2^31) and |-2^31| stay -2^31, as in TensorFlow.js) */
       U_INEG = 32, U_IABS, U_ISIGN };

typedef struct { const f4 *x; f4 *out; int32_t op; float alpha; } UnaryArgs;

INLINE f4 gt0(f4 x) { return wasm_f32x4_gt(x, F4(0.0f)); }

TASK(unary) {
  const UnaryArgs *g = args;
  const f4 *x = g->x;
  f4 *o = g->out;
  const f4 al = F4(g->alpha), one = F4(1.0f);
  switch (g->op) {
#define LOOP(expr) for (int32_t i = begin; i < end; i++) { f4 v = x[i]; o[i] = (expr); } break
    case U_NEG: LOOP(wasm_f32x4_neg(v));
    case U_EXP: LOOP(v_exp(v));
    case U_LOG: LOOP(v_log(v));
    case U_SQRT: LOOP(wasm_f32x4_sqrt(v));
    case U_ABS: LOOP(wasm_f32x4_abs(v));
    case U_SIGN: LOOP(wasm_f32x4_sub(wasm_v128_and(gt0(v), one), wasm_v128_and(wasm_f32x4_lt(v, F4(0.0f)), one)));
    case U_TANH: LOOP(v_tanh(v));
    case U_SIGMOID: LOOP(v_sigmoid(v));
    case U_RELU: LOOP(wasm_v128_and(v, wasm_v128_or(gt0(v), wasm_f32x4_ne(v, v))));
    case U_LEAKY: LOOP(wasm_v128_bitselect(v, wasm_f32x4_mul(v, al), gt0(v)));
    case U_STEP: LOOP(wasm_v128_bitselect(v, wasm_v128_bitselect(one, al, gt0(v)), wasm_f32x4_ne(v, v)));
    case U_CEIL: LOOP(wasm_f32x4_ceil(v));
    case U_FLOOR: LOOP(wasm_f32x4_floor(v));
    case U_ROUND: LOOP(wasm_f32x4_nearest(v)); /* ties to even */
    case U_SIN: LOOP(v_sincos(v, 0));
    case U_COS: LOOP(v_sincos(v, 1));
    case U_TAN: LOOP(wasm_f32x4_div(v_sincos(v, 0), v_sincos(v, 1)));
    case U_ASIN: LOOP(v_asin(v));
    case U_ACOS: LOOP(wasm_f32x4_sub(F4(1.5707963267948966f), v_asin(v)));
    case U_ATAN: LOOP(v_atan(v));
    case U_SINH: LOOP(wasm_f32x4_mul(F4(0.5f), wasm_f32x4_sub(v_exp(v), v_exp(wasm_f32x4_neg(v)))));
    case U_COSH: LOOP(wasm_f32x4_mul(F4(0.5f), wasm_f32x4_add(v_exp(v), v_exp(wasm_f32x4_neg(v)))));
    case U_ASINH: { for (int32_t i = begin; i < end; i++) { f4 v = x[i], a = wasm_f32x4_abs(v);
        f4 r = v_log1p(wasm_f32x4_add(a, wasm_f32x4_div(wasm_f32x4_mul(a, a), wasm_f32x4_add(one, wasm_f32x4_sqrt(wasm_f32x4_add(wasm_f32x4_mul(a, a), one))))));
        r = wasm_v128_bitselect(wasm_f32x4_add(v_log(a), F4(0.69314718055994531f)), r, wasm_f32x4_gt(a, F4(1e8f))); /* a^2 would overflow */
        o[i] = wasm_v128_or(r, wasm_v128_and(v, I4((int32_t)0x80000000))); } break; }
    case U_ACOSH: LOOP(v_log(wasm_f32x4_add(v, wasm_f32x4_sqrt(wasm_f32x4_sub(wasm_f32x4_mul(v, v), one)))));
    case U_ATANH: LOOP(wasm_f32x4_mul(F4(0.5f), wasm_f32x4_sub(v_log1p(v), v_log1p(wasm_f32x4_neg(v)))));
    case U_ERF: LOOP(v_erf(v));
    case U_EXPM1: LOOP(v_expm1(v));
    case U_LOG1P: LOOP(v_log1p(v));
    case U_ISNAN: LOOP(wasm_v128_and(wasm_f32x4_ne(v, v), one));
    case U_ISINF: LOOP(wasm_v128_and(wasm_f32x4_eq(wasm_f32x4_abs(v), F4(__builtin_inff())), one));
    case U_ISFINITE: LOOP(wasm_v128_and(wasm_f32x4_lt(wasm_f32x4_abs(v), F4(__builtin_inff())), one));
    case U_INEG: LOOP(wasm_i32x4_neg(v));
    case U_IABS: LOOP(wasm_i32x4_abs(v));
    case U_ISIGN: LOOP(wasm_v128_or(wasm_v128_and(wasm_i32x4_gt(v, I4(0)), I4(1)), wasm_i32x4_shr(v, 31)));
#undef LOOP
  }
}

enum { G_TANH, G_SIGMOID, G_RELU, G_LEAKY };

typedef struct { const f4 *dy, *v; f4 *out; int32_t op; float alpha; } GradArgs;

TASK(activation_grad) {
  const GradArgs *g = args;
  const f4 *dy = g->dy, *y = g->v;
  f4 *o = g->out;
  const f4 al = F4(g->alpha), one = F4(1.0f);
  switch (g->op) {
#define LOOP(expr) for (int32_t i = begin; i < end; i++) { f4 d = dy[i], v = y[i]; o[i] = (expr); } break
    case G_TANH: LOOP(wasm_f32x4_mul(d, wasm_f32x4_sub(one, wasm_f32x4_mul(v, v))));
    case G_SIGMOID: LOOP(wasm_f32x4_mul(wasm_f32x4_mul(d, v), wasm_f32x4_sub(one, v)));
    case G_RELU: LOOP(wasm_v128_and(d, gt0(v)));
    case G_LEAKY: LOOP(wasm_v128_bitselect(d, wasm_f32x4_mul(d, al), gt0(v)));
#undef LOOP
  }
}

typedef struct { const f4 *cond, *a, *b; f4 *out; } WhereArgs;

TASK(where) {
  const WhereArgs *g = args;
  for (int32_t i = begin; i < end; i++) g->out[i] = wasm_v128_bitselect(g->a[i], g->b[i], wasm_f32x4_ne(g->cond[i], F4(0.0f)));
}

/* to_int: float32 -> int32 truncating toward zero (saturating past the int32 range, NaN -> 0);
 * otherwise int32 -> float32. */
typedef struct { const f4 *x; f4 *out; int32_t toInt; } CastArgs;

TASK(cast) {
  const CastArgs *g = args;
  if (g->toInt) for (int32_t i = begin; i < end; i++) g->out[i] = wasm_i32x4_trunc_sat_f32x4(g->x[i]);
  else for (int32_t i = begin; i < end; i++) g->out[i] = wasm_f32x4_convert_i32x4(g->x[i]);
}

/* ---- binary ops ---- */

enum { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_POW, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_FLOORDIV, B_MOD, B_ATAN2, B_BITAND };

/* atan2(a, b): the angle of (b, a). atan(a / b), moved by +-pi when b < 0; (0, 0) gives 0. */
INLINE f4 v_atan2(f4 a, f4 b) {
  f4 r = v_atan(wasm_f32x4_div(a, b));
  v128_t left = wasm_f32x4_lt(b, F4(0.0f));
  f4 pi = wasm_v128_or(F4(3.14159265358979f), wasm_v128_and(a, I4((int32_t)0x80000000)));
  r = wasm_v128_bitselect(wasm_f32x4_add(r, pi), r, left);
  return wasm_v128_bitselect(F4(0.0f), r, wasm_v128_and(wasm_f32x4_eq(a, F4(0.0f)), wasm_f32x4_eq(b, F4(0.0f))));
}
/* An op code of B_INT or more is the int32 form of op - B_INT. */
#define B_INT 32

/* a ** b as the cpu reference (Math.pow) defines it, in float32: |a|^b = exp(b log|a|), a negative
 * base allowed only with a whole exponent (odd: negative result), x ** 0 = 1 even for NaN. */
INLINE f4 v_pow(f4 a, f4 b) {
  f4 r = v_exp(wasm_f32x4_mul(b, v_log(wasm_f32x4_abs(a))));
  v128_t whole = wasm_f32x4_eq(wasm_f32x4_trunc(b), b);
  /* odd whole exponent: b/2 is not whole (|b| < 2^24 here; larger floats are all even) */
  f4 half = wasm_f32x4_mul(b, F4(0.5f));
  v128_t odd = wasm_v128_andnot(whole, wasm_f32x4_eq(wasm_f32x4_trunc(half), half));
  v128_t neg = wasm_f32x4_lt(a, F4(0.0f));
  r = wasm_v128_xor(r, wasm_v128_and(wasm_v128_and(neg, odd), I4((int32_t)0x80000000)));
  r = wasm_v128_bitselect(F4(__builtin_nanf("")), r, wasm_v128_andnot(neg, whole));
  /* 1 ** b = 1 except 1 ** +-Inf and 1 ** NaN, which JavaScript makes NaN */
  v128_t oneBase = wasm_v128_and(wasm_f32x4_eq(a, F4(1.0f)), wasm_f32x4_lt(wasm_f32x4_abs(b), F4(__builtin_inff())));
  r = wasm_v128_bitselect(F4(1.0f), r, oneBase);
  return wasm_v128_bitselect(F4(1.0f), r, wasm_f32x4_eq(b, F4(0.0f)));
}

INLINE f4 apply(int32_t op, f4 a, f4 b) {
  const f4 one = F4(1.0f);
  switch (op) {
    case B_ADD: return wasm_f32x4_add(a, b);
    case B_SUB: return wasm_f32x4_sub(a, b);
    case B_MUL: return wasm_f32x4_mul(a, b);
    case B_DIV: return wasm_f32x4_div(a, b);
    case B_MAX: return wasm_v128_bitselect(a, b, wasm_v128_or(wasm_f32x4_ge(a, b), wasm_f32x4_ne(a, a)));
    case B_MIN: return wasm_v128_bitselect(a, b, wasm_v128_or(wasm_f32x4_le(a, b), wasm_f32x4_ne(a, a)));
    case B_POW: return v_pow(a, b);
    case B_EQ: return wasm_v128_and(wasm_f32x4_eq(a, b), one);
    case B_NE: return wasm_v128_and(wasm_f32x4_ne(a, b), one);
    case B_LT: return wasm_v128_and(wasm_f32x4_lt(a, b), one);
    case B_LE: return wasm_v128_and(wasm_f32x4_le(a, b), one);
    case B_GT: return wasm_v128_and(wasm_f32x4_gt(a, b), one);
    case B_FLOORDIV: return wasm_f32x4_floor(wasm_f32x4_div(a, b));
    /* floor mod, the divisor's sign (TensorFlow.js's) */
    case B_MOD: return wasm_f32x4_sub(a, wasm_f32x4_mul(b, wasm_f32x4_floor(wasm_f32x4_div(a, b))));
    case B_ATAN2: return v_atan2(a, b);
    default: return wasm_v128_and(wasm_f32x4_ge(a, b), one);
  }
}

/* int32 floor division and floor mod of one pair; x / 0 and x mod 0 give 0, INT_MIN / -1 wraps. */
static int32_t floor_div_i(int32_t a, int32_t b) {
  if (b == 0) return 0;
  if (b == -1) return (int32_t)(0u - (uint32_t)a);
  int32_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
static int32_t floor_mod_i(int32_t a, int32_t b) {
  if (b == 0 || b == -1) return 0;
  int32_t r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

INLINE v128_t lanes_i(int32_t op, v128_t a, v128_t b) {
  int32_t x[4], y[4];
  wasm_v128_store(x, a);
  wasm_v128_store(y, b);
  for (int k = 0; k < 4; k++) x[k] = op == B_FLOORDIV ? floor_div_i(x[k], y[k]) : floor_mod_i(x[k], y[k]);
  return wasm_v128_load(x);
}

/* The int32 forms, exact and wrapping (C leaves signed overflow undefined; the SIMD ops wrap). */
INLINE v128_t apply_i(int32_t op, v128_t a, v128_t b) {
  const v128_t one = I4(1);
  switch (op) {
    case B_ADD: return wasm_i32x4_add(a, b);
    case B_SUB: return wasm_i32x4_sub(a, b);
    case B_MUL: return wasm_i32x4_mul(a, b);
    case B_MAX: return wasm_i32x4_max(a, b);
    case B_MIN: return wasm_i32x4_min(a, b);
    case B_EQ: return wasm_v128_and(wasm_i32x4_eq(a, b), one);
    case B_NE: return wasm_v128_and(wasm_i32x4_ne(a, b), one);
    case B_LT: return wasm_v128_and(wasm_i32x4_lt(a, b), one);
    case B_LE: return wasm_v128_and(wasm_i32x4_le(a, b), one);
    case B_GT: return wasm_v128_and(wasm_i32x4_gt(a, b), one);
    case B_GE: return wasm_v128_and(wasm_i32x4_ge(a, b), one);
    case B_BITAND: return wasm_v128_and(a, b);
    default: return lanes_i(op, a, b);
  }
}

/*
 * The output, with its shape collapsed by the caller (adjacent axes merged where both inputs
 * allow it), is seen as rows of `inner` elements; a row's inputs start at offsets found by an
 * index walk over the outer axes, and inside a row each input steps by 1 or 0 (broadcast).
 */
typedef struct {
  const float *a, *b; float *out; int32_t op;
  int32_t rank;       /* axes of the collapsed output, the last one being the row */
  int32_t inner, aInner, bInner; /* row length; each input's step along it (1 or 0) */
  const int32_t *shape, *aStrides, *bStrides; /* rank entries each */
} BinaryArgs;

/* Split so the op's switch sits outside the element loops (each loop inlines one op). */
#define ROW_LOOPS(OP) \
  if (sa && sb) { \
    int32_t j = 0; \
    for (; j + 4 <= n; j += 4) wasm_v128_store(o + j, apply(OP, wasm_v128_load(x + j), wasm_v128_load(y + j))); \
    for (; j < n; j++) o[j] = wasm_f32x4_extract_lane(apply(OP, wasm_f32x4_splat(x[j]), wasm_f32x4_splat(y[j])), 0); \
  } else if (sa) { \
    const f4 yv = wasm_f32x4_splat(*y); \
    int32_t j = 0; \
    for (; j + 4 <= n; j += 4) wasm_v128_store(o + j, apply(OP, wasm_v128_load(x + j), yv)); \
    for (; j < n; j++) o[j] = wasm_f32x4_extract_lane(apply(OP, wasm_f32x4_splat(x[j]), yv), 0); \
  } else if (sb) { \
    const f4 xv = wasm_f32x4_splat(*x); \
    int32_t j = 0; \
    for (; j + 4 <= n; j += 4) wasm_v128_store(o + j, apply(OP, xv, wasm_v128_load(y + j))); \
    for (; j < n; j++) o[j] = wasm_f32x4_extract_lane(apply(OP, xv, wasm_f32x4_splat(y[j])), 0); \
  } else { \
    const float v = wasm_f32x4_extract_lane(apply(OP, wasm_f32x4_splat(*x), wasm_f32x4_splat(*y)), 0); \
    for (int32_t j = 0; j < n; j++) o[j] = v; \
  }

#define ROW_LOOPS_I(OP) \
  for (int32_t j = 0; j + 4 <= n || j < n; j += 4) { \
    if (j + 4 <= n && sa && sb) { wasm_v128_store(o + j, apply_i(OP, wasm_v128_load(x + j), wasm_v128_load(y + j))); continue; } \
    const int32_t m = n - j < 4 ? n - j : 4; \
    for (int32_t k = 0; k < m; k++) \
      o[j + k] = wasm_i32x4_extract_lane(apply_i(OP, wasm_i32x4_splat(x[(j + k) * sa]), wasm_i32x4_splat(y[(j + k) * sb])), 0); \
  }

static void binary_rows_i(int32_t op, const int32_t *x, const int32_t *y, int32_t *o, int32_t n, int32_t sa, int32_t sb) {
  switch (op) {
    case B_ADD: ROW_LOOPS_I(B_ADD) break;
    case B_SUB: ROW_LOOPS_I(B_SUB) break;
    case B_MUL: ROW_LOOPS_I(B_MUL) break;
    default: ROW_LOOPS_I(op) break;
  }
}

static void binary_rows(int32_t op, const float *x, const float *y, float *o, int32_t n, int32_t sa, int32_t sb) {
  if (op >= B_INT) { binary_rows_i(op - B_INT, (const int32_t *)x, (const int32_t *)y, (int32_t *)o, n, sa, sb); return; }
  switch (op) {
    case B_ADD: ROW_LOOPS(B_ADD) break;
    case B_SUB: ROW_LOOPS(B_SUB) break;
    case B_MUL: ROW_LOOPS(B_MUL) break;
    case B_DIV: ROW_LOOPS(B_DIV) break;
    default: ROW_LOOPS(op) break;
  }
}

/* Units are rows of the collapsed output; with rank 1, elements of its one row. */
TASK(binary) {
  const BinaryArgs *g = args;
  if (g->rank == 1) {
    binary_rows(g->op, g->a + begin * g->aInner, g->b + begin * g->bInner, g->out + begin, end - begin, g->aInner, g->bInner);
    return;
  }
  const int32_t outerRank = g->rank - 1, n = g->inner;
  int32_t idx[32];
  int32_t ia = 0, ib = 0, r = begin;
  for (int32_t d = outerRank - 1; d >= 0; d--) {
    idx[d] = r % g->shape[d];
    r /= g->shape[d];
    ia += idx[d] * g->aStrides[d];
    ib += idx[d] * g->bStrides[d];
  }
  for (int32_t row = begin; row < end; row++) {
    binary_rows(g->op, g->a + ia, g->b + ib, g->out + row * n, n, g->aInner, g->bInner);
    for (int32_t d = outerRank - 1; d >= 0; d--) {
      ia += g->aStrides[d];
      ib += g->bStrides[d];
      if (++idx[d] < g->shape[d]) break;
      ia -= g->aStrides[d] * g->shape[d];
      ib -= g->bStrides[d] * g->shape[d];
      idx[d] = 0;
    }
  }
}
