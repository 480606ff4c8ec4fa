/**
 * When does the wasm backend's worker pool pay? The same op timed on the calling thread alone and
 * split across the pool (the thresholds forced both ways), interleaved run by run, at sizes around
 * the crossover: elementwise exp and add (memory-light and memory-bound), softmax rows, and square
 * matmul. The size where the pool starts to win sets the thresholds in src/backend/wasm/index.ts
 * (work in ns on one thread) and matmul.ts (flops). Ours against ourselves: no peers.
 * Usage: node bench/wasm-threads.mjs [--quick] [--runs=N] [--threads=N]
 */
import { cpuAdapter, parseArgs, report, round, timeInterleaved } from './lib.mjs';

const args = parseArgs();
const quick = Boolean(args.quick);
const runs = Number(args.runs ?? (quick ? 5 : 9));
const wt = await import(new URL('../dist/index.js', import.meta.url).href);
const { engine } = await import(new URL('../dist/engine.js', import.meta.url).href);
await wt.setBackend('wasm');
if (args.threads) await wt.setWasmThreads(Number(args.threads));
const backend = engine.instances.get('wasm');
const threads = wt.getWasmThreads();
if (threads < 2) {
  console.error(`[bench] the wasm backend has ${threads} thread here: nothing to compare`);
  process.exit(0);
}
const adapter = `${cpuAdapter()}, wasm ${threads} threads`;
const defaults = { ...backend.tuning };
const alone = () => Object.assign(backend.tuning, { parallelNs: Infinity, parallelFlops: Infinity });
const pooled = () => Object.assign(backend.tuning, { parallelNs: 0, parallelFlops: 0 });

const WORK = {
  exp: { sizes: [4096, 16384, 65536, 262144, 1048576], make: (n) => [wt.randn([n], { seed: 1 })], run: ([x]) => wt.exp(x) },
  add: { sizes: [16384, 65536, 262144, 1048576, 4194304], make: (n) => [wt.randn([n], { seed: 1 }), wt.randn([n], { seed: 2 })], run: ([a, b]) => wt.add(a, b) },
  softmax: { sizes: [4096, 16384, 65536, 262144], make: (n) => [wt.randn([n / 64, 64], { seed: 1 })], run: ([x]) => wt.softmax(x) },
  matmul: { sizes: [16, 32, 48, 64, 96, 128], make: (n) => [wt.randn([n, n], { seed: 1 }), wt.randn([n, n], { seed: 2 })], run: ([a, b]) => wt.matmul(a, b) },
};

const table = [];
for (const [op, w] of Object.entries(WORK)) {
  for (const n of quick ? w.sizes.filter((_, i) => i % 2 === 0) : w.sizes) {
    const xs = w.make(n);
    // each sample: enough repetitions for about a millisecond of work
    const reps = Math.max(1, Math.round(2e5 / (op === 'matmul' ? 2 * n ** 3 / 30 : n)));
    const body = () => { for (let i = 0; i < reps; i++) w.run(xs).dispose(); };
    const res = await timeInterleaved({ alone: { before: alone, run: body }, pool: { before: pooled, run: body } }, { warmup: 3, runs });
    for (const [impl, { ms }] of Object.entries(res)) report({ bench: 'wasm-threads', impl, op, size: n, ms: ms / reps, adapter });
    table.push([op, n, round(res.alone.ms / res.pool.ms, 3)]);
    wt.dispose(xs);
  }
}
Object.assign(backend.tuning, defaults);
console.log(`\nspeed of the pool relative to the calling thread alone (> 1: the pool pays), ${threads} threads`);
for (const [op, n, r] of table) console.log(`${op.padEnd(8)} ${String(n).padStart(8)}  ${r}x`);
console.log(`current thresholds: ${JSON.stringify(defaults)}`);
