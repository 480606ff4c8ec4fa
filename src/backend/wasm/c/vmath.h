/*
 * Vectorised transcendentals on f32x4 (four lanes at a time), after the single-precision Cephes
 * routines (range reduction, then a short polynomial). Accuracy against the float64 result rounded
 * to float32, measured over dense sweeps (test/wasm.test.ts asserts these bounds):
 *   exp      <= 1 ulp on [-87, 88.7]; overflow gives +Inf, underflow 0 (subnormals kept)
 *   log      <= 1 ulp over all positive floats, subnormals included; log 0 = -Inf, log x<0 = NaN
 *   tanh     <= 1 ulp;  sigmoid <= 2 ulp down to -88 (below that, outputs under 1e-38)
 *   cos      on [0, 2pi] only (used by the normal generator, whose results stay within 1e-6)
 * NaN in gives NaN out everywhere. The polynomials of exp, log and tanh step through madd (c/wt.h):
 * a fused multiply-add in the relaxed modules, rounding once (the bounds above hold either way, and
 * test/wasm.test.ts checks them on both). cos keeps separate multiplies and adds, so the normal
 * generator draws the same numbers on every module and machine.
 */
#ifndef WT_VMATH_H
#define WT_VMATH_H
#include "wt.h"

#define F4(x) wasm_f32x4_splat(x)
#define I4(x) wasm_i32x4_splat(x)

/* pmin/pmax compile to one minps/maxps; with x first, a NaN x passes through unchanged. */
INLINE f4 clampf4(f4 x, float lo, float hi) { return wasm_f32x4_pmin(wasm_f32x4_pmax(x, F4(lo)), F4(hi)); }

/* 2^n for integer lanes n in [-126, 127]. */
INLINE f4 pow2i(v128_t n) { return wasm_i32x4_shl(wasm_i32x4_add(n, I4(127)), 23); }

INLINE f4 v_exp(f4 x) {
  x = clampf4(x, -104.0f, 89.0f);
  f4 fx = wasm_f32x4_nearest(wasm_f32x4_mul(x, F4(1.44269504088896341f)));
  f4 r = wasm_f32x4_sub(wasm_f32x4_sub(x, wasm_f32x4_mul(fx, F4(0.693359375f))), wasm_f32x4_mul(fx, F4(-2.12194440e-4f)));
  f4 z = wasm_f32x4_mul(r, r);
  f4 y = F4(1.9875691500e-4f);
  y = madd(F4(1.3981999507e-3f), y, r);
  y = madd(F4(8.3334519073e-3f), y, r);
  y = madd(F4(4.1665795894e-2f), y, r);
  y = madd(F4(1.6666665459e-1f), y, r);
  y = madd(F4(5.0000001201e-1f), y, r);
  y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(y, z), r), F4(1.0f));
  /* Scale by 2^n in two steps so that n in [-150, 128] (subnormal results and overflow) works. */
  v128_t n = wasm_i32x4_trunc_sat_f32x4(fx);
  v128_t n1 = wasm_i32x4_shr(n, 1);
  return wasm_f32x4_mul(wasm_f32x4_mul(y, pow2i(n1)), pow2i(wasm_i32x4_sub(n, n1)));
}

INLINE f4 v_log(f4 x0) {
  /* Subnormal inputs are scaled by 2^25 first so the exponent field is meaningful. */
  v128_t tiny = wasm_f32x4_lt(x0, F4(1.17549435e-38f));
  f4 x = wasm_v128_bitselect(wasm_f32x4_mul(x0, F4(33554432.0f)), x0, tiny);
  v128_t bits = x;
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), I4(126));
  e = wasm_i32x4_sub(e, wasm_v128_and(tiny, I4(25)));
  f4 m = wasm_v128_or(wasm_v128_and(bits, I4(0x007fffff)), I4(0x3f000000)); /* [0.5, 1) */
  v128_t small = wasm_f32x4_lt(m, F4(0.707106781186547524f));
  e = wasm_i32x4_add(e, small); /* true lanes are -1 */
  m = wasm_f32x4_sub(wasm_f32x4_add(m, wasm_v128_and(small, m)), F4(1.0f));
  f4 fe = wasm_f32x4_convert_i32x4(e);
  f4 z = wasm_f32x4_mul(m, m);
  f4 y = F4(7.0376836292e-2f);
  y = madd(F4(-1.1514610310e-1f), y, m);
  y = madd(F4(1.1676998740e-1f), y, m);
  y = madd(F4(-1.2420140846e-1f), y, m);
  y = madd(F4(1.4249322787e-1f), y, m);
  y = madd(F4(-1.6668057665e-1f), y, m);
  y = madd(F4(2.0000714765e-1f), y, m);
  y = madd(F4(-2.4999993993e-1f), y, m);
  y = madd(F4(3.3333331174e-1f), y, m);
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, m), z);
  y = wasm_f32x4_add(y, wasm_f32x4_mul(fe, F4(-2.12194440e-4f)));
  y = wasm_f32x4_sub(y, wasm_f32x4_mul(z, F4(0.5f)));
  f4 r = wasm_f32x4_add(wasm_f32x4_add(m, y), wasm_f32x4_mul(fe, F4(0.693359375f)));
  /* Special values: +Inf -> +Inf, 0 -> -Inf, negative -> NaN, NaN -> NaN. */
  r = wasm_v128_bitselect(x0, r, wasm_f32x4_eq(x0, F4(__builtin_inff())));
  r = wasm_v128_bitselect(F4(-__builtin_inff()), r, wasm_f32x4_eq(x0, F4(0.0f)));
  r = wasm_v128_bitselect(F4(__builtin_nanf("")), r, wasm_f32x4_lt(x0, F4(0.0f)));
  return wasm_v128_bitselect(x0, r, wasm_f32x4_ne(x0, x0));
}

INLINE f4 v_sigmoid(f4 x) {
  return wasm_f32x4_div(F4(1.0f), wasm_f32x4_add(F4(1.0f), v_exp(wasm_f32x4_neg(x))));
}

INLINE f4 v_tanh(f4 x) {
  f4 ax = wasm_f32x4_abs(x);
  /* |x| > 0.625: 1 - 2 / (e^2|x| + 1), with the sign of x put back. */
  f4 big = wasm_f32x4_sub(F4(1.0f), wasm_f32x4_div(F4(2.0f), wasm_f32x4_add(v_exp(wasm_f32x4_add(ax, ax)), F4(1.0f))));
  big = wasm_v128_or(big, wasm_v128_and(x, I4((int32_t)0x80000000)));
  f4 z = wasm_f32x4_mul(x, x);
  f4 p = F4(-5.70498872745e-3f);
  p = madd(F4(2.06390887954e-2f), p, z);
  p = madd(F4(-5.37397155531e-2f), p, z);
  p = madd(F4(1.33314422036e-1f), p, z);
  p = madd(F4(-3.33332819422e-1f), p, z);
  f4 smallr = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, z), x), x);
  return wasm_v128_bitselect(big, smallr, wasm_f32x4_gt(ax, F4(0.625f)));
}

/* cos(x) for x >= 0 (the generator's angles lie in [0, 2pi)). */
INLINE f4 v_cos(f4 x) {
  v128_t j = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_mul(x, F4(1.27323954473516f)));
  j = wasm_i32x4_add(j, wasm_v128_and(j, I4(1))); /* odd octant: move to the next */
  f4 y = wasm_f32x4_convert_i32x4(j);
  j = wasm_v128_and(j, I4(7));
  /* the result is negated for j = 2 and 4 (j is even after the rounding above) */
  v128_t jm = wasm_v128_and(j, I4(3));
  v128_t neg = wasm_i32x4_ne(wasm_v128_and(wasm_i32x4_add(j, I4(2)), I4(4)), I4(0));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(y, F4(0.78515625f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(y, F4(2.4187564849853515625e-4f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(y, F4(3.77489497744594108e-8f)));
  f4 z = wasm_f32x4_mul(x, x);
  f4 c = F4(2.443315711809948e-5f);
  c = wasm_f32x4_add(wasm_f32x4_mul(c, z), F4(-1.388731625493765e-3f));
  c = wasm_f32x4_add(wasm_f32x4_mul(c, z), F4(4.166664568298827e-2f));
  c = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(wasm_f32x4_mul(c, z), z), wasm_f32x4_mul(z, F4(0.5f))), F4(1.0f));
  f4 s = F4(-1.9515295891e-4f);
  s = wasm_f32x4_add(wasm_f32x4_mul(s, z), F4(8.3321608736e-3f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, z), F4(-1.6666654611e-1f));
  s = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(s, z), x), x);
  /* j = 2 or 6 (mod 8): the sine polynomial; signs: cos for j=0, -sin for 2, -cos for 4, sin for 6 */
  f4 r = wasm_v128_bitselect(s, c, wasm_i32x4_eq(jm, I4(2)));
  return wasm_v128_xor(r, wasm_v128_and(neg, I4((int32_t)0x80000000)));
}

#endif
