/**
 * The cpu backend: every kernel in plain TypeScript over typed arrays. It is the reference the
 * other backends are tested against, so each kernel favours clarity, in float32 like the GPUs.
 */
import { type Backend, type BufferLimit, type KernelAttrs, type KernelName, type KernelTable, TYPED_ARRAY_LIMIT } from '../backend.js';
import { type StorageDType as DType, type StorageArray as TypedArray, makeArray } from '../../dtype.js';
import { KERNELS } from './kernels.js';

/**
 * The shared kernels, except that gather refuses an out-of-range index: the cpu backend holds the
 * indices on the host, so it can say which one is wrong, where GPU backends give zeros for it
 * (the shared kernel, which gpujs also runs on its cpu fallback path, keeps the zero-fill).
 */
const CPU_KERNELS: KernelTable<CpuHandle> = {
  ...KERNELS,
  gather(inputs, outputs, attrs) {
    const ix = inputs[1]!.data;
    for (let j = 0; j < attrs.numIdx; j++) {
      const k = ix[j]!;
      if (k < 0 || k >= attrs.axisLen) {
        throw new Error(`gather: index ${k} at position ${j} of the indices is out of range for an axis of length ${attrs.axisLen} (expected 0 <= index < ${attrs.axisLen})`);
      }
    }
    KERNELS.gather(inputs, outputs, attrs);
  },
};

/** Arrays up to this many elements are kept for reuse when freed, at most POOL_PER_SIZE of each length and dtype. */
const POOL_MAX_SIZE = 4096;
const POOL_PER_SIZE = 16;
const POOL_MAX_ELEMENTS = 1 << 18;
/** What a freed handle holds: no values (a use after free reads nothing). */
const EMPTY = new Float32Array(0);

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

  /** Freed small arrays by dtype and length, zeroed again when handed out: ops on small tensors allocate no new arrays. */
  private pool = new Map<number, TypedArray[]>();
  /** Elements held in the pool, at most POOL_MAX_ELEMENTS. */
  private pooled = 0;

  alloc(size: number, dtype: DType): CpuHandle {
    const spare = size <= POOL_MAX_SIZE ? this.pool.get(size * 2 + (dtype === 'int32' ? 1 : 0))?.pop() : undefined;
    if (spare) this.pooled -= size;
    const data = spare ? spare.fill(0) : makeArray(dtype, size);
    // Counted only once the array exists: a failed allocation must leave cpuBytes as it was.
    this.bytes += size * 4;
    return { data };
  }

  free(handle: CpuHandle): void {
    const d = handle.data;
    this.bytes -= d.length * 4;
    handle.data = EMPTY;
    if (d.length > 0 && d.length <= POOL_MAX_SIZE) {
      const key = d.length * 2 + (d instanceof Int32Array ? 1 : 0);
      let list = this.pool.get(key);
      if (!list) this.pool.set(key, (list = []));
      if (list.length < POOL_PER_SIZE && this.pooled + d.length <= POOL_MAX_ELEMENTS) {
        list.push(d);
        this.pooled += d.length;
      }
    }
  }

  write(handle: CpuHandle, data: TypedArray): void {
    if (data.length !== handle.data.length) throw new Error(`cpu.write: ${data.length} values for a buffer of ${handle.data.length}`);
    handle.data.set(data);
  }

  async read(handle: CpuHandle): Promise<TypedArray> {
    return handle.data.slice();
  }

  readSync(handle: CpuHandle): TypedArray {
    return handle.data.slice();
  }

  run<K extends KernelName>(kernel: K, inputs: readonly CpuHandle[], outputs: readonly CpuHandle[], attrs: KernelAttrs[K]): void {
    CPU_KERNELS[kernel](inputs, outputs, attrs);
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
