/**
 * The demo's MNIST digits: the 10,000 real digits the package ships in data/ (two gzipped IDX files,
 * 1.6 MB), served beside the pages by the demo build (demo/build/mnist-asset.ts) and read with the
 * library's own loader, then put in one fixed shuffled order so that the first n rows mix all classes.
 */
import * as wt from '../../src/index.js';

const PIXELS = 784;

export interface Digits {
  /** n x 784 pixels in [0, 1], row-major. */
  images: Float32Array;
  /** n labels 0..9. */
  labels: Uint8Array;
  count: number;
}

/** Where the page finds the data files: the data/ folder beside it. */
export function digitsUrl(): string {
  return new URL('./data/', document.baseURI).href;
}

let cached: Promise<Digits> | null = null;

/** Fetch and decode the digits once per page. */
export function loadDigits(): Promise<Digits> {
  cached ??= (async () => {
    const set = await wt.datasets.loadMnistImages({ url: digitsUrl() });
    const order = shuffled(set.n);
    const images = new Float32Array(set.n * PIXELS);
    const labels = new Uint8Array(set.n);
    const scale = 1 / set.maxValue;
    order.forEach((src, n) => {
      labels[n] = set.labels[src]!;
      for (let p = 0; p < PIXELS; p++) images[n * PIXELS + p] = set.pixels[src * PIXELS + p]! * scale;
    });
    return { images, labels, count: set.n };
  })();
  cached.catch(() => { cached = null; });
  return cached;
}

/** 0..n-1 in a fixed Fisher-Yates order (mulberry32, seed 42): every page load sees the same rows. */
function shuffled(n: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let s = 42;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Rows [start, start + n) as (images, one-hot labels) arrays. */
export function slice(d: Digits, start: number, n: number): { x: Float32Array; y: Float32Array; labels: Uint8Array } {
  if (start < 0 || n <= 0 || start + n > d.count) throw new Error(`mnist: rows [${start}, ${start + n}) are outside 0..${d.count}`);
  const x = d.images.slice(start * PIXELS, (start + n) * PIXELS);
  const labels = d.labels.slice(start, start + n);
  const y = new Float32Array(n * 10);
  labels.forEach((l, i) => { y[i * 10 + l] = 1; });
  return { x, y, labels };
}
