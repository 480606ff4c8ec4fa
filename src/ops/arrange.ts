/**
 * TensorFlow.js's movement ops composed from gather, slice, concat and reshape: reverse, tile,
 * split, unstack, diag and meshgrid. Each inherits its gradient from the ops it is made of.
 */
import { fmt, normAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkInt, defineOp, fromData, toTensor, type TensorLike } from './core.js';
import { eye } from './creation.js';
import { mul } from './elementwise.js';
import { broadcastTo, cast, gather, reshape, slice } from './movement.js';

function indexTensor(x: Tensor, values: readonly number[]): Tensor {
  return fromData(Int32Array.from(values), [values.length], 'int32', x.backend);
}

/** The entries of `x` in reverse order along `axis` (one axis, several, or all when omitted). @function */
export const reverse = defineOp('reverse', (a: TensorLike, axis?: number | readonly number[]): Tensor => {
  let y = toTensor('reverse', a);
  const axes = axis === undefined ? y.shape.map((_, i) => i) : (typeof axis === 'number' ? [axis] : axis).map((v) => normAxis('reverse', v, y.rank));
  for (const ax of new Set(axes)) {
    const n = y.shape[ax]!;
    if (n > 1) y = gather(y, indexTensor(y, Array.from({ length: n }, (_, i) => n - 1 - i)), ax);
  }
  return y === a ? reshape(y, y.shape) : y;
});

/** `x` repeated reps[i] times along each axis i (reps has one entry per axis). @function */
export const tile = defineOp('tile', (a: TensorLike, reps: readonly number[]): Tensor => {
  let y = toTensor('tile', a);
  if (!Array.isArray(reps) || reps.length !== y.rank) throw new Error(`tile: reps must have one entry per axis of ${fmt(y.shape)}, got ${Array.isArray(reps) ? `[${reps}]` : String(reps)}`);
  reps.forEach((r, i) => checkInt('tile', `reps[${i}]`, r));
  reps.forEach((r, ax) => {
    const n = y.shape[ax]!;
    if (r !== 1) y = gather(y, indexTensor(y, Array.from({ length: n * r }, (_, i) => i % n)), ax);
  });
  return y === a ? reshape(y, y.shape) : y;
});

/**
 * Split `x` along `axis` into `numOrSizeSplits` equal parts, or parts of the given sizes (one may
 * be -1: the rest). @function
 */
export const split = defineOp('split', (a: TensorLike, numOrSizeSplits: number | readonly number[], axis: number = 0): Tensor[] => {
  const x = toTensor('split', a);
  const ax = normAxis('split', axis, x.rank);
  const n = x.shape[ax]!;
  let sizes: number[];
  if (typeof numOrSizeSplits === 'number') {
    checkInt('split', 'numOrSizeSplits', numOrSizeSplits, 1);
    if (n % numOrSizeSplits !== 0) throw new Error(`split: axis ${ax} of ${fmt(x.shape)} (length ${n}) does not split into ${numOrSizeSplits} equal parts`);
    sizes = new Array<number>(numOrSizeSplits).fill(n / numOrSizeSplits);
  } else {
    sizes = numOrSizeSplits.slice();
    const free = sizes.filter((s) => s === -1).length;
    const known = sizes.filter((s) => s !== -1).reduce((p, s) => p + s, 0);
    if (free > 1 || sizes.some((s) => !Number.isInteger(s) || s < -1) || (free === 0 ? known !== n : known > n)) {
      throw new Error(`split: sizes [${sizes}] do not add up to axis ${ax} of ${fmt(x.shape)} (length ${n})`);
    }
    sizes = sizes.map((s) => (s === -1 ? n - known : s));
  }
  let at = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === ax ? at : 0));
    const size = x.shape.map((d, i) => (i === ax ? s : d));
    at += s;
    return slice(x, begin, size);
  });
});

/** The slices of `x` along `axis`, each without that axis. @function */
export const unstack = defineOp('unstack', (a: TensorLike, axis: number = 0): Tensor[] => {
  const x = toTensor('unstack', a);
  const ax = normAxis('unstack', axis, x.rank);
  const rest = x.shape.filter((_, i) => i !== ax);
  return split(x, x.shape[ax]!, ax).map((t) => reshape(t, rest));
});

/** A tensor of shape [...x.shape, ...x.shape] with x on its diagonal (diag of a vector: a diagonal matrix). @function */
export const diag = defineOp('diag', (a: TensorLike): Tensor => {
  const x = toTensor('diag', a);
  const n = x.size;
  const flat = reshape(x, [n, 1]);
  const d = mul(flat, x.dtype === 'float32' ? eye(n) : cast(eye(n), x.dtype));
  return reshape(d, [...x.shape, ...x.shape]);
});

/**
 * Coordinate grids from 1-D x and y (TensorFlow.js's meshgrid): with indexing 'xy' (default) both
 * are [y.size, x.size]; with 'ij', [x.size, y.size].
 * @function
 */
export const meshgrid = defineOp('meshgrid', (xa: TensorLike, ya?: TensorLike, { indexing = 'xy' }: { indexing?: 'xy' | 'ij' } = {}): Tensor[] => {
  const x = reshape(toTensor('meshgrid', xa), [-1]);
  if (ya === undefined) return [reshape(x, [1, x.size])];
  const y = reshape(toTensor('meshgrid', ya, x.backend), [-1]);
  if (indexing !== 'xy' && indexing !== 'ij') throw new Error(`meshgrid: indexing must be 'xy' or 'ij', got ${String(indexing)}`);
  if (indexing === 'xy') return [broadcastTo(reshape(x, [1, x.size]), [y.size, x.size]), broadcastTo(reshape(y, [y.size, 1]), [y.size, x.size])];
  return [broadcastTo(reshape(x, [x.size, 1]), [x.size, y.size]), broadcastTo(reshape(y, [1, y.size]), [x.size, y.size])];
});


/**
 * Pad with mirrored copies of `x`'s own border (TensorFlow.js's mirrorPad): 'reflect' leaves the
 * edge out of the copy (at most size - 1 per side), 'symmetric' repeats it (at most size).
 * @function
 */
export const mirrorPad = defineOp('mirrorPad', (a: TensorLike, paddings: readonly (readonly [number, number])[], mode: 'reflect' | 'symmetric'): Tensor => {
  let y = toTensor('mirrorPad', a);
  if (mode !== 'reflect' && mode !== 'symmetric') throw new Error(`mirrorPad: mode must be 'reflect' or 'symmetric', got ${String(mode)}`);
  if (!Array.isArray(paddings) || paddings.length !== y.rank) throw new Error(`mirrorPad: paddings must have one [before, after] pair per axis of ${fmt(y.shape)}`);
  const shift = mode === 'reflect' ? 1 : 0;
  paddings.forEach(([before, after], ax) => {
    const n = y.shape[ax]!;
    for (const p of [before, after]) {
      if (!Number.isInteger(p) || p < 0 || p > n - shift) throw new Error(`mirrorPad: padding ${p} of axis ${ax} must be a whole number in [0, ${n - shift}] for ${mode} mode on ${fmt(y.shape)}`);
    }
    if (before === 0 && after === 0) return;
    const idx = Array.from({ length: n + before + after }, (_, k) => {
      const i = k - before;
      return i < 0 ? -i - 1 + shift : i >= n ? 2 * n - i - 1 - shift : i;
    });
    y = gather(y, indexTensor(y, idx), ax);
  });
  return y === a ? reshape(y, y.shape) : y;
});
