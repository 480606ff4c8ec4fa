/**
 * Settings of the wasm backend that users reach from the top level: the thread count and the SIMD
 * module. The backend itself loads lazily (src/index.ts registers it), so this file holds only the
 * settings and talks to a running instance through the engine.
 */
import { engine } from './engine.js';
import type { WasmBackend } from './backend/wasm/index.js';

/**
 * Which of the wasm backend's modules runs. `'auto'` (the default): the relaxed-SIMD module where the
 * runtime has relaxed SIMD (Node 22+, Deno, Bun, current browsers; Node 20 with
 * `--experimental-wasm-relaxed-simd`), else the plain SIMD one. `'plain'`: always the plain one,
 * whose results are the same bit for bit on every machine (relaxed_madd rounds once where the CPU has
 * a fused multiply-add and twice where it has not). `'relaxed'`: the relaxed one, or the backend
 * fails to start where the runtime lacks it.
 */
export type WasmSimd = 'auto' | 'plain' | 'relaxed';

/** Threads the next wasm backend starts with (undefined: the machine's logical cores), and its module. */
export const wasmSettings: { threads: number | undefined; simd: WasmSimd } = { threads: undefined, simd: 'auto' };

/**
 * Run the wasm backend's kernels on `threads` threads, the calling thread included (default: the
 * machine's logical cores). Applies at once to a running wasm backend (its workers are started or
 * stopped; tensors stay) and to one started later. More than 1 thread needs shared memory: where it
 * is missing (a page that is not cross-origin isolated) the backend runs on one thread, and asking a
 * running one for more throws an Error that says why. Throws for anything but an integer >= 1.
 */
export async function setWasmThreads(threads: number): Promise<void> {
  if (!(typeof threads === 'number' && Number.isInteger(threads) && threads >= 1)) {
    throw new Error(`setWasmThreads: expected an integer >= 1, got ${String(threads)}`);
  }
  wasmSettings.threads = threads;
  const running = engine.instances.get('wasm') as WasmBackend | undefined;
  if (running) await running.setThreads(threads);
}

/** Threads the running wasm backend uses (the calling thread included); without one, the setting (0: the machine's cores). */
export function getWasmThreads(): number {
  const running = engine.instances.get('wasm') as WasmBackend | undefined;
  return running ? running.threads : wasmSettings.threads ?? 0;
}

/**
 * Choose the wasm backend's SIMD module (see {@link WasmSimd}): `setWasmSimd('plain')` gives results
 * that are identical bit for bit across machines; `'auto'` (the default) the fused multiply-add of
 * relaxed SIMD where the runtime has it. Applies to the wasm backend started next: call it before
 * `setBackend('wasm')` or `init()`. A running backend keeps its module, so asking it for another
 * throws an Error (`backendInfo().device.simdModule` says which one runs). Throws for anything but
 * `'auto'`, `'plain'` or `'relaxed'`.
 */
export function setWasmSimd(mode: WasmSimd): void {
  if (mode !== 'auto' && mode !== 'plain' && mode !== 'relaxed') {
    throw new Error(`setWasmSimd: expected 'auto', 'plain' or 'relaxed', got ${String(mode)}`);
  }
  const running = engine.instances.get('wasm') as WasmBackend | undefined;
  const current = running?.simdModule;
  if (current && mode !== 'auto' && current !== mode) {
    throw new Error(`setWasmSimd: the running wasm backend uses its ${current} SIMD module, which it keeps; set '${mode}' before the backend starts (before setBackend('wasm') or init())`);
  }
  wasmSettings.simd = mode;
}
