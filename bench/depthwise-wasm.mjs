/**
 * depthwiseConv2d on wasm: a MobileNet-sized layer (default [1,112,112,32] * [3,3,32,1], 'same',
 * stride 1), ours (1 thread and the default thread count) beside @tensorflow/tfjs-backend-wasm
 * (XNNPACK; one thread in Node), interleaved run by run; also its input and filter gradients on
 * ours (tfjs-wasm has no depthwise backprop kernels). One JSON line per measurement, then ratios.
 *
 * Usage: node bench/depthwise-wasm.mjs [--shape=1,112,112,32] [--k=3] [--stride=1] [--mult=1] [--runs=N] [--warmup=N]
 */
import { cpuAdapter, oursAdapter, parseArgs, report, round, timeInterleaved, useTfjsBackend } from './lib.mjs';

const args = parseArgs();
const [B, H, W, C] = String(args.shape ?? '1,112,112,32').split(',').map(Number);
const K = Number(args.k ?? 3), stride = Number(args.stride ?? 1), mult = Number(args.mult ?? 1);
const runs = Number(args.runs ?? 20), warmup = Number(args.warmup ?? 10);
const xd = Float32Array.from({ length: B * H * W * C }, (_, i) => Math.sin(i * 0.37));
const fd = Float32Array.from({ length: K * K * C * mult }, (_, i) => Math.cos(i * 0.11));
const oh = Math.ceil(H / stride), ow = Math.ceil(W / stride);
const flops = 2 * B * oh * ow * C * mult * K * K;

const wt = await import(new URL('../dist/index.js', import.meta.url).href);
await wt.setBackend('wasm');
const threads = wt.memory().wasmThreads;
const x = wt.tensor(xd, [B, H, W, C]);
const f = wt.tensor(fd, [K, K, C, mult]);
const dy = wt.tensor(Float32Array.from({ length: B * oh * ow * C * mult }, (_, i) => Math.sin(i * 0.13)), [B, oh, ow, C * mult]);
const ours = (n) => ({
  before: async () => { await wt.setBackend('wasm'); await wt.setWasmThreads(n); },
  run: async () => { const y = wt.depthwiseConv2d(x, f, stride, 'same'); await y.data(); y.dispose(); },
});
const grads = {
  before: async () => { await wt.setBackend('wasm'); await wt.setWasmThreads(threads); },
  run: async () => {
    const g = wt.grad((a, b) => wt.depthwiseConv2d(a, b, stride, 'same').mul(dy).sum())([x, f]);
    await Promise.all(g.map((t) => t.data()));
    wt.dispose(g);
  },
};

const tf = await import('@tensorflow/tfjs-core');
await useTfjsBackend(tf, 'wasm');
const tx = tf.tensor4d(xd, [B, H, W, C]);
const tfl = tf.tensor4d(fd, [K, K, C, mult]);
const impls = {
  'ours-wasm-1t': ours(1),
  [`ours-wasm-${threads}t`]: ours(threads),
  'tfjs-wasm': {
    before: () => tf.setBackend('wasm'),
    run: async () => { const y = tf.depthwiseConv2d(tx, tfl, stride, 'same'); await y.data(); y.dispose(); },
  },
  'ours-wasm-grads': grads,
};
const res = await timeInterleaved(impls, { warmup, runs });
const size = `[${B},${H},${W},${C}] * [${K},${K},${C},${mult}] stride ${stride} same`;
for (const [impl, { ms }] of Object.entries(res)) {
  const adapter = impl.startsWith('tfjs') ? `tfjs-wasm (XNNPACK, 1 thread): ${cpuAdapter()}` : oursAdapter(wt, 'wasm');
  report({ bench: 'depthwise-wasm', impl, size, ms, gflops: impl.endsWith('grads') ? undefined : flops / (ms * 1e6), adapter });
}
const t = res['tfjs-wasm']?.ms;
if (t) {
  console.log('\nspeed over tfjs-wasm (its ms / ours; > 1 means ours is faster)');
  for (const impl of ['ours-wasm-1t', `ours-wasm-${threads}t`]) console.log(`${impl.padEnd(16)} ${round(t / res[impl].ms)}x`);
}
