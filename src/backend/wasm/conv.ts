/**
 * The wasm convolution kernels. conv2d is an implicit GEMM: the matmul of ./matmul.ts with its A
 * operand packed straight from the image by c/conv.c (a ConvPack, written here), so no im2col matrix
 * is built. Forward: pixels x (tap, channel) times the filter; filter gradient: that matrix
 * transposed times dy; input gradient: dy read through the window turned around, times the filter
 * with its channel axes swapped. That product has a row per input pixel where the cols route has
 * one per output pixel, so it pays only when the two are about as many ('same' padding), at stride
 * 1 (larger strides would multiply mostly zeros) and with a panel of input channels or more; the
 * other cases take the matmul into a cols buffer and col2im. depthwise runs the direct kernels of c/depthwise.c.
 */
import type { KernelAttrs, WindowAttrs } from '../backend.js';
import type { ArgWriter, WasmContext, WasmHandle } from './context.js';
import { KC_MAX, MC_MAX, matmul } from './matmul.js';

/** Rough single-thread nanoseconds: a multiply-add of the depthwise kernels, a row's overhead. */
const NS_MADD = 0.25, NS_ROW = 20, NS_COPY = 0.3;
/** Channels per unit of c/depthwise.c's filter gradient (DW_BLOCK). */
const DW_BLOCK = 32;
/** Inner columns per unit of c/axis.c's reduce (CHUNK). */
const AXIS_CHUNK = 64;
/**
 * A filter gradient with an output this small (K x outC elements) has too few blocks to give threads
 * work, so its pixels are split into up to SPLIT_MAX products of at least SPLIT_MIN_PIXELS each.
 * The split depends on the shape alone, never on the thread count, so any thread count gives the
 * same bits.
 */
const SPLIT_OUTPUT = 64 * 64, SPLIT_MAX = 8, SPLIT_MIN_PIXELS = 4096;

/** The products a filter gradient's pixels are split into: a divisor of their count, 1 for none. */
function splitK(m: number, n: number, pixels: number): number {
  if (m * n > SPLIT_OUTPUT) return 1;
  let S = Math.min(SPLIT_MAX, Math.floor(pixels / SPLIT_MIN_PIXELS));
  while (S > 1 && pixels % S !== 0) S--;
  return Math.max(1, S);
}

/** The input gradient runs as an implicit GEMM up to this many input pixels per output pixel. */
const IMPLICIT_GRAD_PIXELS = 1.1;
/** The most rows of a sliver c/conv.c handles (MR_MAX). */
const MR_MAX = 8;
/** The most tap runs c/conv.c handles in one block (RUNS_MAX): one per row or k step at worst. */
const RUNS_MAX = 272;

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;
const raw = (ptr: number, size: number): WasmHandle => ({ ptr, size, dtype: 'float32', freed: false });

/** The argument struct of c/window.c (WindowArgs, without its last field `dy`). */
export function windowArgs(ctx: WasmContext, x: WasmHandle, out: WasmHandle, w: WindowAttrs, op: number): ArgWriter {
  return ctx.args().p(x).p(out).i(w.batch).i(w.inH).i(w.inW).i(w.inC).i(w.outH).i(w.outW).i(w.kH).i(w.kW)
    .i(w.strideH).i(w.strideW).i(w.dilationH).i(w.dilationW).i(w.padTop).i(w.padLeft).i(op);
}

/** Scratch of `floats` zeros (whole vectors), released after `body`. */
function withScratch<T>(ctx: WasmContext, floats: number, what: string, zero: boolean, body: (ptr: number) => T): T {
  const n = roundUp(Math.max(4, floats), 16);
  const ptr = ctx.scratch(4 * n, what);
  try {
    if (zero) ctx.exec('fill', ctx.args().p(raw(ptr, n)).f(0), n, NS_COPY);
    return body(ptr);
  } finally {
    ctx.release(ptr);
  }
}

/** Where a tap of grid pixel (py, px) reads: source row (py*mul + off + k*tap) / div when exact. */
interface Reach { mulY: number; mulX: number; offY: number; offX: number; tapY: number; tapX: number; divY: number; divX: number }

const forwardReach = (w: WindowAttrs): Reach => ({
  mulY: w.strideH, mulX: w.strideW, offY: -w.padTop, offX: -w.padLeft, tapY: w.dilationH, tapX: w.dilationW, divY: 1, divX: 1,
});
const backwardReach = (w: WindowAttrs): Reach => ({
  mulY: 1, mulX: 1, offY: w.padTop, offX: w.padLeft, tapY: -w.dilationH, tapX: -w.dilationW, divY: w.strideH, divX: w.strideW,
});

/** The fields of c/conv.c's ConvPack. */
function convPack(ctx: WasmContext, src: WasmHandle, zeros: number, rowBuf: number, rowStride: number, mode: 0 | 1,
  source: readonly [number, number, number], grid: readonly [number, number], w: WindowAttrs, r: Reach, batchK = 0): number[] {
  if (ctx.mr > MR_MAX) throw new Error(`wasm: conv2d packs slivers of at most ${MR_MAX} rows, the micro-kernel has ${ctx.mr}`);
  if (Math.max(KC_MAX, MC_MAX + ctx.mr) + 1 > RUNS_MAX) throw new Error(`wasm: conv2d's blocks may span more than ${RUNS_MAX} tap runs`);
  return [src.ptr, zeros, rowBuf, rowStride, mode, ctx.mr, ...source, ...grid, w.kH, w.kW, r.mulY, r.mulX, r.offY, r.offX, r.tapY, r.tapX, r.divY, r.divX, batchK];
}

type MatmulAttrs = KernelAttrs['matmul'];
const plain = (m: number, n: number, k: number, alpha: number): MatmulAttrs => ({
  batch: 1, m, n, k, transposeA: false, transposeB: false, aBatched: false, bBatched: false, bias: false, activation: 'linear', alpha,
});

export function conv2d(ctx: WasmContext, [a, b, bias]: readonly WasmHandle[], out: WasmHandle, at: KernelAttrs['conv2d']): void {
  const taps = at.kH * at.kW, K = taps * at.inC;
  const image = [at.inH, at.inW, at.inC] as const, outGrid = [at.outH, at.outW] as const;
  if (at.mode === 'forward') {
    const mm = { ...plain(at.batch * at.outH * at.outW, at.outC, K, at.alpha), bias: at.bias, activation: at.activation };
    withScratch(ctx, at.inC, 'conv2d (zeros)', true, (zeros) =>
      matmul(ctx, [null, b, bias], out, mm, convPack(ctx, a!, zeros, 0, 0, 0, image, outGrid, at, forwardReach(at))));
  } else if (at.mode === 'filterGrad') {
    // the rows of one block of A (at most a row block of the matmul) gathered per pixel, per thread
    const rowStride = roundUp(Math.min(K, MC_MAX + ctx.mr) + MR_MAX, 16);
    const pixels = at.batch * at.outH * at.outW, S = splitK(K, at.outC, pixels);
    withScratch(ctx, at.inC, 'conv2d (zeros)', true, (zeros) =>
      withScratch(ctx, ctx.threads * rowStride, 'conv2d (rows)', false, (rows) => {
        const pack = convPack(ctx, a!, zeros, rows, rowStride, 1, image, outGrid, at, forwardReach(at), pixels / S);
        if (S === 1) {
          matmul(ctx, [null, b, null], out, plain(K, at.outC, pixels, at.alpha), pack);
          return;
        }
        // S partial gradients over equal runs of pixels, then their sum in order
        withScratch(ctx, S * K * at.outC, 'conv2d (partial filter gradients)', false, (parts) => {
          matmul(ctx, [null, b, null], raw(parts, S * K * at.outC), { ...plain(K, at.outC, pixels / S, at.alpha), batch: S, bBatched: true }, pack);
          const inner = K * at.outC, w = ctx.args().p(raw(parts, S * inner)).p(out).i(1).i(S).i(inner).i(0).i(0).i(0);
          ctx.exec('reduce', w, Math.ceil(inner / AXIS_CHUNK), NS_COPY * S * AXIS_CHUNK + NS_ROW);
        });
      }));
  } else if (at.strideH === 1 && at.strideW === 1 && at.inC >= ctx.nr && at.inH * at.inW <= IMPLICIT_GRAD_PIXELS * at.outH * at.outW) {
    // dx = (dy through the turned-around window) x filter[tap, o, c]: the filter's channel axes swapped first
    const inC = at.inC, outC = at.outC;
    withScratch(ctx, taps * outC * inC, 'conv2d (filter transposed)', false, (wt) => {
      const w = ctx.args().p(b).p(raw(wt, taps * outC * inC)).i(0).i(3).a([taps, outC, inC]).a([inC * outC, 1, outC]);
      ctx.exec('strided', w, taps * outC, NS_COPY * inC + NS_ROW);
      withScratch(ctx, outC, 'conv2d (zeros)', true, (zeros) =>
        matmul(ctx, [null, raw(wt, taps * outC * inC), null], out, plain(at.batch * at.inH * at.inW, inC, taps * outC, at.alpha),
          convPack(ctx, a!, zeros, 0, 0, 0, [at.outH, at.outW, outC], [at.inH, at.inW], at, backwardReach(at))));
    });
  } else {
    const pixels = at.batch * at.outH * at.outW;
    withScratch(ctx, pixels * K, 'conv2d (cols of the input gradient)', false, (cols) => {
      matmul(ctx, [a, b, null], raw(cols, pixels * K), { ...plain(pixels, K, at.outC, at.alpha), transposeB: true });
      ctx.exec('col2im', windowArgs(ctx, raw(cols, pixels * K), out, at, 0), at.batch, 0.4 * at.outH * at.outW * K);
    });
  }
}

export function depthwise(ctx: WasmContext, [a, b]: readonly WasmHandle[], out: WasmHandle, at: KernelAttrs['depthwise']): void {
  const w = ctx.args().p(a).p(b).p(out).i(at.batch).i(at.inH).i(at.inW).i(at.inC).i(at.outH).i(at.outW).i(at.kH).i(at.kW)
    .i(at.strideH).i(at.strideW).i(at.dilationH).i(at.dilationW).i(at.padTop).i(at.padLeft).i(at.mult);
  const taps = at.kH * at.kW, oc = at.inC * at.mult;
  // the scalar loops of a multiplier above 1 cost several times a vector's lane
  const ns = at.mult === 1 ? NS_MADD : 4 * NS_MADD;
  if (at.mode === 'forward') ctx.exec('depthwise', w, at.batch * at.outH, ns * at.outW * oc * taps + NS_ROW);
  else if (at.mode === 'inputGrad') ctx.exec('depthwise_input_grad', w, at.batch * at.inH, 2 * ns * at.inW * oc * taps + NS_ROW);
  else ctx.exec('depthwise_filter_grad', w, taps * Math.ceil(at.inC / DW_BLOCK), ns * at.batch * at.outH * at.outW * Math.min(oc, DW_BLOCK * at.mult));
}
