/**
 * The backend contract. A backend owns memory (handles) and runs kernels from one closed set;
 * it never sees ops, tensors or gradients. Output buffers are allocated by the caller and passed in.
 * Completeness is a compile error: each backend exports a `KernelTable` covering every `KernelName`.
 */
import type { DType, TypedArray } from '../dtype.js';
import type { Shape } from '../shape.js';

export type BackendName = 'webgpu' | 'gpujs' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'gpujs', 'cpu'];

/** Activations that the matmul epilogue can fuse, and that layers name. */
export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'leakyRelu' | 'step';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'pow'
  | 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'sign'
  | 'tanh' | 'sigmoid' | 'relu' | 'leakyRelu' | 'step';

/**
 * Derivative kernels, inputs [dy, v] of equal size, output dy * f'(.):
 * tanhGrad and sigmoidGrad take v = the activation's OUTPUT y (1 - y^2, y (1 - y));
 * reluGrad and leakyReluGrad take v = the activation's INPUT x (x > 0 ? 1 : 0 / alpha).
 */
export type ActivationGradOp = 'tanhGrad' | 'sigmoidGrad' | 'reluGrad' | 'leakyReluGrad';

export type ReduceOp = 'sum' | 'max' | 'min' | 'argmax';

export type OptimizerKind = 'sgd' | 'momentum' | 'rmsprop' | 'adam';

/**
 * Axis-wise kernels see their input as [outer, size, inner] (row-major) and work along `size`.
 * This covers any axis of any rank without a transpose.
 */
export interface AxisAttrs {
  outer: number;
  size: number;
  inner: number;
}

/** Attributes of every kernel. The inputs and outputs each kernel takes are documented per entry. */
export interface KernelAttrs {
  /**
   * inputs [a, b] or [a, b, bias]; output [batch, m, n] (float32).
   * a is [batch?, m, k] (or [batch?, k, m] when transposeA), b is [batch?, k, n] (or [batch?, n, k]
   * when transposeB). aBatched/bBatched false means that operand is 2-D and shared by every batch.
   * bias (length n) is added to every row, then `activation` is applied (the fused epilogue).
   */
  matmul: {
    batch: number; m: number; n: number; k: number;
    transposeA: boolean; transposeB: boolean;
    aBatched: boolean; bBatched: boolean;
    bias: boolean; activation: Activation; alpha: number;
  };
  /** inputs [a, b] (float32) broadcast to outShape; output float32 (comparisons give 1 or 0). */
  binary: { op: BinaryOp; aShape: Shape; bShape: Shape; outShape: Shape };
  /** inputs [x] float32; output float32, same size. alpha is leakyRelu's negative slope. */
  unary: { op: UnaryOp; alpha: number };
  /** inputs [dy, v], see ActivationGradOp; output float32, same size. */
  activationGrad: { op: ActivationGradOp; alpha: number };
  /** inputs [x] float32 seen as [outer, size, inner]; output [outer, inner] (argmax: int32 index). */
  reduce: AxisAttrs & { op: ReduceOp };
  /** inputs [x] float32 [outer, size, inner]; softmax (or logSoftmax) along size, max-subtracted. */
  softmax: AxisAttrs & { log: boolean };
  /**
   * inputs [dy, y] where y is the softmax (log=false) or logSoftmax (log=true) output.
   * softmax:    dx = y * (dy - sum(dy * y))      logSoftmax: dx = dy - exp(y) * sum(dy)
   */
  softmaxGrad: AxisAttrs & { log: boolean };
  /**
   * inputs [x] (any dtype); output of `shape` with out[i0..in] = x[offset + sum(i_d * strides[d])].
   * Serves slice, transpose and broadcastTo; strides may be 0.
   */
  strided: { shape: Shape; strides: readonly number[]; offset: number; dtype: DType };
  /** inputs [x] of xShape (any dtype); output of outShape with x placed at `begin`, zeros elsewhere. */
  pad: { xShape: Shape; outShape: Shape; begin: readonly number[]; dtype: DType };
  /** inputs [a, b] ([outer, aLen, inner] and [outer, bLen, inner], same dtype); output [outer, aLen+bLen, inner]. */
  concat: { outer: number; aLen: number; bLen: number; inner: number; dtype: DType };
  /**
   * inputs [x, indices(int32, numIdx)], x seen as [outer, axisLen, inner]; output [outer, numIdx, inner].
   * An index outside [0, axisLen) yields 0.
   */
  gather: { outer: number; axisLen: number; inner: number; numIdx: number; dtype: DType };
  /** The gradient of gather: inputs [dy [outer, numIdx, inner] float32, indices]; output [outer, axisLen, inner], summed. */
  scatterAdd: { outer: number; axisLen: number; inner: number; numIdx: number };
  /** inputs [indices int32 (n)]; output float32 [n, depth]. An index outside [0, depth) gives a row of offValue. */
  oneHot: { depth: number; onValue: number; offValue: number };
  /** inputs [cond float32, a, b] all of the output's size and dtype (cond != 0 picks a); output that dtype. */
  where: { dtype: DType };
  /** inputs [x] of `from`; output of `to` (float32 -> int32 truncates toward zero). */
  cast: { from: DType; to: DType };
  /**
   * no inputs; output float32 filled from the counter-based generator in ./random.ts:
   * uniform: a + (b - a) * u;  normal: a + b * z. The same seed gives the same numbers everywhere.
   */
  random: { dist: 'uniform' | 'normal'; seed: number; a: number; b: number };
  /**
   * A fused, in-place parameter update. inputs [grad]; outputs [param] (sgd), [param, v] (momentum),
   * [param, ms] (rmsprop), [param, m, v] (adam); each output is read and written in place.
   *   sgd:      p -= lr * g
   *   momentum: v = momentum * v - lr * g;  p += nesterov ? momentum * v - lr * g : v
   *   rmsprop:  ms = rho * ms + (1 - rho) * g^2;  p -= lr * g / (sqrt(ms) + epsilon)
   *   adam:     m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;
   *             p -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)
   */
  optimizer: {
    kind: OptimizerKind; lr: number; momentum: number; nesterov: boolean;
    rho: number; beta1: number; beta2: number; epsilon: number; t: number;
  };
}

export type KernelName = keyof KernelAttrs;

export const KERNEL_NAMES: readonly KernelName[] = [
  'matmul', 'binary', 'unary', 'activationGrad', 'reduce', 'softmax', 'softmaxGrad', 'strided', 'pad',
  'concat', 'gather', 'scatterAdd', 'oneHot', 'where', 'cast', 'random', 'optimizer',
];

/** One kernel's implementation in a backend whose buffers are of type H. */
export type KernelImpl<H, K extends KernelName> = (inputs: readonly H[], outputs: readonly H[], attrs: KernelAttrs[K]) => void;

/** Every kernel, or the backend does not compile. */
export type KernelTable<H> = { [K in KernelName]: KernelImpl<H, K> };

/** Opaque buffer handle; each backend knows its own concrete type. */
export type Handle = object;

export interface Backend<H extends Handle = Handle> {
  readonly name: BackendName;
  /** Acquire devices/contexts; throws a clear Error when the backend cannot run here. */
  init(): Promise<void>;
  /** A buffer for `size` elements of `dtype` (contents undefined). */
  alloc(size: number, dtype: DType): H;
  /** Release a buffer; the backend may defer the actual release until queued work is done. */
  free(handle: H): void;
  /** Copy host data into a buffer (data.length equals the buffer's size). */
  write(handle: H, data: TypedArray): void;
  /** Read a buffer back to the host once all work queued before the call has finished. */
  read(handle: H): Promise<TypedArray>;
  /** Run one kernel; it may be queued and run later, in order. */
  run<K extends KernelName>(kernel: K, inputs: readonly H[], outputs: readonly H[], attrs: KernelAttrs[K]): void;
  /** Submit queued work. */
  flush(): void;
  /** Backend-specific memory figures (bytes), merged into wt.memory(). */
  memory(): Record<string, number>;
  /** Facts about the device (adapter name, limits, mode) for backendInfo() and benchmark pages. */
  info(): Record<string, string | number | boolean>;
  /** Release every resource; the backend may be initialised again afterwards. */
  dispose(): void;
}
