/**
 * The wasm worker pool: the job slot's protocol as c/pool.c implements it (what wt_work runs, what
 * it counts, and the claim word it returns for a worker to sleep on), and the pool parking workers
 * when it shrinks and reusing them when it grows.
 */
import { describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { engine } from '../src/engine.js';
import type { WasmBackend } from '../src/backend/wasm/index.js';
import { compileModule, type WasmExports } from '../src/backend/wasm/module.js';
import { CLOSED, JOB } from '../src/backend/wasm/worker-source.js';
import { availableBackends } from './backends.js';

const have = (await availableBackends()).includes('wasm') && typeof SharedArrayBuffer === 'function';
const wasm = (): WasmBackend => engine.instances.get('wasm') as WasmBackend;

describe.runIf(have)('wasm worker pool', () => {
  /** The threaded module over a fresh shared memory, a job slot, and a fill job writing `out`. */
  async function slot(): Promise<{ ex: WasmExports; i32: Int32Array; f32: Float32Array; job: number; b: number; out: number; open: (gen: number, units: number, grain: number) => void }> {
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
    const ex = new WebAssembly.Instance(await compileModule('threads'), { env: { memory } }).exports as unknown as WasmExports;
    const job = Math.ceil((ex.__heap_base.value as number) / 64) * 64, args = job + 256, out = job + 1024;
    const i32 = new Int32Array(memory.buffer), f32 = new Float32Array(memory.buffer), b = job >> 2;
    i32[(args >> 2)] = out;
    f32[(args >> 2) + 1] = 7;
    const open = (gen: number, units: number, grain: number): void => {
      i32[b + JOB.FN] = ex.task_fill!();
      i32[b + JOB.ARGS] = args;
      i32[b + JOB.UNITS] = units;
      i32[b + JOB.GRAIN] = grain;
      i32[b + JOB.NTASKS] = Math.ceil(units / grain);
      i32[b + JOB.DONE] = 0;
      i32[b + JOB.CLAIM] = gen << 20;
    };
    i32[b + JOB.CLAIM] = CLOSED;
    i32[b + JOB.THREADS] = 2;
    return { ex, i32, f32, job, b, out, open };
  }

  it('wt_work runs every task of the open job and returns the claim word it stopped at', async () => {
    const { ex, i32, f32, job, b, out, open } = await slot();
    // a closed slot: nothing to run, and the worker sleeps on CLOSED
    expect(ex.wt_work!(job, 1)).toBe(CLOSED);
    open(5, 40, 8);
    expect(ex.wt_work!(job, 1)).toBe((5 << 20) | 5);
    expect(i32[b + JOB.DONE]).toBe(5);
    expect(i32[b + JOB.WORKER_TASKS]).toBe(5);
    expect(Array.from(f32.subarray(out >> 2, (out >> 2) + 41))).toEqual([...Array<number>(40).fill(7), 0]);
    // the same job again: exhausted, so the same word comes back and nothing more runs
    expect(ex.wt_work!(job, 1)).toBe((5 << 20) | 5);
    expect(i32[b + JOB.DONE]).toBe(5);
    // the calling thread (0) is not counted among the workers' tasks
    open(6, 16, 4);
    expect(ex.wt_work!(job, 0)).toBe((6 << 20) | 4);
    expect(i32[b + JOB.WORKER_TASKS]).toBe(5);
  });

  it('wt_work leaves the tasks alone on a thread numbered at or above the THREADS word (parked)', async () => {
    const { ex, i32, f32, job, b, out, open } = await slot();
    i32[b + JOB.THREADS] = 2;
    open(9, 12, 4);
    expect(ex.wt_work!(job, 2)).toBe(9 << 20);
    expect(i32[b + JOB.CLAIM]).toBe(9 << 20);
    expect(i32[b + JOB.DONE]).toBe(0);
    expect(f32[out >> 2]).toBe(0);
    expect(ex.wt_work!(job, 1)).toBe((9 << 20) | 3);
    expect(i32[b + JOB.DONE]).toBe(3);
  });

  it('parks workers when the pool shrinks and reuses them when it grows', async () => {
    await wt.setBackend('wasm');
    await wt.setWasmThreads(3);
    const pool = wasm().pool!;
    expect(pool.started).toBe(2);
    // big enough that the matmul is always split into tasks, whatever the load on the machine
    const x = wt.randn([400, 300], { seed: 1 }), y = wt.randn([300, 400], { seed: 2 });
    const want = await wt.matmul(x, y).data();
    await wt.setWasmThreads(2);
    expect(pool.threads).toBe(2);
    expect(pool.started).toBe(2);
    // only the worker that still works takes tasks (the scratch is sized for two threads)
    const before = pool.workerTasks;
    pool.callerTakesTasks = false;
    let two: Float32Array | Int32Array | Uint8Array;
    try {
      two = await wt.matmul(x, y).data();
    } finally {
      pool.callerTakesTasks = true;
    }
    expect(pool.workerTasks).toBeGreaterThan(before);
    expect(Array.from(two)).toEqual(Array.from(want));
    // growing again wakes the parked worker rather than starting one
    await wt.setWasmThreads(3);
    expect(pool.started).toBe(2);
    const again = await wt.matmul(x, y).data();
    expect(Array.from(again)).toEqual(Array.from(want));
    x.dispose();
    y.dispose();
    await wt.setWasmThreads(2);
  });
});
