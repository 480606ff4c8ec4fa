/**
 * The cpu backend: every kernel in plain TypeScript over typed arrays. It is the reference the
 * other backends are tested against, so each kernel favours clarity, in float32 like the GPUs.
 */
import { type Backend, type BufferLimit, type KernelAttrs, type KernelName, TYPED_ARRAY_LIMIT } from '../backend.js';
import { type DType, type TypedArray, makeArray } from '../../dtype.js';
import { KERNELS } from './kernels.js';

/** A cpu buffer is just a typed array. */
export interface CpuHandle {
  data: TypedArray;
}

export class CpuBackend implements Backend<CpuHandle> {
  readonly name = 'cpu' as const;
  private bytes = 0;

  async init(): Promise<void> {}

  bufferLimit(): BufferLimit {
    return TYPED_ARRAY_LIMIT;
  }

  alloc(size: number, dtype: DType): CpuHandle {
    const data = makeArray(dtype, size);
    // Counted only once the array exists: a failed allocation must leave cpuBytes as it was.
    this.bytes += size * 4;
    return { data };
  }

  free(handle: CpuHandle): void {
    this.bytes -= handle.data.length * 4;
    handle.data = new Float32Array(0);
  }

  write(handle: CpuHandle, data: TypedArray): void {
    if (data.length !== handle.data.length) throw new Error(`cpu.write: ${data.length} values for a buffer of ${handle.data.length}`);
    handle.data.set(data);
  }

  async read(handle: CpuHandle): Promise<TypedArray> {
    return handle.data.slice();
  }

  run<K extends KernelName>(kernel: K, inputs: readonly CpuHandle[], outputs: readonly CpuHandle[], attrs: KernelAttrs[K]): void {
    KERNELS[kernel](inputs, outputs, attrs);
  }

  flush(): void {}

  memory(): Record<string, number> {
    return { cpuBytes: this.bytes };
  }

  info(): Record<string, string | number | boolean> {
    return { backend: 'cpu', description: 'plain TypeScript over typed arrays (the reference)' };
  }

  dispose(): void {}
}
