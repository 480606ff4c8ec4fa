/**
 * The backend contract. A backend owns memory (handles) and runs kernels from one closed set;
 * it never sees ops, tensors or gradients. Output buffers are allocated by the caller and passed in.
 * Completeness is a compile error: each backend exports a `KernelTable` covering every `KernelName`.
 */
import type { StorageDType as DType, StorageArray as TypedArray } from '../dtype.js';
import type { Shape } from '../shape.js';

/** The backends this library knows, by name. */
export type BackendName = 'webgpu' | 'wasm' | 'gpujs' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'gpujs', 'cpu'];

/** Activations that the matmul epilogue can fuse, and that layers name. */
export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'leakyRelu' | 'step';

/** The elementwise operations of the `binary` kernel. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'pow'
  | 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual'
  | 'floorDiv' | 'mod' | 'atan2'
  // int32 only
  | 'bitwiseAnd';

/** The binary ops the kernel runs on int32 (exactly, wrapping as two's complement; x / 0 and x mod 0 give 0). */
export const INT_BINARY_OPS: readonly BinaryOp[] = [
  'add', 'sub', 'mul', 'max', 'min', 'floorDiv', 'mod', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'bitwiseAnd',
];
/** The unary ops the kernel runs on int32. */
export const INT_UNARY_OPS: readonly UnaryOp[] = ['neg', 'abs', 'sign'];

/** The elementwise operations of the `unary` kernel. */
export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'sign'
  | 'tanh' | 'sigmoid' | 'relu' | 'leakyRelu' | 'step'
  | 'ceil' | 'floor' | 'round' | 'sin' | 'cos' | 'tan' | 'asin' | 'acos' | 'atan'
  | 'sinh' | 'cosh' | 'asinh' | 'acosh' | 'atanh' | 'erf' | 'expm1' | 'log1p'
  // masks of 1 and 0 (the op turns them into bool)
  | 'isNaN' | 'isInf' | 'isFinite';

/**
 * Derivative kernels, inputs [dy, v] of equal size, output dy * f'(.):
 * tanhGrad and sigmoidGrad take v = the activation's OUTPUT y (1 - y^2, y (1 - y));
 * reluGrad and leakyReluGrad take v = the activation's INPUT x (x > 0 ? 1 : 0 / alpha).
 */
export type ActivationGradOp = 'tanhGrad' | 'sigmoidGrad' | 'reluGrad' | 'leakyReluGrad';

/** The reductions of the `reduce` kernel. */
export type ReduceOp = 'sum' | 'max' | 'min' | 'argmax' | 'prod';

/** The update rules of the fused `optimizer` kernel. */
export type OptimizerKind = 'sgd' | 'momentum' | 'rmsprop' | 'adam';

/**
 * Axis-wise kernels see their input as [outer, size, inner] (row-major) and work along `size`.
 * This covers any axis of any rank without a transpose.
 */
export interface AxisAttrs {
  /** The product of the dimensions before the axis. */
  outer: number;
  /** The axis's length. */
  size: number;
  /** The product of the dimensions after the axis. */
  inner: number;
}

/**
 * Window geometry of the conv and pool kernels (NHWC). Output pixel (oy, ox) reads taps
 * (oy * strideH - padTop + ky * dilationH, ox * strideW - padLeft + kx * dilationW) for ky < kH, kx < kW;
 * a tap outside [0, inH) x [0, inW) falls in the padding (implicit zeros, or ignored by pool).
 */
export interface WindowAttrs {
  /** Images in the batch. */
  batch: number;
  /** Input height. */
  inH: number;
  /** Input width. */
  inW: number;
  /** Channels (of the input, and of a pool's output). */
  inC: number;
  /** Output height. */
  outH: number;
  /** Output width. */
  outW: number;
  /** Window (kernel) height. */
  kH: number;
  /** Window (kernel) width. */
  kW: number;
  /** Rows between neighbouring windows. */
  strideH: number;
  /** Columns between neighbouring windows. */
  strideW: number;
  /** Rows between neighbouring taps of one window (1: adjacent). */
  dilationH: number;
  /** Columns between neighbouring taps of one window (1: adjacent). */
  dilationW: number;
  /** Padding rows before the first input row (may be 0); the bottom padding is implied by outH. */
  padTop: number;
  /** Padding columns before the first input column (may be 0); the right padding is implied by outW. */
  padLeft: number;
}

/** What a pool kernel computes over each window's real taps. */
export interface PoolAttrs extends WindowAttrs {
  /** 'max': the largest real tap; 'avg': the mean of the real taps. */
  op: 'max' | 'avg';
}

/** Which pass of a convolution a conv2d or depthwise kernel computes (see their KernelAttrs entries). */
export type ConvMode = 'forward' | 'inputGrad' | 'filterGrad';

/** The conv2d kernel: the window, the filter's output channels, the pass, and forward's fused epilogue. */
export interface Conv2dAttrs extends WindowAttrs {
  /** The filter's output channels. */
  outC: number;
  /** The pass computed. */
  mode: ConvMode;
  /** forward: a third input, the [outC] bias, is added to every output pixel. */
  bias: boolean;
  /** forward: applied after the bias. */
  activation: Activation;
  /** leakyRelu's negative slope. */
  alpha: number;
}

/** The depthwise kernel: the window, the channel multiplier and the pass. */
export interface DepthwiseAttrs extends WindowAttrs {
  /** Output channels per input channel: output channel c * mult + q reads input channel c. */
  mult: number;
  /** The pass computed. */
  mode: ConvMode;
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
    /** Products in the batch (1 for 2-D). */
    batch: number;
    /** Rows of the output. */
    m: number;
    /** Columns of the output. */
    n: number;
    /** The shared inner dimension. */
    k: number;
    /** a is stored transposed. */
    transposeA: boolean;
    /** b is stored transposed. */
    transposeB: boolean;
    /** a has a batch dimension (else one matrix serves every batch entry). */
    aBatched: boolean;
    /** b has a batch dimension (else one matrix serves every batch entry). */
    bBatched: boolean;
    /** A third input, the [n] bias, is added to every row. */
    bias: boolean;
    /** Applied after the bias. */
    activation: Activation;
    /** leakyRelu's negative slope. */
    alpha: number;
  };
  /**
   * inputs [x [batch,inH,inW,inC]]; output cols [batch*outH*outW, kH*kW*inC] (row = one output
   * pixel, column = (ky*kW + kx)*inC + c); an entry whose tap falls in the padding is 0.
   */
  im2col: WindowAttrs;
  /**
   * inputs [cols [batch*outH*outW, kH*kW*inC]]; output [batch,inH,inW,inC]: each input element is
   * the sum of every cols entry that im2col would have read from it (the adjoint of im2col).
   */
  col2im: WindowAttrs;
  /**
   * A convolution with filter [kH,kW,inC,outC] without its im2col matrix (backends may still build
   * one internally). 'forward': inputs [x [batch,inH,inW,inC], filter] or [x, filter, bias [outC]],
   * output y [batch,outH,outW,outC] = act(sum over taps and channels of x * filter + bias).
   * 'inputGrad': inputs [dy [batch,outH,outW,outC], filter], output dx [batch,inH,inW,inC].
   * 'filterGrad': inputs [x, dy], output dfilter [kH,kW,inC,outC]. Taps in the padding read 0.
   */
  conv2d: Conv2dAttrs;
  /**
   * A depthwise convolution with filter [kH,kW,inC,mult]: output channel c*mult + q of a pixel is the
   * sum over its window's taps of x[.., c] * filter[ky,kx,c,q]. 'forward': inputs [x, filter], output
   * [batch,outH,outW,inC*mult]; 'inputGrad': inputs [dy, filter], output dx [batch,inH,inW,inC];
   * 'filterGrad': inputs [x, dy], output dfilter [kH,kW,inC,mult]. Taps in the padding read 0.
   */
  depthwise: DepthwiseAttrs;
  /**
   * inputs [x [batch,inH,inW,inC]]; output [batch,outH,outW,inC]. Taps in the padding are ignored:
   * max over the real elements; avg divides by the count of real elements. A window without a real
   * tap (possible only with dilation) gives 0.
   */
  pool: PoolAttrs;
  /**
   * inputs [dy [batch,outH,outW,inC], x [batch,inH,inW,inC]]; output dx [batch,inH,inW,inC].
   * max: each window's dy goes to the FIRST maximal real tap in row-major window order (ky, then kx);
   * avg: each window's dy / (its count of real taps) goes to each real tap.
   */
  poolGrad: PoolAttrs;
  /**
   * inputs [a, b] of `dtype` broadcast to outShape; output of `dtype` (comparisons give 1 or 0).
   * int32 takes only INT_BINARY_OPS. floorDiv is floor(a / b); mod is a - floorDiv(a, b) * b
   * (the sign of b, as TensorFlow.js's floor mod).
   */
  binary: {
    /** The operation. */
    op: BinaryOp;
    /** The inputs' and the output's dtype. */
    dtype: DType;
    /** a's shape. */
    aShape: Shape;
    /** b's shape. */
    bShape: Shape;
    /** The broadcast shape of both, the output's. */
    outShape: Shape;
  };
  /** inputs [x] of `dtype`; output of `dtype`, same size (int32 takes only INT_UNARY_OPS). alpha is leakyRelu's negative slope. */
  unary: {
    /** The operation. */
    op: UnaryOp;
    /** The input's and the output's dtype. */
    dtype: DType;
    /** leakyRelu's negative slope (unused by the others). */
    alpha: number;
  };
  /** inputs [dy, v], see ActivationGradOp; output float32, same size. */
  activationGrad: {
    /** Which derivative. */
    op: ActivationGradOp;
    /** leakyRelu's negative slope. */
    alpha: number;
  };
  /**
   * inputs [x] of `dtype` seen as [outer, size, inner]; output [outer, inner] of `dtype` (argmax: int32
   * index). int32 sums and products wrap as two's complement; an empty axis gives 0 (sum) or 1 (prod).
   */
  reduce: AxisAttrs & {
    /** The reduction. */
    op: ReduceOp;
    /** The input's dtype (and the output's, but for argmax). */
    dtype: DType;
  };
  /** inputs [x] float32 [outer, size, inner]; softmax (or logSoftmax) along size, max-subtracted. */
  softmax: AxisAttrs & {
    /** logSoftmax instead of softmax. */
    log: boolean;
  };
  /**
   * inputs [dy, y] where y is the softmax (log=false) or logSoftmax (log=true) output.
   * softmax:    dx = y * (dy - sum(dy * y))      logSoftmax: dx = dy - exp(y) * sum(dy)
   */
  softmaxGrad: AxisAttrs & {
    /** y is logSoftmax's output. */
    log: boolean;
  };
  /**
   * inputs [x] (any dtype); output of `shape` with out[i0..in] = x[offset + sum(i_d * strides[d])].
   * Serves slice, transpose and broadcastTo; strides may be 0.
   */
  strided: {
    /** The output's shape. */
    shape: Shape;
    /** Per output dimension, how far apart (in elements of x) its neighbours are. */
    strides: readonly number[];
    /** The element of x that output element 0 reads. */
    offset: number;
    /** The dtype of x and of the output. */
    dtype: DType;
  };
  /** inputs [x] of xShape (any dtype); output of outShape with x placed at `begin`, zeros elsewhere. */
  pad: {
    /** x's shape. */
    xShape: Shape;
    /** The output's shape. */
    outShape: Shape;
    /** Where x's element 0 lands in the output, per dimension. */
    begin: readonly number[];
    /** The dtype of x and of the output. */
    dtype: DType;
  };
  /** inputs [a, b] ([outer, aLen, inner] and [outer, bLen, inner], same dtype); output [outer, aLen+bLen, inner]. */
  concat: {
    /** The product of the dimensions before the axis. */
    outer: number;
    /** a's length along the axis. */
    aLen: number;
    /** b's length along the axis. */
    bLen: number;
    /** The product of the dimensions after the axis. */
    inner: number;
    /** The dtype of the inputs and the output. */
    dtype: DType;
  };
  /**
   * inputs [x, indices(int32, numIdx)], x seen as [outer, axisLen, inner]; output [outer, numIdx, inner].
   * An index outside [0, axisLen) yields 0 on backends that cannot see the indices without a readback
   * (webgpu, gpujs); the cpu backend throws an Error naming the index, its position and the valid range.
   */
  gather: {
    /** The product of the dimensions before the axis. */
    outer: number;
    /** x's length along the axis. */
    axisLen: number;
    /** The product of the dimensions after the axis. */
    inner: number;
    /** The number of indices. */
    numIdx: number;
    /** The dtype of x and of the output. */
    dtype: DType;
  };
  /** The gradient of gather: inputs [dy [outer, numIdx, inner] float32, indices]; output [outer, axisLen, inner], summed. */
  scatterAdd: {
    /** The product of the dimensions before the axis. */
    outer: number;
    /** The output's length along the axis. */
    axisLen: number;
    /** The product of the dimensions after the axis. */
    inner: number;
    /** The number of indices. */
    numIdx: number;
  };
  /**
   * inputs [x] of `dtype` seen as [outer, size, inner]; output of the same shape and dtype: the running
   * sum (or product) along size, in order (float32 accumulates in float32; int32 wraps as two's
   * complement). exclusive: element k leaves itself out (the first is 0, or 1 for prod); reverse: runs
   * from the end of the axis.
   */
  scan: AxisAttrs & {
    /** The running operation. */
    op: 'sum' | 'prod';
    /** The input's and the output's dtype. */
    dtype: DType;
    /** Leave each element out of its own result. */
    exclusive: boolean;
    /** Run from the last element of the axis to the first. */
    reverse: boolean;
  };
  /**
   * inputs [x [outer, size]] of `dtype`; outputs [values [outer, k] of `dtype`, indices [outer, k] int32]:
   * each row's k largest, largest first; equal values keep their order (the lower index first) and NaN
   * ranks above every number. k <= size.
   */
  topk: {
    /** The rows. */
    outer: number;
    /** The length of each row. */
    size: number;
    /** How many of each row to keep. */
    k: number;
    /** The input's and the values' dtype. */
    dtype: DType;
  };
  /** inputs [indices int32 (n)]; output float32 [n, depth]. An index outside [0, depth) gives a row of offValue. */
  oneHot: {
    /** The number of classes: the length of each row. */
    depth: number;
    /** The value at the index. */
    onValue: number;
    /** The value everywhere else. */
    offValue: number;
  };
  /** inputs [cond float32, a, b] all of the output's size and dtype (cond != 0 picks a); output that dtype. */
  where: {
    /** The dtype of a, b and the output. */
    dtype: DType;
  };
  /** inputs [x] of `from`; output of `to` (float32 -> int32 truncates toward zero). */
  cast: {
    /** x's dtype. */
    from: DType;
    /** The output's dtype. */
    to: DType;
  };
  /**
   * no inputs; output float32 filled from the counter-based generator in ./random.ts:
   * uniform: a + (b - a) * u;  normal: a + b * z. The same seed gives the same numbers everywhere.
   */
  random: {
    /** The distribution. */
    dist: 'uniform' | 'normal';
    /** The generator's seed (32-bit). */
    seed: number;
    /** uniform: the low end; normal: the mean. */
    a: number;
    /** uniform: the high end; normal: the standard deviation. */
    b: number;
  };
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
    /** The update rule. */
    kind: OptimizerKind;
    /** The learning rate. */
    lr: number;
    /** momentum's decay of the velocity. */
    momentum: number;
    /** momentum: take the Nesterov step. */
    nesterov: boolean;
    /** rmsprop's decay of the mean square. */
    rho: number;
    /** adam's decay of the first moment. */
    beta1: number;
    /** adam's decay of the second moment. */
    beta2: number;
    /** Added to the denominator (rmsprop, adam). */
    epsilon: number;
    /** adam's step count, from 1 (for the bias correction). */
    t: number;
  };
}

/** The closed set of kernels every backend implements. */
export type KernelName = keyof KernelAttrs;

export const KERNEL_NAMES: readonly KernelName[] = [
  'matmul', 'binary', 'unary', 'activationGrad', 'reduce', 'softmax', 'softmaxGrad', 'strided', 'pad',
  'concat', 'gather', 'scatterAdd', 'oneHot', 'where', 'cast', 'random', 'optimizer',
  'im2col', 'col2im', 'pool', 'poolGrad',
  'conv2d', 'depthwise', 'scan', 'topk',
];

/** One kernel's implementation in a backend whose buffers are of type H. */
export type KernelImpl<H, K extends KernelName> = (inputs: readonly H[], outputs: readonly H[], attrs: KernelAttrs[K]) => void;

/** Every kernel, or the backend does not compile. */
export type KernelTable<H> = { [K in KernelName]: KernelImpl<H, K> };

/** Opaque buffer handle; each backend knows its own concrete type. */
export type Handle = object;

/** The most bytes one tensor's buffer may hold on a backend, and what sets that figure (named in errors). */
export interface BufferLimit {
  /** The most bytes of one buffer. */
  bytes: number;
  /** e.g. "the JavaScript typed-array limit (2^32 elements)" or "this adapter's maxStorageBufferBindingSize". */
  what: string;
}

/**
 * The limit of buffers held in JavaScript typed arrays (cpu, gpujs, and any backend whose memory is
 * a typed array): V8 (Node, Deno, Chrome) accepts at most 2^32 elements. Other engines may refuse
 * less; the allocation error they raise is then reported with the op, shape and bytes as well.
 */
export const TYPED_ARRAY_LIMIT: BufferLimit = { bytes: 2 ** 32 * 4, what: 'the JavaScript typed-array limit (2^32 elements)' };

/**
 * What a backend implements: memory (alloc, free, write, read) and the kernels of KernelAttrs
 * (run), plus lifecycle and facts. Register one with registerBackend.
 */
export interface Backend<H extends Handle = Handle> {
  /** Its name, as setBackend takes it. */
  readonly name: BackendName;
  /** Acquire devices/contexts; throws a clear Error when the backend cannot run here. */
  init(): Promise<void>;
  /**
   * The most bytes one buffer may hold here. The engine checks every allocation against it (and
   * against the user's wt.setMemoryLimit) before calling alloc, so alloc never sees a larger request
   * and an oversized tensor gets one clear Error that names the op, the shape, the bytes and `what`.
   * Typed-array backends return TYPED_ARRAY_LIMIT; webgpu the adapter's buffer limits; a backend
   * whose buffers live in one WebAssembly.Memory the bytes that memory can hold at its maximum.
   */
  bufferLimit(): BufferLimit;
  /**
   * A buffer for `size` elements of `dtype` (contents undefined). When memory cannot be had it
   * throws, and it changes none of the figures memory() reports before it has succeeded: the engine
   * relies on that to keep wt.memory() exact after a failed call.
   */
  alloc(size: number, dtype: DType): H;
  /** Release a buffer; the backend may defer the actual release until queued work is done. */
  free(handle: H): void;
  /** Copy host data into a buffer (data.length equals the buffer's size). */
  write(handle: H, data: TypedArray): void;
  /** Read a buffer back to the host once all work queued before the call has finished. */
  read(handle: H): Promise<TypedArray>;
  /** Read a buffer now, where the backend's memory is the host's (cpu, wasm); absent on GPU backends. */
  readSync?(handle: H): TypedArray;
  /** Run one kernel; it may be queued and run later, in order. */
  run<K extends KernelName>(kernel: K, inputs: readonly H[], outputs: readonly H[], attrs: KernelAttrs[K]): void;
  /** Submit queued work. */
  flush(): void;
  /** Backend-specific memory figures (bytes), merged into wt.memory(). */
  memory(): Record<string, number>;
  /** Facts about the device (adapter name, limits, mode) for backendInfo() and benchmark pages. */
  info(): Record<string, string | number | boolean>;
  /**
   * Why this backend's device is the CPU in disguise (a software GPU adapter or WebGL renderer such
   * as SwiftShader or llvmpipe), or null on real hardware. wt.init() ranks such a backend below wasm.
   * Backends that are not GPU backends leave it out.
   */
  emulated?(): string | null;
  /** Release every resource; the backend may be initialised again afterwards. */
  dispose(): void;
}
