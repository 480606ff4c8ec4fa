/**
 * Tensor: a shape, a dtype and a reference-counted buffer on one backend. Every method is sugar for
 * the op of the same name in src/ops, so `a.add(b)` and `wt.add(a, b)` are the same call.
 */
import type { Backend, Handle } from './backend/backend.js';
import { type DataType, type DType, type TypedArray, fromStorage, lanesOf, storageOf } from './dtype.js';
import { engine } from './engine.js';
import { checkAlloc, describeBytes } from './limits.js';
import { fmt, sizeOf, type Shape } from './shape.js';
import * as ops from './ops/index.js';
import { TensorBuffer } from './buffer.js';
import type { TensorLike, Axis } from './ops/core.js';

/** @internal A backend buffer shared by a tensor and its reshaped views; freed when the last view is disposed. */
export interface Storage {
  handle: Handle;
  refs: number;
  bytes: number;
}

/** Nested arrays of numbers, as `tensor` takes them and `array()` returns them (a number for rank 0). */
export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array of float32 or int32 values in a buffer on one backend. Tensors are made by
 * the creation ops (wt.tensor, wt.zeros, wt.randn, ...) and by every op; their values are read back
 * with `await t.data()` or `await t.array()`. Free a tensor with dispose(), or create it inside
 * wt.tidy; using a disposed tensor throws an Error that says so.
 */
export class Tensor {
  /** A number unique in this process, for messages. */
  readonly id: number;
  /** The length of each dimension ([] for a scalar). */
  readonly shape: readonly number[];
  /** 'float32', 'int32' or 'bool'. */
  readonly dtype: DType;
  /** The number of elements: the product of the shape. */
  readonly size: number;
  /** The backend that holds the buffer; ops with tensors of two backends throw. */
  readonly backend: Backend;
  /** @internal Set by wt.keep: no tidy scope disposes it. */
  kept = false;
  /** @internal Set while a gradient tape still needs this tensor for its backward pass. */
  onTape = false;
  /** @internal The buffer this tensor views (null once disposed). */
  protected storage: Storage | null;

  /** @internal Use the creation ops (wt.tensor, wt.zeros, ...) instead. */
  constructor(shape: Shape, dtype: DType, backend: Backend, storage: Storage) {
    this.id = engine.nextId++;
    // A frozen shape (another tensor's) can be shared as it is.
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze(shape.slice());
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.backend = backend;
    this.storage = storage;
    storage.refs++;
    engine.numTensors++;
    engine.scopes[engine.scopes.length - 1]?.add(this);
    if (engine.opDepth > 0) engine.created.push(this);
  }

  /**
   * @internal A new, uninitialised buffer for a tensor of `shape`: the one place every allocation
   * passes. The size check comes first, and the counters change only once the backend succeeded,
   * so a failed allocation leaves wt.memory() as it was and throws an Error that names `op`.
   */
  static allocStorage(op: string, backend: Backend, shape: Shape, dtype: DType): Storage {
    const bytes = checkAlloc(op, shape, dtype, backend);
    let handle: Handle;
    try {
      handle = backend.alloc(sizeOf(shape) * lanesOf(dtype), storageOf(dtype));
    } catch (e) {
      throw new Error(`${op}: allocating a ${dtype} tensor of shape ${fmt(shape)} (${describeBytes(bytes)}) on ${backend.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    engine.numBytes += bytes;
    engine.numBuffers++;
    const prof = engine.profiling;
    if (prof && engine.numBytes > prof.peakBytes) prof.peakBytes = engine.numBytes;
    return { handle, refs: 0, bytes };
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Whether dispose() was called (the tensor can no longer be used). */
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
    // The read was queued before any dispose() could run, so it completes even if the tensor is
    // disposed meanwhile (as in TensorFlow.js); the backend keeps a freed buffer until queued work is done.
    const raw = await this.backend.read(h);
    const out = fromStorage(raw.length === this.size * lanesOf(this.dtype) ? raw : raw.slice(0, this.size * lanesOf(this.dtype)), this.dtype);
    return out;
  }

  /**
   * The values now, on backends whose memory the host can read directly (cpu, wasm); on webgpu and
   * gpujs it throws an Error naming `await t.data()`, since their buffers are read asynchronously.
   */
  dataSync(): TypedArray {
    const h = this.handle;
    if (!this.backend.readSync) throw new Error(`dataSync: the ${this.backend.name} backend reads its buffers asynchronously; use \`await t.data()\` (or \`await t.array()\`)`);
    const raw = this.backend.readSync(h);
    return fromStorage(raw.length === this.size * lanesOf(this.dtype) ? raw : raw.slice(0, this.size * lanesOf(this.dtype)), this.dtype);
  }

  /** The values as nested arrays now (cpu, wasm; see dataSync). */
  arraySync(): NestedArray {
    return this.nest(this.dataSync());
  }

  /** The values as nested arrays in the tensor's shape (a plain number for a scalar). */
  async array(): Promise<NestedArray> {
    return this.nest(await this.data());
  }

  private nest(d: TypedArray): NestedArray {
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

  /** The values in a TensorBuffer (after the backend's asynchronous read). */
  async buffer(): Promise<TensorBuffer> {
    return new TensorBuffer(this.shape, this.dtype, await this.data());
  }

  /** The values in a TensorBuffer now (cpu, wasm; see dataSync). */
  bufferSync(): TensorBuffer {
    return new TensorBuffer(this.shape, this.dtype, this.dataSync());
  }

  /** @internal Take `from`'s buffer in place of this one's (Variable.assign). */
  adoptStorage(from: Tensor): void {
    const s = from.liveStorage();
    const old = this.liveStorage();
    s.refs++;
    this.storage = s;
    if (--old.refs === 0) {
      engine.numBytes -= old.bytes;
      engine.numBuffers--;
      this.backend.free(old.handle);
    }
  }

  /** Print the tensor and its values to the console (TensorFlow.js's print; values read synchronously where the backend can, else after the read). */
  print(verbose = false): void {
    const head = verbose ? `${this.toString()}\n` : '';
    if (this.backend.readSync) console.log(`${head}${JSON.stringify(this.arraySync())}`);
    else void this.array().then((v) => console.log(`${head}${JSON.stringify(v)}`));
  }

  /** Free the buffer (when no reshaped view still shares it). Disposing twice is harmless. */
  dispose(): void {
    const s = this.storage;
    if (!s) return;
    this.storage = null;
    engine.numTensors--;
    if (--s.refs === 0) {
      engine.numBytes -= s.bytes;
      engine.numBuffers--;
      this.backend.free(s.handle);
    }
  }

  /** @internal A new tensor of another shape over the same buffer (used by reshape). */
  view(shape: Shape): Tensor {
    return new Tensor(shape, this.dtype, this.backend, this.liveStorage());
  }

  /** @internal The same buffer read as another dtype of the same storage (bool <-> int32). */
  viewAs(dtype: DType): Tensor {
    if (storageOf(dtype) !== storageOf(this.dtype)) throw new Error(`viewAs: ${this.dtype} and ${dtype} are stored differently`);
    return new Tensor(this.shape, dtype, this.backend, this.liveStorage());
  }

  /** A short description for logs: id, shape, dtype, backend. */
  toString(): string {
    return `Tensor#${this.id}(${fmt(this.shape)}, ${this.dtype}, ${this.backend.name}${this.isDisposed ? ', disposed' : ''})`;
  }

  // ---- method sugar: each is the op of the same name in src/ops ----
  /** this + b with broadcasting (see {@link add}). */
  add(b: TensorLike): Tensor { return ops.add(this, b); }
  /** this - b with broadcasting (see {@link sub}). */
  sub(b: TensorLike): Tensor { return ops.sub(this, b); }
  /** this * b with broadcasting (see {@link mul}). */
  mul(b: TensorLike): Tensor { return ops.mul(this, b); }
  /** this / b with broadcasting, float32 (see {@link div}). */
  div(b: TensorLike): Tensor { return ops.div(this, b); }
  /** this ** b with broadcasting (see {@link pow}). */
  pow(b: TensorLike): Tensor { return ops.pow(this, b); }
  /** The larger of this and b elementwise, with broadcasting (see {@link maximum}). */
  maximum(b: TensorLike): Tensor { return ops.maximum(this, b); }
  /** The smaller of this and b elementwise, with broadcasting (see {@link minimum}). */
  minimum(b: TensorLike): Tensor { return ops.minimum(this, b); }
  /** A bool mask of this == b, with broadcasting (see {@link equal}). */
  equal(b: TensorLike): Tensor { return ops.equal(this, b); }
  /** A bool mask of this != b, with broadcasting (see {@link notEqual}). */
  notEqual(b: TensorLike): Tensor { return ops.notEqual(this, b); }
  /** A bool mask of this < b, with broadcasting (see {@link less}). */
  less(b: TensorLike): Tensor { return ops.less(this, b); }
  /** A bool mask of this <= b, with broadcasting (see {@link lessEqual}). */
  lessEqual(b: TensorLike): Tensor { return ops.lessEqual(this, b); }
  /** A bool mask of this > b, with broadcasting (see {@link greater}). */
  greater(b: TensorLike): Tensor { return ops.greater(this, b); }
  /** A bool mask of this >= b, with broadcasting (see {@link greaterEqual}). */
  greaterEqual(b: TensorLike): Tensor { return ops.greaterEqual(this, b); }
  /** this AND b, bool (see {@link logicalAnd}). */
  logicalAnd(b: TensorLike): Tensor { return ops.logicalAnd(this, b); }
  /** this OR b, bool (see {@link logicalOr}). */
  logicalOr(b: TensorLike): Tensor { return ops.logicalOr(this, b); }
  /** this XOR b, bool (see {@link logicalXor}). */
  logicalXor(b: TensorLike): Tensor { return ops.logicalXor(this, b); }
  /** NOT this, bool (see {@link logicalNot}). */
  logicalNot(): Tensor { return ops.logicalNot(this); }
  /** -this (see {@link neg}). */
  neg(): Tensor { return ops.neg(this); }
  /** e^this elementwise (see {@link exp}). */
  exp(): Tensor { return ops.exp(this); }
  /** The natural logarithm elementwise (see {@link log}). */
  log(): Tensor { return ops.log(this); }
  /** The square root elementwise (see {@link sqrt}). */
  sqrt(): Tensor { return ops.sqrt(this); }
  /** |this| elementwise (see {@link abs}). */
  abs(): Tensor { return ops.abs(this); }
  /** -1, 0 or 1 by sign, elementwise (see {@link sign}). */
  sign(): Tensor { return ops.sign(this); }
  /** this * this (see {@link square}). */
  square(): Tensor { return ops.square(this); }
  /** tanh elementwise (see {@link tanh}). */
  tanh(): Tensor { return ops.tanh(this); }
  /** The logistic function elementwise (see {@link sigmoid}). */
  sigmoid(): Tensor { return ops.sigmoid(this); }
  /** max(this, 0) elementwise (see {@link relu}). */
  relu(): Tensor { return ops.relu(this); }
  /** this where positive, alpha * this elsewhere (see {@link leakyRelu}). */
  leakyRelu(alpha?: number): Tensor { return ops.leakyRelu(this, alpha); }
  /** 1 where positive, else alpha (default 0) (see {@link step}). */
  step(alpha?: number): Tensor { return ops.step(this, alpha); }
  /** Values limited to [lo, hi] (see {@link clip}). */
  clip(lo: number, hi: number): Tensor { return ops.clip(this, lo, hi); }
  /** softmax along `axis` (default the last; see {@link softmax}). */
  softmax(axis?: number): Tensor { return ops.softmax(this, axis); }
  /** log(softmax) along `axis`, computed stably (see {@link logSoftmax}). */
  logSoftmax(axis?: number): Tensor { return ops.logSoftmax(this, axis); }
  /** The sum along `axis` (default all; see {@link sum}). */
  sum(axis?: Axis, keepDims?: boolean): Tensor { return ops.sum(this, axis, keepDims); }
  /** The mean along `axis` (default all; see {@link mean}). */
  mean(axis?: Axis, keepDims?: boolean): Tensor { return ops.mean(this, axis, keepDims); }
  /** The maximum along `axis` (default all; see {@link max}). */
  max(axis?: Axis, keepDims?: boolean): Tensor { return ops.max(this, axis, keepDims); }
  /** The minimum along `axis` (default all; see {@link min}). */
  min(axis?: Axis, keepDims?: boolean): Tensor { return ops.min(this, axis, keepDims); }
  /** int32 indices of the maximum along `axis` (default 0; see {@link argMax}). */
  argMax(axis?: number): Tensor { return ops.argMax(this, axis); }
  /** this @ b (see {@link matmul}). */
  matmul(b: TensorLike, opts?: ops.MatmulOptions): Tensor { return ops.matmul(this, b, opts); }
  /** 2-D convolution of these NHWC images with `filter` (see {@link conv2d}). */
  conv2d(filter: TensorLike, strides: ops.Pair, pad: ops.PadMode, dataFormat?: 'NHWC' | 'NCHW', dilations?: ops.Pair): Tensor {
    return ops.conv2d(this, filter, strides, pad, dataFormat, dilations);
  }
  /** Max pooling of these NHWC images (see {@link maxPool}). */
  maxPool(filterSize: ops.Pair, strides?: ops.Pair, pad?: ops.PadMode): Tensor { return ops.maxPool(this, filterSize, strides, pad); }
  /** Average pooling of these NHWC images (see {@link avgPool}). */
  avgPool(filterSize: ops.Pair, strides?: ops.Pair, pad?: ops.PadMode): Tensor { return ops.avgPool(this, filterSize, strides, pad); }
  /** Pooling with dilations (see {@link pool}). */
  pool(windowShape: ops.Pair, poolingType: 'avg' | 'max', pad: ops.PadMode, dilations?: ops.Pair, strides?: ops.Pair): Tensor { return ops.pool(this, windowShape, poolingType, pad, dilations, strides); }
  /** 1-D convolution of these [batch, width, channels] signals (see {@link conv1d}). */
  conv1d(filter: TensorLike, stride: number, pad: 'valid' | 'same' | number, dataFormat?: 'NWC' | 'NCW', dilation?: number): Tensor { return ops.conv1d(this, filter, stride, pad, dataFormat, dilation); }
  /** Transposed 2-D convolution (see {@link conv2dTranspose}). */
  conv2dTranspose(filter: TensorLike, outputShape: readonly number[], strides: ops.Pair, pad: ops.PadMode): Tensor { return ops.conv2dTranspose(this, filter, outputShape, strides, pad); }
  /** Separable 2-D convolution (see {@link separableConv2d}). */
  separableConv2d(depthwiseFilter: TensorLike, pointwiseFilter: TensorLike, strides: ops.Pair, pad: ops.PadMode, dilation?: ops.Pair, dataFormat?: 'NHWC' | 'NCHW'): Tensor {
    return ops.separableConv2d(this, depthwiseFilter, pointwiseFilter, strides, pad, dilation, dataFormat);
  }
  /** Grayscale morphological dilation (see {@link dilation2d}). */
  dilation2d(filter: TensorLike, strides: ops.Pair, pad: 'valid' | 'same', dilations?: ops.Pair): Tensor { return ops.dilation2d(this, filter, strides, pad, dilations); }
  /** Local response normalization across channels (see {@link localResponseNormalization}). */
  localResponseNormalization(depthRadius?: number, bias?: number, alpha?: number, beta?: number): Tensor { return ops.localResponseNormalization(this, depthRadius, bias, alpha, beta); }
  /** Batch normalization with given statistics (see {@link batchNorm}). */
  batchNorm(mean: TensorLike, variance: TensorLike, offset?: TensorLike, scale?: TensorLike, varianceEpsilon?: number): Tensor { return ops.batchNorm(this, mean, variance, offset, scale, varianceEpsilon); }
  /** Space blocks moved onto the batch (see {@link spaceToBatchND}). */
  spaceToBatchND(blockShape: readonly number[], paddings: readonly (readonly number[])[]): Tensor { return ops.spaceToBatchND(this, blockShape, paddings); }
  /** Batch blocks moved back into space (see {@link batchToSpaceND}). */
  batchToSpaceND(blockShape: readonly number[], crops: readonly (readonly number[])[]): Tensor { return ops.batchToSpaceND(this, blockShape, crops); }
  /** Channel blocks moved into space (see {@link depthToSpace}). */
  depthToSpace(blockSize: number, dataFormat?: 'NHWC' | 'NCHW'): Tensor { return ops.depthToSpace(this, blockSize, dataFormat); }
  /** The same values in another shape of equal size; one dimension may be -1 (see {@link reshape}). */
  reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  /** The values as a rank-1 tensor of `size` elements. */
  flatten(): Tensor { return ops.reshape(this, [this.size]); }
  /** The axes permuted (default: reversed; see {@link transpose}). */
  transpose(perm?: readonly number[]): Tensor { return ops.transpose(this, perm); }
  /** A block starting at `begin` of `size` (see {@link slice}). */
  slice(begin: readonly number[] | number, size?: readonly number[] | number): Tensor { return ops.slice(this, begin, size); }
  /** Entries at int32 `indices` along `axis` (see {@link gather}). */
  gather(indices: TensorLike, axis?: number): Tensor { return ops.gather(this, indices, axis); }
  /** this followed by `others` along `axis` (see {@link concat}). */
  concat(others: TensorLike | readonly TensorLike[], axis?: number): Tensor {
    const rest: readonly TensorLike[] = others instanceof Tensor || !Array.isArray(others) ? [others as TensorLike] : (others as readonly TensorLike[]);
    return ops.concat([this, ...rest], axis);
  }
  /** One-hot rows of length `depth` for these int32 class indices (see {@link oneHot}). */
  oneHot(depth: number): Tensor { return ops.oneHot(this, depth); }
  /** Broadcast to `shape` (see {@link broadcastTo}). */
  broadcastTo(shape: readonly number[]): Tensor { return ops.broadcastTo(this, shape); }
  /** A new dimension of length 1 at `axis` (see {@link expandDims}). */
  expandDims(axis?: number): Tensor { return ops.expandDims(this, axis); }
  /** Dimensions of length 1 removed (see {@link squeeze}). */
  squeeze(axis?: number | readonly number[]): Tensor { return ops.squeeze(this, axis); }
  /** Converted to `dtype` (float32 to int32 truncates toward zero; see {@link cast}). */
  cast(dtype: DataType): Tensor { return ops.cast(this, dtype); }
  /** A copy with its own buffer (see {@link clone}). */
  clone(): Tensor { return ops.clone(this); }
  /** Copy to another backend (async: the data passes through the host). */
  to(backend: import('./backend/backend.js').BackendName): Promise<Tensor> { return ops.copyTo(this, backend); }
}
