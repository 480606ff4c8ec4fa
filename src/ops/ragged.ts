/**
 * The ragged ops of TensorFlow.js: raggedRange, raggedGather and raggedTensorToTensor. A ragged
 * tensor is nested row splits (int32, one per ragged dimension) over dense values. Output sizes
 * depend on the values of the splits, so these read their inputs on the host (as TensorFlow.js
 * does), on backends that read synchronously (cpu, wasm).
 */
import type { TypedArray } from '../dtype.js';
import { fmt, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, defineOp, fromData, toTensor, type TensorLike } from './core.js';
import { hostValues } from './sparse.js';

/** The result of raggedRange. */
export interface RaggedRangeResult {
  /** [n + 1] int32 row splits. */
  rtNestedSplits: Tensor;
  /** The concatenated ranges (the dtype of starts). */
  rtDenseValues: Tensor;
}

/**
 * One range per entry of starts, limits and deltas (tensors of one shape, scalars or 1-D):
 * start, start + delta, ... up to but excluding limit, as a ragged tensor.
 * @function
 */
export const raggedRange = defineOp('raggedRange', (starts: TensorLike, limits: TensorLike, deltas: TensorLike): RaggedRangeResult => {
  const op = 'raggedRange';
  const backend = backendOf(op, [starts, limits, deltas]);
  const ts = [starts, limits, deltas].map((v) => toTensor(op, v, backend));
  const [s, l, d] = ts as [Tensor, Tensor, Tensor];
  for (const t of ts) {
    if (t.rank > 1) throw new Error(`${op}: starts, limits and deltas must be scalars or 1-D, got ${fmt(t.shape)}`);
    if (t.dtype !== s.dtype || t.dtype === 'bool') throw new Error(`${op}: starts, limits and deltas must share a float32 or int32 dtype, got ${ts.map((x) => x.dtype).join(', ')}`);
  }
  if (!(fmt(s.shape) === fmt(l.shape) && fmt(s.shape) === fmt(d.shape))) throw new Error(`${op}: starts, limits and deltas must have the same shape, got ${ts.map((x) => fmt(x.shape)).join(', ')}`);
  const S = hostValues(op, 'starts', s), L = hostValues(op, 'limits', l), D = hostValues(op, 'deltas', d);
  const splits = [0];
  const vals: number[] = [];
  for (let i = 0; i < S.length; i++) {
    const a = S[i]!, b = L[i]!, st = D[i]!;
    if (st === 0) throw new Error(`${op}: deltas must not be 0 (entry ${i})`);
    const count = Math.max(0, Math.ceil((b - a) / st));
    for (let k = 0; k < count; k++) vals.push(a + k * st);
    splits.push(vals.length);
  }
  const values = s.dtype === 'int32' ? Int32Array.from(vals) : Float32Array.from(vals);
  return { rtNestedSplits: fromData(Int32Array.from(splits), [splits.length], 'int32', backend), rtDenseValues: fromData(values, [vals.length], s.dtype, backend) };
});

/** The result of raggedGather. */
export interface RaggedGatherResult {
  /** The output's row splits, outermost first (outputRaggedRank of them). */
  outputNestedSplits: Tensor[];
  /** The gathered dense values. */
  outputDenseValues: Tensor;
}

/**
 * Gather rows of the outermost dimension of a ragged tensor (paramsNestedSplits over
 * paramsDenseValues) by int32 indices of any rank; the indices' own dimensions become the outer
 * ragged dimensions of the result, so outputRaggedRank must be indices' rank - 1 + the params'
 * ragged rank.
 * @function
 */
export const raggedGather = defineOp('raggedGather', (paramsNestedSplits: readonly Tensor[], paramsDenseValues: TensorLike, indices: TensorLike, outputRaggedRank: number): RaggedGatherResult => {
  const op = 'raggedGather';
  if (!Array.isArray(paramsNestedSplits) || paramsNestedSplits.length === 0) throw new Error(`${op}: paramsNestedSplits must be a non-empty array of int32 tensors`);
  const backend = backendOf(op, [...paramsNestedSplits, paramsDenseValues, indices]);
  const splits = paramsNestedSplits.map((t, k) => {
    const x = toTensor(op, t, backend, Array.isArray(t) ? 'int32' : undefined);
    if (x.dtype !== 'int32' || x.rank !== 1 || x.size < 1) throw new Error(`${op}: paramsNestedSplits[${k}] must be a non-empty 1-D int32 tensor, got ${x.dtype} ${fmt(x.shape)}`);
    return hostValues(op, `paramsNestedSplits[${k}]`, x);
  });
  const values = toTensor(op, paramsDenseValues, backend);
  if (values.rank < 1) throw new Error(`${op}: paramsDenseValues must have rank >= 1, got a scalar`);
  const idx = toTensor(op, indices, backend, Array.isArray(indices) || typeof indices === 'number' ? 'int32' : undefined);
  if (idx.dtype !== 'int32') throw new Error(`${op}: indices must be int32, got ${idx.dtype}`);
  const want = Math.max(idx.rank, 1) - 1 + splits.length;
  if (outputRaggedRank !== want) throw new Error(`${op}: outputRaggedRank must be ${want} (indices' rank ${idx.rank} - 1 + ${splits.length} ragged dimensions), got ${outputRaggedRank}`);
  const I = hostValues(op, 'indices', idx), V = hostValues(op, 'paramsDenseValues', values);
  const nrows = splits[0]!.length - 1;
  for (let k = 0; k + 1 < splits.length; k++) {
    if (splits[k]![splits[k]!.length - 1] !== splits[k + 1]!.length - 1) throw new Error(`${op}: paramsNestedSplits[${k}] ends at ${splits[k]![splits[k]!.length - 1]}, but paramsNestedSplits[${k + 1}] splits ${splits[k + 1]!.length - 1} rows`);
  }
  const last = splits[splits.length - 1]!;
  if (last[last.length - 1] !== values.shape[0]) throw new Error(`${op}: the last splits end at ${last[last.length - 1]}, but paramsDenseValues has ${values.shape[0]} rows`);
  const out: Tensor[] = [];
  // The indices' outer dimensions, as uniform splits.
  for (let l = 0; l + 1 < idx.rank; l++) {
    const rows = sizeOf(idx.shape.slice(0, l + 1)), w = idx.shape[l + 1]!;
    out.push(fromData(Int32Array.from({ length: rows + 1 }, (_, i) => i * w), [rows + 1], 'int32', backend));
  }
  let items = Array.from(I, (r, i) => {
    if (r < 0 || r >= nrows) throw new Error(`${op}: indices[${i}] = ${r} is outside [0, ${nrows})`);
    return r;
  });
  for (const s of splits) {
    const sp = [0];
    const next: number[] = [];
    for (const r of items) {
      for (let j = s[r]!; j < s[r + 1]!; j++) next.push(j);
      sp.push(next.length);
    }
    out.push(fromData(Int32Array.from(sp), [sp.length], 'int32', backend));
    items = next;
  }
  const inner = sizeOf(values.shape.slice(1));
  const dense = (values.dtype === 'float32' ? new Float32Array(items.length * inner) : new Int32Array(items.length * inner)) as TypedArray;
  items.forEach((r, i) => { for (let j = 0; j < inner; j++) dense[i * inner + j] = V[r * inner + j]!; });
  const dv = values.dtype === 'bool' ? Uint8Array.from(dense) : dense;
  return { outputNestedSplits: out, outputDenseValues: fromData(dv, [items.length, ...values.shape.slice(1)], values.dtype, backend) };
});

/** Row splits from the partition tensors TensorFlow.js's raggedTensorToTensor takes. */
function toSplits(op: string, parts: readonly TypedArray[], types: readonly string[], nvals: number): number[][] {
  const out: number[][] = [];
  let k = 0;
  let rows: number | null = null;
  if (types[0] === 'FIRST_DIM_SIZE') { rows = parts[0]![0]!; k = 1; }
  for (; k < types.length; k++) {
    const p = Array.from(parts[k]!);
    if (types[k] === 'ROW_SPLITS') {
      out.push(p);
    } else if (types[k] === 'VALUE_ROWIDS') {
      const n = rows ?? (out.length > 0 ? out[out.length - 1]![out[out.length - 1]!.length - 1]! : 0);
      const sp = new Array<number>(n + 1).fill(0);
      for (const r of p) {
        if (r < 0 || r >= n) throw new Error(`${op}: a VALUE_ROWIDS entry ${r} is outside [0, ${n})`);
        sp[r + 1]!++;
      }
      for (let i = 0; i < n; i++) sp[i + 1]! += sp[i]!;
      out.push(sp);
    } else {
      throw new Error(`${op}: unknown row partition type '${types[k]}' (expected ROW_SPLITS, or FIRST_DIM_SIZE then VALUE_ROWIDS)`);
    }
    rows = null;
  }
  if (out.length === 0) throw new Error(`${op}: expected at least one row partition`);
  const last = out[out.length - 1]!;
  if (last[last.length - 1] !== nvals) throw new Error(`${op}: the row partitions cover ${last[last.length - 1]} values, but values has ${nvals}`);
  return out;
}

/**
 * A ragged tensor (values partitioned by rowPartitionTensors, described by rowPartitionTypes:
 * 'ROW_SPLITS' each, or 'FIRST_DIM_SIZE' then 'VALUE_ROWIDS') as a dense tensor of `shape`, -1
 * entries inferred from the longest rows; missing entries are defaultValue, rows beyond the shape
 * are dropped.
 * @function
 */
export const raggedTensorToTensor = defineOp('raggedTensorToTensor', (shape: TensorLike, values: TensorLike, defaultValue: TensorLike, rowPartitionTensors: readonly Tensor[], rowPartitionTypes: readonly string[]): Tensor => {
  const op = 'raggedTensorToTensor';
  const backend = backendOf(op, [shape, values, defaultValue, ...rowPartitionTensors]);
  if (!Array.isArray(rowPartitionTensors) || !Array.isArray(rowPartitionTypes) || rowPartitionTensors.length !== rowPartitionTypes.length) {
    throw new Error(`${op}: rowPartitionTensors and rowPartitionTypes must be arrays of one length`);
  }
  const v = toTensor(op, values, backend);
  if (v.rank < 1) throw new Error(`${op}: values must have rank >= 1, got a scalar`);
  const dv = toTensor(op, defaultValue, backend, typeof defaultValue === 'number' ? v.dtype : undefined);
  if (dv.dtype !== v.dtype) throw new Error(`${op}: defaultValue (${dv.dtype}) must have the values' dtype (${v.dtype})`);
  const inner = v.shape.slice(1), innerSize = sizeOf(inner);
  if (dv.size !== 1 && dv.size !== innerSize) throw new Error(`${op}: defaultValue ${fmt(dv.shape)} must be a scalar or of the values' inner shape ${fmt(inner)}`);
  const parts = rowPartitionTensors.map((t, k) => {
    const x = toTensor(op, t, backend);
    if (x.dtype !== 'int32') throw new Error(`${op}: rowPartitionTensors[${k}] must be int32, got ${x.dtype}`);
    return hostValues(op, `rowPartitionTensors[${k}]`, x);
  });
  const splits = toSplits(op, parts, rowPartitionTypes, v.shape[0]!);
  const rank = splits.length + v.rank;
  const shp = toTensor(op, shape, backend, Array.isArray(shape) ? 'int32' : undefined);
  const S = Array.from(hostValues(op, 'shape', shp));
  if (S.length !== rank) throw new Error(`${op}: shape must have ${rank} entries (ragged rank ${splits.length} + values' rank ${v.rank}), got [${S}]`);
  const natural = [splits[0]!.length - 1, ...splits.map((s) => s.reduce((m, _, i) => (i > 0 ? Math.max(m, s[i]! - s[i - 1]!) : m), 0)), ...inner];
  const dims = S.map((d, i) => (d < 0 ? natural[i]! : d));
  inner.forEach((d, i) => {
    if (dims[splits.length + 1 + i] !== d) throw new Error(`${op}: shape [${S}] must keep the values' inner dimensions ${fmt(inner)}`);
  });
  const V = hostValues(op, 'values', v), D = hostValues(op, 'defaultValue', dv);
  const total = sizeOf(dims);
  const out = (v.dtype === 'float32' ? new Float32Array(total) : v.dtype === 'bool' ? new Uint8Array(total) : new Int32Array(total)) as TypedArray;
  for (let i = 0; i < total; i++) out[i] = D.length === 1 ? D[0]! : D[i % innerSize]!;
  const R = splits.length;
  // Walk each ragged path that fits the shape: at level l, row `row` has items splits[l][row].. .
  const walk = (level: number, row: number, offset: number): void => {
    const s = splits[level]!;
    const len = Math.min(s[row + 1]! - s[row]!, dims[level + 1]!);
    const stride = sizeOf(dims.slice(level + 2));
    for (let j = 0; j < len; j++) {
      const item = s[row]! + j;
      if (level + 1 < R) walk(level + 1, item, offset + j * stride);
      else for (let q = 0; q < innerSize; q++) out[offset + j * stride + q] = V[item * innerSize + q]!;
    }
  };
  const rows = Math.min(splits[0]!.length - 1, dims[0]!);
  for (let r = 0; r < rows; r++) walk(0, r, r * sizeOf(dims.slice(1)));
  return fromData(out, dims, v.dtype, backend);
});
