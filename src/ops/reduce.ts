/** Reductions along axes (sum, mean, max, min, argMax) and sumTo, which folds broadcast gradients back. */
import type { ReduceOp } from '../backend/backend.js';
import { broadcastedAxes, fmt, normAxes, normAxis, sameShape, sizeOf, splitAt, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { defineOp, record, runKernel, toTensor, type Axis, type TensorLike } from './core.js';
import { broadcastTo, cast, reshape } from './movement.js';
import { div, equal, mul } from './elementwise.js';

/** Reduce `x` over `axes` (sorted), merging runs of adjacent axes into one kernel call each. */
function reduceRaw(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor {
  // int32 (and bool, stored as int32) reduce in the kernel's int32 form: exact, sums wrapping.
  const dtype = x.dtype === 'float32' ? 'float32' : 'int32';
  let cur = x;
  let shape = cur.shape.slice();
  // Runs of adjacent axes, last run first so earlier axis numbers stay valid.
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a) last[1] = a + 1;
    else runs.push([a, a + 1]);
  }
  for (const [lo, hi] of runs.reverse()) {
    const outer = sizeOf(shape.slice(0, lo));
    const size = sizeOf(shape.slice(lo, hi));
    const inner = sizeOf(shape.slice(hi));
    const outShape = [...shape.slice(0, lo), ...shape.slice(hi)];
    if (size === 0 && op !== 'sum') throw new Error(`${op}: cannot reduce over an empty axis of ${fmt(x.shape)}`);
    const next = runKernel('reduce', [cur], outShape, op === 'argmax' ? 'int32' : dtype, { op, dtype, outer, size, inner }, x.backend);
    if (cur !== x) cur.dispose();
    cur = next;
    shape = outShape;
  }
  // A view, not reshape(): the calling op records itself, and a second tape node for the same output would double its gradient.
  return cur === x ? x.view(x.shape) : cur;
}

function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function finish(y: Tensor, x: Tensor, axes: number[], keepDims: boolean): Tensor {
  if (!keepDims) return y;
  const r = reshape(y, keptShape(x.shape, axes));
  y.dispose();
  return r;
}

/** Sum over `axis` (all axes when omitted). @function */
export const sum = defineOp('sum', (a: TensorLike, axis?: Axis, keepDims: boolean = false): Tensor => {
  const x = toTensor('sum', a);
  const axes = normAxes('sum', axis, x.rank);
  // int32 sums stay int32 and bool sums count the trues (int32), as in TensorFlow.js.
  const y = finish(reduceRaw('sum', x, axes), x, axes, keepDims);
  return record('sum', [x], y, (dy) => [broadcastTo(reshape(dy, keptShape(x.shape, axes)), x.shape)]);
});

/** Arithmetic mean over `axis` (all axes when omitted). @function */
export const mean = defineOp('mean', (a: TensorLike, axis?: Axis, keepDims: boolean = false): Tensor => {
  const x = toTensor('mean', a);
  const axes = normAxes('mean', axis, x.rank);
  const count = sizeOf(axes.map((i) => x.shape[i]!));
  if (count === 0) throw new Error(`mean: cannot average over an empty axis of ${fmt(x.shape)}`);
  const s = finish(reduceRaw('sum', x, axes), x, axes, keepDims);
  const y = div(s, count);
  s.dispose();
  return record('mean', [x], y, (dy) => [div(broadcastTo(reshape(dy, keptShape(x.shape, axes)), x.shape), count)]);
});

function extreme(op: 'max' | 'min') {
  return defineOp(op, (a: TensorLike, axis?: Axis, keepDims: boolean = false): Tensor => {
    const x = toTensor(op, a);
    const axes = normAxes(op, axis, x.rank);
    let y = finish(reduceRaw(op, x, axes), x, axes, keepDims);
    // The largest of some bools is a bool.
    if (x.dtype === 'bool') { const yb = y.viewAs('bool'); y.dispose(); y = yb; }
    return record(op, [x], y, (dy) => {
      const ks = keptShape(x.shape, axes);
      const mask = equal(x, reshape(y, ks));
      return [mul(mask, broadcastTo(reshape(dy, ks), x.shape))];
    });
  });
}
/** Largest value over `axis` (all axes when omitted); ties all receive the gradient. @function */
export const max = extreme('max');
/** Smallest value over `axis` (all axes when omitted). @function */
export const min = extreme('min');

/** Index (int32) of the largest value along one axis (default 0, as in TensorFlow.js); the first one wins ties. @function */
export const argMax = defineOp('argMax', (a: TensorLike, axis: number = 0): Tensor => {
  const x = toTensor('argMax', a);
  if (x.rank === 0) throw new Error('argMax: expected a tensor of rank >= 1, got a scalar');
  const ax = normAxis('argMax', axis, x.rank);
  const { outer, size, inner } = splitAt(x.shape, ax);
  if (size === 0) throw new Error(`argMax: axis ${axis} of ${fmt(x.shape)} is empty`);
  return runKernel('reduce', [x], x.shape.filter((_, i) => i !== ax), 'int32', { op: 'argmax', dtype: x.dtype === 'float32' ? 'float32' : 'int32', outer, size, inner });
});

/** Sum a broadcast gradient back down to `shape` (the inverse of broadcasting). @function */
export const sumTo = defineOp('sumTo', (dy: Tensor, shape: Shape): Tensor => {
  if (sameShape(dy.shape, shape)) return dy;
  const axes = broadcastedAxes(shape, dy.shape);
  const s = reduceRaw('sum', dy, axes);
  const r = reshape(s, shape);
  s.dispose();
  // Recorded for second-order gradients (a backward pass differentiated again).
  return record('sumTo', [dy], r, (g) => [broadcastTo(g, dy.shape)]);
});
