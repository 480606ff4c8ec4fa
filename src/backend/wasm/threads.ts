/**
 * The wasm backend's worker pool. Threads need a shared WebAssembly.Memory (so SharedArrayBuffer,
 * which browsers give only to cross-origin-isolated pages) and a way to start workers
 * (worker_threads in Node, Worker in Deno and browsers). Each worker instantiates the same compiled
 * module over the same memory and waits on the job slot (see ./worker-source.ts and c/pool.c).
 *
 * A job is published by writing the slot and setting its claim word; the waiting workers are woken
 * with Atomics.notify, the calling thread takes tasks too, then waits until every task is done:
 * Atomics.wait where the runtime allows it, a spin on a browser's main thread, which may not block.
 * Atomics.waitAsync cannot replace that spin: a kernel is called synchronously from its op, which
 * must return with the result written, so the caller cannot yield mid-op. On the main thread the
 * wait is the short tail of each job (the caller takes tasks until none are left); what holds a
 * page is the whole batch of synchronous kernels between two frames. A page that must stay
 * responsive while it trains runs the engine in a dedicated worker (test/browser/frames/ shows it):
 * there this wait blocks, the pool's workers start from that worker, and the page only paints.
 * Shrinking the pool parks workers rather than ending them, so growing it again costs nothing (a
 * new worker is a new JavaScript isolate: tens of milliseconds of start-up on other cores).
 */
import { CLOSED, JOB, workerSource, type WorkerInit } from './worker-source.js';

/** The part of a Node or Web worker the pool uses. */
interface PoolWorker {
  terminate(): unknown;
}

/** Why threads cannot run here, or null when they can. */
export function threadsUnavailable(): string | null {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; Worker?: unknown };
  if (g.crossOriginIsolated === false) {
    return 'the page is not cross-origin isolated, so it has no SharedArrayBuffer (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (typeof g.SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available in this runtime';
  if (typeof Atomics !== 'object') return 'Atomics is not available in this runtime';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (e) {
    return `a shared WebAssembly.Memory cannot be created here (${(e as Error).message})`;
  }
  if (!isNode() && !isDeno() && typeof g.Worker !== 'function') return 'this runtime has no Worker';
  return null;
}

export function isDeno(): boolean {
  return !!(globalThis as { Deno?: unknown }).Deno;
}

export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return !!p?.versions?.node && !(globalThis as { Deno?: unknown }).Deno;
}

/** The machine's logical cores, as the runtime reports them. */
export async function hardwareThreads(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (!isNode() && nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  try {
    const osName = 'node:os';
    const os = (await import(/* @vite-ignore */ osName)) as { availableParallelism?: () => number; cpus(): unknown[] };
    return os.availableParallelism?.() ?? os.cpus().length;
  } catch {
    return nav?.hardwareConcurrency ?? 1;
  }
}

/** May this thread block in Atomics.wait? (Not a browser's main thread.) */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Start one worker running the worker source and hand it `init`; resolves once it is ready. */
async function startWorker(init: WorkerInit): Promise<PoolWorker> {
  let worker: PoolWorker;
  const ready = new Promise<void>((resolve, reject) => {
    const onMessage = (m: { ready?: boolean; error?: string }): void => {
      if (m.ready) resolve();
      else if (m.error) {
        reject(new Error(`wasm worker ${init.tid}: ${m.error}`));
        console.error(`wasm worker ${init.tid}: ${m.error}`);
      }
    };
    if (isNode() || isDeno()) {
      // Deno too: its Web Workers cannot be unref'd, so they would keep a finished script running.
      const wtName = 'node:worker_threads';
      worker = import(/* @vite-ignore */ wtName).then((mod: { Worker: new (src: string, o: { eval: boolean }) => NodeWorker }) => {
        const w = new mod.Worker(workerSource(true), { eval: true });
        w.on('message', onMessage);
        w.on('error', (e: Error) => reject(new Error(`wasm worker ${init.tid} failed to start: ${e.message}`)));
        w.postMessage(init);
        return w;
      }) as unknown as PoolWorker;
    } else {
      const url = URL.createObjectURL(new Blob([workerSource(false)], { type: 'text/javascript' }));
      const w = new (globalThis as unknown as { Worker: new (u: string, o: { type: string; name: string }) => WebWorker }).Worker(url, { type: 'module', name: `wasm-${init.tid}` });
      URL.revokeObjectURL(url);
      w.onmessage = (e: MessageEvent) => onMessage(e.data as { ready?: boolean; error?: string });
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault?.();
        reject(new Error(`wasm worker ${init.tid} failed to start: ${e.message}`));
      };
      w.postMessage(init);
      worker = w;
    }
  });
  const w = await Promise.resolve(worker!);
  await ready;
  // Once running, the pool must not keep a Node process alive after the user's script is done
  // (before that it must: the start is awaited).
  (w as Partial<NodeWorker>).unref?.();
  return w;
}

interface NodeWorker extends PoolWorker {
  on(ev: string, fn: (x: never) => void): void;
  unref(): void;
  postMessage(m: unknown): void;
}
interface WebWorker extends PoolWorker {
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  postMessage(m: unknown): void;
}

export interface PoolSetup {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** byte address of the job slot (JOB_BYTES, zeroed) */
  job: number;
  /** wt_work of the calling thread's instance */
  work: (job: number, tid: number) => number;
  /** a stack for worker `tid` (1-based): returns its top */
  stack: (tid: number) => number;
}

export class Pool {
  /** every worker started, parked ones included (worker i has thread number i + 1) */
  private workers: PoolWorker[] = [];
  /** threads that take tasks, the caller included */
  private active = 1;
  private gen = 0;
  private readonly i32: Int32Array;
  private readonly base: number;
  private readonly blocking = canBlock();
  /** spin iterations of a worker before it sleeps (about 20-50 microseconds) */
  spin = 20000;
  /** @internal Test hook: false leaves every task to the workers (proof that they compute). */
  callerTakesTasks = true;
  /** jobs run on the pool so far */
  jobs = 0;

  constructor(private readonly s: PoolSetup) {
    this.i32 = new Int32Array(s.memory.buffer);
    this.base = s.job >> 2;
    Atomics.store(this.i32, this.base + JOB.CLAIM, CLOSED);
    Atomics.store(this.i32, this.base + JOB.THREADS, 1);
  }

  /** Threads that take tasks, the caller included. */
  get threads(): number {
    return this.active;
  }

  /** Workers started, parked ones included. */
  get started(): number {
    return this.workers.length;
  }

  /**
   * Take tasks on `threads` threads (the caller included) from now on: workers beyond that are
   * parked (asleep, kept for later), missing ones are started.
   */
  async resize(threads: number): Promise<void> {
    // No job is in flight between calls (run() returns only when all its tasks are done), so the
    // count can change at any time here.
    const want = threads - 1 - this.workers.length;
    if (want > 0) {
      const started = await Promise.allSettled(
        Array.from({ length: want }, (_, i) => {
          const tid = this.workers.length + 1 + i;
          return startWorker({ module: this.s.module, memory: this.s.memory, tid, stack: this.s.stack(tid), job: this.s.job, spin: this.spin });
        }),
      );
      const failed = started.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      for (const r of started) if (r.status === 'fulfilled') this.workers.push(r.value);
      if (failed) {
        // the ones that started stay parked
        this.setActive(Math.min(this.active, threads));
        throw failed.reason;
      }
    }
    this.setActive(threads);
  }

  private setActive(threads: number): void {
    const i32 = this.i32, b = this.base;
    this.active = threads;
    Atomics.store(i32, b + JOB.THREADS, threads);
    // parked workers wake to work; workers asleep on the claim word wake to see whether they are parked
    Atomics.notify(i32, b + JOB.THREADS);
    Atomics.notify(i32, b + JOB.CLAIM);
  }

  /**
   * Run `fn(args, begin, end, tid)` over units [0, units) in tasks of `grain` units, on every
   * thread; returns when all are done. Throws if a task trapped.
   */
  run(fn: number, args: number, units: number, grain: number): void {
    const i32 = this.i32, b = this.base;
    const ntasks = Math.ceil(units / grain);
    i32[b + JOB.FN] = fn;
    i32[b + JOB.ARGS] = args;
    i32[b + JOB.UNITS] = units;
    i32[b + JOB.GRAIN] = grain;
    i32[b + JOB.NTASKS] = ntasks;
    i32[b + JOB.ERROR] = 0;
    Atomics.store(i32, b + JOB.DONE, 0);
    this.gen = (this.gen + 1) & 0x7ff;
    Atomics.store(i32, b + JOB.CLAIM, this.gen << 20);
    Atomics.notify(i32, b + JOB.CLAIM, Math.min(this.active - 1, this.callerTakesTasks ? ntasks - 1 : ntasks));
    this.jobs++;
    let failure: unknown = null;
    try {
      if (this.callerTakesTasks) this.s.work(this.s.job, 0);
    } catch (e) {
      failure = e;
      Atomics.add(i32, b + JOB.DONE, 1);
    }
    for (let spins = 0; ; spins++) {
      const done = Atomics.load(i32, b + JOB.DONE);
      if (done >= ntasks) break;
      if (this.blocking && spins > 2000) Atomics.wait(i32, b + JOB.DONE, done, 100);
    }
    Atomics.store(i32, b + JOB.CLAIM, CLOSED);
    if (failure) throw failure;
    if (i32[b + JOB.ERROR]) throw new Error('wasm: a kernel failed on a worker thread (see the worker error above)');
  }

  /** Tasks the workers (not the caller) have run so far. */
  get workerTasks(): number {
    return Atomics.load(this.i32, this.base + JOB.WORKER_TASKS);
  }

  /** Stop every worker, parked ones included: each wakes, sees STOP and leaves its loop; terminate() makes sure. */
  dispose(): void {
    Atomics.store(this.i32, this.base + JOB.STOP, 1);
    Atomics.notify(this.i32, this.base + JOB.CLAIM);
    Atomics.notify(this.i32, this.base + JOB.THREADS);
    for (const w of this.workers) void w.terminate();
    this.workers = [];
    this.active = 1;
  }
}
