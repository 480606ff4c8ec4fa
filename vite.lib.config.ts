/**
 * The browser library build: dist-browser/webgpu-tensor.js, one ES module holding the whole library
 * (all backends' code; no Node-only import), its types, and gpu.js as a sibling ES module
 * (gpu-js.js) that is loaded only when the gpujs fallback is chosen. Run by `npm run build` after tsc
 * has filled dist/. A page copies the folder and does `import * as wt from './webgpu-tensor.js'`.
 */
import { cpSync, existsSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { dropNodeDynamicImports, gpuJsSibling, nodeOnlyStubs } from './demo/build/browser-plugins.js';

const root = dirname(fileURLToPath(import.meta.url));
const outDir = join(root, 'dist-browser');

/** Copy tsc's declarations into dist-browser/types so the bundle's types travel with it. */
function declarations(): Plugin {
  const copy = (from: string, to: string): void => {
    for (const name of readdirSync(from)) {
      const src = join(from, name);
      if (statSync(src).isDirectory()) copy(src, join(to, name));
      else if (name.endsWith('.d.ts')) {
        mkdirSync(to, { recursive: true });
        cpSync(src, join(to, name));
      }
    }
  };
  return {
    name: 'wt-declarations',
    writeBundle() {
      const dist = join(root, 'dist');
      if (!existsSync(join(dist, 'index.d.ts'))) {
        this.warn('dist/index.d.ts is missing (run tsc first): dist-browser has no types');
        return;
      }
      copy(dist, join(outDir, 'types'));
      const rel = relative(outDir, join(outDir, 'types', 'index.js')).split('\\').join('/');
      writeFileSync(join(outDir, 'webgpu-tensor.d.ts'), `export * from './${rel}';\n`);
    },
  };
}

export default defineConfig({
  publicDir: false,
  plugins: [nodeOnlyStubs(), gpuJsSibling(), dropNodeDynamicImports(), declarations()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    sourcemap: false,
    lib: {
      entry: join(root, 'demo/build/browser-entry.ts'),
      formats: ['es'],
      fileName: () => 'webgpu-tensor.js',
    },
    rolldownOptions: {
      // Our own lazily imported backends go into the one file; only gpu.js stays a separate file.
      output: { codeSplitting: false },
    },
  },
});
