/**
 * Seeded synthetic classification sets in the manner of scikit-learn's generators: Gaussian clusters
 * on hypercube vertices (makeClassification), two interleaving half circles (makeMoons) and two
 * concentric circles (makeCircles). Same seed, same numbers, on every backend.
 */
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { checkSeed } from './images.js';
import { Rng, permutation } from './rng.js';

/** A feature matrix with class labels. */
export interface Tabular {
  /** float32 [n, features]. */
  x: Tensor;
  /** float32 [n], the class index of each row (0/1 for binary sets), as scikit-learn's `y`. */
  y: Tensor;
  /** The same class indices on the host. */
  labels: Int32Array;
  /** The number of classes. */
  numClasses: number;
}

/** Options of makeClassification (scikit-learn's names and defaults). */
export interface ClassificationOptions {
  /** Rows (default 100). */
  nSamples?: number;
  /** Columns: informative, then redundant, then noise (default 20). */
  nFeatures?: number;
  /** Features that carry the classes (default 2); 2^nInformative must cover nClasses * nClustersPerClass. */
  nInformative?: number;
  /** Random linear combinations of the informative features (default 2). */
  nRedundant?: number;
  /** Classes (default 2). */
  nClasses?: number;
  /** Gaussian clusters per class (default 2). */
  nClustersPerClass?: number;
  /** Half the hypercube's side: larger spreads the classes apart (default 1). */
  classSep?: number;
  /** Fraction of labels replaced at random, as label noise (default 0.01). */
  flipY?: number;
  /** The same seed gives the same set (default 0). */
  seed?: number;
}

function int(op: string, name: string, v: unknown, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${op}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

function num(op: string, name: string, v: unknown, fallback: number, lo: number, hi = Infinity): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v >= lo && v <= hi)) throw new Error(`${op}: ${name} must be a number in [${lo}, ${hi}], got ${String(v)}`);
  return v;
}

function pack(x: Float32Array, labels: Int32Array, nFeatures: number, numClasses: number): Tabular {
  return { x: tensor(x, [labels.length, nFeatures]), y: tensor(Float32Array.from(labels), [labels.length]), labels, numClasses };
}

/**
 * A random n-class problem: each class is `nClustersPerClass` Gaussian clusters centred on distinct
 * vertices of a hypercube in the informative subspace, each cluster with its own random covariance;
 * redundant features mix the informative ones, the rest are noise. Rows and columns are shuffled.
 */
export function makeClassification(opts: ClassificationOptions = {}): Tabular {
  const op = 'makeClassification';
  const n = int(op, 'nSamples', opts.nSamples, 100, 1);
  const nf = int(op, 'nFeatures', opts.nFeatures, 20, 1);
  const ni = int(op, 'nInformative', opts.nInformative, 2, 1);
  const nr = int(op, 'nRedundant', opts.nRedundant, 2, 0);
  const k = int(op, 'nClasses', opts.nClasses, 2, 2);
  const cpc = int(op, 'nClustersPerClass', opts.nClustersPerClass, 2, 1);
  const sep = num(op, 'classSep', opts.classSep, 1, 0);
  const flip = num(op, 'flipY', opts.flipY, 0.01, 0, 1);
  const rng = new Rng(checkSeed(op, opts.seed));
  if (ni + nr > nf) throw new Error(`${op}: nInformative (${ni}) + nRedundant (${nr}) must not exceed nFeatures (${nf})`);
  const nClusters = k * cpc;
  if (ni < 31 && nClusters > 2 ** ni) {
    throw new Error(`${op}: nClasses * nClustersPerClass = ${nClusters} clusters need distinct hypercube vertices, but ${ni} informative features give only ${2 ** ni}`);
  }

  // Distinct random vertices of the {-sep, +sep}^ni hypercube.
  const centroids: Float64Array[] = [];
  const seen = new Set<string>();
  while (centroids.length < nClusters) {
    const v = Float64Array.from({ length: ni }, () => (rng.next() < 0.5 ? -sep : sep));
    const key = Array.from(v, (c) => (c > 0 ? 1 : 0)).join('');
    if (seen.has(key)) continue;
    seen.add(key);
    centroids.push(v);
  }
  // Samples per cluster, the remainder spread over the first clusters.
  const sizes = Array.from({ length: nClusters }, (_, c) => Math.floor(n / nClusters) + (c < n % nClusters ? 1 : 0));

  const x = new Float32Array(n * nf);
  const labels = new Int32Array(n);
  const z = new Float64Array(ni);
  let row = 0;
  for (let c = 0; c < nClusters; c++) {
    // Cluster covariance: z -> z A with A uniform in [-1, 1).
    const a = Float64Array.from({ length: ni * ni }, () => 2 * rng.next() - 1);
    for (let s = 0; s < sizes[c]!; s++, row++) {
      for (let i = 0; i < ni; i++) z[i] = rng.normal();
      for (let j = 0; j < ni; j++) {
        let acc = centroids[c]![j]!;
        for (let i = 0; i < ni; i++) acc += z[i]! * a[i * ni + j]!;
        x[row * nf + j] = acc;
      }
      labels[row] = c % k;
    }
  }
  // Redundant features: x_inf B with B uniform in [-1, 1).
  const b = Float64Array.from({ length: ni * nr }, () => 2 * rng.next() - 1);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < nr; j++) {
      let acc = 0;
      for (let i = 0; i < ni; i++) acc += x[r * nf + i]! * b[i * nr + j]!;
      x[r * nf + ni + j] = acc;
    }
    for (let j = ni + nr; j < nf; j++) x[r * nf + j] = rng.normal();
  }
  for (let r = 0; r < n; r++) if (rng.next() < flip) labels[r] = rng.int(k);

  // Shuffle rows, then columns, so informative features are not always first.
  const rows = permutation(n, rng.int(2 ** 31));
  const colPerm = permutation(nf, rng.int(2 ** 31));
  const xs = new Float32Array(n * nf);
  const ls = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const src = rows[r]!;
    ls[r] = labels[src]!;
    for (let j = 0; j < nf; j++) xs[r * nf + j] = x[src * nf + colPerm[j]!]!;
  }
  return pack(xs, ls, nf, k);
}

/** Options of makeMoons and makeCircles. */
export interface ShapeOptions {
  /** Rows, split between the two classes (default 100). */
  nSamples?: number;
  /** Standard deviation of Gaussian noise added to each coordinate (default 0). */
  noise?: number;
  /** The same seed gives the same set (default 0). */
  seed?: number;
}

function twoCurves(op: string, opts: ShapeOptions, curve: (cls: 0 | 1, t: number) => [number, number], span: number, endpoint: boolean): Tabular {
  const n = int(op, 'nSamples', opts.nSamples, 100, 2);
  const noise = num(op, 'noise', opts.noise, 0, 0);
  const rng = new Rng(checkSeed(op, opts.seed));
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const x = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  let r = 0;
  for (const [cls, m] of [[0, nOut], [1, nIn]] as const) {
    for (let i = 0; i < m; i++, r++) {
      const t = (span * i) / (endpoint ? Math.max(m - 1, 1) : m);
      const [a, b] = curve(cls, t);
      x[2 * r] = a;
      x[2 * r + 1] = b;
      labels[r] = cls;
    }
  }
  const p = permutation(n, rng.int(2 ** 31));
  const xs = new Float32Array(n * 2);
  const ls = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    xs[2 * i] = x[2 * p[i]!]! + noise * rng.normal();
    xs[2 * i + 1] = x[2 * p[i]! + 1]! + noise * rng.normal();
    ls[i] = labels[p[i]!]!;
  }
  return pack(xs, ls, 2, 2);
}

/** Two interleaving half circles (class 0 the upper, class 1 the lower, shifted), shuffled. */
export function makeMoons(opts: ShapeOptions = {}): Tabular {
  return twoCurves('makeMoons', opts, (cls, t) => (cls === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)]), Math.PI, true);
}

/** A large circle (class 0) around a smaller one (class 1, radius `factor`), shuffled. */
export function makeCircles(opts: ShapeOptions & { factor?: number } = {}): Tabular {
  const factor = num('makeCircles', 'factor', opts.factor, 0.8, 0, 1);
  if (factor >= 1) throw new Error(`makeCircles: factor must be below 1 (the inner circle's radius), got ${factor}`);
  return twoCurves('makeCircles', opts, (cls, t) => {
    const s = cls === 0 ? 1 : factor;
    return [s * Math.cos(t), s * Math.sin(t)];
  }, 2 * Math.PI, false);
}
