/*
 * The counter-based generator of src/backend/random.ts, four elements per vector: element i under
 * `seed` depends only on (seed, i), so any split of the work across threads gives the same numbers,
 * and the numbers match the other backends (uniform exactly; normal within float32 rounding of the
 * log, sqrt and cos of Box-Muller). Units are vectors (4 elements).
 */
#include "vmath.h"

typedef struct { float *out; int32_t normal; uint32_t key; float a, b; } RandomArgs;

/* lowbias32 */
INLINE v128_t hash32(v128_t x) {
  x = wasm_v128_xor(x, wasm_u32x4_shr(x, 16));
  x = wasm_i32x4_mul(x, I4(0x7feb352d));
  x = wasm_v128_xor(x, wasm_u32x4_shr(x, 15));
  x = wasm_i32x4_mul(x, I4((int32_t)0x846ca68b));
  return wasm_v128_xor(x, wasm_u32x4_shr(x, 16));
}

/* 24 random bits of stream s for elements i (as random.ts's bits(seed, i, s) >>> 8). */
INLINE f4 bits24(v128_t key, v128_t i, int32_t s) {
  v128_t c = wasm_i32x4_add(wasm_i32x4_shl(i, 1), I4(s));
  return wasm_f32x4_convert_i32x4(wasm_u32x4_shr(hash32(wasm_i32x4_add(key, hash32(c))), 8));
}

TASK(random) {
  const RandomArgs *g = args;
  const v128_t key = I4((int32_t)g->key);
  const f4 a = F4(g->a), b = F4(g->b), scale = F4(1.0f / 16777216.0f);
  f4 *o = (f4 *)g->out;
  v128_t idx = wasm_i32x4_add(I4(begin * 4), wasm_i32x4_make(0, 1, 2, 3));
  for (int32_t u = begin; u < end; u++, idx = wasm_i32x4_add(idx, I4(4))) {
    if (!g->normal) {
      /* a + (b - a) u, with b holding b - a */
      o[u] = wasm_f32x4_add(a, wasm_f32x4_mul(b, wasm_f32x4_mul(bits24(key, idx, 0), scale)));
    } else {
      f4 u1 = wasm_f32x4_mul(wasm_f32x4_add(bits24(key, idx, 0), F4(1.0f)), scale);
      f4 u2 = wasm_f32x4_mul(bits24(key, idx, 1), scale);
      f4 r = wasm_f32x4_sqrt(wasm_f32x4_mul(F4(-2.0f), v_log(u1)));
      f4 z = wasm_f32x4_mul(r, v_cos(wasm_f32x4_mul(F4(6.2831855f), u2)));
      o[u] = wasm_f32x4_add(a, wasm_f32x4_mul(b, z));
    }
  }
}
