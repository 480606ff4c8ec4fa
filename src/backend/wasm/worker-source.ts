/**
 * The source of a wasm pool worker, as a string so that it travels inside every build (dist/ and
 * the one-file browser bundle): Node and Deno run it with node:worker_threads'
 * `new Worker(src, { eval: true })` (whose workers can be unref'd, so they never hold the process),
 * browsers from a Blob URL. The worker instantiates the shared module over the shared memory, takes
 * its own stack, says it is ready, and then loops: run tasks of the open job (wt_work), spin a
 * little in case the next job follows at once, then sleep in Atomics.wait on the claim word as
 * wt_work last saw it (so a job published in between is never slept through). A worker numbered at
 * or above the THREADS word is parked: it sleeps on THREADS until the pool grows again. It never
 * returns to its event loop, so it is stopped by the STOP word (or terminate()).
 */

/** Int32 offsets inside the job slot, from its start (the C struct `Job` of c/pool.c). */
export const JOB = { CLAIM: 0, DONE: 16, FN: 32, ARGS: 33, UNITS: 34, GRAIN: 35, NTASKS: 36, STOP: 37, ERROR: 38, WORKER_TASKS: 39, THREADS: 40 } as const;
/** Bytes of the job slot. */
export const JOB_BYTES = 4 * 48;
/** The claim word between jobs. */
export const CLOSED = -1;

/** What the pool sends a new worker. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  tid: number;
  /** the top of this worker's stack (it grows down) */
  stack: number;
  /** byte address of the job slot */
  job: number;
  /** iterations of the spin before sleeping */
  spin: number;
}

/** The worker's source; `node` says it runs under node:worker_threads (Node, Deno) rather than as a Web Worker. */
export const workerSource = (node: boolean): string => `
'use strict';
function run(init, post) {
  const { module, memory, tid, stack, job, spin } = init;
  let ex;
  try {
    ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
    ex.__stack_pointer.value = stack;
  } catch (e) {
    post({ error: String(e && e.message || e) });
    return;
  }
  const i32 = new Int32Array(memory.buffer);
  const base = job >> 2;
  const CLAIM = base + ${JOB.CLAIM}, DONE = base + ${JOB.DONE}, STOP = base + ${JOB.STOP}, ERROR = base + ${JOB.ERROR};
  const THREADS = base + ${JOB.THREADS};
  post({ ready: true });
  for (;;) {
    const threads = Atomics.load(i32, THREADS);
    if (Atomics.load(i32, STOP)) return;
    if (tid >= threads) {
      // parked: the pool has fewer threads now
      Atomics.wait(i32, THREADS, threads);
      continue;
    }
    let seen;
    try {
      seen = ex.wt_work(job, tid);
    } catch (e) {
      // The task that trapped is counted as done, so the caller wakes and reports the failure; a
      // trap leaves the stack pointer where the task had moved it.
      ex.__stack_pointer.value = stack;
      Atomics.store(i32, ERROR, 1);
      Atomics.add(i32, DONE, 1);
      Atomics.notify(i32, DONE);
      post({ error: String(e && e.message || e) });
      continue;
    }
    for (let n = 0; n < spin && Atomics.load(i32, CLAIM) === seen; n++);
    if (Atomics.load(i32, CLAIM) === seen && tid < Atomics.load(i32, THREADS)) {
      Atomics.wait(i32, CLAIM, seen);
      // Parked while asleep: the wake-up may have been meant for a worker that still works.
      if (tid >= Atomics.load(i32, THREADS)) Atomics.notify(i32, CLAIM, 1);
    }
  }
}
if (${node}) {
  // node:worker_threads: the source may run as a script or as a module (it inherits --input-type),
  // so the module is imported rather than required.
  import('node:worker_threads').then(({ parentPort }) => {
    parentPort.once('message', (init) => run(init, (m) => parentPort.postMessage(m)));
  });
} else {
  self.onmessage = (e) => { self.onmessage = null; run(e.data, (m) => self.postMessage(m)); };
}
`;
