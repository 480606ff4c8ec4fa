/**
 * cpu matmul GFLOP/s by size: our cpu backend beside @tensorflow/tfjs-backend-cpu (plain JS) and
 * @tensorflow/tfjs-backend-wasm (XNNPACK in WebAssembly, SIMD), same inputs, interleaved run by run.
 * Usage: node bench/matmul-cpu.mjs [--quick] [--sizes=256,512,1024] [--runs=N] [--libs=ours,tfjs-cpu,tfjs-wasm]
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { cpuAdapter, matmulGflops, parseArgs, ratioTable, report, timeInterleaved } from './lib.mjs';

const args = parseArgs();
const quick = Boolean(args.quick);
const sizes = String(args.sizes ?? '256,512,1024').split(',').map(Number);
const runs = Number(args.runs ?? (quick ? 3 : 5));
const libs = String(args.libs ?? 'ours,tfjs-cpu,tfjs-wasm').split(',');
const adapter = cpuAdapter();

const wt = await import(new URL('../dist/index.js', import.meta.url).href);
await wt.setBackend('cpu');

// tfjs: one tfjs-core, two backends; each keeps its own copies of the inputs, and the active
// backend is switched (untimed) before each of its runs so no data moves between them.
let tf = null;
const tfBackends = libs.filter((l) => l.startsWith('tfjs-')).map((l) => l.slice(5));
if (tfBackends.length) {
  tf = await import('@tensorflow/tfjs-core');
  if (tfBackends.includes('cpu')) await import('@tensorflow/tfjs-backend-cpu');
  if (tfBackends.includes('wasm')) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm files ship next to the package's dist/ bundle; load them from disk (no network).
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
  }
  tf.env().set('IS_TEST', true); // silences the "install tfjs-node" banner
}

for (const n of sizes) {
  const aData = new Float32Array(n * n).map((_, i) => Math.sin(i) * 0.5);
  const bData = new Float32Array(n * n).map((_, i) => Math.cos(i) * 0.5);
  const impls = {};
  const cleanup = [];
  if (libs.includes('ours')) {
    const a = wt.tensor(aData, [n, n]), b = wt.tensor(bData, [n, n]);
    cleanup.push(() => { a.dispose(); b.dispose(); });
    impls.ours = async () => { const c = wt.matmul(a, b); await c.data(); c.dispose(); };
  }
  for (const name of tfBackends) {
    try {
      if (!(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' did not initialise`);
      const a = tf.tensor2d(aData, [n, n]), b = tf.tensor2d(bData, [n, n]);
      cleanup.push(() => { a.dispose(); b.dispose(); });
      impls[`tfjs-${name}`] = {
        before: () => tf.setBackend(name),
        run: async () => { const c = tf.matMul(a, b); await c.data(); c.dispose(); },
      };
    } catch (e) {
      console.error(`[bench] tfjs-${name} unavailable: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  // Small sizes finish in milliseconds: warm them up longer so every JIT has settled.
  const warmup = Math.max(1, Math.round(2 ** 25 / n ** 3));
  const res = await timeInterleaved(impls, { warmup, runs });
  for (const [impl, { ms }] of Object.entries(res)) {
    const extra = impl === 'tfjs-wasm' ? { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') } : {};
    report({ bench: 'matmul-cpu', impl, size: n, ms, gflops: matmulGflops(n, n, n, ms), adapter, ...extra });
  }
  for (const f of cleanup) f();
}

ratioTable('ours');
