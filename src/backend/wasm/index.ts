/**
 * The wasm backend: every kernel in WebAssembly with 128-bit SIMD (C sources in ./c, built by
 * scripts/build-wasm.mjs), all tensors in one WebAssembly.Memory managed by ./alloc.ts, and, where
 * shared memory is allowed, a pool of worker threads over that same memory (./threads.ts). Kernels
 * run synchronously inside run(); read() copies the result out.
 */
import type { Backend, BufferLimit, KernelAttrs, KernelName, KernelTable } from '../backend.js';
import { type StorageDType as DType, type StorageArray as TypedArray, makeArray } from '../../dtype.js';
import { Heap } from './alloc.js';
import type { ArgWriter, WasmContext, WasmHandle } from './context.js';
import { makeKernels } from './kernels.js';
import { compileModule, hasRelaxedSimd, MODULE_FILES, moduleBytes, moduleKind, TASKS, type ModuleKind, type TaskName, type WasmExports } from './module.js';
import type { WasmSimd } from '../../wasm.js';
import { hardwareThreads, Pool, threadsUnavailable } from './threads.js';
import { JOB_BYTES } from './worker-source.js';

export type { WasmHandle } from './context.js';

export interface WasmBackendOptions {
  /** Threads that run kernels, the calling thread included (default: the machine's logical cores). */
  threads?: number;
  /** The most bytes the backend's memory may grow to (default and upper bound: 4 GiB). */
  maxMemoryBytes?: number;
  /** Which SIMD module runs (default 'auto': relaxed SIMD where the runtime has it; see setWasmSimd). */
  simd?: WasmSimd;
}

/** Which SIMD module to load for `mode`, and why, in words for backendInfo(). */
export function chooseSimd(mode: WasmSimd, has: boolean): { relaxed: boolean; why: string } {
  if (mode === 'plain') return { relaxed: false, why: "plain SIMD asked for (setWasmSimd('plain')): the same results bit for bit on every machine" };
  if (mode === 'relaxed' && !has) {
    throw new Error("wasm backend: relaxed SIMD was asked for (setWasmSimd('relaxed')) but this runtime does not validate f32x4.relaxed_madd (Node 20 needs --experimental-wasm-relaxed-simd; Node 22+, Deno, Bun and Chrome 114+ have it)");
  }
  if (mode === 'relaxed') return { relaxed: true, why: "relaxed SIMD asked for (setWasmSimd('relaxed'))" };
  if (mode !== 'auto') throw new Error(`wasm backend: simd must be 'auto', 'plain' or 'relaxed', got ${String(mode)}`);
  return has
    ? { relaxed: true, why: "the runtime has relaxed SIMD (fused multiply-add in matmul, exp, log and tanh; setWasmSimd('plain') for results identical across machines)" }
    : { relaxed: false, why: 'the runtime has no relaxed SIMD (Node 20 has it with --experimental-wasm-relaxed-simd)' };
}

const PAGE = 65536;
const MAX_PAGES = 65536;
/** Bytes of each worker's stack (the kernels keep only small index arrays there). */
const WORKER_STACK = 64 * 1024;
/** Bytes of the argument block: a struct up to ARG_TAIL, its arrays after it. */
const ARG_BYTES = 4096;
const ARG_TAIL = 256;
/**
 * When the pool is woken (see README, "Threads", for the measurements): work estimated below
 * `parallelNs` on one thread runs on the calling thread; tasks are at least `taskNs`; a matmul
 * below `parallelFlops` (2 m n k) runs on one thread.
 */
export interface WasmTuning {
  parallelNs: number;
  taskNs: number;
  parallelFlops: number;
}
const TUNING: WasmTuning = { parallelNs: 40_000, taskNs: 10_000, parallelFlops: 1 << 19 };

interface State {
  kind: ModuleKind;
  /** why this module's SIMD flavour was chosen */
  simdWhy: string;
  memory: WebAssembly.Memory;
  ex: WasmExports;
  heap: Heap;
  ids: Record<TaskName, number>;
  kernels: KernelTable<WasmHandle>;
  pool: Pool | null;
  job: number;
  args: number;
  stacks: number[];
  /** why there are no threads, when there are none */
  singleReason: string | null;
}

function createMemory(shared: boolean, initialPages: number, maxBytes: number): { memory: WebAssembly.Memory; maxPages: number } {
  let maxPages = Math.max(initialPages, Math.min(MAX_PAGES, Math.floor(maxBytes / PAGE)));
  for (;;) {
    try {
      return { memory: new WebAssembly.Memory({ initial: initialPages, maximum: maxPages, shared }), maxPages };
    } catch (e) {
      // A shared memory reserves its maximum up front; a small address space may refuse 4 GiB.
      if (maxPages <= initialPages * 2) throw new Error(`wasm backend: cannot create a WebAssembly.Memory: ${(e as Error).message}`);
      maxPages = Math.max(initialPages, Math.floor(maxPages / 2));
    }
  }
}

export class WasmBackend implements Backend<WasmHandle> {
  readonly name = 'wasm' as const;
  /** Set by dispose(): tensors on a disposed backend say so, and setBackend('wasm') makes a new one. */
  lost: string | undefined;
  private s: State | null = null;
  private handles = 0;
  private views: { buf: ArrayBufferLike; f32: Float32Array; i32: Int32Array } | null = null;
  /** @internal The thresholds that decide when the pool is woken (benchmarks change them to measure). */
  readonly tuning: WasmTuning = { ...TUNING };

  constructor(private readonly options: WasmBackendOptions = {}) {}

  async init(): Promise<void> {
    if (this.s) return;
    this.lost = undefined;
    const wanted = this.options.threads ?? (await hardwareThreads());
    if (!(Number.isInteger(wanted) && wanted >= 1)) throw new Error(`wasm backend: threads must be an integer >= 1, got ${String(wanted)}`);
    const noThreads = threadsUnavailable();
    const simd = chooseSimd(this.options.simd ?? 'auto', hasRelaxedSimd());
    const kind = moduleKind(!noThreads, simd.relaxed);
    const module = await compileModule(kind);
    const maxBytes = Math.min(this.options.maxMemoryBytes ?? MAX_PAGES * PAGE, MAX_PAGES * PAGE);
    // The module's own stack and data sit below __heap_base (a couple of pages).
    const { memory, maxPages } = createMemory(!noThreads, 64, maxBytes);
    const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as WasmExports;
    const mem = {
      get bytes() { return memory.buffer.byteLength; },
      maxBytes: maxPages * PAGE,
      grow: (pages: number) => { memory.grow(pages); },
    };
    const heap = new Heap(mem, ex.__heap_base.value as number);
    const job = heap.alloc(JOB_BYTES, 'wasm backend (job slot)');
    const args = heap.alloc(ARG_BYTES, 'wasm backend (arguments)');
    new Int32Array(memory.buffer, job, JOB_BYTES / 4).fill(0);
    const ids = {} as Record<TaskName, number>;
    for (const t of TASKS) ids[t] = ex[`task_${t}`]!();
    const s: State = { kind, simdWhy: simd.why, memory, ex, heap, ids, kernels: null as unknown as KernelTable<WasmHandle>, pool: null, job, args, stacks: [], singleReason: noThreads };
    this.s = s;
    s.kernels = makeKernels(this.context(s));
    if (!noThreads) {
      s.pool = new Pool({
        module, memory, job,
        work: ex.wt_work!,
        // One stack per worker number, kept when the pool shrinks and reused when it grows again.
        stack: (tid) => (s.stacks[tid] ??= heap.alloc(WORKER_STACK, 'wasm backend (worker stack)')) + WORKER_STACK,
      });
      try {
        await this.setThreads(wanted);
      } catch (e) {
        // Workers may be refused (a Content-Security-Policy without blob: workers, a sandbox):
        // the backend still runs, on the calling thread, and says why.
        s.pool.dispose();
        s.pool = null;
        s.singleReason = `worker threads could not start (${e instanceof Error ? e.message : String(e)})`;
      }
    }
  }

  /** @internal The worker pool (null without shared memory), for tests. */
  get pool(): Pool | null {
    return this.s?.pool ?? null;
  }

  /** The SIMD module that runs ('plain' or 'relaxed'), or undefined before init(). */
  get simdModule(): 'plain' | 'relaxed' | undefined {
    return this.s ? (this.s.kind.endsWith('relaxed') ? 'relaxed' : 'plain') : undefined;
  }

  /** Threads that run kernels now, the calling thread included. */
  get threads(): number {
    return this.s?.pool?.threads ?? 1;
  }

  /**
   * Use `threads` threads (the caller included) from now on, starting or stopping workers. Without
   * shared memory there is only the calling thread: asking for more throws, saying why.
   */
  async setThreads(threads: number): Promise<void> {
    const s = this.state('setThreads');
    if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`wasm.setThreads: expected an integer >= 1, got ${String(threads)}`);
    if (!s.pool) {
      if (threads > 1) throw new Error(`wasm.setThreads: this backend runs on one thread: ${s.singleReason}`);
      return;
    }
    await s.pool.resize(threads);
  }

  private state(op: string): State {
    if (!this.s) throw new Error(`wasm.${op}: the backend is not initialised (await wt.setBackend('wasm'))`);
    return this.s;
  }

  /** Typed views of the memory, renewed after it grows (growth replaces its buffer). */
  private view(s: State): { f32: Float32Array; i32: Int32Array } {
    const buf = s.memory.buffer;
    if (this.views?.buf !== buf) this.views = { buf, f32: new Float32Array(buf), i32: new Int32Array(buf) };
    return this.views;
  }

  private context(s: State): WasmContext {
    const self = this;
    // One writer, reset for each kernel call (a call fills its block and runs before the next
    // begins), so a small op allocates no closures for its arguments.
    let i32: Int32Array<ArrayBufferLike> = new Int32Array(0), f32: Float32Array<ArrayBufferLike> = new Float32Array(0);
    let field = 0, tail = 0;
    const w: ArgWriter = {
      at: s.args,
      i(v) { i32[field++] = v; return w; },
      f(v) { f32[field++] = v; return w; },
      p(h) {
        if (h && h.freed) throw new Error('wasm: a kernel was given a buffer that was already freed');
        i32[field++] = h ? h.ptr : 0;
        return w;
      },
      a(values) {
        if ((tail + values.length) * 4 > s.args + ARG_BYTES) throw new Error('wasm: kernel arguments too long');
        i32[field++] = tail * 4;
        for (let k = 0; k < values.length; k++) i32[tail + k] = values[k]!;
        tail += values.length;
        return w;
      },
    };
    const writer = (): ArgWriter => {
      const v = self.view(s);
      i32 = v.i32;
      f32 = v.f32;
      field = s.args >> 2;
      tail = (s.args + ARG_TAIL) >> 2;
      return w;
    };
    const run = (name: TaskName, w: ArgWriter, units: number, grain: number, parallel: boolean): void => {
      if (units <= 0) return;
      if (parallel && s.pool && s.pool.threads > 1 && grain < units) s.pool.run(s.ids[name], w.at, units, grain);
      else s.ex.wt_exec(s.ids[name], w.at, 0, units, 0);
    };
    return {
      args: writer,
      exec(name, w, units, nsPerUnit) {
        const threads = s.pool?.threads ?? 1;
        const total = units * nsPerUnit;
        if (threads === 1 || total < self.tuning.parallelNs) return run(name, w, units, units, false);
        const tasks = Math.max(2, Math.min(units, threads * 4, Math.floor(total / self.tuning.taskNs)));
        run(name, w, units, Math.ceil(units / tasks), true);
      },
      execBlocks(name, w, units, parallel) {
        run(name, w, units, 1, parallel);
      },
      firstOutside(h, limit) {
        const { i32 } = self.view(s);
        const at = h.ptr >> 2;
        for (let i = 0; i < h.size; i++) {
          const k = i32[at + i]!;
          if (k < 0 || k >= limit) return i;
        }
        return -1;
      },
      int32: (h, i) => self.view(s).i32[(h.ptr >> 2) + i]!,
      scratch: (bytes, what) => s.heap.alloc(bytes, what),
      release: (ptr) => s.heap.free(ptr),
      get threads() { return s.pool?.threads ?? 1; },
      get parallelFlops() { return self.tuning.parallelFlops; },
      mr: s.ex.matmul_mr(),
      nr: s.ex.matmul_nr(),
    };
  }

  /** One tensor can take the whole memory at its maximum, less what sits below the heap. */
  bufferLimit(): BufferLimit {
    const s = this.state('bufferLimit');
    return { bytes: s.heap.maxBytes - s.heap.base, what: "the wasm backend's memory maximum" };
  }

  alloc(size: number, dtype: DType): WasmHandle {
    const s = this.state('alloc');
    const ptr = size === 0 ? 0 : s.heap.alloc(size * 4, `wasm.alloc: a ${dtype} tensor of ${size} elements`);
    this.handles++;
    return { ptr, size, dtype, freed: false };
  }

  free(h: WasmHandle): void {
    if (h.freed) return;
    h.freed = true;
    this.handles--;
    if (h.ptr && this.s) this.s.heap.free(h.ptr);
  }

  write(h: WasmHandle, data: TypedArray): void {
    const s = this.state('write');
    if (h.freed) throw new Error('wasm.write: the buffer was already freed');
    if (data.length !== h.size) throw new Error(`wasm.write: ${data.length} values for a buffer of ${h.size}`);
    if (!h.size) return;
    const { f32, i32 } = this.view(s);
    if (data instanceof Int32Array) i32.set(data, h.ptr >> 2);
    else f32.set(data, h.ptr >> 2);
  }

  async read(h: WasmHandle): Promise<TypedArray> {
    return this.readSync(h);
  }

  /** The buffer's values, copied out now (kernels have all finished when run() returns). */
  readSync(h: WasmHandle): TypedArray {
    const s = this.state('read');
    if (h.freed) throw new Error('wasm.read: the buffer was already freed');
    const out = makeArray(h.dtype, h.size);
    if (!h.size) return out;
    const { f32, i32 } = this.view(s);
    const at = h.ptr >> 2;
    if (out instanceof Int32Array) out.set(i32.subarray(at, at + h.size));
    else out.set(f32.subarray(at, at + h.size));
    return out;
  }

  run<K extends KernelName>(kernel: K, inputs: readonly WasmHandle[], outputs: readonly WasmHandle[], attrs: KernelAttrs[K]): void {
    const s = this.state(kernel);
    if (outputs.every((o) => o.size === 0)) return;
    for (const h of inputs) if (h.freed) throw new Error(`wasm: kernel '${kernel}' was given a buffer that was already freed`);
    s.kernels[kernel](inputs, outputs, attrs);
  }

  flush(): void {}

  memory(): Record<string, number> {
    const s = this.s;
    return {
      wasmBytesLive: s ? s.heap.liveBytes : 0,
      wasmBytesFree: s ? s.heap.freeBytes : 0,
      wasmMemoryBytes: s ? s.memory.buffer.byteLength : 0,
      wasmMemoryMaxBytes: s ? s.heap.maxBytes : 0,
      wasmBuffers: this.handles,
      wasmThreads: this.threads,
      wasmParallelJobs: s?.pool?.jobs ?? 0,
      wasmWorkerTasks: s?.pool?.workerTasks ?? 0,
    };
  }

  info(): Record<string, string | number | boolean> {
    const s = this.s;
    if (!s) return { backend: 'wasm' };
    return {
      backend: 'wasm',
      description: `WebAssembly SIMD, ${this.threads} thread${this.threads === 1 ? '' : 's'}${s.kind.endsWith('relaxed') ? ', relaxed SIMD' : ''}`,
      simd: true,
      simdModule: this.simdModule!,
      simdChoice: s.simdWhy,
      module: MODULE_FILES[s.kind],
      threads: this.threads,
      sharedMemory: s.kind.startsWith('threads'),
      ...(s.singleReason ? { singleThreaded: s.singleReason } : {}),
      moduleGzipBytes: moduleBytes(s.kind),
      maxMemoryBytes: s.heap.maxBytes,
      microKernel: `${s.ex.matmul_mr()}x${s.ex.matmul_nr()}`,
    };
  }

  dispose(): void {
    const s = this.s;
    if (!s) return;
    this.lost = 'the backend was disposed';
    this.s = null;
    this.views = null;
    s.pool?.dispose();
  }
}
