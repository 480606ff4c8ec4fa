/**
 * The backends this process can run, for `describe.each`: cpu always; webgpu when an adapter
 * initialises and wasm when WebAssembly SIMD does (under CI=true a missing one is an error, so the
 * suite fails rather than skips); gpujs when its backend initialises.
 * Two variables select what a test run covers (vitest.config.ts sets them per project):
 *   WT_WASM_SIMD=auto|plain|relaxed  the wasm backend's SIMD module (wt.setWasmSimd)
 *   WT_BACKENDS=wasm,webgpu          only these backends besides cpu (the reference)
 */
import * as wt from '../src/index.js';

export interface Availability {
  names: string[];
  /** why each backend that is not in `names` could not start */
  skipped: Record<string, string>;
}

let cached: Promise<Availability> | null = null;

export function availability(): Promise<Availability> {
  cached ??= (async () => {
    const names = ['cpu'];
    const skipped: Record<string, string> = {};
    const simd = process.env['WT_WASM_SIMD'];
    if (simd) wt.setWasmSimd(simd as wt.WasmSimd);
    const only = process.env['WT_BACKENDS']?.split(',');
    for (const name of ['webgpu', 'wasm', 'gpujs'] as const) {
      if (only && !only.includes(name)) continue;
      try {
        await wt.setBackend(name);
        names.push(name);
      } catch (e) {
        skipped[name] = e instanceof Error ? e.message : String(e);
        if ((name === 'webgpu' || name === 'wasm') && process.env['CI'] === 'true') {
          throw new Error(`CI=true requires the ${name} backend: ${skipped[name]}`);
        }
        console.warn(`[backends] ${name} is not available here: ${skipped[name]}`);
      }
    }
    await wt.setBackend('cpu');
    return { names, skipped };
  })();
  return cached;
}

/** The names of the backends available in this process. */
export async function availableBackends(): Promise<string[]> {
  return (await availability()).names;
}
