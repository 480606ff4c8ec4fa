/*
 * The window kernels of conv2d and pooling over NHWC images: im2col, col2im, pool, pool_grad.
 * Output pixel (oy, ox) reads taps (oy * sH - padT + ky * dH, ox * sW - padL + kx * dW); a tap outside
 * the image is padding (0 for im2col, ignored by pooling). Channels are the contiguous axis, so each
 * tap moves or reduces a run of C floats, four at a time.
 *
 * im2col and pool split over output pixels (each writes its own row). col2im and pool_grad add into
 * the input's gradient, where windows overlap: their units are whole images, so no two threads ever
 * add to the same place; a task zeroes its images' gradient first.
 */
#include "wt.h"

typedef struct {
  const float *x;  /* im2col/pool: the images; col2im: the cols; pool_grad: the images (max) */
  float *out;
  int32_t batch, inH, inW, inC, outH, outW, kH, kW, sH, sW, dH, dW, padT, padL;
  int32_t op;      /* pool, pool_grad: 0 max, 1 avg */
  const float *dy; /* pool_grad: the output's gradient */
} WindowArgs;

/* The flat offset of pixel (iy, ix) of image b, channel 0, or -1 in the padding. */
INLINE int32_t at(const WindowArgs *g, int32_t b, int32_t iy, int32_t ix) {
  return iy >= 0 && iy < g->inH && ix >= 0 && ix < g->inW ? ((b * g->inH + iy) * g->inW + ix) * g->inC : -1;
}

/* Output pixel `row` as (b, oy, ox). */
INLINE void pixel(const WindowArgs *g, int32_t row, int32_t *b, int32_t *oy, int32_t *ox) {
  *ox = row % g->outW;
  *oy = (row / g->outW) % g->outH;
  *b = row / (g->outW * g->outH);
}

/*
 * Visit the real taps of output pixel `row` in window order (ky, then kx), running the body with `src`
 * (the tap's offset, channel 0) and `first` (no real tap came before it).
 */
#define FOR_REAL_TAPS(g, row, ...) do { \
    int32_t b_, oy_, ox_, seen_ = 0; \
    pixel(g, row, &b_, &oy_, &ox_); \
    for (int32_t ky_ = 0; ky_ < (g)->kH; ky_++) { \
      const int32_t iy_ = oy_ * (g)->sH - (g)->padT + ky_ * (g)->dH; \
      if (iy_ < 0 || iy_ >= (g)->inH) continue; \
      for (int32_t kx_ = 0; kx_ < (g)->kW; kx_++) { \
        const int32_t src = at(g, b_, iy_, ox_ * (g)->sW - (g)->padL + kx_ * (g)->dW); \
        if (src < 0) continue; \
        const int32_t first = seen_++ == 0; \
        (void)first; \
        __VA_ARGS__ \
      } \
    } \
  } while (0)

/* Windows up to this many taps have their real taps listed once per pixel (pool_grad). */
#define TAPS_MAX 64

/* The count of real taps of output pixel `row`. */
INLINE int32_t count_taps(const WindowArgs *g, int32_t row) {
  int32_t n = 0;
  FOR_REAL_TAPS(g, row, { (void)src; n++; });
  return n;
}

/* Units: output pixels. cols[row, (ky*kW + kx)*C + c] = x[b, iy, ix, c], or 0 in the padding. */
TASK(im2col) {
  const WindowArgs *g = args;
  const int32_t C = g->inC, bytes = C * 4;
  for (int32_t row = begin; row < end; row++) {
    const int32_t ox = row % g->outW, oy = (row / g->outW) % g->outH, b = row / (g->outW * g->outH);
    float *o = g->out + row * g->kH * g->kW * C;
    for (int32_t ky = 0; ky < g->kH; ky++) {
      const int32_t iy = oy * g->sH - g->padT + ky * g->dH;
      for (int32_t kx = 0; kx < g->kW; kx++, o += C) {
        const int32_t src = at(g, b, iy, ox * g->sW - g->padL + kx * g->dW);
        if (src < 0) __builtin_memset(o, 0, (uint32_t)bytes);
        else __builtin_memcpy(o, g->x + src, (uint32_t)bytes);
      }
    }
  }
}

/* r[0..n) += s[0..n) */
INLINE void add_run(float *r, const float *s, int32_t n) {
  int32_t c = 0;
  for (; c + 4 <= n; c += 4) wasm_v128_store(r + c, wasm_f32x4_add(wasm_v128_load(r + c), wasm_v128_load(s + c)));
  for (; c < n; c++) r[c] += s[c];
}

/* Units: images. dx = 0, then every cols entry added where im2col read it from. */
TASK(col2im) {
  const WindowArgs *g = args;
  const int32_t C = g->inC, image = g->inH * g->inW * C, pixels = g->outH * g->outW, K = g->kH * g->kW * C;
  for (int32_t b = begin; b < end; b++) {
    __builtin_memset(g->out + b * image, 0, (uint32_t)image * 4);
    for (int32_t p = 0; p < pixels; p++) {
      const int32_t row = b * pixels + p, ox = p % g->outW, oy = p / g->outW;
      const float *s = g->x + row * K;
      for (int32_t ky = 0; ky < g->kH; ky++) {
        const int32_t iy = oy * g->sH - g->padT + ky * g->dH;
        for (int32_t kx = 0; kx < g->kW; kx++, s += C) {
          const int32_t dst = at(g, b, iy, ox * g->sW - g->padL + kx * g->dW);
          if (dst >= 0) add_run(g->out + dst, s, C);
        }
      }
    }
  }
}

/*
 * Units: output pixels. max (the first maximal real tap) or mean over the real taps, per channel;
 * 0 for a window without a real tap. The output row is the accumulator.
 */
TASK(pool) {
  const WindowArgs *g = args;
  const int32_t C = g->inC, C4 = C & ~3;
  for (int32_t row = begin; row < end; row++) {
    float *o = g->out + row * C;
    int32_t n = 0;
    FOR_REAL_TAPS(g, row, {
      const float *v = g->x + src;
      n++;
      if (first) __builtin_memcpy(o, v, (uint32_t)C * 4);
      else if (g->op == 0) {
        /* strictly greater: an equal later tap keeps the earlier one, as the gradient assumes */
        for (int32_t c = 0; c < C4; c += 4) {
          const f4 a = wasm_v128_load(o + c), x = wasm_v128_load(v + c);
          wasm_v128_store(o + c, wasm_v128_bitselect(x, a, wasm_f32x4_gt(x, a)));
        }
        for (int32_t c = C4; c < C; c++) if (v[c] > o[c]) o[c] = v[c];
      } else {
        for (int32_t c = 0; c < C4; c += 4) wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(o + c), wasm_v128_load(v + c)));
        for (int32_t c = C4; c < C; c++) o[c] += v[c];
      }
    });
    if (n == 0) __builtin_memset(o, 0, (uint32_t)C * 4);
    else if (g->op == 1) {
      const f4 nv = wasm_f32x4_splat((float)n);
      for (int32_t c = 0; c < C4; c += 4) wasm_v128_store(o + c, wasm_f32x4_div(wasm_v128_load(o + c), nv));
      for (int32_t c = C4; c < C; c++) o[c] /= (float)n;
    }
  }
}

/*
 * Units: images. dx = 0; max: each window's dy goes to its first maximal real tap (found four
 * channels at a time: the best value and its tap's offset per lane); avg: dy / count to each real tap.
 */
TASK(pool_grad) {
  const WindowArgs *g = args;
  const int32_t C = g->inC, C4 = C & ~3, image = g->inH * g->inW * C, pixels = g->outH * g->outW;
  for (int32_t b = begin; b < end; b++) {
    __builtin_memset(g->out + b * image, 0, (uint32_t)image * 4);
    for (int32_t row = b * pixels; row < (b + 1) * pixels; row++) {
      const float *d = g->dy + row * C;
      if (g->op == 1) {
        const int32_t n = count_taps(g, row);
        if (n == 0) continue;
        const f4 nv = wasm_f32x4_splat((float)n);
        FOR_REAL_TAPS(g, row, {
          float *r = g->out + src;
          for (int32_t c = 0; c < C4; c += 4) wasm_v128_store(r + c, wasm_f32x4_add(wasm_v128_load(r + c), wasm_f32x4_div(wasm_v128_load(d + c), nv)));
          for (int32_t c = C4; c < C; c++) r[c] += d[c] / (float)n;
        });
        continue;
      }
      /* the window's real taps once per pixel, then every channel chunk over them */
      int32_t taps[TAPS_MAX], n = 0;
      const int32_t listed = g->kH * g->kW <= TAPS_MAX;
      if (listed) FOR_REAL_TAPS(g, row, { taps[n++] = src; });
      for (int32_t c = 0; c < C4; c += 4) {
        f4 best = wasm_f32x4_splat(0);
        v128_t arg = wasm_i32x4_splat(-1);
        if (listed) {
          for (int32_t j = 0; j < n; j++) {
            const int32_t src = taps[j];
            const f4 x = wasm_v128_load(g->x + src + c);
            const v128_t take = j == 0 ? wasm_i32x4_splat(-1) : wasm_f32x4_gt(x, best);
            best = wasm_v128_bitselect(x, best, take);
            arg = wasm_v128_bitselect(wasm_i32x4_splat(src + c), arg, take);
          }
        } else {
          FOR_REAL_TAPS(g, row, {
            const f4 x = wasm_v128_load(g->x + src + c);
            const v128_t take = first ? wasm_i32x4_splat(-1) : wasm_f32x4_gt(x, best);
            best = wasm_v128_bitselect(x, best, take);
            arg = wasm_v128_bitselect(wasm_i32x4_splat(src + c), arg, take);
          });
        }
        if (wasm_i32x4_extract_lane(arg, 0) < 0) continue; /* no real tap */
        g->out[wasm_i32x4_extract_lane(arg, 0)] += d[c];
        g->out[wasm_i32x4_extract_lane(arg, 1) + 1] += d[c + 1];
        g->out[wasm_i32x4_extract_lane(arg, 2) + 2] += d[c + 2];
        g->out[wasm_i32x4_extract_lane(arg, 3) + 3] += d[c + 3];
      }
      for (int32_t c = C4; c < C; c++) {
        int32_t arg = -1;
        FOR_REAL_TAPS(g, row, {
          if (first || g->x[src + c] > g->x[arg]) arg = src + c;
        });
        if (arg >= 0) g->out[arg] += d[c];
      }
    }
  }
}
