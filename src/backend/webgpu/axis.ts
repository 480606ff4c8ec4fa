/**
 * Planning for the axis kernels (reduce, softmax, softmaxGrad) over [outer, size, inner]: how many
 * lines (outer x inner positions) a workgroup takes, how many invocations share one line, vec4 or
 * not, and whether a reduction is split into two passes. The shaders' layout is described at the
 * top of shaders/reduce.wgsl.
 *
 * GPUs want many threads in flight and coalesced loads: a line gets up to 256 invocations meeting
 * in a workgroup-memory tree, and a reduction with few lines (sum of a whole tensor) runs in two
 * passes so that it fills the device. Adapters that run shaders on the CPU (SwiftShader, llvmpipe)
 * have few lanes and pay heavily for each barrier (a 256-wide tree made softmax 1000x1000 about
 * 100x slower there than one invocation per row), so lines get one invocation each, with no
 * barrier, unless there are too few lines to keep the cores busy.
 */
import type { ReduceOp } from '../backend.js';
import { type GpuHandle, type KernelContext, Words, grid1d, nextPow2 } from './plan.js';

type Defines = Record<string, string | number | boolean>;

export interface AxisPlan {
  /** WX, WY, WXY, ALONG, FOLD, TREE and the types T, R (one line's result), U, RU (indices). */
  defines: Defines;
  /** lines, size and inner in units of T */
  lines: number;
  size: number;
  inner: number;
  groups: [number, number, number];
}

/** The largest power of two <= n (n >= 1). */
function floorPow2(n: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, n)));
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

/** Invocations per line (WY) and lines per workgroup (WX) for `lines` lines of `n` units. */
function shape(ctx: KernelContext, lines: number, n: number, along: boolean): { WX: number; WY: number } {
  const cap = floorPow2(Math.min(256, ctx.limits.maxComputeInvocationsPerWorkgroup, ctx.limits.maxComputeWorkgroupSizeX));
  if (ctx.cpuLike) {
    // One invocation per line when there are enough lines to share out; otherwise a few per line,
    // each still with a long run of units so the barriers stay few per element.
    const WY = lines >= 32 ? 1 : clamp(Math.min(nextPow2(Math.ceil(32 / lines)), floorPow2(n / 64)), 1, Math.min(64, cap));
    // Several workgroups, so every core gets some.
    const WX = clamp(nextPow2(Math.ceil(lines / 8)), 1, Math.max(1, Math.floor(64 / WY)));
    return { WX, WY };
  }
  if (along) {
    // Rows: enough invocations per row that each folds about 8 units, fewer when rows alone fill the device.
    const WY = clamp(Math.min(nextPow2(Math.ceil(n / 8)), nextPow2(Math.ceil(65536 / lines))), 1, cap);
    const WX = clamp(Math.floor(64 / WY), 1, nextPow2(lines));
    return { WX, WY };
  }
  // Columns: neighbouring invocations read neighbouring lines (coalesced); the rest go along the axis.
  const WX = clamp(nextPow2(lines), 1, Math.min(64, cap));
  const WY = clamp(Math.min(nextPow2(Math.ceil(n / 8)), nextPow2(Math.ceil(65536 / lines))), 1, Math.floor(cap / WX));
  return { WX, WY };
}

/** The layout of one axis dispatch over [outer, size, inner]; `vec` allows vec4 units. */
export function planAxis(ctx: KernelContext, outer: number, size: number, inner: number, vec = true, chunks = 1): AxisPlan {
  const along = inner === 1;
  const fold = vec && along && size % 4 === 0;
  const across = vec && !along && inner % 4 === 0;
  const sizeU = fold ? size / 4 : size;
  const innerU = across ? inner / 4 : inner;
  const lines = outer * chunks * innerU;
  const { WX, WY } = shape(ctx, lines, Math.ceil(sizeU / chunks), along);
  const T = fold || across ? 'vec4<f32>' : 'f32';
  const defines: Defines = {
    WX, WY, WXY: WX * WY, ALONG: along, FOLD: fold, TREE: WY > 1, T,
    R: across ? 'vec4<f32>' : 'f32', U: fold || across ? 'vec4<u32>' : 'u32', RU: across ? 'vec4<u32>' : 'u32',
    BT: fold || across ? 'better4' : 'better1', BR: across ? 'better4' : 'better1',
  };
  return { defines, lines, size: sizeU, inner: innerU, groups: grid1d(Math.ceil(lines / WX), ctx.limits.maxComputeWorkgroupsPerDimension) };
}

/** Pieces to cut each line into so that a reduction with few lines still fills the device (1: no split). */
function splitCount(ctx: KernelContext, outer: number, size: number, inner: number): number {
  const lines = outer * inner;
  if (ctx.cpuLike) return lines >= 32 || size < 2048 ? 1 : Math.min(Math.ceil(size / 512), nextPow2(Math.ceil(64 / lines)));
  return lines >= 64 || size < 8192 ? 1 : Math.min(256, Math.ceil(size / 4096), nextPow2(Math.ceil(1024 / lines)));
}

const INIT: Record<ReduceOp, number> = { sum: 0, max: -Infinity, min: Infinity, argmax: -Infinity, prod: 1 };

/** reduce over [outer, size, inner] into out ([outer, inner]); two passes when the lines are few. */
export function reduceKernel(ctx: KernelContext, x: GpuHandle, out: GpuHandle, op: ReduceOp, outer: number, size: number, inner: number): void {
  // prod is the sum's shader with * for + (MUL)
  const opDefine: Record<string, boolean> = op === 'prod' ? { OP_SUM: true, MUL: true } : { [`OP_${op.toUpperCase()}`]: true };
  const chunks = splitCount(ctx, outer, size, inner);
  if (chunks > 1) {
    // Pass 1: one partial per piece, laid out as [outer, chunks, inner] (argmax: values, then indices).
    const pieceUnits = (p: AxisPlan): number => Math.ceil(p.size / chunks);
    const p1 = planAxis(ctx, outer, size, inner, true, chunks);
    const partial = ctx.temp(outer * chunks * inner * (op === 'argmax' ? 2 : 1));
    const params = new Words().u(outer, p1.size, p1.inner).f(INIT[op]).u(p1.lines, pieceUnits(p1), chunks).done();
    const outT = p1.defines['R'] as string;
    ctx.dispatch('reduce', 'reduce', { ...p1.defines, ...opDefine, SPLIT: true, OUT_T: outT }, params, [x], [partial], p1.groups);
    // Pass 2: combine the pieces (argmax reads value/index pairs, one float at a time).
    const p2 = planAxis(ctx, outer, chunks, inner, op !== 'argmax');
    const outT2 = op === 'argmax' ? (p2.defines['R'] === 'f32' ? 'i32' : 'vec4<i32>') : (p2.defines['R'] as string);
    const params2 = new Words().u(outer, p2.size, p2.inner).f(INIT[op]).u(p2.lines, p2.size, 1).done();
    ctx.dispatch('reduce', 'reduce', { ...p2.defines, ...opDefine, PAIRS: op === 'argmax', OUT_T: outT2 }, params2, [partial], [out], p2.groups);
    ctx.drop(partial);
    return;
  }
  const p = planAxis(ctx, outer, size, inner);
  const outT = op === 'argmax' ? (p.defines['R'] === 'f32' ? 'i32' : 'vec4<i32>') : (p.defines['R'] as string);
  const params = new Words().u(outer, p.size, p.inner).f(INIT[op]).u(p.lines, p.size, 1).done();
  ctx.dispatch('reduce', 'reduce', { ...p.defines, ...opDefine, OUT_T: outT }, params, [x], [out], p.groups);
}

/** softmax / logSoftmax along `size`, one dispatch. */
export function softmaxKernel(ctx: KernelContext, x: GpuHandle, out: GpuHandle, outer: number, size: number, inner: number, log: boolean): void {
  const p = planAxis(ctx, outer, size, inner);
  const params = new Words().u(outer, p.size, p.inner).f(-Infinity).u(p.lines).done();
  ctx.dispatch('softmax', 'softmax', { ...p.defines, LOG: log }, params, [x], [out], p.groups);
}

/** The gradient of softmax / logSoftmax along `size`, one dispatch. */
export function softmaxGradKernel(ctx: KernelContext, dy: GpuHandle, y: GpuHandle, out: GpuHandle, outer: number, size: number, inner: number, log: boolean): void {
  const p = planAxis(ctx, outer, size, inner);
  const params = new Words().u(outer, p.size, p.inner, 0, p.lines).done();
  ctx.dispatch('softmaxGrad', 'softmax_grad', { ...p.defines, LOG: log }, params, [dy, y], [out], p.groups);
}
