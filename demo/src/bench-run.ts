/**
 * The benchmark itself, apart from the page: matmul at several sizes, elementwise add, softmax, one
 * MNIST training epoch of the dense model and one of the small CNN on each backend. Inputs are made on the host from a seed, so every backend
 * computes the same numbers and each result is checked against the cpu backend's (max |difference|).
 */
import * as wt from '../../src/index.js';
import { buildMnistModel } from './model.js';

/** Runs an op job on a peer library; given by the page so the peer is only loaded when asked for. */
export type PeerRunner = (peer: string, job: TimedJob, minTimeMs: number) => Promise<{ ms: number; reps: number; out: ArrayLike<number> }>;

export type TestName = 'matmul' | 'add' | 'softmax' | 'mnist' | 'cnn';

export interface BenchConfig {
  backends: wt.BackendName[];
  /** Peer libraries to run the op jobs on too ('tfjs-cpu', 'tfjs-webgpu'); none by default. */
  peers?: string[];
  matmulSizes: number[];
  /** Elements of each operand of the elementwise add. */
  elementwise: number;
  /** Rows x columns of the softmax input. */
  softmax: [number, number];
  /** Training samples in the MNIST epoch of the dense model (0 skips it). */
  mnistSamples: number;
  /** Training samples in the MNIST epoch of the CNN (0 skips it; absent: 0). */
  cnnSamples?: number;
  batchSize: number;
  /** Aim for at least this much measured time per row (ms). */
  minTimeMs: number;
}

export interface BenchRow {
  test: TestName;
  /** Human-readable size, e.g. "256x256". */
  size: string;
  /** The number charts plot against (matmul n, elements, samples). */
  n: number;
  /** One of ours ('cpu', 'webgpu', 'gpujs') or a peer ('tfjs-webgpu', ...). */
  backend: string;
  reps: number;
  /** Mean time of one repetition, ms. */
  ms: number;
  throughput: number;
  unit: 'GFLOP/s' | 'Melem/s' | 'samples/s';
  /** This backend's throughput over cpu's for the same row (undefined until cpu ran). */
  speedup?: number;
  /** max |x - cpu| / max(1, |cpu|) over the output (matmul, add, softmax) or the epoch's loss. */
  maxErr?: number;
  error?: string;
}

export interface Progress {
  done: number;
  total: number;
  label: string;
}

interface Job {
  test: TestName;
  size: string;
  n: number;
  work: number;
  unit: BenchRow['unit'];
  /** Runs and times the job on the active backend; `out` is compared with the cpu backend's. */
  run: () => Promise<Timed>;
  /** The same job for a peer library (op jobs only). */
  timedJob?: () => TimedJob;
}

interface Timed {
  ms: number;
  reps: number;
  out: ArrayLike<number>;
}

/**
 * Seeded normal numbers made on the host (mulberry32 + Box-Muller), so every backend gets bit-identical
 * inputs and the comparison with cpu checks the kernel alone, not each backend's random kernel.
 */
function hostRandn(n: number, seed: number, std = 1): Float32Array {
  let a = seed >>> 0;
  const u = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = std * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

/** Time `fn` (returning a tensor): one warm-up, then enough repetitions to fill about minTimeMs. */
async function timeTensor(fn: () => wt.Tensor, minTimeMs: number): Promise<Timed> {
  let t0 = performance.now();
  const warm = fn();
  await warm.data();
  warm.dispose();
  const warmMs = performance.now() - t0;
  const reps = Math.max(1, Math.min(20, Math.ceil(minTimeMs / Math.max(warmMs, 0.05))));
  t0 = performance.now();
  let last: wt.Tensor | null = null;
  for (let r = 0; r < reps; r++) {
    last?.dispose();
    last = fn();
  }
  const out = await last!.data();
  const ms = (performance.now() - t0) / reps;
  last!.dispose();
  return { ms, reps, out };
}

/** An op job: host inputs (data, shape) and the op; ours and TensorFlow.js run it on the same numbers. */
export interface TimedJob {
  test: 'matmul' | 'add' | 'softmax';
  inputs: [Float32Array, number[]][];
}

function opJob(test: TimedJob['test'], size: string, n: number, work: number, makeInputs: () => TimedJob['inputs'], cfg: BenchConfig): Job {
  let inputs: TimedJob['inputs'] | null = null;
  const job: Job = {
    test, size, n, work, unit: test === 'matmul' ? 'GFLOP/s' : 'Melem/s',
    timedJob: () => ({ test, inputs: (inputs ??= makeInputs()) }),
    run: async () => {
      const xs = (inputs ??= makeInputs()).map(([data, shape]) => wt.tensor(data, shape));
      const op = test === 'matmul' ? () => wt.matmul(xs[0]!, xs[1]!) : test === 'add' ? () => wt.add(xs[0]!, xs[1]!) : () => wt.softmax(xs[0]!);
      try {
        return await timeTensor(op, cfg.minTimeMs);
      } finally {
        wt.dispose(xs);
      }
    },
  };
  return job;
}

function jobs(cfg: BenchConfig, mnistData: () => Promise<MnistSubset>): Job[] {
  const list: Job[] = [];
  for (const n of cfg.matmulSizes) {
    list.push(opJob('matmul', `${n}x${n}`, n, 2 * n * n * n, () => [[hostRandn(n * n, 1), [n, n]], [hostRandn(n * n, 2), [n, n]]], cfg));
  }
  const e = cfg.elementwise;
  if (e > 0) list.push(opJob('add', `${e}`, e, e, () => [[hostRandn(e, 3), [e]], [hostRandn(e, 4), [e]]], cfg));
  const [rows, cols] = cfg.softmax;
  if (rows > 0 && cols > 0) {
    list.push(opJob('softmax', `${rows}x${cols}`, rows * cols, rows * cols, () => [[hostRandn(rows * cols, 5, 3), [rows, cols]]], cfg));
  }
  const training = (test: 'mnist' | 'cnn', samples: number): Job => ({
    test, size: `${samples} samples, batch ${cfg.batchSize}`, n: samples, work: samples,
    unit: 'samples/s',
    run: async () => {
      const data = await mnistData();
      const x = wt.tensor(data.x.subarray(0, samples * 784), [samples, 784]);
      const y = wt.tensor(data.y.subarray(0, samples * 10), [samples, 10]);
      const model = buildMnistModel(7, test === 'cnn' ? 'cnn' : 'mlp');
      try {
        const t0 = performance.now();
        const h = await model.fit(x, y, { epochs: 1, batchSize: cfg.batchSize, shuffle: false, verbose: 0 });
        const ms = performance.now() - t0;
        const loss = h.history.loss?.[0] ?? NaN;
        return { ms, reps: 1, out: new Float32Array([loss]) };
      } finally {
        wt.dispose([x, y]);
        model.dispose?.();
      }
    },
  });
  if (cfg.mnistSamples > 0) list.push(training('mnist', cfg.mnistSamples));
  if ((cfg.cnnSamples ?? 0) > 0) list.push(training('cnn', cfg.cnnSamples!));
  return list;
}

export interface MnistSubset {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let m = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!));
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : Math.max(m, d);
  }
  return m;
}

/**
 * Run every job on every backend (cpu first, so the others can be compared with it), reporting each
 * row as it finishes. A failing row records its error and the run goes on.
 */
export async function runBench(
  cfg: BenchConfig,
  mnistData: () => Promise<MnistSubset>,
  onRow: (row: BenchRow, progress: Progress) => void | Promise<void>,
  peerRunner?: PeerRunner,
): Promise<BenchRow[]> {
  const order = [...cfg.backends].sort((a, b) => (a === 'cpu' ? -1 : b === 'cpu' ? 1 : 0));
  const peers = peerRunner ? (cfg.peers ?? []) : [];
  const list = jobs(cfg, mnistData);
  const opJobs = list.filter((j) => j.timedJob);
  const total = list.length * order.length + opJobs.length * peers.length;
  const rows: BenchRow[] = [];
  const reference = new Map<string, { out: ArrayLike<number>; throughput: number }>();
  let done = 0;
  const measure = async (backend: string, job: Job, run: () => Promise<Timed>): Promise<void> => {
    const key = `${job.test}:${job.size}`;
    const row: BenchRow = { test: job.test, size: job.size, n: job.n, backend, reps: 0, ms: NaN, throughput: NaN, unit: job.unit };
    try {
      const r = await run();
      row.ms = r.ms;
      row.reps = r.reps;
      row.throughput = job.unit === 'GFLOP/s' ? job.work / r.ms / 1e6 : job.unit === 'Melem/s' ? job.work / r.ms / 1e3 : job.work / (r.ms / 1000);
      const ref = reference.get(key);
      if (backend === 'cpu') {
        reference.set(key, { out: Array.from(r.out), throughput: row.throughput });
        row.speedup = 1;
      } else if (ref) {
        row.speedup = row.throughput / ref.throughput;
        row.maxErr = maxRelErr(r.out, ref.out);
      }
    } catch (e) {
      row.error = e instanceof Error ? e.message : String(e);
    }
    rows.push(row);
    done++;
    await onRow(row, { done, total, label: `${job.test} ${job.size} on ${backend}` });
  };
  for (const backend of order) {
    await wt.setBackend(backend);
    for (const job of list) await measure(backend, job, job.run);
  }
  for (const peer of peers) {
    for (const job of opJobs) await measure(peer, job, () => peerRunner!(peer, job.timedJob!(), cfg.minTimeMs));
  }
  return rows;
}
