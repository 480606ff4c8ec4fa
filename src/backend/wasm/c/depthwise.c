/*
 * Depthwise convolution over NHWC images, filter [kH, kW, C, mult]: output channel c*mult + q of a
 * pixel sums x[tap, c] * f[ky, kx, c, q] over the window's taps. Channels are the contiguous axis of
 * x, the filter and the output, so with mult 1 every tap is one f32x4 multiply-add per four channels;
 * other multipliers take a scalar loop. A tap in the padding contributes nothing.
 *
 * Units (each output element is summed by one unit, in one order, so any split gives the same bits):
 * forward: output rows (b, oy), four pixels at a time sharing each filter load; input gradient:
 * input rows (b, iy), gathering from the windows that read each pixel; filter gradient: (tap,
 * block of 32 channels), summing over every pixel of the batch in registers.
 */
#include "wt.h"

/* Written by wasm/conv.ts; all fields 4 bytes, in this order. */
typedef struct {
  const float *x;   /* forward, filter gradient: the images; input gradient: dy */
  const float *f;   /* forward, input gradient: the filter; filter gradient: dy */
  float *out;
  int32_t batch, inH, inW, inC, outH, outW, kH, kW, sH, sW, dH, dW, padT, padL, mult;
} DwArgs;

/* acc + x[ix] * fv when column ix is inside [0, w) */
INLINE f4 madd_at(f4 acc, const float *xr, int32_t ix, int32_t w, int32_t C, f4 fv) {
  return (uint32_t)ix < (uint32_t)w ? wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(xr + ix * C), fv)) : acc;
}

TASK(depthwise) {
  const DwArgs *g = args;
  const int32_t C = g->inC, M = g->mult, OC = C * M, C4 = M == 1 ? C & ~3 : 0;
  for (int32_t row = begin; row < end; row++) {
    const int32_t b = row / g->outH, oy = row % g->outH;
    float *o = g->out + row * g->outW * OC;
    for (int32_t ox = 0; ox < g->outW; ox += 4) {
      const int32_t n = imin(4, g->outW - ox), st = g->sW, ix0 = ox * st - g->padL;
      /* four pixels whose every tap is inside the row: no bounds checks in the tap loop */
      const int32_t inside = n == 4 && ix0 >= 0 && ix0 + 3 * st + (g->kW - 1) * g->dW < g->inW;
      for (int32_t c = 0; c < C4; c += 4) {
        f4 a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
        for (int32_t ky = 0; ky < g->kH; ky++) {
          const int32_t iy = oy * g->sH - g->padT + ky * g->dH;
          if (iy < 0 || iy >= g->inH) continue;
          const float *xr = g->x + (b * g->inH + iy) * g->inW * C + c, *fr = g->f + ky * g->kW * C + c;
          if (inside && g->kW == 3 && st == 1 && g->dW == 1) {
            /* the common 3-wide, stride-1 window: four pixels share six input columns */
            const float *xp = xr + ix0 * C;
            const f4 f0 = wasm_v128_load(fr), f1 = wasm_v128_load(fr + C), f2 = wasm_v128_load(fr + 2 * C);
            const f4 x0 = wasm_v128_load(xp), x1 = wasm_v128_load(xp + C), x2 = wasm_v128_load(xp + 2 * C);
            const f4 x3 = wasm_v128_load(xp + 3 * C), x4 = wasm_v128_load(xp + 4 * C), x5 = wasm_v128_load(xp + 5 * C);
            a0 = wasm_f32x4_add(a0, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(x0, f0), wasm_f32x4_mul(x1, f1)), wasm_f32x4_mul(x2, f2)));
            a1 = wasm_f32x4_add(a1, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(x1, f0), wasm_f32x4_mul(x2, f1)), wasm_f32x4_mul(x3, f2)));
            a2 = wasm_f32x4_add(a2, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(x2, f0), wasm_f32x4_mul(x3, f1)), wasm_f32x4_mul(x4, f2)));
            a3 = wasm_f32x4_add(a3, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(x3, f0), wasm_f32x4_mul(x4, f1)), wasm_f32x4_mul(x5, f2)));
            continue;
          }
          if (inside) {
            const int32_t step = st * C;
            const float *xp = xr + ix0 * C;
            for (int32_t kx = 0; kx < g->kW; kx++, xp += g->dW * C) {
              const f4 fv = wasm_v128_load(fr + kx * C);
              a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xp), fv));
              a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(xp + step), fv));
              a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load(xp + 2 * step), fv));
              a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load(xp + 3 * step), fv));
            }
            continue;
          }
          for (int32_t kx = 0; kx < g->kW; kx++) {
            const f4 fv = wasm_v128_load(fr + kx * C);
            const int32_t ix = ix0 + kx * g->dW;
            a0 = madd_at(a0, xr, ix, g->inW, C, fv);
            a1 = madd_at(a1, xr, ix + st, n > 1 ? g->inW : 0, C, fv);
            a2 = madd_at(a2, xr, ix + 2 * st, n > 2 ? g->inW : 0, C, fv);
            a3 = madd_at(a3, xr, ix + 3 * st, n > 3 ? g->inW : 0, C, fv);
          }
        }
        float *d = o + ox * OC + c;
        wasm_v128_store(d, a0);
        if (n > 1) wasm_v128_store(d + OC, a1);
        if (n > 2) wasm_v128_store(d + 2 * OC, a2);
        if (n > 3) wasm_v128_store(d + 3 * OC, a3);
      }
      /* the channels left over (all of them when mult > 1), one output element at a time */
      for (int32_t j = 0; j < n; j++) {
        for (int32_t oc = C4; oc < OC; oc++) {
          const int32_t c = oc / M, q = oc % M;
          float s = 0;
          for (int32_t ky = 0; ky < g->kH; ky++) {
            const int32_t iy = oy * g->sH - g->padT + ky * g->dH;
            if (iy < 0 || iy >= g->inH) continue;
            for (int32_t kx = 0; kx < g->kW; kx++) {
              const int32_t ix = (ox + j) * g->sW - g->padL + kx * g->dW;
              if (ix < 0 || ix >= g->inW) continue;
              s += g->x[((b * g->inH + iy) * g->inW + ix) * C + c] * g->f[((ky * g->kW + kx) * C + c) * M + q];
            }
          }
          o[(ox + j) * OC + oc] = s;
        }
      }
    }
  }
}

/* The output position that tap k of a window reads input position i from, or -1. */
INLINE int32_t window_of(int32_t i, int32_t pad, int32_t k, int32_t dil, int32_t stride, int32_t outSize) {
  const int32_t t = i + pad - k * dil;
  if (t < 0 || t % stride) return -1;
  return t / stride < outSize ? t / stride : -1;
}

/* Units: input rows (b, iy). dx[.., c] = sum over the windows (and multipliers) that read it. */
TASK(depthwise_input_grad) {
  const DwArgs *g = args;
  const int32_t C = g->inC, M = g->mult, OC = C * M, C4 = M == 1 ? C & ~3 : 0;
  const float *dy = g->x;
  for (int32_t row = begin; row < end; row++) {
    const int32_t b = row / g->inH, iy = row % g->inH;
    float *o = g->out + row * g->inW * C;
    for (int32_t ix = 0; ix < g->inW; ix++) {
      for (int32_t c = 0; c < C4; c += 4) {
        f4 acc = wasm_f32x4_splat(0);
        for (int32_t ky = 0; ky < g->kH; ky++) {
          const int32_t oy = window_of(iy, g->padT, ky, g->dH, g->sH, g->outH);
          if (oy < 0) continue;
          for (int32_t kx = 0; kx < g->kW; kx++) {
            const int32_t ox = window_of(ix, g->padL, kx, g->dW, g->sW, g->outW);
            if (ox < 0) continue;
            acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(dy + ((b * g->outH + oy) * g->outW + ox) * OC + c),
                                                     wasm_v128_load(g->f + (ky * g->kW + kx) * C + c)));
          }
        }
        wasm_v128_store(o + ix * C + c, acc);
      }
      for (int32_t c = C4; c < C; c++) {
        float s = 0;
        for (int32_t ky = 0; ky < g->kH; ky++) {
          const int32_t oy = window_of(iy, g->padT, ky, g->dH, g->sH, g->outH);
          if (oy < 0) continue;
          for (int32_t kx = 0; kx < g->kW; kx++) {
            const int32_t ox = window_of(ix, g->padL, kx, g->dW, g->sW, g->outW);
            if (ox < 0) continue;
            const float *d = dy + ((b * g->outH + oy) * g->outW + ox) * OC + c * M, *f = g->f + ((ky * g->kW + kx) * C + c) * M;
            for (int32_t q = 0; q < M; q++) s += d[q] * f[q];
          }
        }
        o[ix * C + c] = s;
      }
    }
  }
}

#define DW_BLOCK 32

/* Units: (tap, block of DW_BLOCK channels). df[tap, c, q] = sum over all output pixels of x * dy. */
TASK(depthwise_filter_grad) {
  const DwArgs *g = args;
  const int32_t C = g->inC, M = g->mult, OC = C * M, blocks = (C + DW_BLOCK - 1) / DW_BLOCK;
  const float *dy = g->f;
  for (int32_t u = begin; u < end; u++) {
    const int32_t tap = u / blocks, c0 = u % blocks * DW_BLOCK, c1 = imin(C, c0 + DW_BLOCK);
    const int32_t ky = tap / g->kW, kx = tap % g->kW;
    const int32_t nv = M == 1 ? (c1 - c0) / 4 : 0, cs = c0 + 4 * nv; /* vectors, then scalar channels from cs */
    f4 acc[DW_BLOCK / 4];
#pragma clang loop unroll(full)
    for (int32_t v = 0; v < DW_BLOCK / 4; v++) acc[v] = wasm_f32x4_splat(0);
    float *o = g->out + tap * OC;
    for (int32_t oc = cs * M; oc < c1 * M; oc++) o[oc] = 0;
    for (int32_t b = 0; b < g->batch; b++) {
      for (int32_t oy = 0; oy < g->outH; oy++) {
        const int32_t iy = oy * g->sH - g->padT + ky * g->dH;
        if (iy < 0 || iy >= g->inH) continue;
        for (int32_t ox = 0; ox < g->outW; ox++) {
          const int32_t ix = ox * g->sW - g->padL + kx * g->dW;
          if (ix < 0 || ix >= g->inW) continue;
          const float *xs = g->x + ((b * g->inH + iy) * g->inW + ix) * C, *ds = dy + ((b * g->outH + oy) * g->outW + ox) * OC;
#pragma clang loop unroll(full)
          for (int32_t v = 0; v < DW_BLOCK / 4; v++)
            if (v < nv) acc[v] = wasm_f32x4_add(acc[v], wasm_f32x4_mul(wasm_v128_load(xs + c0 + 4 * v), wasm_v128_load(ds + c0 + 4 * v)));
          for (int32_t c = cs; c < c1; c++)
            for (int32_t q = 0; q < M; q++) o[c * M + q] += xs[c] * ds[c * M + q];
        }
      }
    }
#pragma clang loop unroll(full)
    for (int32_t v = 0; v < DW_BLOCK / 4; v++)
      if (v < nv) wasm_v128_store(o + c0 + 4 * v, acc[v]);
  }
}
