/*
 * Vector trigonometric, hyperbolic and error functions over f32x4 (no libm in this build), in the
 * manner of Cephes's single-precision routines: a range reduction, then a short polynomial.
 * Accurate to a few float32 ulps over the ranges the tests cover (|x| below about 1e4 for sin/cos).
 */
#ifndef WT_VTRIG_H
#define WT_VTRIG_H
#include "vmath.h"

#define M(a, b) wasm_f32x4_mul(a, b)
#define A(a, b) wasm_f32x4_add(a, b)
#define S(a, b) wasm_f32x4_sub(a, b)

/* sin (cosine = 0) or cos (cosine = 1): x = j pi/2 + r with |r| <= pi/4, j taken to the nearest. */
INLINE f4 v_sincos(f4 x, int cosine) {
  f4 j = wasm_f32x4_nearest(M(x, F4(0.63661977236758134f)));
  f4 r = S(x, M(j, F4(1.5703125f)));
  r = S(r, M(j, F4(4.837512969970703125e-4f)));
  r = S(r, M(j, F4(7.54978995489188216e-8f)));
  v128_t q = wasm_i32x4_trunc_sat_f32x4(j);
  if (cosine) q = wasm_i32x4_add(q, I4(1));
  f4 z = M(r, r);
  f4 s = A(M(M(A(M(A(M(z, F4(-1.9515295891e-4f)), F4(8.3321608736e-3f)), z), F4(-1.6666654611e-1f)), z), r), r);
  f4 c = A(S(M(M(z, z), A(M(A(M(z, F4(2.443315711809948e-5f)), F4(-1.388731625493765e-3f)), z), F4(4.166664568298827e-2f))), M(z, F4(0.5f))), F4(1.0f));
  v128_t odd = wasm_i32x4_eq(wasm_v128_and(q, I4(1)), I4(1));
  f4 y = wasm_v128_bitselect(c, s, odd);
  v128_t neg = wasm_i32x4_eq(wasm_v128_and(q, I4(2)), I4(2));
  return wasm_v128_xor(y, wasm_v128_and(neg, I4((int32_t)0x80000000)));
}

/* atan: |x| reduced below tan(pi/8) by the identities atan x = pi/2 - atan(1/x), pi/4 + atan((x-1)/(x+1)). */
INLINE f4 v_atan(f4 x0) {
  f4 x = wasm_f32x4_abs(x0);
  v128_t big = wasm_f32x4_gt(x, F4(2.414213562373095f));
  v128_t mid = wasm_v128_andnot(wasm_f32x4_gt(x, F4(0.4142135623730950f)), big);
  f4 y0 = wasm_v128_bitselect(F4(1.5707963267948966f), wasm_v128_bitselect(F4(0.7853981633974483f), F4(0.0f), mid), big);
  f4 xr = wasm_v128_bitselect(wasm_f32x4_div(F4(-1.0f), x), wasm_v128_bitselect(wasm_f32x4_div(S(x, F4(1.0f)), A(x, F4(1.0f))), x, mid), big);
  f4 z = M(xr, xr);
  f4 p = A(M(M(A(M(A(M(A(M(z, F4(8.05374449538e-2f)), F4(-1.38776856032e-1f)), z), F4(1.99777106478e-1f)), z), F4(-3.33329491539e-1f)), z), xr), xr);
  f4 y = A(y0, p);
  return wasm_v128_or(y, wasm_v128_and(x0, I4((int32_t)0x80000000)));
}

/* asin x = atan(x / sqrt(1 - x^2)); NaN beyond |x| > 1 (sqrt of a negative). */
INLINE f4 v_asin(f4 x) { return v_atan(wasm_f32x4_div(x, wasm_f32x4_sqrt(S(F4(1.0f), M(x, x))))); }

/* e^x - 1, with its Taylor series where exp's rounding would swamp small x. */
INLINE f4 v_expm1(f4 x) {
  f4 small = M(x, A(F4(1.0f), M(x, A(F4(0.5f), M(x, A(F4(1.0f / 6.0f), M(x, F4(1.0f / 24.0f))))))));
  return wasm_v128_bitselect(small, S(v_exp(x), F4(1.0f)), wasm_f32x4_lt(wasm_f32x4_abs(x), F4(1e-2f)));
}

/* log(1 + x) = log(u) * x / (u - 1) with u = 1 + x rounded (exact where u == 1: then x). */
INLINE f4 v_log1p(f4 x) {
  f4 u = A(F4(1.0f), x);
  f4 d = S(u, F4(1.0f));
  f4 r = M(v_log(u), wasm_f32x4_div(x, d));
  r = wasm_v128_bitselect(v_log(u), r, wasm_f32x4_eq(u, F4(__builtin_inff())));
  return wasm_v128_bitselect(x, r, wasm_f32x4_eq(d, F4(0.0f)));
}

/* erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
INLINE f4 v_erf(f4 x0) {
  f4 x = wasm_f32x4_abs(x0);
  f4 t = wasm_f32x4_div(F4(1.0f), A(F4(1.0f), M(x, F4(0.3275911f))));
  f4 p = M(t, A(F4(0.254829592f), M(t, A(F4(-0.284496736f), M(t, A(F4(1.421413741f), M(t, A(F4(-1.453152027f), M(t, F4(1.061405429f))))))))));
  f4 y = S(F4(1.0f), M(p, v_exp(wasm_f32x4_neg(M(x, x)))));
  return wasm_v128_or(y, wasm_v128_and(x0, I4((int32_t)0x80000000)));
}

#undef M
#undef A
#undef S
#endif
