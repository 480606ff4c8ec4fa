/**
 * `wt.data`: lazy datasets in the shape of TensorFlow.js's tf.data. A Dataset is a recipe that makes
 * a fresh async iterator each time it is iterated (once per epoch), so data that does not fit in
 * memory can stream through model.fitDataset. Elements are owned by whoever consumes them, as in
 * TensorFlow.js: `array` hands out copies of its tensors, and map / filter / batch dispose the tensors
 * of the elements they replace.
 */
import type { TypedArray } from '../dtype.js';
import { hash32 } from '../backend/random.js';
import { dispose, tidy } from '../memory.js';
import { clone, stack } from '../ops/movement.js';
import { tensor } from '../ops/creation.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { Rng } from './rng.js';

/** What `batch` stacks into one tensor: a number, nested number arrays, a typed array, or a Tensor. */
export type DataLeaf = number | NestedArray | TypedArray | Tensor;

/** The type of a batch of elements of type T: every leaf becomes a Tensor with a leading batch dimension, plain objects keep their keys. */
export type Batched<T> = T extends DataLeaf | readonly unknown[] ? Tensor : T extends object ? { [K in keyof T]: Batched<T[K]> } : never;

/** Anything a Dataset can be made from: a sync or async iterable (arrays, generators), or an iterator. */
export type DataSource<T> = Iterable<T> | AsyncIterable<T> | Iterator<T> | AsyncIterator<T>;

function toAsyncIterator<T>(op: string, src: DataSource<T>): AsyncIterator<T> {
  const s = src as Partial<AsyncIterable<T> & Iterable<T> & AsyncIterator<T>>;
  if (typeof s[Symbol.asyncIterator] === 'function') return s[Symbol.asyncIterator]!();
  if (typeof s[Symbol.iterator] === 'function') {
    const it = s[Symbol.iterator]!();
    return { next: async () => it.next() };
  }
  if (typeof s.next === 'function') return { next: async () => (src as Iterator<T> | AsyncIterator<T>).next() };
  throw new Error(`${op}: expected an iterable, an async iterable or an iterator, got ${src === null ? 'null' : typeof src}`);
}

function checkCount(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${op}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

/** A copy of every Tensor in a (nested) element, so that the consumer may dispose what it gets. */
function cloneTensors<T>(x: T): T {
  if (x instanceof Tensor) return clone(x) as T;
  if (Array.isArray(x)) return (x.some((v) => typeof v === 'object' && v !== null) ? x.map(cloneTensors) : x) as T;
  if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, cloneTensors(v)])) as T;
  }
  return x;
}

/** Tensors of `before` that are not part of `after`. */
function disposeReplaced(before: unknown, after: unknown): void {
  const keepList = new Set<Tensor>();
  const walk = (x: unknown, f: (t: Tensor) => void): void => {
    if (x instanceof Tensor) f(x);
    else if (Array.isArray(x)) x.forEach((v) => walk(v, f));
    else if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) Object.values(x).forEach((v) => walk(v, f));
  };
  walk(after, (t) => keepList.add(t));
  walk(before, (t) => { if (!keepList.has(t)) t.dispose(); });
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Tensor) && !ArrayBuffer.isView(x) && Object.getPrototypeOf(x) === Object.prototype;

/** Stack one leaf position of a batch into a tensor [n, ...shape]; `where` ("'xs' of " or '') names it in errors. */
function stackLeaves(leaves: unknown[], where: string): Tensor {
  const first = leaves[0];
  if (first instanceof Tensor) {
    leaves.forEach((l, i) => {
      if (!(l instanceof Tensor)) throw new Error(`data.batch: ${where}element ${i} is ${typeof l}, but element 0 holds a Tensor there`);
    });
    return stack(leaves as Tensor[]);
  }
  const shapeOf = (l: unknown, i: number): number[] => {
    if (typeof l === 'number') return [];
    if (l instanceof Float32Array || l instanceof Int32Array || l instanceof Uint8Array) return [l.length];
    if (Array.isArray(l)) {
      const inner = l.length ? shapeOf(l[0], i) : [];
      return [l.length, ...inner];
    }
    throw new Error(`data.batch: ${where}element ${i} is ${l === null ? 'null' : typeof l}, expected a number, nested arrays of numbers, a typed array or a Tensor`);
  };
  const shape = shapeOf(first, 0);
  const size = shape.reduce((a, b) => a * b, 1);
  const int = first instanceof Int32Array;
  const data = int ? new Int32Array(leaves.length * size) : new Float32Array(leaves.length * size);
  leaves.forEach((l, i) => {
    const s = shapeOf(l, i);
    if (s.length !== shape.length || s.some((d, j) => d !== shape[j])) {
      throw new Error(`data.batch: ${where}element ${i} has shape [${s.join(', ')}], but element 0 has [${shape.join(', ')}]`);
    }
    const flat = typeof l === 'number' ? [l] : Array.isArray(l) ? (l as unknown[]).flat(Infinity) : (l as ArrayLike<number>);
    for (let j = 0; j < size; j++) {
      const v = (flat as ArrayLike<unknown>)[j];
      if (typeof v !== 'number') throw new Error(`data.batch: ${where}element ${i} holds ${typeof v} at position ${j}, expected a number`);
      data[i * size + j] = v;
    }
  });
  return tensor(data, [leaves.length, ...shape], int ? 'int32' : 'float32');
}

/** Stack a list of elements, keeping the keys of plain objects. */
function batchOf(items: unknown[], where = ''): unknown {
  if (isPlainObject(items[0])) {
    const keys = Object.keys(items[0]);
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      out[k] = batchOf(items.map((it, i) => {
        if (!isPlainObject(it) || !(k in it)) throw new Error(`data.batch: element ${i} has no key '${where}${k}' (element 0 has ${keys.join(', ')})`);
        return it[k];
      }), `${where}${k}.`);
    }
    return out;
  }
  return stackLeaves(items, where ? `'${where.slice(0, -1)}' of ` : '');
}

/**
 * A lazy, re-iterable sequence of elements. Made by `wt.data.array`, `wt.data.generator` or
 * `wt.data.zip`, transformed by the methods below (each returns a new Dataset), and consumed by
 * `for await`, `forEachAsync`, `toArray` or `model.fitDataset`.
 */
export class Dataset<T> implements AsyncIterable<T> {
  /**
   * @param make returns a fresh iterator over the elements each time it is called (once per pass).
   * @param size the number of elements when known, else null (Infinity for an endless repeat).
   */
  constructor(private readonly make: () => DataSource<T>, readonly size: number | null = null) {
    if (typeof make !== 'function') throw new Error(`data.Dataset: expected a function returning an iterator, got ${typeof make}`);
  }

  /** A fresh iterator over the elements: every `for await (const x of ds)` is a new pass. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return toAsyncIterator('data.Dataset', this.make());
  }

  /** A fresh iterator (TensorFlow.js's `await ds.iterator()`, then `await it.next()`). */
  async iterator(): Promise<AsyncIterator<T>> {
    return this[Symbol.asyncIterator]();
  }

  /**
   * Each element through `f` (synchronous, inside tidy: temporaries it creates are freed). Tensors of
   * the input element that the result does not contain are disposed.
   */
  map<U>(f: (x: T) => U): Dataset<U> {
    if (typeof f !== 'function') throw new Error(`data.map: expected a function, got ${typeof f}`);
    return new Dataset<U>(() => this.transform(async (x, emit) => {
      const y = tidy(() => f(x));
      disposeReplaced(x, y);
      emit(y);
    }), this.size);
  }

  /** Each element through an async `f`; tensors of the input element that the result does not contain are disposed. */
  mapAsync<U>(f: (x: T) => Promise<U>): Dataset<U> {
    if (typeof f !== 'function') throw new Error(`data.mapAsync: expected a function, got ${typeof f}`);
    return new Dataset<U>(() => this.transform(async (x, emit) => {
      const y = await f(x);
      disposeReplaced(x, y);
      emit(y);
    }), this.size);
  }

  /** Only the elements for which `predicate` is true; the others' tensors are disposed. */
  filter(predicate: (x: T) => boolean): Dataset<T> {
    if (typeof predicate !== 'function') throw new Error(`data.filter: expected a function, got ${typeof predicate}`);
    return new Dataset<T>(() => this.transform(async (x, emit) => {
      if (predicate(x)) emit(x);
      else dispose(x);
    }), null);
  }

  /**
   * Groups of `batchSize` consecutive elements stacked into tensors with a leading batch dimension:
   * numbers, nested number arrays, typed arrays and Tensors become one Tensor [batchSize, ...shape];
   * plain objects such as `{ xs, ys }` keep their keys. The last, smaller group is kept unless
   * `smallLastBatch` is false. Elements whose shapes differ throw an Error naming both.
   */
  batch(batchSize: number, smallLastBatch = true): Dataset<Batched<T>> {
    const bs = checkCount('data.batch', 'batchSize', batchSize, 1);
    const size = this.size === null ? null : this.size === Infinity ? Infinity : smallLastBatch ? Math.ceil(this.size / bs) : Math.floor(this.size / bs);
    return new Dataset<Batched<T>>(() => {
      const it = this[Symbol.asyncIterator]();
      return {
        next: async (): Promise<IteratorResult<Batched<T>>> => {
          const items: T[] = [];
          while (items.length < bs) {
            const r = await it.next();
            if (r.done) break;
            items.push(r.value);
          }
          if (items.length === 0 || (items.length < bs && !smallLastBatch)) {
            dispose(items);
            return { done: true, value: undefined };
          }
          try {
            // tidy: stacking tensors makes temporaries.
            return { done: false, value: tidy(() => batchOf(items)) as Batched<T> };
          } finally {
            dispose(items);
          }
        },
      };
    }, size);
  }

  /**
   * The elements in a seeded random order, drawn from a buffer of `bufferSize` (TensorFlow.js's
   * algorithm: a buffer at least as large as the dataset gives a uniform shuffle). With
   * `reshuffleEachIteration` (default) each pass has its own order, still a function of `seed`.
   */
  shuffle(bufferSize: number, seed?: number, reshuffleEachIteration = true): Dataset<T> {
    const size = checkCount('data.shuffle', 'bufferSize', bufferSize, 1);
    if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`data.shuffle: seed must be an integer, got ${String(seed)}`);
    const base = seed ?? Math.floor(Math.random() * 0x100000000);
    let pass = 0;
    return new Dataset<T>(() => {
      const rng = new Rng(reshuffleEachIteration ? hash32((base ^ hash32(pass++ + 0x9e3779b9)) >>> 0) : base);
      const it = this[Symbol.asyncIterator]();
      const buffer: T[] = [];
      let ended = false;
      return {
        next: async (): Promise<IteratorResult<T>> => {
          while (!ended && buffer.length < size) {
            const r = await it.next();
            if (r.done) ended = true;
            else buffer.push(r.value);
          }
          if (buffer.length === 0) return { done: true, value: undefined };
          const i = rng.int(buffer.length);
          const x = buffer[i]!;
          buffer[i] = buffer[buffer.length - 1]!;
          buffer.pop();
          return { done: false, value: x };
        },
      };
    }, this.size);
  }

  /** The first `count` elements. */
  take(count: number): Dataset<T> {
    const n = checkCount('data.take', 'count', count, 0);
    return new Dataset<T>(() => {
      const it = this[Symbol.asyncIterator]();
      let i = 0;
      return { next: async () => (i++ < n ? it.next() : { done: true, value: undefined }) };
    }, this.size === null ? null : Math.min(this.size, n));
  }

  /** All but the first `count` elements (the skipped ones' tensors are disposed). */
  skip(count: number): Dataset<T> {
    const n = checkCount('data.skip', 'count', count, 0);
    return new Dataset<T>(() => {
      const it = this[Symbol.asyncIterator]();
      let skipped = 0;
      return {
        next: async (): Promise<IteratorResult<T>> => {
          for (; skipped < n; skipped++) {
            const r = await it.next();
            if (r.done) return r;
            dispose(r.value);
          }
          return it.next();
        },
      };
    }, this.size === null ? null : Math.max(0, this.size - n));
  }

  /** The elements `count` times over (endlessly when count is omitted): each repetition is a new pass. */
  repeat(count?: number): Dataset<T> {
    const n = count === undefined ? Infinity : checkCount('data.repeat', 'count', count, 0);
    return new Dataset<T>(() => {
      let done = 0;
      let it: AsyncIterator<T> | null = null;
      let yielded = false;
      return {
        next: async (): Promise<IteratorResult<T>> => {
          while (done < n) {
            it ??= this[Symbol.asyncIterator]();
            const r = await it.next();
            if (!r.done) {
              yielded = true;
              return r;
            }
            it = null;
            done++;
            // A pass that yields nothing would make an endless repeat spin forever.
            if (!yielded) break;
            yielded = false;
          }
          return { done: true, value: undefined };
        },
      };
    }, this.size === null ? null : n === Infinity ? (this.size === 0 ? 0 : Infinity) : this.size * n);
  }

  /** Call `f` on every element in order, awaiting it when it returns a promise. */
  async forEachAsync(f: (x: T) => void | Promise<void>): Promise<void> {
    if (typeof f !== 'function') throw new Error(`data.forEachAsync: expected a function, got ${typeof f}`);
    for await (const x of this) await f(x);
  }

  /** Every element in an array (an endless dataset never resolves: take(n) first). */
  async toArray(): Promise<T[]> {
    if (this.size === Infinity) throw new Error('data.toArray: the dataset is endless (repeat() without a count); use take(n) first');
    const out: T[] = [];
    for await (const x of this) out.push(x);
    return out;
  }

  /** An iterator over this dataset that passes each element through `step`, which emits zero or one element. */
  private transform<U>(step: (x: T, emit: (y: U) => void) => Promise<void>): AsyncIterator<U> {
    const it = this[Symbol.asyncIterator]();
    return {
      next: async (): Promise<IteratorResult<U>> => {
        for (;;) {
          const r = await it.next();
          if (r.done) return { done: true, value: undefined };
          let out: { v: U } | null = null;
          await step(r.value, (y) => { out = { v: y }; });
          if (out !== null) return { done: false, value: (out as { v: U }).v };
        }
      },
    };
  }
}

/**
 * A dataset of the items of an array, in order. Tensors inside the items are copied on each pass, so
 * that batch and fitDataset may dispose what they receive while the array keeps its own.
 */
export function array<T>(items: readonly T[]): Dataset<T> {
  if (!Array.isArray(items)) throw new Error(`data.array: expected an array, got ${items === null ? 'null' : typeof items}`);
  return new Dataset<T>(function* () {
    for (const x of items) yield cloneTensors(x);
  }, items.length);
}

/**
 * A dataset from a function that starts a new pass: a generator function (sync or async), or any
 * function returning an iterator or iterable. It is called once per pass (per epoch in fitDataset);
 * the tensors it yields belong to the consumer.
 */
export function generator<T>(make: () => DataSource<T>): Dataset<T> {
  if (typeof make !== 'function') throw new Error(`data.generator: expected a function (such as a generator function), got ${typeof make}`);
  return new Dataset<T>(make);
}

/**
 * Datasets side by side: `zip({ xs: a, ys: b })` yields `{ xs: a_i, ys: b_i }` until the shortest
 * one ends.
 */
export function zip<D extends Record<string, Dataset<unknown>>>(datasets: D): Dataset<{ [K in keyof D]: D[K] extends Dataset<infer E> ? E : never }> {
  if (!isPlainObject(datasets)) throw new Error('data.zip: expected an object of datasets, as in zip({ xs: a, ys: b })');
  const entries = Object.entries(datasets);
  for (const [k, d] of entries) if (!(d instanceof Dataset)) throw new Error(`data.zip: '${k}' is not a Dataset (got ${d === null ? 'null' : typeof d})`);
  const sizes = entries.map(([, d]) => d.size);
  const size = sizes.some((s) => s === null) ? null : Math.min(...(sizes as number[]));
  type Out = { [K in keyof D]: D[K] extends Dataset<infer E> ? E : never };
  return new Dataset<Out>(() => {
    const its = entries.map(([, d]) => d[Symbol.asyncIterator]());
    return {
      next: async (): Promise<IteratorResult<Out>> => {
        const rs = await Promise.all(its.map((it) => it.next()));
        if (rs.some((r) => r.done)) {
          dispose(rs.filter((r) => !r.done).map((r) => r.value));
          return { done: true, value: undefined };
        }
        return { done: false, value: Object.fromEntries(entries.map(([k], i) => [k, rs[i]!.value])) as Out };
      },
    };
  }, size);
}
