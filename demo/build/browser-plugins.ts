/**
 * Vite plugins shared by the browser library build (vite.lib.config.ts) and the demo pages
 * (vite.config.ts): they keep Node-only modules out of browser code and ship gpu.js as a lazily
 * loaded ES module next to the library bundle.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

const STUB_PREFIX = '\0wt-browser-stub:';

/**
 * Node-only imports (`node:*` built-ins and the `webgpu` package, Dawn's Node binding) are replaced by
 * stubs. The library reaches them only behind a "running in Node" check, so in a browser the stub is
 * never called; if it were, it throws an Error that says why instead of a bare TypeError.
 */
export function nodeOnlyStubs(): Plugin {
  return {
    name: 'wt-node-only-stubs',
    enforce: 'pre',
    resolveId(id) {
      if (id === 'webgpu' || id.startsWith('node:')) return STUB_PREFIX + id;
      return null;
    },
    load(id) {
      if (!id.startsWith(STUB_PREFIX)) return null;
      const name = id.slice(STUB_PREFIX.length);
      const msg = JSON.stringify(
        name === 'webgpu'
          ? "the 'webgpu' package (Dawn) is for Node; in a browser WebGPU comes from navigator.gpu"
          : `'${name}' is a Node module and is not available in a browser`,
      );
      return [
        `const fail = () => { throw new Error(${msg}); };`,
        'export const create = fail;',
        'export const globals = {};',
        'export const readFile = fail;',
        'export const readdir = fail;',
        'export const gunzip = fail;',
        'export const join = (...parts) => parts.join("/");',
        'export default {};',
      ].join('\n');
    },
  };
}

/**
 * Library mode only: a dynamic `import("node:...")` that the bundler kept verbatim (the source marks
 * it @vite-ignore and reaches it only when running in Node) becomes a rejected promise, so the
 * browser bundle names no Node module as an import at all.
 */
export function dropNodeDynamicImports(): Plugin {
  // import( [one comment] "node:..." ): the comment may not contain "*/", so a match never spans two imports.
  const re = /\bimport\(\s*(?:\/\*(?:(?!\*\/)[^])*\*\/\s*)?(["'])(node:[^"']+)\1\s*\)/g;
  return {
    name: 'wt-drop-node-dynamic-imports',
    renderChunk(code) {
      if (!re.test(code)) return null;
      re.lastIndex = 0;
      const out = code.replace(re, (_m, _q, name: string) =>
        `Promise.reject(new Error(${JSON.stringify(`'${name}' is a Node module and is not available in a browser`)}))`);
      return { code: out, map: null };
    },
  };
}

/** The ESM file name of gpu.js next to the library bundle. */
export const GPU_JS_FILE = 'gpu-js.js';

/**
 * Library mode only: `import('gpu.js')` becomes `import('./gpu-js.js')`, and that file is written as an
 * ES module wrapping gpu.js's browser build (a UMD script). A page that never falls back to gpu.js
 * never downloads it.
 */
export function gpuJsSibling(): Plugin {
  return {
    name: 'wt-gpujs-sibling',
    enforce: 'pre',
    resolveId(id) {
      if (id === 'gpu.js') return { id: `./${GPU_JS_FILE}`, external: true };
      return null;
    },
    generateBundle() {
      const umd = readFileSync(require.resolve('gpu.js/dist/gpu-browser.js'), 'utf8');
      const source = [
        '// gpu.js (MIT, https://gpu.rocks) browser build, wrapped as an ES module for webgpu-tensor.',
        'const module = { exports: {} };',
        'const exports = module.exports;',
        'const define = undefined;',
        // The UMD header reads `this` as its global; give it the page's. The unminified build keeps the class
        // names (WebGL2Kernel, ...) by which the gpujs backend reports its mode.
        `(function () {\n${umd}\n}).call(globalThis);`,
        'const GPU = module.exports.GPU || module.exports;',
        'export { GPU };',
        'export default GPU;',
      ].join('\n');
      this.emitFile({ type: 'asset', fileName: GPU_JS_FILE, source });
    },
  };
}
