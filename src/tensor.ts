/**
 * Tensor: a shape, a dtype and a reference-counted buffer on one backend. Every method is sugar for
 * the op of the same name in src/ops, so `a.add(b)` and `wt.add(a, b)` are the same call.
 */
import type { Backend, Handle } from './backend/backend.js';
import { type DType, type TypedArray, BYTES_PER_ELEMENT } from './dtype.js';
import { engine } from './engine.js';
import { fmt, sizeOf, type Shape } from './shape.js';
import * as ops from './ops/index.js';
import type { TensorLike, Axis } from './ops/core.js';

/** A backend buffer shared by a tensor and its reshaped views; freed when the last view is disposed. */
export interface Storage {
  handle: Handle;
  refs: number;
  bytes: number;
}

export type NestedArray = number | NestedArray[];

export class Tensor {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  readonly backend: Backend;
  /** Set by wt.keep: no tidy scope disposes it. */
  kept = false;
  /** Set while a gradient tape still needs this tensor for its backward pass. */
  onTape = false;
  private storage: Storage | null;

  /** @internal Use the creation ops (wt.tensor, wt.zeros, ...) instead. */
  constructor(shape: Shape, dtype: DType, backend: Backend, storage: Storage) {
    this.id = engine.nextId++;
    this.shape = Object.freeze(shape.slice());
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.backend = backend;
    this.storage = storage;
    storage.refs++;
    engine.numTensors++;
    engine.scopes[engine.scopes.length - 1]?.add(this);
  }

  /** @internal A new, uninitialised buffer for `size` elements. */
  static allocStorage(backend: Backend, size: number, dtype: DType): Storage {
    const bytes = size * BYTES_PER_ELEMENT;
    const handle = backend.alloc(size, dtype);
    engine.numBytes += bytes;
    return { handle, refs: 0, bytes };
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.storage === null;
  }

  /** @internal The backend buffer; throws a clear Error when the tensor was disposed or its device lost. */
  get handle(): Handle {
    return this.liveStorage().handle;
  }

  /** @internal */
  liveStorage(): Storage {
    if (!this.storage) {
      throw new Error(`tensor #${this.id} ${fmt(this.shape)} was disposed and can no longer be used (return it from tidy or wt.keep it to hold on to it)`);
    }
    const lost = (this.backend as { lost?: string }).lost;
    if (lost) throw new Error(`tensor #${this.id} ${fmt(this.shape)} lives on a ${this.backend.name} device that was lost (${lost}); initialise the backend again and recreate it`);
    return this.storage;
  }

  /** Read the values back to the host (waits for all queued GPU work that produces them). */
  async data(): Promise<TypedArray> {
    const h = this.handle;
    const out = await this.backend.read(h);
    if (this.isDisposed) throw new Error(`tensor #${this.id} was disposed while it was being read`);
    return out.length === this.size ? out : out.slice(0, this.size);
  }

  /** The values as nested arrays in the tensor's shape (a plain number for a scalar). */
  async array(): Promise<NestedArray> {
    const d = await this.data();
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return d[offset]!;
      const n = this.shape[axis]!;
      const step = sizeOf(this.shape.slice(axis + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = build(axis + 1, offset + i * step);
      return out;
    };
    return build(0, 0);
  }

  /** Free the buffer (when no reshaped view still shares it). Disposing twice is harmless. */
  dispose(): void {
    const s = this.storage;
    if (!s) return;
    this.storage = null;
    engine.numTensors--;
    if (--s.refs === 0) {
      engine.numBytes -= s.bytes;
      this.backend.free(s.handle);
    }
  }

  /** @internal A new tensor of another shape over the same buffer (used by reshape). */
  view(shape: Shape): Tensor {
    return new Tensor(shape, this.dtype, this.backend, this.liveStorage());
  }

  toString(): string {
    return `Tensor#${this.id}(${fmt(this.shape)}, ${this.dtype}, ${this.backend.name}${this.isDisposed ? ', disposed' : ''})`;
  }

  // ---- method sugar: each is the op of the same name in src/ops ----
  add(b: TensorLike): Tensor { return ops.add(this, b); }
  sub(b: TensorLike): Tensor { return ops.sub(this, b); }
  mul(b: TensorLike): Tensor { return ops.mul(this, b); }
  div(b: TensorLike): Tensor { return ops.div(this, b); }
  pow(b: TensorLike): Tensor { return ops.pow(this, b); }
  maximum(b: TensorLike): Tensor { return ops.maximum(this, b); }
  minimum(b: TensorLike): Tensor { return ops.minimum(this, b); }
  equal(b: TensorLike): Tensor { return ops.equal(this, b); }
  notEqual(b: TensorLike): Tensor { return ops.notEqual(this, b); }
  less(b: TensorLike): Tensor { return ops.less(this, b); }
  lessEqual(b: TensorLike): Tensor { return ops.lessEqual(this, b); }
  greater(b: TensorLike): Tensor { return ops.greater(this, b); }
  greaterEqual(b: TensorLike): Tensor { return ops.greaterEqual(this, b); }
  neg(): Tensor { return ops.neg(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  abs(): Tensor { return ops.abs(this); }
  sign(): Tensor { return ops.sign(this); }
  square(): Tensor { return ops.square(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  relu(): Tensor { return ops.relu(this); }
  leakyRelu(alpha?: number): Tensor { return ops.leakyRelu(this, alpha); }
  step(): Tensor { return ops.step(this); }
  clip(lo: number, hi: number): Tensor { return ops.clip(this, lo, hi); }
  softmax(axis?: number): Tensor { return ops.softmax(this, axis); }
  logSoftmax(axis?: number): Tensor { return ops.logSoftmax(this, axis); }
  sum(axis?: Axis, keepDims?: boolean): Tensor { return ops.sum(this, axis, keepDims); }
  mean(axis?: Axis, keepDims?: boolean): Tensor { return ops.mean(this, axis, keepDims); }
  max(axis?: Axis, keepDims?: boolean): Tensor { return ops.max(this, axis, keepDims); }
  min(axis?: Axis, keepDims?: boolean): Tensor { return ops.min(this, axis, keepDims); }
  argMax(axis?: number): Tensor { return ops.argMax(this, axis); }
  matmul(b: TensorLike, opts?: ops.MatmulOptions): Tensor { return ops.matmul(this, b, opts); }
  reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  flatten(): Tensor { return ops.reshape(this, [this.size]); }
  transpose(perm?: readonly number[]): Tensor { return ops.transpose(this, perm); }
  slice(begin: readonly number[] | number, size?: readonly number[] | number): Tensor { return ops.slice(this, begin, size); }
  gather(indices: TensorLike, axis?: number): Tensor { return ops.gather(this, indices, axis); }
  concat(others: TensorLike | readonly TensorLike[], axis?: number): Tensor {
    const rest: readonly TensorLike[] = others instanceof Tensor || !Array.isArray(others) ? [others as TensorLike] : (others as readonly TensorLike[]);
    return ops.concat([this, ...rest], axis);
  }
  oneHot(depth: number): Tensor { return ops.oneHot(this, depth); }
  broadcastTo(shape: readonly number[]): Tensor { return ops.broadcastTo(this, shape); }
  expandDims(axis?: number): Tensor { return ops.expandDims(this, axis); }
  squeeze(axis?: number | readonly number[]): Tensor { return ops.squeeze(this, axis); }
  cast(dtype: DType): Tensor { return ops.cast(this, dtype); }
  clone(): Tensor { return ops.clone(this); }
  /** Copy to another backend (async: the data passes through the host). */
  to(backend: import('./backend/backend.js').BackendName): Promise<Tensor> { return ops.copyTo(this, backend); }
}
