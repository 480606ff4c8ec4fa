/**
 * The webgpu backend: tensors live in GPU storage buffers and every kernel is a WGSL compute shader
 * (shaders/*.wgsl, embedded at build time). The same code runs in browsers, Deno and Node (Dawn).
 * Work is recorded into batches and submitted together; results come back only when read.
 */
import type { Backend, BufferLimit, KernelAttrs, KernelName, KernelTable } from '../backend.js';
import { type StorageDType as DType, type StorageArray as TypedArray, makeArray } from '../../dtype.js';
import { acquireDevice, isCpuAdapter } from './device.js';
import { makeKernels } from './kernels.js';
import { PipelineCache } from './pipelines.js';
import type { GpuHandle, KernelContext } from './plan.js';
import { BufferPool } from './pool.js';
import { Submitter, USAGE } from './queue.js';

export type { GpuHandle } from './plan.js';

export interface WebGPUBackendOptions {
  /** Bytes of freed buffers kept for reuse (default 256 MiB, or a quarter of maxBufferSize if smaller). */
  poolCapBytes?: number;
  /** Use at most this many workgroups per grid dimension (below the adapter's limit), e.g. to test grid splitting. */
  maxWorkgroupsPerDimension?: number;
  /** Submit after this many dispatches (default 64). */
  maxBatch?: number;
  /** The matmul kernel (default 'auto'); see WebGPUBackend.matmulStrategy. */
  matmul?: 'auto' | 'tiled' | 'direct' | 'quad';
  /**
   * Tune the other kernels' layouts for a GPU or for an adapter that runs shaders on the CPU
   * (default 'auto': from the adapter), e.g. to test the GPU layouts on SwiftShader.
   */
  tuneFor?: 'auto' | 'gpu' | 'cpu';
}

interface State {
  device: GPUDevice;
  info: Record<string, string | number | boolean>;
  pool: BufferPool;
  staging: BufferPool;
  pipelines: PipelineCache;
  queue: Submitter;
  kernels: KernelTable<GpuHandle>;
  limits: KernelContext['limits'] & { maxStorageBufferBindingSize: number; maxBufferSize: number };
  ctx: KernelContext;
}

export class WebGPUBackend implements Backend<GpuHandle> {
  readonly name = 'webgpu' as const;
  /**
   * Matmul kernel: 'tiled' (workgroup-memory tiles, for GPUs), 'direct' (register blocks read
   * straight from storage, for adapters that run shaders on the CPU), 'quad' (direct, with rows
   * shared in a quad through subgroup operations; 'direct' where the device lacks them), or 'auto'
   * to choose by adapter.
   */
  matmulStrategy: 'auto' | 'tiled' | 'direct' | 'quad';
  /** Why the device is gone (set on device loss or dispose); tensors on it then report this. */
  lost: string | undefined;
  private s: State | null = null;
  private usedBytes = 0;
  private handles = 0;
  private uncaptured: Error[] = [];

  constructor(private readonly options: WebGPUBackendOptions = {}) {
    this.matmulStrategy = options.matmul ?? 'auto';
  }

  async init(): Promise<void> {
    if (this.s && !this.lost) return;
    const { device, info } = await acquireDevice();
    this.lost = undefined;
    const lim = device.limits;
    const limits = {
      maxComputeWorkgroupsPerDimension: Math.min(lim.maxComputeWorkgroupsPerDimension, this.options.maxWorkgroupsPerDimension ?? Infinity),
      maxComputeInvocationsPerWorkgroup: lim.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupSizeX: lim.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: lim.maxComputeWorkgroupSizeY,
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxBufferSize: lim.maxBufferSize,
    };
    const cap = this.options.poolCapBytes ?? Math.min(256 * 2 ** 20, lim.maxBufferSize / 4);
    const pipelines = new PipelineCache(device);
    const cpuLike = isCpuAdapter(info);
    const queue = new Submitter(device, pipelines);
    if (this.options.maxBatch) queue.maxBatch = this.options.maxBatch;
    const wg = Math.min(256, lim.maxComputeInvocationsPerWorkgroup, lim.maxComputeWorkgroupSizeX);
    const self = this;
    const ctx: KernelContext = {
      limits,
      wg,
      get matmulStrategy() { return self.matmulStrategy === 'auto' ? (cpuLike ? 'quad' : 'tiled') : self.matmulStrategy; },
      subgroups: device.features.has('subgroups'),
      cpuLike: this.options.tuneFor === undefined || this.options.tuneFor === 'auto' ? cpuLike : this.options.tuneFor === 'cpu',
      temp: (size) => this.alloc(size, 'float32'),
      drop: (h) => this.free(h),
      dispatch: (kernel, shader, defines, params, reads, writes, groups) => {
        queue.dispatch({ kernel, shader, defines: { WG: wg, ...defines }, params, reads: reads.map((h) => this.bind(kernel, h)), writes: writes.map((h) => this.bind(kernel, h)), groups });
      },
    };
    this.s = {
      device, info, limits, pipelines, queue, ctx,
      pool: new BufferPool(device, USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, 'tensor', cap, lim.maxBufferSize),
      staging: new BufferPool(device, USAGE.MAP_READ | USAGE.COPY_DST, 'staging', 64 * 2 ** 20, lim.maxBufferSize),
      kernels: makeKernels(ctx),
    };
    device.addEventListener('uncapturederror', (ev) => {
      this.uncaptured.push(new Error(`webgpu: device error: ${(ev as GPUUncapturedErrorEvent).error.message}`));
    });
    void device.lost.then((li) => {
      if (!this.lost) this.lost = `device lost (${li.reason}${li.message ? `: ${li.message}` : ''})`;
    });
  }

  private state(op: string): State {
    if (this.lost) throw new Error(`webgpu.${op}: the GPU device was lost (${this.lost}); call setBackend('webgpu') again to get a new one`);
    if (!this.s) throw new Error(`webgpu.${op}: the backend is not initialised (await wt.setBackend('webgpu'))`);
    return this.s;
  }

  private bind(kernel: KernelName, h: GpuHandle): { buffer: GPUBuffer; bytes: number } {
    if (!h.buffer) throw new Error(`webgpu: kernel '${kernel}' was given a buffer that was already freed`);
    return { buffer: h.buffer, bytes: h.size * 4 };
  }

  /** A tensor is one storage buffer bound whole: the smaller of the adapter's two buffer limits. */
  bufferLimit(): BufferLimit {
    const s = this.state('bufferLimit');
    const { maxStorageBufferBindingSize: binding, maxBufferSize: buffer } = s.limits;
    return binding <= buffer
      ? { bytes: binding, what: "this adapter's maxStorageBufferBindingSize" }
      : { bytes: buffer, what: "this adapter's maxBufferSize" };
  }

  alloc(size: number, dtype: DType): GpuHandle {
    const s = this.state('alloc');
    const bytes = size * 4;
    // The engine checks bufferLimit() first; this guards the backend's own temporaries.
    if (bytes > s.limits.maxStorageBufferBindingSize || bytes > s.limits.maxBufferSize) {
      throw new Error(`webgpu.alloc: a buffer of ${size} elements (${bytes} bytes) exceeds this adapter's limit of ${Math.min(s.limits.maxStorageBufferBindingSize, s.limits.maxBufferSize)} bytes per buffer`);
    }
    const buffer = s.pool.acquire(bytes);
    this.usedBytes += buffer.size;
    this.handles++;
    return { buffer, size, dtype };
  }

  free(h: GpuHandle): void {
    const b = h.buffer;
    if (!b) return;
    h.buffer = null;
    this.usedBytes -= b.size;
    this.handles--;
    if (!this.s || this.lost) return;
    this.s.queue.release(b, this.s.pool);
  }

  write(h: GpuHandle, data: TypedArray): void {
    const s = this.state('write');
    if (!h.buffer) throw new Error('webgpu.write: the buffer was already freed');
    if (data.length !== h.size) throw new Error(`webgpu.write: ${data.length} values for a buffer of ${h.size}`);
    if (data.length) s.device.queue.writeBuffer(h.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  async read(h: GpuHandle): Promise<TypedArray> {
    const s = this.state('read');
    if (!h.buffer) throw new Error('webgpu.read: the buffer was already freed');
    const bytes = h.size * 4;
    if (bytes === 0) {
      s.queue.flush();
      await this.check(s);
      return makeArray(h.dtype, 0);
    }
    const staging = s.staging.acquire(bytes);
    s.queue.copy(h.buffer, staging, bytes);
    s.queue.flush();
    let copy: ArrayBuffer;
    try {
      await staging.mapAsync(1 /* GPUMapMode.READ */, 0, bytes);
      copy = staging.getMappedRange(0, bytes).slice(0);
      staging.unmap();
      s.staging.release(staging);
    } catch (e) {
      await this.check(s);
      if (this.lost) throw new Error(`webgpu.read: the GPU device was lost (${this.lost})`);
      throw new Error(`webgpu.read: mapping the result failed: ${(e as Error).message}`);
    }
    await this.check(s);
    return h.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
  }

  /** Surface compile errors, failed batches and uncaptured device errors found so far. */
  private async check(s: State): Promise<void> {
    await s.queue.check();
    const e = this.uncaptured.shift();
    if (e) {
      this.uncaptured = [];
      throw e;
    }
  }

  run<K extends KernelName>(kernel: K, inputs: readonly GpuHandle[], outputs: readonly GpuHandle[], attrs: KernelAttrs[K]): void {
    const s = this.state(kernel);
    if (outputs.every((o) => o.size === 0)) return;
    s.kernels[kernel](inputs, outputs, attrs);
  }

  flush(): void {
    if (this.s && !this.lost) this.s.queue.flush();
  }

  /** Wait until every submitted batch has run (and surface any errors found). */
  async sync(): Promise<void> {
    const s = this.state('sync');
    s.queue.flush();
    await s.device.queue.onSubmittedWorkDone();
    await this.check(s);
  }

  memory(): Record<string, number> {
    const s = this.s;
    return {
      gpuBytesUsed: this.usedBytes,
      gpuBytesPooled: s?.pool.pooledBytes ?? 0,
      gpuBytesAllocated: s?.pool.allocatedBytes ?? 0,
      gpuBytesStaging: s?.staging.allocatedBytes ?? 0,
      gpuBuffers: this.handles,
      gpuPipelines: s?.pipelines.size ?? 0,
      gpuSubmits: s?.queue.submits ?? 0,
    };
  }

  /**
   * The adapter's facts and limits, plus the choices made for it: `matmul` (the strategy in use),
   * `kernelLayout` ('gpu' or 'cpu': how axis kernels lay out their work) and `workgroupSize` (1-D kernels).
   */
  info(): Record<string, string | number | boolean> {
    const s = this.s;
    const lost: Record<string, string> = this.lost ? { lost: this.lost } : {};
    if (!s) return { backend: 'webgpu', ...lost };
    // 'quad' without subgroups runs the direct kernel (see ./matmul.ts): report what really runs
    const matmul = s.ctx.matmulStrategy === 'quad' && !s.ctx.subgroups ? 'direct' : s.ctx.matmulStrategy;
    return { ...s.info, matmul, kernelLayout: s.ctx.cpuLike ? 'cpu' : 'gpu', workgroupSize: s.ctx.wg, ...lost };
  }

  emulated(): string | null {
    const info = this.s?.info;
    if (!info || !isCpuAdapter(info)) return null;
    const name = ['description', 'device', 'architecture', 'vendor'].map((k) => String(info[k] ?? '')).find((v) => v) ?? 'unnamed';
    return `a software WebGPU adapter (${name}${info['isFallbackAdapter'] ? ', a fallback adapter' : ''}) that runs shaders on the CPU`;
  }

  dispose(): void {
    const s = this.s;
    if (!s) return;
    this.lost ??= 'the backend was disposed';
    this.s = null;
    s.queue.destroy();
    s.pool.trim();
    s.staging.trim();
    s.device.destroy();
  }
}
