/**
 * ONNX reductions (axes as an attribute or, from opset 13 for ReduceSum and 18 for the rest, an
 * input; keepdims; noop_with_empty_axes), ArgMax / ArgMin, CumSum (a matmul with a triangular
 * matrix, so it has a gradient) and Einsum (broadcast products summed over the contracted letters).
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import type { OpFn } from '../context.js';
import { takeAlong } from './ops-index.js';

function reduce(f: (x: Tensor, axes: number[], keep: boolean) => Tensor, axesInputFrom = 18): OpFn {
  return (c) => {
    const x = c.tensor(0);
    const axes = c.opset < axesInputFrom ? c.intList('axes') : c.ints(1, 'axes');
    const keep = c.int('keepdims', 1) === 1;
    if ((!axes || axes.length === 0) && c.int('noop_with_empty_axes', 0) === 1) return [ops.reshape(x, x.shape)];
    const list = axes && axes.length ? [...new Set(axes.map((a) => c.axis(a, x.rank)))].sort((a, b) => a - b) : x.shape.map((_, i) => i);
    if (x.size === 0 && list.some((a) => x.shape[a] === 0)) return c.fail(`cannot reduce over an empty axis of ${c.fmt(x.shape)}`);
    return [f(x, list, keep)];
  };
}

function argReduce(sign: 1 | -1): OpFn {
  return (c) => {
    const x0 = c.tensor(0);
    const ax = c.axis(c.int('axis', 0), x0.rank);
    const x = sign === 1 ? x0 : ops.neg(x0);
    const n = x0.shape[ax]!;
    // The last of equal maxima: the first in the reversed axis, counted from the end.
    const y = c.int('select_last_index', 0) === 1
      ? ops.cast(ops.sub(n - 1, ops.argMax(ops.gather(x, ops.tensor(Int32Array.from({ length: n }, (_, i) => n - 1 - i), [n], 'int32'), ax), ax)), 'int32')
      : ops.argMax(x, ax);
    return [c.int('keepdims', 1) === 1 ? ops.expandDims(y, ax) : y];
  };
}

/** Cumulative sum along an axis as x @ T, T an [n, n] triangle (exclusive and reverse move its diagonal). */
const cumsum: OpFn = (c) => {
  const x0 = c.tensor(0);
  const ax = c.axis(c.scalar(1, 'axis', 0), x0.rank);
  const exclusive = c.int('exclusive', 0) === 1, reverse = c.int('reverse', 0) === 1;
  const n = x0.shape[ax]!;
  const tri = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const on = reverse ? (exclusive ? i > j : i >= j) : (exclusive ? i < j : i <= j);
      tri[i * n + j] = on ? 1 : 0;
    }
  }
  const perm = [...x0.shape.keys()].filter((i) => i !== ax).concat(ax);
  const x = ops.cast(ops.transpose(x0, perm), 'float32');
  const y = ops.reshape(ops.matmul(ops.reshape(x, [-1, n]), ops.tensor(tri, [n, n])), x.shape);
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  const out = ops.transpose(y, inv);
  return [x0.dtype === 'int32' ? ops.cast(out, 'int32') : out];
};

/** Einsum over explicit or implicit outputs, no ellipsis: every operand broadcast to all letters, multiplied, summed. */
const einsum: OpFn = (c) => {
  const eq = c.str('equation', '').replace(/\s/g, '');
  if (eq.includes('.')) return c.fail('ellipsis (...) in the equation is not supported');
  const [lhs, rhs] = eq.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== c.inputs.length) return c.fail(`equation '${eq}' names ${terms.length} operands, got ${c.inputs.length}`);
  const counts = new Map<string, number>();
  for (const t of terms) for (const ch of t) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const out = rhs ?? [...counts.keys()].filter((ch) => counts.get(ch) === 1).sort().join('');
  const letters = [...out, ...[...counts.keys()].filter((ch) => !out.includes(ch))];
  const sizes = new Map<string, number>();
  let acc: Tensor | undefined;
  terms.forEach((t, k) => {
    let x = c.tensor(k);
    if (t.length !== x.rank) return c.fail(`operand ${k} has rank ${x.rank}, but '${t}' names ${t.length} axes`);
    // A repeated letter within one term takes the diagonal.
    for (let i = 0; i < t.length; i++) {
      const j = t.indexOf(t[i]!);
      if (j !== i) return c.fail(`repeated index '${t[i]}' within one operand is not supported`);
      const d = x.shape[i]!, s = sizes.get(t[i]!);
      if (s !== undefined && s !== d && s !== 1 && d !== 1) return c.fail(`index '${t[i]}' has sizes ${s} and ${d}`);
      sizes.set(t[i]!, Math.max(s ?? 1, d));
    }
    const order = letters.filter((ch) => t.includes(ch));
    x = ops.transpose(x, order.map((ch) => t.indexOf(ch)));
    x = ops.reshape(x, letters.map((ch) => (t.includes(ch) ? x.shape[order.indexOf(ch)]! : 1)));
    acc = acc ? ops.mul(acc, x) : x;
  });
  const contracted = letters.map((_, i) => i).slice(out.length);
  let y = acc!;
  if (contracted.length) y = ops.sum(y, contracted);
  else y = ops.broadcastTo(y, letters.map((ch) => sizes.get(ch)!));
  return [ops.reshape(y, [...out].map((ch) => sizes.get(ch)!))];
};

/** The product as exp(sum(log|x|)) with the sign from the count of negatives (a zero gives exp(-inf) = 0). */
export function prod(x0: Tensor, axes: number[], keep: boolean): Tensor {
  const x = ops.cast(x0, 'float32');
  const mag = ops.exp(ops.sum(ops.log(ops.abs(x)), axes, keep));
  const negatives = ops.sum(ops.less(x, 0), axes, keep);
  const half = ops.mul(negatives, 0.5);
  const odd = ops.notEqual(ops.cast(ops.cast(half, 'int32'), 'float32'), half);
  const y = ops.mul(mag, ops.sub(1, ops.mul(odd, 2)));
  return x0.dtype === 'int32' ? ops.cast(ops.add(y, ops.sub(ops.mul(ops.greater(y, 0), 1), 0.5)), 'int32') : y;
}

/** TopK by k rounds of argMax, each masking out what it took (ties go to the lower index, as ONNX wants). */
const topK: OpFn = (c) => {
  const x0 = c.tensor(0);
  const k = c.opset < 10 ? c.int('k', 1) : c.scalar(1, 'k', NaN);
  const ax = c.axis(c.int('axis', -1), x0.rank);
  const n = x0.shape[ax]!;
  if (!Number.isInteger(k) || k < 0 || k > n) return c.fail(`k = ${k} is out of range for axis ${ax} of ${c.fmt(x0.shape)}`);
  const largest = c.int('largest', 1) === 1;
  let x = ops.cast(x0, 'float32');
  if (!largest) x = ops.neg(x);
  const iota = ops.reshape(ops.arange(0, n, 1, 'int32'), x0.shape.map((d, i) => (i === ax ? n : 1)));
  const idx: Tensor[] = [];
  for (let i = 0; i < k; i++) {
    const a = ops.expandDims(ops.argMax(x, ax), ax);
    idx.push(a);
    x = ops.where(ops.equal(iota, a), -Infinity, x);
  }
  const indices = k === 0 ? ops.zeros(x0.shape.map((d, i) => (i === ax ? 0 : d)), 'int32') : ops.concat(idx, ax);
  const values = k === 0 ? ops.zeros(indices.shape, x0.dtype) : takeAlong(x0, indices, ax);
  return [values, indices];
};

const sumSquare = (x: Tensor, a: number[], k: boolean): Tensor => ops.sum(ops.mul(x, x), a, k);

export const REDUCE_OPS: Record<string, OpFn> = {
  ReduceSum: reduce((x, a, k) => ops.sum(x, a, k), 13),
  ReduceMean: reduce((x, a, k) => ops.mean(x, a, k)),
  ReduceMax: reduce((x, a, k) => ops.max(x, a, k)),
  ReduceMin: reduce((x, a, k) => ops.min(x, a, k)),
  ReduceSumSquare: reduce(sumSquare),
  ReduceL1: reduce((x, a, k) => ops.sum(ops.abs(x), a, k)),
  ReduceL2: reduce((x, a, k) => ops.sqrt(sumSquare(x, a, k))),
  ReduceLogSum: reduce((x, a, k) => ops.log(ops.sum(x, a, k))),
  ReduceLogSumExp: reduce((x, a, k) => {
    const m = ops.max(x, a, true);
    const s = ops.add(ops.log(ops.sum(ops.exp(ops.sub(x, m)), a, true)), m);
    return k ? s : ops.squeeze(s, a);
  }),
  ReduceProd: reduce(prod),
  TopK: topK,
  ArgMax: argReduce(1),
  ArgMin: argReduce(-1),
  CumSum: cumsum,
  Einsum: einsum,
};

