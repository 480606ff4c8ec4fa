/**
 * WebAssembly matmul GFLOP/s: our wasm backend (all threads, and one thread) beside
 * @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD; one thread in Node), @jax-js/jax on its wasm device
 * and our cpu backend, for A·B, Aᵀ·B and A·Bᵀ at each size, same inputs, interleaved run by run.
 * Where python3 has NumPy, its matmul (OpenBLAS, all cores) is timed afterwards as the machine's
 * limit (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for it). tfjs-wasm's transposed products
 * (a scalar loop) and our cpu backend are left out at 2048, where one run takes minutes.
 * Every figure is also given as a fraction of this runtime's WebAssembly SIMD-128 peak on as many
 * threads as it used (bench/wasm-peak.mjs: rounds of `--peak-ms` on 1 and N threads, interleaved
 * with the timed runs like one more implementation, the best round taken, since a busy moment only
 * lowers it): `ofMulAddPeak`
 * (f32x4.mul + f32x4.add) and, where the runtime has relaxed SIMD, `ofMaddPeak` (relaxed_madd), one
 * JSON line per figure (bench 'matmul-wasm-peak') and a table at the end.
 * Our wasm backend runs its relaxed-SIMD module where the runtime has it (`--wasm-simd=plain` forces
 * the plain one; Node 20 needs `node --experimental-wasm-relaxed-simd` for relaxed).
 * Usage: node bench/matmul-wasm.mjs [--quick] [--sizes=256,1024,2048] [--ops=AB,AtB,ABt] [--runs=N]
 *        [--libs=ours-wasm,ours-wasm-1t,tfjs-wasm,jax-wasm,ours-cpu,numpy] [--wasm-simd=auto|plain|relaxed]
 *        [--peak-ms=150] (0: no peak)
 */
import { spawnSync } from 'node:child_process';
import { cpuAdapter, matmulGflops, parseArgs, ratioTable, report, round, timeInterleaved, useTfjsBackend } from './lib.mjs';
import { peakRunner, runtimeName } from './wasm-peak.mjs';

const args = parseArgs();
const quick = Boolean(args.quick);
const sizes = String(args.sizes ?? (quick ? '256,1024' : '256,1024,2048')).split(',').map(Number);
const ops = String(args.ops ?? 'AB,AtB,ABt').split(',');
const runs = Number(args.runs ?? (quick ? 3 : 5));
const libs = String(args.libs ?? 'ours-wasm,ours-wasm-1t,tfjs-wasm,jax-wasm,ours-cpu,numpy').split(',');
const adapter = cpuAdapter();
const errText = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
const TRANS = { AB: [false, false], AtB: [true, false], ABt: [false, true] };
for (const op of ops) if (!TRANS[op]) throw new Error(`unknown op ${op} (expected AB, AtB, ABt)`);

const wt = await import(new URL('../dist/index.js', import.meta.url).href);
wt.setWasmSimd(String(args['wasm-simd'] ?? 'auto'));
await wt.setBackend('wasm');
const threads = wt.getWasmThreads();
const oursModule = wt.backendInfo().device.simdModule;
console.log(JSON.stringify({ impl: 'ours-wasm', info: wt.backendInfo().device }));

// The peaks: warm workers for each form and thread count, a round of each between timed runs.
const peakMs = Number(args['peak-ms'] ?? 150);
const runners = [];
if (peakMs > 0) {
  for (const form of ['muladd', 'madd']) {
    for (const t of threads > 1 ? [1, threads] : [1]) {
      const r = await peakRunner(form, { threads: t });
      if (r) runners.push({ form, t, r });
    }
  }
}
const peaks = { muladd: {}, madd: runners.some((x) => x.form === 'madd') ? {} : null };
const peakImpl = {
  run: async () => {
    for (const x of runners) peaks[x.form][x.t] = Math.max(peaks[x.form][x.t] ?? 0, await x.r.round(peakMs));
  },
};
/** Threads each implementation computes on (tfjs-wasm and jax-js have no threads in Node). */
const threadsOf = (impl) => (impl === 'ours-wasm' || impl === 'numpy' ? threads : 1);

let tf = null;
if (libs.includes('tfjs-wasm')) {
  try {
    tf = await import('@tensorflow/tfjs-core');
    tf.env().set('IS_TEST', true);
    await useTfjsBackend(tf, 'wasm');
    console.log(JSON.stringify({ impl: 'tfjs-wasm', simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') }));
  } catch (e) {
    console.error(`[bench] tfjs-wasm unavailable: ${errText(e)}`);
    tf = null;
  }
}
let jax = null;
if (libs.includes('jax-wasm')) {
  try {
    // jax-js reads navigator (absent in Node 20) while it starts; it has no Worker here, so one thread.
    globalThis.navigator ??= { userAgent: 'node', hardwareConcurrency: (await import('node:os')).cpus().length };
    jax = await import('@jax-js/jax');
    const devices = await jax.init();
    if (!devices.includes('wasm')) throw new Error(`no wasm device (has ${devices.join(', ')})`);
    jax.defaultDevice('wasm');
  } catch (e) {
    console.error(`[bench] jax-js wasm unavailable: ${errText(e)}`);
    jax = null;
  }
}

const records = [];
for (const n of sizes) {
  const aData = new Float32Array(n * n).map((_, i) => Math.sin(i) * 0.5);
  const bData = new Float32Array(n * n).map((_, i) => Math.cos(i) * 0.5);
  for (const op of ops) {
    const [tA, tB] = TRANS[op];
    const impls = {};
    const cleanup = [];
    for (const [name, backend, t] of [['ours-wasm', 'wasm', threads], ['ours-wasm-1t', 'wasm', 1], ['ours-cpu', 'cpu', 0]]) {
      if (!libs.includes(name) || (name === 'ours-wasm-1t' && threads === 1)) continue;
      if (name === 'ours-cpu' && n > 1024) continue; // minutes per run
      await wt.setBackend(backend);
      const a = wt.tensor(aData, [n, n]), b = wt.tensor(bData, [n, n]);
      cleanup.push(() => { a.dispose(); b.dispose(); });
      impls[name] = {
        before: async () => { await wt.setBackend(backend); if (t && wt.getWasmThreads() !== t) await wt.setWasmThreads(t); },
        run: async () => { const c = wt.matmul(a, b, { transposeA: tA, transposeB: tB }); await c.data(); c.dispose(); },
      };
    }
    // tfjs-wasm runs transposed products in a scalar loop (about 0.2-2 GFLOP/s): minutes per run at 2048
    if (tf && (op === 'AB' || n < 2048)) {
      await tf.setBackend('wasm');
      const a = tf.tensor2d(aData, [n, n]), b = tf.tensor2d(bData, [n, n]);
      cleanup.push(() => { a.dispose(); b.dispose(); });
      impls['tfjs-wasm'] = { before: () => tf.setBackend('wasm'), run: async () => { const c = tf.matMul(a, b, tA, tB); await c.data(); c.dispose(); } };
    }
    if (jax) {
      const np = jax.numpy;
      const a = np.array(aData).reshape([n, n]), b = np.array(bData).reshape([n, n]);
      cleanup.push(() => { a.dispose(); b.dispose(); });
      // jax-js arrays are consumed by ops: .ref keeps the inputs alive; the transpose is lazy and fuses.
      const f = { AB: () => np.matmul(a.ref, b.ref), AtB: () => np.matmul(np.transpose(a.ref), b.ref), ABt: () => np.matmul(a.ref, np.transpose(b.ref)) }[op];
      impls['jax-wasm'] = { run: async () => { await f().data(); } };
    }
    if (runners.length) impls.peak = peakImpl;
    // Small sizes finish in milliseconds: warm them up longer so every JIT (and wasm tier-up) has settled.
    const warmup = n >= 1024 ? 1 : Math.max(2, Math.round(2 ** 26 / n ** 3));
    const res = await timeInterleaved(impls, { warmup, runs: n >= 2048 ? Math.min(runs, 3) : runs });
    for (const [impl, { ms }] of Object.entries(res)) {
      if (impl === 'peak') continue;
      const gflops = matmulGflops(n, n, n, ms);
      records.push(report({ bench: 'matmul-wasm', impl, op, size: n, ms, gflops, adapter, ...(impl === 'ours-wasm' ? { threads, module: oursModule } : {}) }));
    }
    for (const f of cleanup) f();
    if (threads !== wt.getWasmThreads()) await wt.setWasmThreads(threads);
  }
}

if (libs.includes('numpy')) {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const py = `
import json, sys, time
import numpy as np
for n in ${JSON.stringify(sizes)}:
    a = (np.sin(np.arange(n * n)) * 0.5).astype(np.float32).reshape(n, n)
    b = (np.cos(np.arange(n * n)) * 0.5).astype(np.float32).reshape(n, n)
    for op in ${JSON.stringify(ops)}:
        f = {'AB': lambda: a @ b, 'AtB': lambda: a.T @ b, 'ABt': lambda: a @ b.T}[op]
        reps = max(1, 2 ** 28 // n ** 3)  # small products: time several per sample
        for _ in range(3): f()
        ts = []
        for _ in range(${runs}):
            t0 = time.perf_counter()
            for _ in range(reps): f()
            ts.append((time.perf_counter() - t0) * 1000 / reps)
        ts.sort()
        print(json.dumps({'op': op, 'size': n, 'ms': ts[len(ts) // 2]}))
`;
  const r = spawnSync('python3', ['-c', py], { env, encoding: 'utf8' });
  if (r.status !== 0) console.error(`[bench] numpy unavailable: ${errText(r.error ?? r.stderr)}`);
  else {
    for (const line of r.stdout.trim().split('\n')) {
      const { op, size, ms } = JSON.parse(line);
      const gflops = matmulGflops(size, size, size, ms);
      records.push(report({ bench: 'matmul-wasm', impl: 'numpy', op, size, ms, gflops, adapter: `${adapter}, NumPy/OpenBLAS` }));
    }
  }
}

ratioTable('ours-wasm');
const np = records.filter((r) => r.impl === 'numpy');
if (np.length) {
  console.log('\nfraction of NumPy reached by ours-wasm');
  for (const r of records.filter((x) => x.impl === 'ours-wasm')) {
    const ref = np.find((x) => x.op === r.op && x.size === r.size);
    if (ref) console.log(`${r.op} ${r.size}: ${round(r.gflops / ref.gflops, 3)}`);
  }
}

if (runners.length) {
  await Promise.all(runners.map((x) => x.r.close()));
  for (const form of ['muladd', 'madd']) {
    for (const [t, g] of Object.entries(peaks[form] ?? {})) console.log(JSON.stringify({ bench: 'wasm-peak', impl: form, threads: Number(t), gflops: round(g), runtime: runtimeName() }));
  }
  const fmt = (p) => Object.entries(p).map(([t, g]) => `${t}t ${round(g)}`).join(', ');
  // Ours against the peak of the form its module uses; the peers against both.
  console.log(`\nfraction of the WebAssembly SIMD-128 peak (${runtimeName()}; peak GFLOP/s: mul+add ${fmt(peaks.muladd)}${peaks.madd ? `; relaxed_madd ${fmt(peaks.madd)}` : ''}; ours runs the ${oursModule} module; tfjs-wasm and jax-js one thread, NumPy native)`);
  for (const r of records) {
    const t = threadsOf(r.impl);
    const ofMulAddPeak = round(r.gflops / peaks.muladd[t], 3), ofMaddPeak = peaks.madd ? round(r.gflops / peaks.madd[t], 3) : undefined;
    console.log(JSON.stringify({ bench: 'matmul-wasm-peak', impl: r.impl, op: r.op, size: r.size, threads: t, gflops: r.gflops, ofMulAddPeak, ...(peaks.madd ? { ofMaddPeak } : {}) }));
    const of = r.impl.startsWith('ours-wasm') && oursModule === 'relaxed' ? `${ofMaddPeak} of relaxed_madd` : `${ofMulAddPeak} of mul+add${ofMaddPeak !== undefined ? `, ${ofMaddPeak} of relaxed_madd` : ''}`;
    console.log(`  ${r.impl} ${r.op} ${r.size} (${t} thread${t > 1 ? 's' : ''}): ${round(r.gflops)} GFLOP/s, ${of}`);
  }
}
