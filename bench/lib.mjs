/**
 * Shared benchmark helpers: command-line options, timing (warmup, repeated runs, median),
 * interleaving implementations so drift on a shared machine hits all of them alike, one JSON line
 * per measurement, and a ratio table (ours against each peer) at the end.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname } from 'node:path';

/** Reads `--name=value` / `--flag` from an argv list into an object. */
export function parseArgs(argv = process.argv.slice(2)) {
  const out = {};
  for (const a of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) out[m[1]] = m[2] ?? true;
  }
  return out;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Round to `d` significant digits (for printing). */
export const round = (x, d = 3) => (Number.isFinite(x) ? Number(x.toPrecision(d)) : x);

/**
 * Time `fn` (sync or async; it must finish its work, e.g. read the result back, before it resolves):
 * `warmup` untimed calls, then `runs` timed calls. Returns { ms (median), all }.
 */
export async function time(fn, { warmup = 1, runs = 5 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const all = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    all.push(performance.now() - t0);
  }
  return { ms: median(all), all };
}

/**
 * Time several implementations of the same work, interleaved run by run (a, b, c, a, b, c, ...),
 * after `warmup` untimed calls of each. `impls` maps a name to an (async) function, or to
 * `{ before, run }` where `before` (untimed) runs ahead of every call, e.g. to switch a library's
 * active backend. Returns { name: { ms (median), all } }. An implementation that throws is
 * reported on stderr and dropped, so one failing peer never stops the others.
 */
export async function timeInterleaved(impls, { warmup = 1, runs = 5 } = {}) {
  const live = new Map(Object.entries(impls).map(([k, v]) => [k, typeof v === 'function' ? { run: v } : v]));
  const all = {};
  const fail = (name, e) => {
    console.error(`[bench] ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    live.delete(name);
  };
  const once = async (name, { before, run }, timed) => {
    try {
      if (before) await before();
      const t0 = performance.now();
      await run();
      if (timed) all[name].push(performance.now() - t0);
    } catch (e) {
      fail(name, e);
    }
  };
  for (const [name, impl] of [...live]) {
    all[name] = [];
    for (let i = 0; i < warmup && live.has(name); i++) await once(name, impl, false);
  }
  for (let r = 0; r < runs; r++) {
    for (const [name, impl] of [...live]) await once(name, impl, true);
  }
  const out = {};
  for (const name of live.keys()) out[name] = { ms: median(all[name]), all: all[name] };
  return out;
}

/** A short description of the host CPU, for the `adapter` field of cpu benchmarks. */
export function cpuAdapter() {
  const cpus = os.cpus();
  return `cpu: ${cpus[0]?.model?.trim() ?? 'unknown'} x${cpus.length} (node ${process.version})`;
}

/** The adapter line for one of our backends, `backend` being the active one of `wt`. */
export function oursAdapter(wt, backend) {
  if (backend === 'cpu') return cpuAdapter();
  const info = wt.backendInfo().device;
  return `${backend}: ${info.adapter ?? info.description ?? info.mode ?? JSON.stringify(info)}`;
}

const records = [];

/**
 * Print one measurement as a JSON line and remember it for the ratio table. Fields:
 * { bench, impl, size, ms, gflops? | samplesPerSec?, adapter, ...extra }.
 */
export function report(rec) {
  const line = { ...rec, ms: round(rec.ms, 4) };
  if (rec.gflops !== undefined) line.gflops = round(rec.gflops, 4);
  if (rec.samplesPerSec !== undefined) line.samplesPerSec = round(rec.samplesPerSec, 4);
  records.push(line);
  console.log(JSON.stringify(line));
  return line;
}

/** GFLOP/s of an m x k by k x n matmul that took `ms`. */
export const matmulGflops = (m, n, k, ms) => (2 * m * n * k) / (ms * 1e6);

/**
 * Print a table of ratios: for every (bench, size), ours' throughput divided by each peer's
 * (> 1 means ours is faster). Throughput is time-based: peer ms / our ms.
 */
export function ratioTable(ours = 'ours', recs = records) {
  const groups = new Map();
  for (const r of recs) {
    const key = `${r.bench}${r.op ? ` ${r.op}` : ''} ${r.size}`;
    if (!groups.has(key)) groups.set(key, new Map());
    groups.get(key).set(r.impl, r);
  }
  const peers = [...new Set(recs.map((r) => r.impl).filter((i) => i !== ours))];
  if (peers.length === 0 || groups.size === 0) return;
  const head = ['bench size', ...peers.map((p) => `${ours} / ${p}`)];
  const rows = [];
  for (const [key, byImpl] of groups) {
    const mine = byImpl.get(ours);
    rows.push([key, ...peers.map((p) => {
      const theirs = byImpl.get(p);
      return mine && theirs ? `${round(theirs.ms / mine.ms, 3)}x` : '-';
    })]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmtRow = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\nratios (speed of ${ours} relative to each peer; > 1 means ${ours} is faster)`);
  console.log(fmtRow(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(fmtRow(r));
}

/**
 * Load a TensorFlow.js backend package into `tf` and make it the active backend: 'cpu', 'wasm' (its
 * .wasm files are read from node_modules, no network) or 'webgpu' (needs a WebGPU adapter already
 * installed as navigator.gpu; pass `hasGpu`). Throws with the reason when it cannot start.
 */
export async function useTfjsBackend(tf, backend, { hasGpu = false } = {}) {
  if (backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
  }
  if (backend === 'webgpu') {
    if (!hasGpu) throw new Error('no WebGPU adapter');
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' did not initialise`);
}
