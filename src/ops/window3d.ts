/**
 * Helpers of the 3-D window ops (conv3d, the 3-D pools): triples of sizes, the padding rule along
 * one dim, and every-step-th entries of an axis (takeEvery) with its adjoint (spreadEvery), both
 * made of pad, slice and reshape so that each is the other's gradient.
 */
import type { Tensor } from '../tensor.js';
import { pad as padOp, reshape, slice } from './movement.js';

/** A number for every spatial dim of a 3-D window, or one per dim [depth, height, width]. */
export type Triple = number | readonly [number, number, number];

export function triple(op: string, name: string, v: unknown): [number, number, number] {
  const p = typeof v === 'number' ? [v, v, v] : Array.isArray(v) && v.length === 3 ? v : null;
  if (!p || !p.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a triple of them [depth, height, width], got ${JSON.stringify(v)}`);
  }
  return [p[0] as number, p[1] as number, p[2] as number];
}

/** Output size and padding before/after along one dim ('valid', 'same' by TensorFlow's rule, or zeros each side). */
export function along1(op: string, what: string, pad: unknown, inSize: number, k: number, stride: number, dilation: number): { out: number; before: number; after: number } {
  const eff = (k - 1) * dilation + 1;
  if (pad === 'same') {
    const out = Math.ceil(inSize / stride);
    const total = Math.max((out - 1) * stride + eff - inSize, 0);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  }
  let p = 0;
  if (typeof pad === 'number' && Number.isInteger(pad) && pad >= 0) p = pad;
  else if (pad !== 'valid') throw new Error(`${op}: pad must be 'valid', 'same' or a non-negative integer, got ${JSON.stringify(pad)}`);
  if (eff > inSize + 2 * p) throw new Error(`${op}: the kernel ${what} ${k}${dilation > 1 ? ` (${eff} dilated)` : ''} is bigger than the input ${what} ${inSize} with padding ${p}+${p}`);
  return { out: Math.floor((inSize + 2 * p - eff) / stride) + 1, before: p, after: p };
}

/** Entries start, start + step, ... (count of them) of x along `axis` (x is zero-extended when the last step overruns). */
export function takeEvery(x: Tensor, axis: number, start: number, count: number, step: number): Tensor {
  const s = x.shape;
  const need = start + count * step;
  let y = x;
  if (need > s[axis]!) y = padOp(y, s.map((_, i) => (i === axis ? [0, need - s[axis]!] as [number, number] : [0, 0] as [number, number])));
  const begin = s.map((_, i) => (i === axis ? start : 0));
  const size = s.map((d, i) => (i === axis ? count * step : d));
  y = slice(y, begin, size);
  if (step === 1) return y;
  const split = [...s.slice(0, axis), count, step, ...s.slice(axis + 1)];
  y = slice(reshape(y, split), split.map(() => 0), split.map((d, i) => (i === axis + 1 ? 1 : d)));
  return reshape(y, [...s.slice(0, axis), count, ...s.slice(axis + 1)]);
}

/** The adjoint of takeEvery: x's entries placed at start, start + step, ... of a zero axis of length `total`. */
export function spreadEvery(x: Tensor, axis: number, start: number, step: number, total: number): Tensor {
  const s = x.shape, n = s[axis]!;
  let y = x;
  if (step > 1) {
    const split = [...s.slice(0, axis), n, 1, ...s.slice(axis + 1)];
    const pads = split.map((_, i) => (i === axis + 1 ? [0, step - 1] as [number, number] : [0, 0] as [number, number]));
    y = reshape(padOp(reshape(y, split), pads), [...s.slice(0, axis), n * step, ...s.slice(axis + 1)]);
  }
  const len = start + n * step;
  if (len < total || start > 0) y = padOp(y, s.map((_, i) => (i === axis ? [start, Math.max(total - len, 0)] as [number, number] : [0, 0] as [number, number])));
  return len > total ? slice(y, s.map(() => 0), s.map((d, i) => (i === axis ? total : d))) : y;
}


/** dimRoundingMode (TF.js's rounding of non-integer output sizes) is refused rather than ignored. */
export function noRounding(op: string, mode: unknown): void {
  if (mode !== undefined && mode !== null) throw new Error(`${op}: dimRoundingMode is not supported (got ${JSON.stringify(mode)}); leave it undefined`);
}
