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
} ConvPack;

/* The source pointer (channel 0) of tap (ky, kx) of grid pixel (b, py, px), or the zeros. */
INLINE const float *tap_src(const ConvPack *g, int32_t b, int32_t py, int32_t px, int32_t ky, int32_t kx) {
  int32_t y = py * g->mulY + g->offY + ky * g->tapY, x = px * g->mulX + g->offX + kx * g->tapX;
  if (g->divY != 1) {
    if (y < 0 || y % g->divY) return g->zeros;
    y /= g->divY;
  }
  if (g->divX != 1) {
    if (x < 0 || x % g->divX) return g->zeros;
    x /= g->divX;
  }
  if (y < 0 || y >= g->srcH || x < 0 || x >= g->srcW) return g->zeros;
  return g->src + ((b * g->srcH + y) * g->srcW + x) * g->srcC;
}

/* Mode 0: each sliver's pixels, tap by tap; within a tap a run of channels, four pixels at a time
 * through 4x4 transposes (as pack_a does for a plain A), the rest of the sliver one by one. */
static void pack_pixels(const ConvPack *g, float *dst, int32_t i0, int32_t rows, int32_t p0, int32_t kc) {
  const int32_t mr = g->mr, C = g->srcC, grid = g->gridH * g->gridW, pend = p0 + kc;
  for (int32_t s = 0; s * mr < rows; s++, dst += kc * mr) {
    const int32_t live = imin(mr, rows - s * mr);
    int32_t pb[MR_MAX], py[MR_MAX], px[MR_MAX];
    for (int32_t r = 0; r < live; r++) {
      const int32_t row = i0 + s * mr + r, rem = row % grid;
      pb[r] = row / grid, py[r] = rem / g->gridW, px[r] = rem % g->gridW;
    }
    int32_t t = p0 / C, c0 = p0 % C;
    for (int32_t p = p0; p < pend; t++, c0 = 0) {
      const int32_t len = imin(C - c0, pend - p), ky = t / g->kW, kx = t % g->kW;
      const float *sp[MR_MAX];
      for (int32_t r = 0; r < mr; r++) sp[r] = (r < live ? tap_src(g, pb[r], py[r], px[r], ky, kx) : g->zeros) + c0;
      float *d = dst + (p - p0) * mr;
      int32_t r = 0;
      for (; r + 4 <= mr; r += 4) {
        const float *s0 = sp[r], *s1 = sp[r + 1], *s2 = sp[r + 2], *s3 = sp[r + 3];
        int32_t c = 0;
        for (; c + 4 <= len; c += 4) {
          f4 x0 = wasm_v128_load(s0 + c), x1 = wasm_v128_load(s1 + c), x2 = wasm_v128_load(s2 + c), x3 = wasm_v128_load(s3 + c);
          f4 t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
          f4 t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
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
      p += len;
    }
  }
}

/* Mode 1: per pixel (a column of the block), the im2col row's entries [i0, i0+rows) gathered into
 * the thread's row buffer a tap's channel run at a time, then dealt out to the slivers. */
static void pack_taps(const ConvPack *g, float *dst, int32_t i0, int32_t rows, int32_t p0, int32_t kc, int32_t tid) {
  const int32_t mr = g->mr, C = g->srcC, grid = g->gridH * g->gridW, iend = i0 + rows;
  const int32_t slivers = (rows + mr - 1) / mr, padded = slivers * mr;
  float *row = g->rowBuf + tid * g->rowStride;
  int32_t b = p0 / grid, rem = p0 % grid, py = rem / g->gridW, px = rem % g->gridW;
  for (int32_t p = 0; p < kc; p++) {
    float *o = row;
    for (int32_t i = i0, t = i0 / C, c0 = i0 % C; i < iend; t++, c0 = 0) {
      const int32_t len = imin(C - c0, iend - i);
      const float *s = tap_src(g, b, py, px, t / g->kW, t % g->kW) + c0;
      int32_t c = 0;
      for (; c + 4 <= len; c += 4) wasm_v128_store(o + c, wasm_v128_load(s + c));
      for (; c < len; c++) o[c] = s[c];
      o += len, i += len;
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

/* Called by matmul_compute for a block of A when MatmulArgs.conv is set. */
void conv_pack_a(const void *args, float *dst, int32_t i0, int32_t rows, int32_t p0, int32_t kc, int32_t tid) {
  const ConvPack *g = args;
  if (g->mode == 0) pack_pixels(g, dst, i0, rows, p0, kc);
  else pack_taps(g, dst, i0, rows, p0, kc, tid);
}
