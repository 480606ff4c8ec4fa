/**
 * The demo pages (demo/): a landing page, the CPU-vs-GPU benchmark and the MNIST training demo.
 * `npm run demo` serves them with vite dev straight from src/; `npm run demo:build` writes demo-dist/
 * (serve it with `npx vite preview`). gpu.js comes from node_modules and is split into a lazy chunk.
 * Both servers send the cross-origin-isolation headers, so the pages get SharedArrayBuffer and the
 * wasm backend runs its worker threads there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { nodeOnlyStubs } from './demo/build/browser-plugins.js';
import { mnistAsset } from './demo/build/mnist-asset.js';

const root = dirname(fileURLToPath(import.meta.url));

// The pages import src/ directly: embed the shaders and the wasm modules if no build has yet.
for (const [file, script, args] of [
  ['src/backend/webgpu/shaders.generated.ts', 'scripts/gen-shaders.mjs', []],
  ['src/backend/wasm/kernels.generated.ts', 'scripts/build-wasm.mjs', ['--embed-only']],
] as const) {
  if (!existsSync(join(root, file))) execFileSync(process.execPath, [join(root, script), ...args], { cwd: root, stdio: 'inherit' });
}

/** COOP + COEP: a cross-origin-isolated page, which browsers give SharedArrayBuffer (wasm threads). */
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: join(root, 'demo'),
  base: './',
  publicDir: false,
  plugins: [nodeOnlyStubs(), mnistAsset()],
  server: { fs: { allow: [root] }, headers: ISOLATION_HEADERS },
  // The MNIST page's training worker imports the library (and gpu.js lazily): an ES module worker,
  // with the same Node-only stubs as the pages.
  worker: { format: 'es', plugins: () => [nodeOnlyStubs()] },
  optimizeDeps: { include: ['gpu.js', 'chart.js/auto'] },
  build: {
    outDir: join(root, 'demo-dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    sourcemap: true,
    rolldownOptions: {
      checks: { pluginTimings: false },
      input: {
        index: join(root, 'demo/index.html'),
        bench: join(root, 'demo/bench.html'),
        mnist: join(root, 'demo/mnist.html'),
        models: join(root, 'demo/models.html'),
      },
    },
  },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
});
