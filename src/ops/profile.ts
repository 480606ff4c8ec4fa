/** TensorFlow.js's tf.profile: what a function allocates, its peak memory and the kernels it runs. */
import { engine, type ProfileLog } from '../engine.js';
import type { Tensor } from '../tensor.js';

/** One kernel call that profile() saw. */
export interface KernelInfo {
  /** The op that ran it (the outermost op of a composite). */
  name: string;
  /** The kernel of the closed set (binary, unary, matmul, ...). */
  kernel: string;
  /** The shapes of its inputs. */
  inputShapes: number[][];
  /** The shapes of its outputs. */
  outputShapes: number[][];
  /** Bytes of live tensors it added. */
  bytesAdded: number;
  /** Bytes of live tensors after it. */
  totalBytesSnapshot: number;
  /** Live tensors it added. */
  tensorsAdded: number;
  /** Live tensors after it. */
  totalTensorsSnapshot: number;
  /** Milliseconds it took (to queue it, on GPU backends). */
  kernelTimeMs: number;
}

/** What profile() returns (TensorFlow.js's ProfileInfo fields). */
export interface ProfileInfo {
  /** Bytes of live tensors after f less those before it. */
  newBytes: number;
  /** Live tensors after f less those before it. */
  newTensors: number;
  /** The most bytes that were live at once while f ran. */
  peakBytes: number;
  /**
   * Each kernel call in order: `name` is the op that ran it (the outermost op of a composite),
   * `kernel` the kernel of the closed set, with input and output shapes, the bytes and tensors it
   * added, the totals after it, and its time in milliseconds (time to queue it on GPU backends).
   */
  kernels: KernelInfo[];
  /** What f returned (resolved, if it returned a promise). */
  result: unknown;
  /** The distinct names in `kernels`, in order of first use. */
  kernelNames: string[];
}

/**
 * Run f (which may be async) and report the memory it took and the kernels it ran, as TensorFlow.js's
 * tf.profile does. Profiles do not nest: a profile() inside another's f throws.
 */
export async function profile(f: () => Tensor | Tensor[] | void | unknown | Promise<unknown>): Promise<ProfileInfo> {
  if (typeof f !== 'function') throw new Error(`profile: expected a function, got ${typeof f}`);
  if (engine.profiling) throw new Error('profile: a profile is already running (profiles do not nest)');
  const bytes0 = engine.numBytes, tensors0 = engine.numTensors;
  const log: ProfileLog = { peakBytes: engine.numBytes, kernels: [] };
  engine.profiling = log;
  let result: unknown;
  try {
    result = await f();
  } finally {
    engine.profiling = null;
  }
  return {
    newBytes: engine.numBytes - bytes0,
    newTensors: engine.numTensors - tensors0,
    peakBytes: log.peakBytes,
    kernels: log.kernels,
    result,
    kernelNames: [...new Set(log.kernels.map((k) => k.name))],
  };
}
