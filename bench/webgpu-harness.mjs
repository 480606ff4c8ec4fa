/**
 * The timing loop shared by the WebGPU benchmarks (Node and Deno). Each library gets the same
 * inputs; one timed sample queues N iterations and ends with a readback of the last result, so
 * queued-but-unfinished work is always paid for. Libraries are interleaved sample by sample so
 * drift on a shared machine hits all of them alike; the median sample counts.
 */
import { median, parseArgs, round } from './lib.mjs';
import { randomData, WORKLOADS } from './webgpu-peers.mjs';

const now = () => performance.now();

export { parseArgs };

/**
 * Our built package: dist/ by default, or `--dist=DIR` (a snapshot of dist/ keeps a long run safe
 * from a rebuild happening meanwhile; keep it inside the repository so `webgpu` still resolves).
 */
export function distUrl(args) {
  if (!args.dist) return new URL('../dist/index.js', import.meta.url).href;
  const cwd = globalThis.process?.cwd?.() ?? globalThis.Deno.cwd();
  return new URL(`${String(args.dist).replace(/\/?$/, '/')}index.js`, `file://${cwd}/`).href;
}

/** Default knobs, overridable from the command line. */
export function options(args) {
  return {
    quick: Boolean(args.quick),
    targetMs: Number(args.target ?? (args.quick ? 600 : 1500)), // one sample lasts about this long
    capMs: Number(args.cap ?? (args.quick ? 15000 : 40000)),    // per library per measurement
    repeats: Number(args.repeats ?? (args.quick ? 3 : 5)),
    maxIters: Number(args['max-iters'] ?? 200),
    libs: String(args.libs ?? 'ours,tfjs,jax').split(','),
  };
}

// CPU time of the whole process (all threads, so a software driver's workers count too). On a
// busy shared machine wall time swells with other jobs; CPU time per iteration barely moves.
const cpuNow = globalThis.process?.cpuUsage
  ? () => { const u = globalThis.process.cpuUsage(); return (u.user + u.system) / 1000; }
  : () => NaN;

async function sample(prep, iters) {
  const rs = [];
  const c0 = cpuNow();
  const t0 = now();
  for (let i = 0; i < iters; i++) rs.push(prep.run());
  await prep.sync(rs);
  const ms = now() - t0;
  const cpuMs = cpuNow() - c0;
  prep.free(rs);
  return { ms: ms / iters, cpuMs: cpuMs / iters };
}

const errText = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);

/**
 * Times one workload on every library. Returns one record per library (also printed as a JSON
 * line): ms is the median over samples of (sample time / iterations); gflops or gbps follow from it.
 */
export async function measure({ bench, runtime, adapter, libs, op, size, args = [size], opts, estimates = {}, log = console.log }) {
  const w = WORKLOADS[op](...args);
  let seed = 1;
  const inputs = w.inputs.map(([shape, scale]) => [randomData(shape.reduce((a, b) => a * b, 1), seed++, scale), shape]);
  const states = [];
  for (const lib of libs) {
    const base = { bench, impl: lib.name, op, size, runtime, adapter };
    // A library expected (from a smaller size) to need far more than the cap is not started at all.
    const est = estimates[lib.name];
    if (est > 2 * opts.capMs) {
      states.push({ lib, base, skipped: `skipped: about ${Math.round(est / 1000)} s per iteration expected, over twice the ${opts.capMs} ms cap (raise --cap)` });
      continue;
    }
    try {
      const prep = lib.prepare(op, inputs);
      states.push({ lib, base, prep, samples: [] });
    } catch (e) {
      states.push({ lib, base, error: errText(e) });
    }
  }
  // Warm up (first call compiles pipelines), then calibrate from one synced iteration.
  for (const s of states) {
    if (s.error || s.skipped) continue;
    try {
      const first = await sample(s.prep, 1);
      s.firstMs = first.ms;
      if (first.ms > opts.capMs) { s.capped = true; s.samples.push(first); s.iters = 1; continue; }
      const synced = await sample(s.prep, 1);
      s.syncedMs = synced.ms;
      // Slow enough that the calibration run is the only sample the cap allows.
      if (synced.ms > opts.capMs / 2) { s.capped = true; s.samples.push(synced); s.iters = 1; continue; }
      s.iters = Math.max(1, Math.min(opts.maxIters, Math.ceil(opts.targetMs / synced.ms)));
      s.repeats = Math.max(1, Math.min(opts.repeats, Math.floor(opts.capMs / (synced.ms * s.iters))));
    } catch (e) {
      s.error = errText(e);
    }
  }
  const rounds = Math.max(0, ...states.map((s) => (s.capped || s.error || s.skipped ? 0 : s.repeats)));
  for (let r = 0; r < rounds; r++) {
    // Rotate who goes first so no library always runs right after another's readback.
    for (let k = 0; k < states.length; k++) {
      const s = states[(k + r) % states.length];
      if (s.error || s.skipped || s.capped || r >= s.repeats) continue;
      try {
        s.samples.push(await sample(s.prep, s.iters));
      } catch (e) {
        s.error = errText(e);
      }
    }
  }
  const records = [];
  for (const s of states) {
    try { s.prep?.done(); } catch { /* a failed library may not clean up; the run goes on */ }
    let rec;
    if (s.error) rec = { ...s.base, error: s.error };
    else if (s.skipped) rec = { ...s.base, note: s.skipped };
    else {
      const ms = median(s.samples.map((x) => x.ms));
      const cpuMs = median(s.samples.map((x) => x.cpuMs));
      const key = w.unit === 'GFLOP/s' ? 'gflops' : 'gbps';
      rec = {
        ...s.base, ms: round(ms, 4), [key]: round(w.work / (ms / 1000) / 1e9),
        cpuMs: round(cpuMs, 4), [`${key}PerCpu`]: round(w.work / (cpuMs / 1000) / 1e9),
        iters: s.iters, samples: s.samples.length,
        firstMs: round(s.firstMs, 4), syncedMs: s.syncedMs === undefined ? null : round(s.syncedMs, 4),
        ...(s.capped ? { note: `one iteration is too slow for the ${opts.capMs} ms cap: a single sample` } : {}),
      };
    }
    log(JSON.stringify(rec));
    records.push(rec);
  }
  return records;
}

/** Expected ms per iteration at matmul size `next`, from the records at `size` (cubic in the side). */
export function nextEstimates(records, size, next) {
  const out = {};
  if (!next) return out;
  for (const r of records) if (r.ms !== undefined) out[r.impl] = r.ms * (next / size) ** 3;
  return out;
}

/**
 * Prints wall-clock throughput per library and ours / peer ratios (above 1: ours is faster), by
 * wall time and by process CPU time (the steadier of the two on a busy machine).
 */
export function ratioTable(records, log = console.log) {
  const keyOf = (r) => `${r.op} ${r.size}`;
  const keys = [...new Set(records.map(keyOf))];
  const libs = [...new Set(records.map((r) => r.impl))];
  const peers = libs.filter((l) => l !== 'ours');
  const head = ['workload', ...libs, ...peers.flatMap((p) => [`ours/${p}`, 'by cpu'])];
  const rows = keys.map((k) => {
    const rs = records.filter((r) => keyOf(r) === k);
    const get = (l) => rs.find((r) => r.impl === l && !r.error);
    const val = (l) => get(l)?.gflops ?? get(l)?.gbps ?? null;
    const t = (l) => (val(l) === null ? undefined : get(l));
    const ratio = (a, b) => (a && b && Number.isFinite(a / b) ? `${round(a / b)}x` : '-');
    const unit = rs[0].op === 'matmul' ? 'GFLOP/s' : 'GB/s';
    return [
      `${k} (${unit})`,
      ...libs.map((l) => (val(l) !== null ? String(val(l)) : rs.some((r) => r.impl === l && r.error) ? 'error' : rs.some((r) => r.impl === l && r.note) ? 'skipped' : '-')),
      ...peers.flatMap((p) => [ratio(t(p)?.ms, t('ours')?.ms), ratio(t(p)?.cpuMs, t('ours')?.cpuMs)]),
    ];
  });
  const widths = head.map((_, i) => Math.max(...[head, ...rows].map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  log('');
  log(line(head));
  for (const r of rows) log(line(r));
}
