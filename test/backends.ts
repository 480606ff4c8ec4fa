/**
 * The backends this process can run, for `describe.each`: cpu always; webgpu when an adapter
 * initialises and wasm when WebAssembly SIMD does (under CI=true a missing one is an error, so the
 * suite fails rather than skips); gpujs when its backend initialises.
 * Two variables select what a test run covers:
 *   WT_TEST_BACKENDS (a comma list) names the backends to try besides cpu, for a runtime that lacks
 *     one (Bun has no WebGPU: `.ci/run` sets wasm,gpujs there) or a run about one backend
 *     (vitest.config.ts's wasm-relaxed project); under CI=true the listed webgpu and wasm are still required.
 *   WT_WASM_SIMD=auto|plain|relaxed  the wasm backend's SIMD module (wt.setWasmSimd).
 */
import * as wt from '../src/index.js';

export interface Availability {
  names: string[];
  /** why each backend that is not in `names` could not start */
  skipped: Record<string, string>;
}

const TRIED = ['webgpu', 'wasm', 'gpujs'] as const;

/** The backends besides cpu that this run tries (all of them unless WT_TEST_BACKENDS says otherwise). */
export function triedBackends(): readonly string[] {
  const list = process.env['WT_TEST_BACKENDS'];
  if (list === undefined) return TRIED;
  const names = list.split(',').map((s) => s.trim()).filter((s) => s && s !== 'cpu');
  const bad = names.filter((n) => !(TRIED as readonly string[]).includes(n));
  if (bad.length) throw new Error(`WT_TEST_BACKENDS: unknown backend ${bad.join(', ')} (expected a comma list of ${TRIED.join(', ')})`);
  return names;
}

/** Under CI=true, must `name` run in this process? */
export function requiredInCI(name: string): boolean {
  return process.env['CI'] === 'true' && (name === 'webgpu' || name === 'wasm') && triedBackends().includes(name);
}

let cached: Promise<Availability> | null = null;

export function availability(): Promise<Availability> {
  cached ??= (async () => {
    const names = ['cpu'];
    const skipped: Record<string, string> = {};
    const simd = process.env['WT_WASM_SIMD'];
    if (simd) wt.setWasmSimd(simd as wt.WasmSimd);
    for (const name of TRIED) {
      if (!triedBackends().includes(name)) {
        skipped[name] = 'not tried here (WT_TEST_BACKENDS)';
        continue;
      }
      try {
        await wt.setBackend(name);
        names.push(name);
      } catch (e) {
        skipped[name] = e instanceof Error ? e.message : String(e);
        if (requiredInCI(name)) {
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
