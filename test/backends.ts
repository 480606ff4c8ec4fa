/**
 * The backends this process can run, for `describe.each`: cpu always; webgpu when an adapter
 * initialises and wasm when WebAssembly SIMD does (under CI=true a missing one is an error, so the
 * suite fails rather than skips); gpujs when its backend initialises.
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
    for (const name of ['webgpu', 'wasm', 'gpujs'] as const) {
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
