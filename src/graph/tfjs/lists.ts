/**
 * TensorFlow's TensorList (the variant tensors of tf.while_loop bodies written by TF 2) and
 * TensorArrayV3 (TF 1's stateful arrays) as values of the graph: a list is an immutable host object
 * holding its items (tensors or host constants), so each loop iteration sees the list it was handed;
 * a TensorArray is a mutable handle whose writes are ordered by the flow values TensorFlow threads
 * through them. Items keep their backend; only stacking and concatenation build new tensors.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { fmt, sizeOf } from '../../shape.js';
import type { OpContext, OpFn } from '../context.js';
import { host, hostInts, isTensor, toDevice } from '../host.js';
import type { HostTensor, Value } from '../types.js';
import { isHost } from '../types.js';

/** A TensorList value: its items (undefined where not yet set), element shape (-1 dims unknown; null: unknown rank), dtype and size bound. */
export interface TensorList {
  readonly kind: 'list';
  readonly items: readonly (Value | undefined)[];
  readonly elementShape: readonly number[] | null;
  readonly dtype: string;
  /** The most items the list may hold (-1: unbounded). */
  readonly maxSize: number;
}

/** A TensorArrayV3 handle: mutable. */
export interface TensorArray {
  readonly kind: 'array';
  items: (Value | undefined)[];
  readonly dynamic: boolean;
  readonly elementShape: readonly number[] | null;
  readonly dtype: string;
  closed: boolean;
}

/** At most this many items in one list or array (a hostile size cannot take the memory). */
const MAX_ITEMS = 1 << 20;

export function isList(v: unknown): v is TensorList {
  return typeof v === 'object' && v !== null && (v as TensorList).kind === 'list';
}

export function isArray(v: unknown): v is TensorArray {
  return typeof v === 'object' && v !== null && (v as TensorArray).kind === 'array';
}

function listIn(ctx: OpContext, i: number): TensorList {
  const v = ctx.inputs[i];
  if (!isList(v)) ctx.fail(`input ${i} must be a TensorList, got ${v === undefined ? 'nothing' : isHost(v) || isTensor(v) ? `a tensor ${fmt(v.shape)}` : typeof v}`);
  return v;
}

function arrayIn(ctx: OpContext, i: number): TensorArray {
  const v = ctx.inputs[i];
  if (!isArray(v)) ctx.fail(`input ${i} must be a TensorArray handle, got ${v === undefined ? 'nothing' : typeof v}`);
  if (v.closed) ctx.fail('the TensorArray was closed');
  return v;
}

/** A new list, typed as a graph value (the executor passes it along like any other). */
function list(items: (Value | undefined)[], elementShape: readonly number[] | null, dtype: string, maxSize: number): Value {
  // A plain object: tidy scopes look into it and keep the items it holds.
  const l: TensorList = { kind: 'list', items, elementShape, dtype, maxSize };
  return l as unknown as Value;
}

/** An element_shape input: a scalar -1 is an unknown rank, -1 entries unknown dims. */
function shapeIn(ctx: OpContext, i: number): number[] | null {
  const h = ctx.inputs[i];
  if (h === undefined) return null;
  const v = ctx.ints(i, 'element_shape') ?? [];
  if ((isHost(h) && h.shape.length === 0) || (v.length === 1 && v[0] === -1 && isHost(h) && h.shape.length === 0)) return null;
  return v;
}

function count(ctx: OpContext, n: number, what: string): number {
  if (!Number.isInteger(n) || n < -1 || n > MAX_ITEMS) ctx.fail(`${what} ${n} is out of range (at most ${MAX_ITEMS})`);
  return n;
}

function index(ctx: OpContext, i: number, size: number): number {
  const k = ctx.scalar(i, 'index', NaN);
  if (!Number.isInteger(k) || k < 0 || k >= size) ctx.fail(`index ${k} is out of range for a list of ${size} items`);
  return k;
}

/** The element shape with unknown dims resolved from `known` (another item), or an Error. */
function fullShape(ctx: OpContext, shape: readonly number[] | null, known?: readonly number[]): number[] {
  const s = shape ?? known;
  if (!s) return ctx.fail('the element shape is unknown, so an unset item cannot be made');
  return s.map((d, i) => (d >= 0 ? d : known?.[i] ?? ctx.fail(`the element shape [${s}] has unknown dims, so an unset item cannot be made`)));
}

function zerosOf(dtype: string, shape: number[]): Tensor {
  return ops.zeros(shape, dtype === 'int32' || dtype === 'int64' || dtype === 'bool' || dtype === 'uint8' ? 'int32' : 'float32');
}

function device(v: Value): Tensor {
  return isHost(v) ? toDevice(v, 'list item') : v;
}

/** The items as one tensor stacked on a new axis 0 (unset ones as zeros of the element shape). */
function stackItems(ctx: OpContext, items: readonly (Value | undefined)[], shape: readonly number[] | null, dtype: string): Tensor {
  const known = items.find((v) => v !== undefined)?.shape;
  if (known && shape && shape.length === known.length && shape.some((d, i) => d >= 0 && d !== known[i])) ctx.fail(`an item of shape ${fmt(known)} does not match the element shape [${shape}]`);
  if (!items.length) return zerosOf(dtype, [0, ...fullShape(ctx, shape)]);
  const full = fullShape(ctx, shape, known);
  for (const v of items) if (v && fmt(v.shape) !== fmt(full)) ctx.fail(`items of shapes ${fmt(full)} and ${fmt(v.shape)} cannot be stacked`);
  return ops.stack(items.map((v) => (v === undefined ? zerosOf(dtype, full) : device(v))), 0);
}

/** The rows of a tensor along axis 0 as list items (host rows stay on the host). */
function rows(v: Value): Value[] {
  if (v.shape.length === 0) throw new Error('TensorListFromTensor: the tensor must have rank 1 or more, got a scalar');
  if (isHost(v)) {
    const n = v.shape[0]!, per = sizeOf(v.shape.slice(1));
    const C = v.data.constructor as new (a: ArrayLike<number>) => HostTensor['data'];
    return Array.from({ length: n }, (_, k) => host(v.dtype, v.shape.slice(1), new C((v.data as ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }).subarray(k * per, (k + 1) * per))));
  }
  return ops.unstack(v, 0);
}

const dtypeOf = (ctx: OpContext): string => ctx.str('element_dtype', ctx.str('dtype', 'float32'));

/** The TensorList and TensorArray ops, by TensorFlow op name. */
export const LIST_OPS: Record<string, OpFn> = {
  TensorListReserve: (ctx) => {
    const n = count(ctx, ctx.scalar(1, 'num_elements', -1), 'num_elements');
    return [list(Array.from({ length: Math.max(n, 0) }, () => undefined), shapeIn(ctx, 0), dtypeOf(ctx), n)];
  },
  EmptyTensorList: (ctx) => [list([], shapeIn(ctx, 0), dtypeOf(ctx), count(ctx, ctx.scalar(1, 'max_num_elements', -1), 'max_num_elements'))],
  TensorListFromTensor: (ctx) => {
    const v = ctx.inputs[0];
    if (v === undefined || isList(v)) return ctx.fail('input 0 must be a tensor');
    if (v.shape.length === 0) return ctx.fail('the tensor must have rank 1 or more, got a scalar');
    return [list(rows(v), shapeIn(ctx, 1) ?? v.shape.slice(1), dtypeOf(ctx), -1)];
  },
  TensorListGetItem: (ctx) => {
    const l = listIn(ctx, 0);
    const k = index(ctx, 1, l.items.length);
    const v = l.items[k];
    return [v ?? zerosOf(l.dtype, fullShape(ctx, l.elementShape ?? shapeIn(ctx, 2), l.items.find((x) => x)?.shape))];
  },
  TensorListSetItem: (ctx) => {
    const l = listIn(ctx, 0);
    const k = index(ctx, 1, l.items.length);
    const items = l.items.slice();
    items[k] = ctx.inputs[2];
    return [list(items, l.elementShape, l.dtype, l.maxSize)];
  },
  TensorListStack: (ctx) => {
    const l = listIn(ctx, 0);
    const n = ctx.int('num_elements', -1);
    if (n >= 0 && n !== l.items.length) ctx.fail(`the list holds ${l.items.length} items, num_elements is ${n}`);
    return [stackItems(ctx, l.items, l.elementShape ?? shapeIn(ctx, 1), l.dtype)];
  },
  TensorListLength: (ctx) => [host('int32', [], Int32Array.of(listIn(ctx, 0).items.length))],
  TensorListElementShape: (ctx) => {
    const l = listIn(ctx, 0);
    return [l.elementShape ? hostInts(l.elementShape) : host('int32', [], Int32Array.of(-1))];
  },
  TensorListPushBack: (ctx) => {
    const l = listIn(ctx, 0);
    if (l.maxSize >= 0 && l.items.length >= l.maxSize) ctx.fail(`the list is full (${l.maxSize} items)`);
    if (l.items.length >= MAX_ITEMS) ctx.fail(`the list holds ${MAX_ITEMS} items, the most allowed`);
    return [list([...l.items, ctx.inputs[1]], l.elementShape, l.dtype, l.maxSize)];
  },
  TensorListPopBack: (ctx) => {
    const l = listIn(ctx, 0);
    if (!l.items.length) ctx.fail('the list is empty');
    const v = l.items[l.items.length - 1];
    return [list(l.items.slice(0, -1), l.elementShape, l.dtype, l.maxSize), v ?? zerosOf(l.dtype, fullShape(ctx, l.elementShape ?? shapeIn(ctx, 1)))];
  },
  TensorListResize: (ctx) => {
    const l = listIn(ctx, 0);
    const n = count(ctx, ctx.scalar(1, 'size', NaN), 'size');
    if (n < 0) ctx.fail(`size ${n} must not be negative`);
    return [list(Array.from({ length: n }, (_, k) => l.items[k]), l.elementShape, l.dtype, l.maxSize)];
  },
  TensorListGather: (ctx) => {
    const l = listIn(ctx, 0);
    const idx = ctx.ints(1, 'indices') ?? [];
    for (const k of idx) if (!Number.isInteger(k) || k < 0 || k >= l.items.length) ctx.fail(`index ${k} is out of range for a list of ${l.items.length} items`);
    return [stackItems(ctx, idx.map((k) => l.items[k]), l.elementShape ?? shapeIn(ctx, 2), l.dtype)];
  },
  TensorListScatterV2: (ctx) => scatter(ctx, undefined),
  TensorListScatter: (ctx) => scatter(ctx, undefined),
  TensorListScatterIntoExistingList: (ctx) => scatter(ctx, listIn(ctx, 0)),
  TensorListConcatV2: (ctx) => {
    const l = listIn(ctx, 0);
    const items = l.items.map((v) => v ?? ctx.fail('an item of the list is unset, so it cannot be concatenated'));
    if (!items.length) return [zerosOf(l.dtype, [0, ...fullShape(ctx, l.elementShape ?? shapeIn(ctx, 1)).slice(1)]), hostInts([])];
    return [ops.concat(items.map(device), 0), hostInts(items.map((v) => v.shape[0] ?? 1))];
  },
  TensorListSplit: (ctx) => {
    const x = ctx.tensor(0);
    const lengths = ctx.ints(2, 'lengths') ?? [];
    if (lengths.reduce((a, b) => a + b, 0) !== x.shape[0] || lengths.some((n) => n < 0)) ctx.fail(`lengths [${lengths}] do not split ${fmt(x.shape)} along axis 0`);
    let at = 0;
    const items = lengths.map((n) => { const s = ops.slice(x, [at, ...x.shape.slice(1).map(() => 0)], [n, ...x.shape.slice(1)]); at += n; return s; });
    return [list(items, shapeIn(ctx, 1), dtypeOf(ctx), -1)];
  },

  TensorArrayV3: (ctx) => {
    const n = count(ctx, ctx.scalar(0, 'size', NaN), 'size');
    if (n < 0) ctx.fail(`size ${n} must not be negative`);
    const shape = ctx.intList('element_shape');
    const arr: TensorArray = { kind: 'array', items: Array.from({ length: n }, () => undefined), dynamic: ctx.int('dynamic_size', 0) === 1, elementShape: shape && shape.length ? shape : null, dtype: dtypeOf(ctx), closed: false };
    return [arr as unknown as Value, flow()];
  },
  TensorArrayWriteV3: (ctx) => {
    const a = arrayIn(ctx, 0);
    write(ctx, a, ctx.scalar(1, 'index', NaN), ctx.inputs[2]);
    return [flow()];
  },
  TensorArrayReadV3: (ctx) => {
    const a = arrayIn(ctx, 0);
    const k = index(ctx, 1, a.items.length);
    return [a.items[k] ?? zerosOf(a.dtype, fullShape(ctx, a.elementShape))];
  },
  TensorArrayGatherV3: (ctx) => {
    const a = arrayIn(ctx, 0);
    const idx = ctx.ints(1, 'indices') ?? [];
    for (const k of idx) if (!Number.isInteger(k) || k < 0 || k >= a.items.length) ctx.fail(`index ${k} is out of range for a TensorArray of ${a.items.length} items`);
    const shape = ctx.intList('element_shape');
    return [stackItems(ctx, idx.map((k) => a.items[k]), a.elementShape ?? (shape && shape.length ? shape : null), a.dtype)];
  },
  TensorArrayScatterV3: (ctx) => {
    const a = arrayIn(ctx, 0);
    const idx = ctx.ints(1, 'indices') ?? [];
    const v = ctx.inputs[2];
    if (v === undefined || isList(v) || v.shape[0] !== idx.length) return ctx.fail(`value must have ${idx.length} rows, one per index`);
    const r = rows(v);
    idx.forEach((k, j) => write(ctx, a, k, r[j]));
    return [flow()];
  },
  TensorArraySplitV3: (ctx) => {
    const a = arrayIn(ctx, 0);
    const x = ctx.tensor(1);
    const lengths = ctx.ints(2, 'lengths') ?? [];
    if (lengths.reduce((s, n) => s + n, 0) !== x.shape[0] || lengths.some((n) => n < 0)) ctx.fail(`lengths [${lengths}] do not split ${fmt(x.shape)} along axis 0`);
    let at = 0;
    lengths.forEach((n, k) => { write(ctx, a, k, ops.slice(x, [at, ...x.shape.slice(1).map(() => 0)], [n, ...x.shape.slice(1)])); at += n; });
    return [flow()];
  },
  TensorArrayConcatV3: (ctx) => {
    const a = arrayIn(ctx, 0);
    const items = a.items.map((v) => v ?? ctx.fail('an item of the TensorArray is unset, so it cannot be concatenated'));
    if (!items.length) return [zerosOf(a.dtype, [0]), hostInts([])];
    return [ops.concat(items.map(device), 0), hostInts(items.map((v) => v.shape[0] ?? 1))];
  },
  TensorArraySizeV3: (ctx) => [host('int32', [], Int32Array.of(arrayIn(ctx, 0).items.length))],
  TensorArrayCloseV3: (ctx) => { arrayIn(ctx, 0).closed = true; return []; },
};

function flow(): HostTensor {
  return host('float32', [], Float32Array.of(0));
}

function write(ctx: OpContext, a: TensorArray, k: number, v: Value | undefined): void {
  if (v === undefined || isList(v)) ctx.fail('the value written must be a tensor');
  if (!Number.isInteger(k) || k < 0 || k >= MAX_ITEMS) ctx.fail(`index ${k} is out of range`);
  if (k >= a.items.length) {
    if (!a.dynamic) ctx.fail(`index ${k} is out of range for a TensorArray of ${a.items.length} items`);
    while (a.items.length <= k) a.items.push(undefined);
  }
  if (a.elementShape && (a.elementShape.length !== v.shape.length || a.elementShape.some((d, i) => d >= 0 && d !== v.shape[i]))) {
    ctx.fail(`a value of shape ${fmt(v.shape)} does not match the element shape [${a.elementShape}]`);
  }
  a.items[k] = v;
}

function scatter(ctx: OpContext, into: TensorList | undefined): Value[] {
  const t = into ? 1 : 0;
  const v = ctx.inputs[t];
  if (v === undefined || isList(v)) return ctx.fail(`input ${t} must be a tensor`);
  const idx = ctx.ints(t + 1, 'indices') ?? [];
  if (v.shape[0] !== idx.length) ctx.fail(`the tensor ${fmt(v.shape)} must have ${idx.length} rows, one per index`);
  const n = into ? into.items.length : Math.max(ctx.node.op === 'TensorListScatterV2' ? ctx.scalar(3, 'num_elements', -1) : -1, ...idx.map((k) => k + 1), 0);
  count(ctx, n, 'list size');
  const items = into ? into.items.slice() : Array.from({ length: n }, () => undefined as Value | undefined);
  const r = rows(v);
  idx.forEach((k, j) => {
    if (!Number.isInteger(k) || k < 0 || k >= n) ctx.fail(`index ${k} is out of range for a list of ${n} items`);
    items[k] = r[j];
  });
  return [list(items, into?.elementShape ?? shapeIn(ctx, t + 2) ?? v.shape.slice(1), into?.dtype ?? dtypeOf(ctx), into?.maxSize ?? -1) ];
}

