/**
 * The browser library bundle (dist-browser/, made by `npm run build`) holds no Node-only import:
 * no `node:*` module, no `webgpu` package (Dawn), no `require`; gpu.js ships beside it as an ES
 * module that is loaded only for the gpujs fallback; its types come with it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './browser/harness.js';

const dir = join(ROOT, 'dist-browser');
const read = (name: string): string => {
  const path = join(dir, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build (vite.lib.config.ts) first`);
  return readFileSync(path, 'utf8');
};

/** Every module specifier the code imports: static `from '...'`, bare `import '...'`, literal `import('...')`. */
function specifiers(code: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\bfrom\s*(["'])([^"']+)\1/g,
    /\bimport\s*(["'])([^"']+)\1/g,
    /\bimport\(\s*(?:\/\*(?:(?!\*\/)[^])*\*\/\s*)?(["'])([^"']+)\1\s*\)/g,
    /\brequire\(\s*(["'])([^"']+)\1\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[2]!);
  return out;
}

describe('browser bundle', () => {
  it('is one ES module whose only import is the lazily loaded gpu.js sibling', () => {
    const code = read('webgpu-tensor.js');
    const specs = specifiers(code);
    expect(specs.filter((s) => s.startsWith('node:'))).toEqual([]);
    expect(specs.filter((s) => s === 'webgpu' || s.startsWith('webgpu/'))).toEqual([]);
    expect([...new Set(specs)]).toEqual(['./gpu-js.js']);
    expect(code).toMatch(/\bimport\("\.\/gpu-js\.js"\)/);
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toMatch(/^\s*import\s[^(]/m);
    // The public API is exported from the one file.
    for (const name of ['init', 'setBackend', 'backendInfo', 'tensor', 'matmul', 'softmax', 'sequential', 'tidy']) {
      expect(code).toMatch(new RegExp(`\\b${name}\\b`));
    }
    expect(code).toMatch(/^export \{/m);
  });

  it('ships gpu.js as an ES module exporting GPU, and the types', () => {
    const gpujs = read('gpu-js.js');
    expect(gpujs).toMatch(/export \{ GPU \}/);
    expect(specifiers(gpujs).filter((s) => s.startsWith('node:') || s === 'webgpu')).toEqual([]);
    expect(read('webgpu-tensor.d.ts')).toMatch(/export \* from '\.\/types\/index\.js'/);
    expect(read('types/index.d.ts')).toMatch(/sequential|nn\/index\.js/);
  });
});
