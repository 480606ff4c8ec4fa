/**
 * Ops whose output size depends on the data, which read it back to the host as TensorFlow.js does:
 * whereAsync, booleanMaskAsync, setdiff1dAsync (async, on every backend) and unique (synchronous
 * as in TensorFlow.js, so only where the host reads buffers synchronously: cpu and wasm). The
 * selected data itself is gathered on the backend where it can be.
 */
import { fmt, normAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { backendOf, fromData, toTensor, type TensorLike } from './core.js';
import { gather, reshape } from './movement.js';

/** Run `fn` on `a` as a tensor, disposing the tensor afterwards when it was made here from an array. */
async function withTensor<T>(op: string, a: TensorLike, fn: (x: Tensor) => Promise<T>, backend?: Tensor['backend']): Promise<T> {
  const x = toTensor(op, a, backend);
  try {
    return await fn(x);
  } finally {
    if (x !== a) x.dispose();
  }
}

/**
 * The coordinates (int32 [count, rank]) of the true elements of a bool `condition`, in row-major
 * order (TensorFlow.js's tf.whereAsync).
 */
export async function whereAsync(condition: TensorLike): Promise<Tensor> {
  return withTensor('whereAsync', condition, async (c) => {
    if (c.dtype !== 'bool') throw new Error(`whereAsync: expected a bool condition, got ${c.dtype} ${fmt(c.shape)}`);
    const v = await c.data();
    const rank = c.rank, strides = c.shape.map((_, d) => sizeOf(c.shape.slice(d + 1)));
    const hits: number[] = [];
    for (let i = 0; i < v.length; i++) if (v[i]) for (let d = 0; d < rank; d++) hits.push(Math.floor(i / strides[d]!) % c.shape[d]!);
    return fromData(Int32Array.from(hits), [hits.length / Math.max(rank, 1), rank], 'int32', c.backend, 'whereAsync');
  });
}

/**
 * The slices of `tensor` where the bool `mask` is true (TensorFlow.js's tf.booleanMaskAsync): mask
 * covers axes axis .. axis + mask.rank - 1 of tensor, which collapse into one axis of the trues.
 */
export async function booleanMaskAsync(tensor: TensorLike, mask: TensorLike, axis: number = 0): Promise<Tensor> {
  const backend = backendOf('booleanMaskAsync', [tensor, mask]);
  const x = toTensor('booleanMaskAsync', tensor, backend);
  try {
    return await withTensor('booleanMaskAsync', mask, async (m) => {
      if (m.dtype !== 'bool') throw new Error(`booleanMaskAsync: expected a bool mask, got ${m.dtype} ${fmt(m.shape)}`);
      if (m.rank === 0) throw new Error('booleanMaskAsync: the mask must have rank >= 1, got a scalar');
      const ax = normAxis('booleanMaskAsync', axis, x.rank);
      const covered = x.shape.slice(ax, ax + m.rank);
      if (covered.length !== m.rank || covered.some((d, i) => d !== m.shape[i])) {
        throw new Error(`booleanMaskAsync: the mask ${fmt(m.shape)} must match axes ${ax}..${ax + m.rank - 1} of the tensor ${fmt(x.shape)}`);
      }
      const v = await m.data();
      const picked: number[] = [];
      for (let i = 0; i < v.length; i++) if (v[i]) picked.push(i);
      const flat = reshape(x, [...x.shape.slice(0, ax), m.size, ...x.shape.slice(ax + m.rank)]);
      const idx = fromData(Int32Array.from(picked), [picked.length], 'int32', backend, 'booleanMaskAsync');
      try {
        return gather(flat, idx, ax);
      } finally {
        idx.dispose();
        if (flat !== x) flat.dispose();
      }
    }, backend);
  } finally {
    if (x !== tensor) x.dispose();
  }
}

/**
 * The values of 1-D `x` that are not in 1-D `y`, in x's order, and their int32 positions in x
 * (TensorFlow.js's tf.setdiff1dAsync): [values, indices].
 */
export async function setdiff1dAsync(x: TensorLike, y: TensorLike): Promise<[Tensor, Tensor]> {
  const backend = backendOf('setdiff1dAsync', [x, y]);
  return withTensor('setdiff1dAsync', x, (a) => withTensor('setdiff1dAsync', y, async (b) => {
    if (a.dtype !== b.dtype) throw new Error(`setdiff1dAsync: x and y must have one dtype, got ${a.dtype} and ${b.dtype}`);
    if (a.rank !== 1 || b.rank !== 1) throw new Error(`setdiff1dAsync: x and y must be 1-D, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
    const [va, vb] = [await a.data(), await b.data()];
    const drop = new Set(Array.from(vb as ArrayLike<number>));
    const keep: number[] = [];
    for (let i = 0; i < va.length; i++) if (!drop.has(va[i] as number)) keep.push(i);
    const values = Array.from(keep, (i) => va[i] as number);
    const out = fromData(a.dtype === 'int32' ? Int32Array.from(values) : a.dtype === 'bool' ? Uint8Array.from(values) : Float32Array.from(values), [keep.length], a.dtype, backend, 'setdiff1dAsync');
    return [out, fromData(Int32Array.from(keep), [keep.length], 'int32', backend, 'setdiff1dAsync')] as [Tensor, Tensor];
  }, backend), backend);
}

/** What unique returns. */
export interface Unique {
  /** The distinct slices along the axis, in order of first appearance. */
  values: Tensor;
  /** For each slice of x along the axis, the int32 position of its value in `values`. */
  indices: Tensor;
}

/**
 * The distinct slices of `x` along `axis` in order of first appearance, and for each slice of x the
 * index of its value (TensorFlow.js's tf.unique). Synchronous as in TensorFlow.js, so it reads x on
 * the host: cpu and wasm only; elsewhere an Error names the way round it.
 */
export function unique(a: TensorLike, axis: number = 0): Unique {
  const x = toTensor('unique', a);
  try {
    if (x.rank === 0) throw new Error('unique: expected a tensor of rank >= 1, got a scalar');
    if (!x.backend.readSync) throw new Error(`unique: the ${x.backend.name} backend reads its buffers asynchronously, and unique's result size depends on the data; copy the tensor to the wasm or cpu backend first (\`await t.to('wasm')\`)`);
    const ax = normAxis('unique', axis, x.rank);
    const v = x.dataSync();
    const outer = sizeOf(x.shape.slice(0, ax)), size = x.shape[ax]!, inner = sizeOf(x.shape.slice(ax + 1));
    const seen = new Map<string, number>();
    const first: number[] = [];
    const idx = new Int32Array(size);
    if (outer * inner === 1) {
      // one number per slice: keyed by the number itself (SameValueZero, as the string keys below:
      // NaN meets NaN, -0 meets 0)
      const seenNum = new Map<number, number>();
      for (let j = 0; j < size; j++) {
        const key = v[j] as number;
        let k = seenNum.get(key);
        if (k === undefined) { k = first.length; seenNum.set(key, k); first.push(j); }
        idx[j] = k;
      }
    }
    for (let j = 0; j < size && outer * inner !== 1; j++) {
      const parts: number[] = [];
      for (let p = 0; p < outer; p++) for (let q = 0; q < inner; q++) parts.push(v[(p * size + j) * inner + q] as number);
      const key = parts.join(',');
      let k = seen.get(key);
      if (k === undefined) { k = first.length; seen.set(key, k); first.push(j); }
      idx[j] = k;
    }
    const picks = fromData(Int32Array.from(first), [first.length], 'int32', x.backend, 'unique');
    try {
      return { values: gather(x, picks, ax), indices: fromData(idx, [size], 'int32', x.backend, 'unique') };
    } finally {
      picks.dispose();
    }
  } finally {
    if (x !== a) x.dispose();
  }
}
