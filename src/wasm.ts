/**
 * Settings of the wasm backend that users reach from the top level: the thread count. The backend
 * itself loads lazily (src/index.ts registers it), so this file holds only the setting and talks to
 * a running instance through the engine.
 */
import { engine } from './engine.js';
import type { WasmBackend } from './backend/wasm/index.js';

/** Threads the next wasm backend starts with; undefined: the machine's logical cores. */
export const wasmSettings: { threads: number | undefined } = { threads: undefined };

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
