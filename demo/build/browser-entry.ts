/**
 * Entry of the browser bundle (dist-browser/webgpu-tensor.js): the whole library, with one change
 * for pages: the gpujs backend takes gpu.js from ./gpu-js.js beside the bundle (loaded only when
 * that backend is asked for), so no import map or script tag is needed for the WebGL fallback.
 */
import { registerBackend } from '../../src/index.js';

export * from '../../src/index.js';

function isGpuJs(x: unknown): boolean {
  return typeof x === 'function' && typeof (x as { prototype?: { createKernel?: unknown } }).prototype?.createKernel === 'function';
}

registerBackend('gpujs', async () => {
  // A WebGPU browser has a global `GPU` too (navigator.gpu's interface); only gpu.js's class counts.
  if (!isGpuJs((globalThis as { GPU?: unknown }).GPU)) {
    // 'gpu.js' is rewritten to './gpu-js.js' by the build (vite.lib.config.ts).
    const mod = (await import('gpu.js')) as unknown as { GPU?: unknown; default?: unknown };
    const cls = [mod.GPU, mod.default].find(isGpuJs);
    if (!cls) throw new Error('gpujs backend: ./gpu-js.js beside the bundle has no GPU class');
    if (!isGpuJs((globalThis as { GPU?: unknown }).GPU)) {
      Object.defineProperty(globalThis, 'GPU', { value: cls, configurable: true, writable: true });
    }
  }
  return new (await import('../../src/backend/gpujs/index.js')).GpuJsBackend();
});
