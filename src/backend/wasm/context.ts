/**
 * What a wasm kernel needs from the backend: its buffers' addresses, an argument block to fill,
 * scratch memory, and a way to run a task over units of work (on the pool when the work is big
 * enough to pay for waking it).
 */
import type { StorageDType as DType } from '../../dtype.js';
import type { TaskName } from './module.js';

/** A wasm buffer: `size` elements of `dtype` at byte address `ptr` (0 when size is 0). */
export interface WasmHandle {
  ptr: number;
  size: number;
  dtype: DType;
  /** set once freed */
  freed: boolean;
}

/**
 * Writes a kernel's argument struct (c/*.c), 4-byte fields in declaration order, into the backend's
 * argument block; arrays go to the block's tail and their address into the field.
 */
export interface ArgWriter {
  i(v: number): ArgWriter;
  f(v: number): ArgWriter;
  /** the address of a buffer (throws if it was freed) */
  p(h: WasmHandle | undefined | null): ArgWriter;
  /** an int32 array in the tail; the field gets its address */
  a(values: readonly number[]): ArgWriter;
  /** the struct's address */
  readonly at: number;
}

export interface WasmContext {
  /** a fresh argument block (one kernel call at a time) */
  args(): ArgWriter;
  /**
   * Run task `name` over units [0, units). `nsPerUnit` estimates a unit's cost on one thread:
   * work below a threshold runs on the calling thread, more is split across the pool.
   */
  exec(name: TaskName, args: ArgWriter, units: number, nsPerUnit: number): void;
  /** Every unit its own task (units are already big blocks of work), on the pool when `parallel`. */
  execBlocks(name: TaskName, args: ArgWriter, units: number, parallel: boolean): void;
  /** the position of the first int32 of `h` outside [0, limit), or -1 */
  firstOutside(h: WasmHandle, limit: number): number;
  /** element `i` of an int32 buffer */
  int32(h: WasmHandle, i: number): number;
  /** scratch memory for one kernel call (`what` names it in an out-of-memory Error) */
  scratch(bytes: number, what: string): number;
  release(ptr: number): void;
  /** threads that take tasks (1 without a pool) */
  readonly threads: number;
  /** a matmul below this many flops (2 m n k) runs on one thread */
  readonly parallelFlops: number;
  /** the micro-kernel's tile (rows, columns) */
  readonly mr: number;
  readonly nr: number;
}
