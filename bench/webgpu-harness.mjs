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

async function sample(prep, iters) {
  const rs = [];
  const t0 = now();
  for (let i = 0; i < iters; i++) rs.push(prep.run());
  await prep.sync(rs);
  const ms = now() - t0;
  prep.free(rs);
  return ms;
}

const errText = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);

/**
 * Times one workload on every library. Returns one record per library (also printed as a JSON
 * line): ms is the median over samples of (sample time / iterations); gflops or gbps follow from it.
 */
export async function measure({ bench, runtime, adapter, libs, op, size, args = [size], opts, log = console.log }) {
  const w = WORKLOADS[op](...args);
  let seed = 1;
  const inputs = w.inputs.map(([shape, scale]) => [randomData(shape.reduce((a, b) => a * b, 1), seed++, scale), shape]);
  const states = [];
  for (const lib of libs) {
    const base = { bench, impl: lib.name, op, size, runtime, adapter };
    try {
      const prep = lib.prepare(op, inputs);
      states.push({ lib, base, prep, samples: [] });
    } catch (e) {
      states.push({ lib, base, error: errText(e) });
    }
  }
  // Warm up (first call compiles pipelines), then calibrate from one synced iteration.
  for (const s of states) {
    if (s.error) continue;
    try {
      s.firstMs = await sample(s.prep, 1);
      if (s.firstMs > opts.capMs) { s.capped = true; s.samples.push(s.firstMs); s.iters = 1; continue; }
      s.syncedMs = await sample(s.prep, 1);
      // Slow enough that the calibration run is the only sample the cap allows.
      if (s.syncedMs > opts.capMs / 2) { s.capped = true; s.samples.push(s.syncedMs); s.iters = 1; continue; }
      s.iters = Math.max(1, Math.min(opts.maxIters, Math.ceil(opts.targetMs / s.syncedMs)));
      s.repeats = Math.max(1, Math.min(opts.repeats, Math.floor(opts.capMs / (s.syncedMs * s.iters))));
    } catch (e) {
      s.error = errText(e);
    }
  }
  const rounds = Math.max(0, ...states.map((s) => (s.capped || s.error ? 0 : s.repeats)));
  for (let r = 0; r < rounds; r++) {
    // Rotate who goes first so no library always runs right after another's readback.
    for (let k = 0; k < states.length; k++) {
      const s = states[(k + r) % states.length];
      if (s.error || s.capped || r >= s.repeats) continue;
      try {
        s.samples.push((await sample(s.prep, s.iters)) / s.iters);
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
    else {
      const ms = median(s.samples);
      rec = {
        ...s.base, ms: round(ms, 4), [w.unit === 'GFLOP/s' ? 'gflops' : 'gbps']: round((w.work / (ms / 1000)) / 1e9),
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

/** Prints throughput per library and ours / peer ratios (above 1: ours is faster). */
export function ratioTable(records, log = console.log) {
  const keyOf = (r) => `${r.op} ${r.size}`;
  const keys = [...new Set(records.map(keyOf))];
  const libs = [...new Set(records.map((r) => r.impl))];
  const peers = libs.filter((l) => l !== 'ours');
  const head = ['workload', ...libs, ...peers.map((p) => `ours/${p}`)];
  const rows = keys.map((k) => {
    const rs = records.filter((r) => keyOf(r) === k);
    const get = (l) => rs.find((r) => r.impl === l);
    const val = (l) => { const r = get(l); return r && !r.error ? r.gflops ?? r.gbps : null; };
    const unit = rs.some((r) => r.gflops !== undefined) ? 'GFLOP/s' : 'GB/s';
    const o = val('ours');
    return [
      `${k} (${unit})`,
      ...libs.map((l) => (val(l) === null ? (get(l)?.error ? 'error' : '-') : String(val(l)))),
      ...peers.map((p) => (o !== null && val(p) ? `${round(o / val(p))}x` : '-')),
    ];
  });
  const widths = head.map((_, i) => Math.max(...[head, ...rows].map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  log('');
  log(line(head));
  for (const r of rows) log(line(r));
}
