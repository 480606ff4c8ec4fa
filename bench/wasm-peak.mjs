/**
 * The WebAssembly SIMD-128 peak of this machine and runtime, in GFLOP/s: what a float32 kernel could
 * reach with no memory traffic, for `f32x4.mul` + `f32x4.add` and (where the runtime validates it)
 * `f32x4.relaxed_madd`, on one thread and on N at once (worker_threads: Node, Deno, Bun).
 *
 * The kernel is a module built here byte by byte (no toolchain): a loop over ACC independent f32x4
 * accumulators, each updated `acc = acc * m + c` (8 flops a step: 4 lanes x multiply and add), no
 * loads or stores. V8 does not move a running call to its optimising tier, so a call is short
 * (about a millisecond) and there are many: warm-up calls first, then calls for `--ms` on every
 * thread at once, the best of `--rounds`. The flops count the multiply and the add as two in both
 * forms, so relaxed_madd's gain is its throughput.
 * Usage: node bench/wasm-peak.mjs [--threads=N] [--ms=400] [--rounds=3] [--acc=12]
 * As a module: `measurePeaks({ threads, ms, rounds })`, and `peakRunner(form, { threads })` for rounds
 * interleaved with other work (bench/matmul-wasm.mjs reports its figures as fractions of these).
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { cpuAdapter, parseArgs, report, round } from './lib.mjs';

const uleb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
const f32 = (x) => [...new Uint8Array(new Float32Array([x]).buffer)];
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const SPLAT = [0xfd, 0x13], ADD = [0xfd, 0xe4, 0x01], MUL = [0xfd, 0xe6, 0x01], MADD = [0xfd, 0x85, 0x02], LANE0 = [0xfd, 0x1f, 0x00];
const GET = 0x20, SET = 0x21;

/** Steps of the loop body per iteration (the loop counter's cost spread over several). */
const UNROLL = 4;

/**
 * The module: export `run(iterations) -> f32` (the lanes' sum, so nothing is dead). `form`: 'muladd'
 * or 'madd'; `acc`: accumulators (V8 gives wasm 15 vector registers on x64: 13 is the most here).
 */
export function peakModule(form, acc = 12) {
  const m = acc + 1, c = acc + 2; // locals: 0 is the iteration count, then the accumulators, m, c
  const body = [0x01, ...uleb(acc + 2), 0x7b]; // acc + 2 v128 locals
  body.push(0x43, ...f32(0.9999999), ...SPLAT, SET, ...uleb(m), 0x43, ...f32(1e-7), ...SPLAT, SET, ...uleb(c));
  for (let i = 1; i <= acc; i++) body.push(0x43, ...f32(i / acc), ...SPLAT, SET, ...uleb(i));
  body.push(0x03, 0x40); // loop
  for (let u = 0; u < UNROLL; u++) {
    for (let i = 1; i <= acc; i++) {
      if (form === 'madd') body.push(GET, ...uleb(i), GET, ...uleb(m), GET, ...uleb(c), ...MADD, SET, ...uleb(i));
      else body.push(GET, ...uleb(i), GET, ...uleb(m), ...MUL, GET, ...uleb(c), ...ADD, SET, ...uleb(i));
    }
  }
  body.push(GET, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b); // n -= 1; br_if n; end loop
  body.push(GET, 1);
  for (let i = 2; i <= acc; i++) body.push(GET, ...uleb(i), ...ADD);
  body.push(...LANE0, 0x0b);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]),
    ...section(3, [1, 0]),
    ...section(7, [1, 3, ...[...'run'].map((ch) => ch.charCodeAt(0)), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ];
  return new Uint8Array(bytes);
}

/** Flops of one call of `run(iterations)`. */
export const flopsPerCall = (iterations, acc = 12) => iterations * UNROLL * acc * 8;

/** Does the runtime validate the relaxed form? */
export const hasRelaxed = () => WebAssembly.validate(peakModule('madd'));

// A worker (and the main thread alike): compile, warm up with many short calls, wait at the start
// line, run calls until the deadline, report calls made. Shared Int32Array: [0] go, [1] done.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { bytes, iterations, warmup, sync } = workerData;
const run = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run;
const flag = new Int32Array(sync);
let sink = 0;
for (let i = 0; i < warmup; i++) sink += run(iterations);
parentPort.postMessage({ ready: true });
parentPort.on('message', ({ ms }) => {
  Atomics.wait(flag, 0, 0);
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < ms) { sink += run(iterations); calls++; }
  const t1 = performance.now();
  parentPort.postMessage({ calls, ms: t1 - t0, sink });
});
`;

async function startWorkers(n, init) {
  const { Worker } = await import('node:worker_threads');
  return Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => {
    const w = new Worker(workerSource, { eval: true, workerData: init });
    w.once('message', () => resolve(w));
    w.once('error', reject);
  })));
}

/**
 * Workers (one per thread) ready to measure `form`, warmed up: `round(ms)` runs them all at once for
 * `ms` and resolves to their summed GFLOP/s; `close()` ends them. Null where `form` does not validate.
 */
export async function peakRunner(form, { threads = 1, acc = 12 } = {}) {
  const bytes = peakModule(form, acc);
  if (!WebAssembly.validate(bytes)) return null;
  const iterations = 20000; // ~1-2 ms a call: many calls, so the optimised tier is the one timed
  const sync = new SharedArrayBuffer(8);
  const workers = await startWorkers(threads, { bytes, iterations, warmup: 300, sync });
  const flag = new Int32Array(sync);
  return {
    async round(ms) {
      Atomics.store(flag, 0, 0);
      const results = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
      for (const w of workers) w.postMessage({ ms });
      await new Promise((r) => setTimeout(r, 20)); // every worker waits at the line
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      const got = await Promise.all(results);
      // each thread's own rate, summed: the threads ran over the same interval
      return got.reduce((sum, g) => sum + (g.calls * flopsPerCall(iterations, acc)) / (g.ms * 1e6), 0);
    },
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

/**
 * GFLOP/s of `form` on `threads` threads at once (each a worker; the main thread waits): the best
 * of `rounds` rounds of `ms` milliseconds.
 */
export async function measure(form, { threads = 1, ms = 400, rounds = 3, acc = 12 } = {}) {
  const runner = await peakRunner(form, { threads, acc });
  if (!runner) return null;
  let best = 0;
  try {
    for (let r = 0; r < rounds; r++) best = Math.max(best, await runner.round(ms));
  } finally {
    await runner.close();
  }
  return best;
}

/** The peaks on 1 and `threads` threads: { muladd: { 1: x, N: y }, madd: {...} | null }. */
export async function measurePeaks({ threads = os.availableParallelism?.() ?? os.cpus().length, ms = 400, rounds = 3, acc = 12 } = {}) {
  const out = { threads, muladd: {}, madd: hasRelaxed() ? {} : null };
  for (const form of ['muladd', 'madd']) {
    if (!out[form]) continue;
    for (const t of threads > 1 ? [1, threads] : [1]) out[form][t] = await measure(form, { threads: t, ms, rounds, acc });
  }
  return out;
}

/** The runtime, as the JSON lines name it. */
export function runtimeName() {
  const v = process.versions;
  if (globalThis.Deno) return `deno ${globalThis.Deno.version.deno}`;
  if (v.bun) return `bun ${v.bun}`;
  return `node ${process.version}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseArgs();
  const threads = Number(args.threads ?? (os.availableParallelism?.() ?? os.cpus().length));
  const peaks = await measurePeaks({ threads, ms: Number(args.ms ?? 400), rounds: Number(args.rounds ?? 3), acc: Number(args.acc ?? 12) });
  const adapter = cpuAdapter();
  for (const form of ['muladd', 'madd']) {
    if (!peaks[form]) {
      console.log(JSON.stringify({ bench: 'wasm-peak', impl: form, runtime: runtimeName(), skipped: 'no relaxed SIMD in this runtime (Node 20: --experimental-wasm-relaxed-simd)' }));
      continue;
    }
    for (const [t, g] of Object.entries(peaks[form])) report({ bench: 'wasm-peak', impl: form, threads: Number(t), gflops: round(g), runtime: runtimeName(), adapter });
  }
  if (peaks.madd) {
    for (const t of Object.keys(peaks.madd)) console.log(`relaxed_madd / mul+add on ${t} thread(s): ${round(peaks.madd[t] / peaks.muladd[t])}`);
  }
}
