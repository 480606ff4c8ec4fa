/*
 * The fused, in-place optimizer updates (sgd, momentum, rmsprop, adam) over whole vectors: one pass
 * over the parameter, its gradient and its state. Units are vectors (4 elements).
 */
#include "vmath.h"

enum { O_SGD, O_MOMENTUM, O_RMSPROP, O_ADAM };

typedef struct {
  const f4 *g; f4 *p, *s1, *s2;
  int32_t kind, nesterov;
  float lr, momentum, rho, beta1, beta2, epsilon, lrT; /* lrT: adam's bias-corrected rate */
} OptArgs;

TASK(optimizer) {
  const OptArgs *a = args;
  const f4 *g = a->g;
  f4 *p = a->p, *s1 = a->s1, *s2 = a->s2;
  const f4 lr = F4(a->lr), eps = F4(a->epsilon);
  switch (a->kind) {
    case O_SGD:
      for (int32_t i = begin; i < end; i++) p[i] = wasm_f32x4_sub(p[i], wasm_f32x4_mul(lr, g[i]));
      break;
    case O_MOMENTUM: {
      const f4 mu = F4(a->momentum);
      for (int32_t i = begin; i < end; i++) {
        f4 lg = wasm_f32x4_mul(lr, g[i]);
        f4 v = wasm_f32x4_sub(wasm_f32x4_mul(mu, s1[i]), lg);
        s1[i] = v;
        p[i] = wasm_f32x4_add(p[i], a->nesterov ? wasm_f32x4_sub(wasm_f32x4_mul(mu, v), lg) : v);
      }
      break;
    }
    case O_RMSPROP: {
      const f4 rho = F4(a->rho), rho1 = F4(1.0f - a->rho);
      for (int32_t i = begin; i < end; i++) {
        f4 gi = g[i];
        f4 ms = wasm_f32x4_add(wasm_f32x4_mul(rho, s1[i]), wasm_f32x4_mul(rho1, wasm_f32x4_mul(gi, gi)));
        s1[i] = ms;
        p[i] = wasm_f32x4_sub(p[i], wasm_f32x4_div(wasm_f32x4_mul(lr, gi), wasm_f32x4_add(wasm_f32x4_sqrt(ms), eps)));
      }
      break;
    }
    default: {
      const f4 b1 = F4(a->beta1), b11 = F4(1.0f - a->beta1), b2 = F4(a->beta2), b21 = F4(1.0f - a->beta2), lrT = F4(a->lrT);
      for (int32_t i = begin; i < end; i++) {
        f4 gi = g[i];
        f4 m = wasm_f32x4_add(wasm_f32x4_mul(b1, s1[i]), wasm_f32x4_mul(b11, gi));
        f4 v = wasm_f32x4_add(wasm_f32x4_mul(b2, s2[i]), wasm_f32x4_mul(b21, wasm_f32x4_mul(gi, gi)));
        s1[i] = m;
        s2[i] = v;
        p[i] = wasm_f32x4_sub(p[i], wasm_f32x4_div(wasm_f32x4_mul(lrT, m), wasm_f32x4_add(wasm_f32x4_sqrt(v), eps)));
      }
    }
  }
}
