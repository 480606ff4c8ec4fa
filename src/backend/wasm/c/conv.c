/*
 * conv2d as an implicit GEMM: the matmul of c/matmul.c with its A operand packed straight from the
 * image, so the im2col matrix is never written and read back. matmul_compute calls conv_pack_a in
 * place of its own pack_a when MatmulArgs.conv is set; B (the filter, or dy) is packed as usual.
 *
 * The contract with matmul.c is its packed-A layout only: MR-row slivers, sliver s of a block of
 * rows [i0, i0+rows) and k range [p0, p0+kc) at dst[s*kc*MR + (p-p0)*MR + r], zeros in the rows past
 * the block. MR comes in ConvPack.mr (from matmul_mr()), so a retuned micro-kernel needs no change
 * here (up to MR_MAX rows).
 *
 *   mode 0 (forward, input gradient): row i is a pixel of the grid, column p = tap * C + c reads
 *          channel c of the tap's source pixel, as im2col's row would hold it;
 *   mode 1 (filter gradient): row i = tap * C + c, column p a pixel: the im2col matrix transposed.
 *
 * Tap (ky, kx) of grid pixel (py, px) reads source row (py*mulY + offY + ky*tapY) / divY when that
 * division is exact and the row is inside the source (columns alike): forward and the filter
 * gradient read x through the window (mul = stride, off = -pad, tap = dilation, div = 1); the input
 * gradient reads dy through the window turned around (mul = 1, off = pad, tap = -dilation, div =
 * stride), which makes dx = that A times the filter with its channel axes swapped.
 */
#include "wt.h"

#define MR_MAX 8

/* Written by wasm/conv.ts as an int32 array; all fields 4 bytes, in this order. */
typedef struct {
  const float *src;    /* the image that the windows read */
  const float *zeros;  /* at least srcC zeros (rounded up to 4): what a tap in the padding reads */
  float *rowBuf;       /* mode 1: per thread, rowStride floats */
  int32_t rowStride;
  int32_t mode, mr;
  int32_t srcH, srcW, srcC; /* the source image (batch of them) */
  int32_t gridH, gridW;     /* the pixels the rows (mode 0) or columns (mode 1) run over */
  int32_t kH, kW;
  int32_t mulY, mulX, offY, offX, tapY, tapX, divY, divX;
  int32_t batchK;      /* mode 1: the pixels of each product of a batched (split-K) matmul */
} ConvPack;

/* The most tap runs one block spans: a run per row (mode 1) or per column of a k-block (mode 0) at
 * worst, with one channel; wasm/conv.ts checks the blocking against it. */
#define RUNS_MAX 272

/* The tap runs of the k range (or row range) [i, iend): run u is channels [c[u], c[u] + len[u]) of
 * the tap whose source sits dy[u] rows and dx[u] columns (before the division) from the pixel's. */
typedef struct {
  int32_t dy[RUNS_MAX], dx[RUNS_MAX], c[RUNS_MAX], len[RUNS_MAX], n;
  /* with div 1: each run's offset from its pixel's (y0, x0) source, and the span of dy and dx,
   * so a pixel whose every run is inside the image takes them without bounds checks */
  int32_t off[RUNS_MAX], dyMin, dyMax, dxMin, dxMax;
} Runs;

INLINE void tap_runs(const ConvPack *g, Runs *R, int32_t i, int32_t iend) {
  const int32_t C = g->srcC;
  R->n = 0;
  R->dyMin = R->dxMin = 1 << 30, R->dyMax = R->dxMax = -(1 << 30);
  for (int32_t t = i / C, c0 = i % C; i < iend && R->n < RUNS_MAX; t++, c0 = 0, R->n++) {
    const int32_t u = R->n;
    R->dy[u] = t / g->kW * g->tapY, R->dx[u] = t % g->kW * g->tapX;
    R->c[u] = c0, R->len[u] = imin(C - c0, iend - i);
    R->off[u] = (R->dy[u] * g->srcW + R->dx[u]) * C + c0;
    R->dyMin = imin(R->dyMin, R->dy[u]), R->dyMax = imax(R->dyMax, R->dy[u]);
    R->dxMin = imin(R->dxMin, R->dx[u]), R->dxMax = imax(R->dxMax, R->dx[u]);
    i += R->len[u];
  }
}

/* Every run of a pixel whose taps start at (y0, x0) lies inside the image (div 1 only). */
INLINE int32_t all_inside(const ConvPack *g, const Runs *R, int32_t y0, int32_t x0) {
  return g->divY == 1 && g->divX == 1 && y0 + R->dyMin >= 0 && y0 + R->dyMax < g->srcH && x0 + R->dxMin >= 0 && x0 + R->dxMax < g->srcW;
}

/* The source of run u for a pixel whose taps start at (y0, x0), or the zeros. */
INLINE const float *run_src(const ConvPack *g, const float *img, const Runs *R, int32_t u, int32_t y0, int32_t x0) {
  int32_t y = y0 + R->dy[u], x = x0 + R->dx[u];
  if (g->divY != 1) {
    if (y < 0 || y % g->divY) return g->zeros;
    y /= g->divY;
  }
  if (g->divX != 1) {
    if (x < 0 || x % g->divX) return g->zeros;
    x /= g->divX;
  }
  if ((uint32_t)y >= (uint32_t)g->srcH || (uint32_t)x >= (uint32_t)g->srcW) return g->zeros;
  return img + (y * g->srcW + x) * g->srcC + R->c[u];
}

/* Mode 0: each sliver's pixels, run by run; within a run four pixels at a time through 4x4
 * transposes (as pack_a does for a plain A), the rest of the sliver one by one. */
static void pack_pixels(const ConvPack *g, float *dst, int32_t i0, int32_t rows, int32_t p0, int32_t kc) {
  const int32_t mr = g->mr, grid = g->gridH * g->gridW, image = g->srcH * g->srcW * g->srcC;
  Runs R;
  tap_runs(g, &R, p0, p0 + kc);
  for (int32_t s = 0; s * mr < rows; s++, dst += kc * mr) {
    const int32_t live = imin(mr, rows - s * mr);
    const float *img[MR_MAX];
    int32_t y0[MR_MAX], x0[MR_MAX], inside = live == mr;
    for (int32_t r = 0; r < mr; r++) {
      const int32_t row = i0 + s * mr + imin(r, live - 1), rem = row % grid;
      img[r] = g->src + row / grid * image;
      y0[r] = rem / g->gridW * g->mulY + g->offY, x0[r] = rem % g->gridW * g->mulX + g->offX;
      inside = inside && all_inside(g, &R, y0[r], x0[r]);
    }
    if (inside) /* each pixel's own source, which R.off counts from */
      for (int32_t r = 0; r < mr; r++) img[r] += (y0[r] * g->srcW + x0[r]) * g->srcC;
    float *d = dst;
    if (inside && g->srcC == 1) {
      /* one channel (a first layer): every run is one value per pixel */
      for (int32_t u = 0; u < R.n; u++, d += mr)
        for (int32_t r = 0; r < mr; r++) d[r] = img[r][R.off[u]];
      continue;
    }
    for (int32_t u = 0; u < R.n; u++) {
      const int32_t len = R.len[u];
      const float *sp[MR_MAX];
      if (inside)
        for (int32_t r = 0; r < mr; r++) sp[r] = img[r] + R.off[u];
      else
        for (int32_t r = 0; r < mr; r++) sp[r] = r < live ? run_src(g, img[r], &R, u, y0[r], x0[r]) : g->zeros + R.c[u];
      int32_t r = 0;
      for (; r + 4 <= mr; r += 4) {
        const float *s0 = sp[r], *s1 = sp[r + 1], *s2 = sp[r + 2], *s3 = sp[r + 3];
        int32_t c = 0;
        for (; c + 4 <= len; c += 4) {
          f4 x0v = wasm_v128_load(s0 + c), x1 = wasm_v128_load(s1 + c), x2 = wasm_v128_load(s2 + c), x3 = wasm_v128_load(s3 + c);
          f4 t0 = wasm_i32x4_shuffle(x0v, x1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
          f4 t2 = wasm_i32x4_shuffle(x0v, x1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
          float *o = d + c * mr + r;
          wasm_v128_store(o, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
          wasm_v128_store(o + mr, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
          wasm_v128_store(o + 2 * mr, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
          wasm_v128_store(o + 3 * mr, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
        }
        for (; c < len; c++) {
          float *o = d + c * mr + r;
          o[0] = s0[c], o[1] = s1[c], o[2] = s2[c], o[3] = s3[c];
        }
      }
      for (; r < mr; r++) {
        const float *s0 = sp[r];
        for (int32_t c = 0; c < len; c++) d[c * mr + r] = s0[c];
      }
      d += len * mr;
    }
  }
}

/* Mode 1: per pixel (a column of the block), the im2col row's entries [i0, i0+rows) gathered into
 * the thread's row buffer a tap's channel run at a time, then dealt out to the slivers. The runs
 * (which tap, which channels) are the same for every pixel, so they are worked out once per block;
 * the window here is always the forward one (div 1). */
static void pack_taps(const ConvPack *g, float *dst, int32_t i0, int32_t rows, int32_t p0, int32_t kc, int32_t tid) {
  const int32_t mr = g->mr, C = g->srcC, grid = g->gridH * g->gridW, iend = i0 + rows;
  const int32_t slivers = (rows + mr - 1) / mr, padded = slivers * mr;
  float *row = g->rowBuf + tid * g->rowStride;
  Runs R;
  tap_runs(g, &R, i0, iend);
  int32_t b = p0 / grid, rem = p0 % grid, py = rem / g->gridW, px = rem % g->gridW;
  const int32_t H = g->srcH, W = g->srcW;
  for (int32_t p = 0; p < kc; p++) {
    const int32_t y0 = py * g->mulY + g->offY, x0 = px * g->mulX + g->offX;
    const float *img = g->src + b * H * W * C;
    float *o = row;
    if (all_inside(g, &R, y0, x0)) {
      const float *base = img + (y0 * W + x0) * C;
      if (C == 1) {
        for (int32_t u = 0; u < R.n; u++) o[u] = base[R.off[u]];
        o += R.n;
      } else {
        for (int32_t u = 0; u < R.n; u++) {
          const float *s = base + R.off[u];
          const int32_t len = R.len[u];
          int32_t c = 0;
          for (; c + 4 <= len; c += 4) wasm_v128_store(o + c, wasm_v128_load(s + c));
          for (; c < len; c++) o[c] = s[c];
          o += len;
        }
      }
    } else for (int32_t u = 0; u < R.n; u++) {
      const int32_t y = y0 + R.dy[u], x = x0 + R.dx[u], len = R.len[u];
      if ((uint32_t)y >= (uint32_t)H || (uint32_t)x >= (uint32_t)W) {
        for (int32_t c = 0; c < len; c++) o[c] = 0.0f;
      } else {
        const float *s = img + (y * W + x) * C + R.c[u];
        int32_t c = 0;
        for (; c + 4 <= len; c += 4) wasm_v128_store(o + c, wasm_v128_load(s + c));
        for (; c < len; c++) o[c] = s[c];
      }
      o += len;
    }
    for (float *e = row + padded; o < e; o++) *o = 0.0f;
    float *d = dst + p * mr;
    for (int32_t s = 0; s < slivers; s++, d += kc * mr) {
      const float *from = row + s * mr;
      int32_t r = 0;
      for (; r + 4 <= mr; r += 4) wasm_v128_store(d + r, wasm_v128_load(from + r));
      for (; r < mr; r++) d[r] = from[r];
    }
    if (++px == g->gridW) {
      px = 0;
      if (++py == g->gridH) py = 0, b++;
    }
  }
}

/* Called by matmul_compute for a block of A of product t when MatmulArgs.conv is set. */
void conv_pack_a(const void *args, float *dst, int32_t t, int32_t i0, int32_t rows, int32_t p0, int32_t kc, int32_t tid) {
  const ConvPack *g = args;
  if (g->mode == 0) pack_pixels(g, dst, i0, rows, p0, kc);
  else pack_taps(g, dst, i0, rows, t * g->batchK + p0, kc, tid);
}
