/**
 * Recording and submitting work. Dispatches go into one compute pass of one command encoder and are
 * submitted together (on a read, a flush, or every `maxBatch` dispatches). Each dispatch's sizes are
 * written into a slot of one uniform "arena" buffer that is uploaded once per submit. Buffers freed
 * while the batch still uses them return to the pool only after the batch is submitted, so a later
 * queue.writeBuffer can never overwrite data that queued work has yet to read.
 *
 * The arena is bound with a dynamic offset, so a bind group depends only on which buffers a
 * dispatch uses: bind groups are cached by buffer identity. Creating one costs more than recording
 * the dispatch itself (about 20 us in Dawn), and pooled buffers make the same groups recur op
 * after op (a training step reuses the same buffers every step).
 */
import type { KernelName } from '../backend.js';
import type { BufferPool } from './pool.js';
import type { PipelineCache } from './pipelines.js';
import type { Defines } from './template.js';

/** GPUBufferUsage flags, spelled out because Node has no GPUBufferUsage global. */
export const USAGE = { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, UNIFORM: 64, STORAGE: 128 } as const;

/** A buffer bound to a dispatch, and how many bytes of it the kernel sees (at least 16: one vec4; buffers hold 256 or more). */
export interface Binding {
  buffer: GPUBuffer;
  bytes: number;
}

export interface DispatchSpec {
  kernel: KernelName;
  shader: string;
  defines: Defines;
  /** The kernel's sizes as 32-bit words (see the shader's header for their order). */
  params: Uint32Array;
  reads: readonly Binding[];
  writes: readonly Binding[];
  groups: readonly [number, number, number];
}

/** Parameter words every dispatch binds at least (256 bytes, one slot). */
const MIN_WORDS = 64;
const ARENA_BYTES = 64 * 1024;
/** Cached bind groups kept at most; the cache starts over beyond this (stale entries name dead buffers). */
const MAX_GROUPS = 4096;

/** A number per GPUBuffer object, for cache keys (buffers are never reused once destroyed). */
const ids = new WeakMap<GPUBuffer, number>();
let nextId = 1;
function idOf(b: GPUBuffer): number {
  let id = ids.get(b);
  if (id === undefined) ids.set(b, (id = nextId++));
  return id;
}

export class Submitter {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly arena: GPUBuffer;
  private readonly arenaHost = new Uint32Array(ARENA_BYTES / 4);
  private arenaUsed = 0;
  private dispatches = 0;
  private kernels = new Set<string>();
  private deferred: { buffer: GPUBuffer; pool: BufferPool }[] = [];
  private readonly groups = new Map<string, GPUBindGroup>();
  private readonly offsets = [0];
  private readonly align: number;
  /** Errors of submitted batches, reported at the next read. */
  private errors: Error[] = [];
  readonly pending = new Set<Promise<void>>();
  submits = 0;
  /** Dispatches per submit; more amortises submit cost, fewer lets the GPU start sooner. */
  maxBatch = 64;

  constructor(private readonly device: GPUDevice, private readonly pipelines: PipelineCache) {
    this.align = Math.max(16, device.limits.minUniformBufferOffsetAlignment);
    this.arena = device.createBuffer({ size: ARENA_BYTES, usage: USAGE.UNIFORM | USAGE.COPY_DST, label: 'params' });
  }

  /** True while recorded work has not been submitted. */
  get busy(): boolean {
    return this.encoder !== null;
  }

  private begin(): GPUComputePassEncoder {
    if (!this.encoder) {
      this.device.pushErrorScope('validation');
      this.device.pushErrorScope('out-of-memory');
      this.encoder = this.device.createCommandEncoder();
    }
    if (!this.pass) this.pass = this.encoder.beginComputePass();
    return this.pass;
  }

  dispatch(d: DispatchSpec): void {
    // One uniform size (64 words) for nearly every dispatch: fewer pipeline variants, and bind groups
    // of one size, which wgpu (Deno) needs when pipelines sharing a layout are switched between.
    const words = Math.max(MIN_WORDS, Math.ceil(d.params.length / 4) * 4);
    const slot = Math.ceil((words * 4) / this.align) * this.align;
    if (slot > ARENA_BYTES) throw new Error(`webgpu: kernel '${d.kernel}': ${d.params.length} parameter words do not fit a uniform buffer`);
    if (this.arenaUsed + slot > ARENA_BYTES) this.flush();
    const pipeline = this.pipelines.get(d.kernel, d.shader, { ...d.defines, NP: words / 4 }, d.reads.length, d.writes.length);
    const group = this.bindGroup(words, d.reads, d.writes);
    const pass = this.begin();
    const offset = this.arenaUsed;
    this.arenaHost.set(d.params, offset / 4);
    this.arenaUsed += slot;
    this.offsets[0] = offset;
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group, this.offsets);
    pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2]);
    this.kernels.add(d.kernel);
    if (++this.dispatches >= this.maxBatch) this.flush();
  }

  /** The bind group of the arena (`words` at a dynamic offset) and these buffers, made once. */
  private bindGroup(words: number, reads: readonly Binding[], writes: readonly Binding[]): GPUBindGroup {
    let key = `${words}:${reads.length}`;
    for (const b of reads) key += `:${idOf(b.buffer)}/${b.bytes}`;
    for (const b of writes) key += `:${idOf(b.buffer)}/${b.bytes}`;
    let group = this.groups.get(key);
    if (group) return group;
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.arena, offset: 0, size: words * 4 } }];
    for (const b of reads) entries.push({ binding: entries.length, resource: { buffer: b.buffer, offset: 0, size: Math.max(16, b.bytes) } });
    for (const b of writes) entries.push({ binding: entries.length, resource: { buffer: b.buffer, offset: 0, size: Math.max(16, b.bytes) } });
    group = this.device.createBindGroup({ layout: this.pipelines.groupLayout(reads.length, writes.length), entries });
    if (this.groups.size >= MAX_GROUPS) this.groups.clear();
    this.groups.set(key, group);
    return group;
  }

  /** Record a buffer-to-buffer copy (for readback) after the work recorded so far. */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number): void {
    this.begin();
    this.pass!.end();
    this.pass = null;
    this.encoder!.copyBufferToBuffer(src, 0, dst, 0, bytes);
  }

  /** Return `buffer` to `pool` once the work recorded so far has been submitted. */
  release(buffer: GPUBuffer, pool: BufferPool): void {
    if (this.encoder) this.deferred.push({ buffer, pool });
    else pool.release(buffer);
  }

  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.pass = null;
    const cmd = this.encoder.finish();
    this.encoder = null;
    if (this.arenaUsed) this.device.queue.writeBuffer(this.arena, 0, this.arenaHost.buffer, 0, this.arenaUsed);
    this.device.queue.submit([cmd]);
    this.submits++;
    const kernels = [...this.kernels].join(', ');
    const scopes = [this.device.popErrorScope(), this.device.popErrorScope()];
    const check = Promise.all(scopes).then((errs) => {
      for (const e of errs) if (e) this.errors.push(new Error(`webgpu: a batch of kernels (${kernels}) failed on the device: ${e.message}`));
    }, (e: unknown) => { this.errors.push(new Error(`webgpu: checking a batch failed: ${String(e)}`)); });
    this.pending.add(check);
    void check.finally(() => this.pending.delete(check));
    this.arenaUsed = 0;
    this.dispatches = 0;
    this.kernels = new Set();
    for (const { buffer, pool } of this.deferred) pool.release(buffer);
    this.deferred = [];
  }

  /** Wait for outstanding compile and batch checks; throw the first error found. */
  async check(): Promise<void> {
    while (this.pending.size || this.pipelines.pending.size) {
      await Promise.all([...this.pending, ...this.pipelines.pending]);
    }
    const errs = [...this.pipelines.takeErrors(), ...this.errors];
    this.errors = [];
    if (errs.length) throw errs[0]!;
  }

  destroy(): void {
    this.encoder = null;
    this.pass = null;
    this.deferred = [];
    this.groups.clear();
    this.arena.destroy();
  }
}
