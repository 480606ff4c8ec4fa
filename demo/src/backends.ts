/**
 * Which backends run in this browser: each is started once (an adapter must answer, a gpu.js context
 * must exist, WebAssembly SIMD must compile), its device facts are kept for display, and the page's
 * banner says what wt.init() chose and why it passed the others over (WebGPU missing, or an adapter
 * that emulates the GPU on the CPU), and whether wasm has threads (a cross-origin-isolated page).
 */
import * as wt from '../../src/index.js';
import { el } from './ui.js';

export interface BackendStatus {
  name: wt.BackendName;
  ok: boolean;
  reason?: string;
  device: Record<string, string | number | boolean>;
}

const ALL: wt.BackendName[] = ['webgpu', 'wasm', 'gpujs', 'cpu'];

/**
 * The gpujs backend takes gpu.js from `globalThis.GPU` when a page provides it (else it imports the
 * npm package, which a browser cannot resolve by name). Vite bundles gpu.js's browser build into a
 * chunk of its own, loaded here only when the gpujs backend is probed.
 */
export async function provideGpuJs(): Promise<void> {
  // A WebGPU browser has a global `GPU` too: the interface of navigator.gpu, not gpu.js.
  const isGpuJs = (x: unknown): boolean => typeof x === 'function' && typeof (x as { prototype?: { createKernel?: unknown } }).prototype?.createKernel === 'function';
  const g = globalThis as { GPU?: unknown };
  if (isGpuJs(g.GPU)) return;
  const mod = (await import('gpu.js')) as unknown as { GPU?: unknown; default?: { GPU?: unknown } };
  const cls = [mod.GPU, mod.default?.GPU, mod.default].find(isGpuJs);
  if (!cls) throw new Error('demo: the gpu.js module has no GPU class');
  Object.defineProperty(globalThis, 'GPU', { value: cls, configurable: true, writable: true });
}

/** Start every backend (so the bench page can use each), then let wt.init() choose the default. */
export async function probeBackends(): Promise<{ chosen: wt.BackendName; statuses: BackendStatus[] }> {
  const statuses: BackendStatus[] = [];
  for (const name of ALL) {
    try {
      if (name === 'gpujs') await provideGpuJs();
      await wt.setBackend(name);
      statuses.push({ name, ok: true, device: wt.backendInfo().device });
    } catch (e) {
      statuses.push({ name, ok: false, reason: e instanceof Error ? e.message : String(e), device: {} });
    }
  }
  const chosen = await wt.init();
  return { chosen, statuses };
}

export function webgpuPresent(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && !!(navigator as Navigator & { gpu?: unknown }).gpu;
}

/** The device facts worth a line in the banner (the rest is on the benchmark page). */
const BANNER_KEYS = ['vendor', 'architecture', 'device', 'description', 'mode', 'isFallbackAdapter', 'singleThreaded'];

/** Fill the banner element: the chosen backend, its device, and a notice when WebGPU is missing. */
export function renderBanner(target: HTMLElement, chosen: wt.BackendName, statuses: BackendStatus[]): void {
  target.replaceChildren();
  const webgpu = statuses.find((s) => s.name === 'webgpu');
  const dev = statuses.find((s) => s.name === chosen)?.device ?? {};
  const desc = BANNER_KEYS
    .filter((k) => dev[k] !== undefined && dev[k] !== '')
    .map((k) => `${k}: ${dev[k]}`)
    .join(' · ');
  target.append(el('div', { class: 'banner-line' }, el('strong', {}, `Running on ${chosen}`), desc ? ` — ${desc}` : ''));
  for (const a of wt.backendInfo().attempts) {
    if (a.started) target.append(el('div', { class: 'banner-line passed-over' }, `${a.name} passed over: ${a.reason}.`));
  }
  if (!webgpu?.ok) {
    target.classList.add('warn');
    const why = webgpuPresent() ? (webgpu?.reason ?? 'no adapter').replace(/\.+$/, '') : 'navigator.gpu is absent';
    target.append(
      el('div', { class: 'banner-line', id: 'no-webgpu' },
        `No WebGPU in this browser (${why}). The page runs on the fallback chain: ${chosen}.`),
    );
  } else {
    target.classList.remove('warn');
  }
}
