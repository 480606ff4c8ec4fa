/**
 * conv2dTranspose, depthwiseConv2d and conv1d at MobileNet-like sizes: ours on wasm and webgpu
 * beside tfjs-wasm and tfjs-webgpu, interleaved run by run in one process, on the same inputs.
 * Defaults: conv2dTranspose [1,56,56,32] -> [1,112,112,32] with a 3x3 filter, stride 2 'same';
 * depthwiseConv2d [1,112,112,32] * [3,3,32,1] 'same'; conv1d [1,1024,64] * [5,64,64] 'same'.
 * One JSON line per measurement, then each op's speed over the peer on the same backend.
 *
 * Usage: node bench/ops-window.mjs [--backends=wasm,webgpu] [--ops=conv2dTranspose,depthwiseConv2d,conv1d] [--runs=N] [--warmup=N] [--scale=1]
 */
import { cpuAdapter, oursAdapter, parseArgs, report, round, timeInterleaved, useTfjsBackend } from './lib.mjs';

const args = parseArgs();
const backends = String(args.backends ?? 'wasm,webgpu').split(',');
const opNames = String(args.ops ?? 'conv2dTranspose,depthwiseConv2d,conv1d').split(',');
const runs = Number(args.runs ?? 5), warmup = Number(args.warmup ?? 2);
// --scale=2 halves each spatial side (for slow emulated adapters).
const scale = Number(args.scale ?? 1);
const side = (n) => Math.max(2, Math.round(n / scale));
const errText = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
const data = (n, k) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k));
const size = (s) => s.reduce((a, b) => a * b, 1);

const H = side(112), C = 32, L = side(1024) * 1;
/** Each workload: shapes, the call in either library (wt and tf share these names and argument orders). */
const WORKLOADS = {
  conv2dTranspose: {
    shapes: [[1, H / 2, H / 2, C], [3, 3, C, C]],
    call: (lib, x, f) => lib.conv2dTranspose(x, f, [1, H, H, C], 2, 'same'),
    flops: 2 * (H / 2) * (H / 2) * C * 9 * C,
    size: `[1,${H / 2},${H / 2},${C}] -> [1,${H},${H},${C}] 3x3 stride 2 same`,
  },
  depthwiseConv2d: {
    shapes: [[1, H, H, C], [3, 3, C, 1]],
    call: (lib, x, f) => lib.depthwiseConv2d(x, f, 1, 'same'),
    flops: 2 * H * H * C * 9,
    size: `[1,${H},${H},${C}] * [3,3,${C},1] same`,
  },
  conv1d: {
    shapes: [[1, L, 64], [5, 64, 64]],
    call: (lib, x, f) => lib.conv1d(x, f, 1, 'same'),
    flops: 2 * L * 64 * 5 * 64,
    size: `[1,${L},64] * [5,64,64] same`,
  },
};

let gpuAdapter = null;
if (backends.includes('webgpu')) {
  try {
    const { installNodeWebGPU } = await import('./webgpu-peers.mjs');
    gpuAdapter = await installNodeWebGPU();
  } catch (e) {
    console.error(`[bench] no WebGPU here: ${errText(e)}`);
  }
}
const wt = await import(new URL('../dist/index.js', import.meta.url).href);
const tf = await import('@tensorflow/tfjs-core');

const summary = [];
for (const backend of backends) {
  if (backend === 'webgpu' && !gpuAdapter) continue;
  let ourAdapter;
  try {
    await wt.setBackend(backend);
    ourAdapter = oursAdapter(wt, backend);
    await useTfjsBackend(tf, backend, { hasGpu: !!gpuAdapter });
  } catch (e) {
    console.error(`[bench] ${backend} unavailable: ${errText(e)}`);
    continue;
  }
  for (const op of opNames) {
    const w = WORKLOADS[op];
    if (!w) throw new Error(`unknown op ${op} (expected one of ${Object.keys(WORKLOADS).join(', ')})`);
    const inputs = w.shapes.map((s, i) => data(size(s), 0.37 + i * 0.2));
    await wt.setBackend(backend);
    const ox = inputs.map((d, i) => wt.tensor(d, w.shapes[i]));
    await tf.setBackend(backend);
    const tx = inputs.map((d, i) => tf.tensor(d, w.shapes[i]));
    const impls = {
      [`ours-${backend}`]: { before: () => wt.setBackend(backend), run: async () => { const y = w.call(wt, ...ox); await y.data(); y.dispose(); } },
      [`tfjs-${backend}`]: { before: () => tf.setBackend(backend), run: async () => { const y = w.call(tf, ...tx); await y.data(); y.dispose(); } },
    };
    const res = await timeInterleaved(impls, { warmup, runs });
    for (const [impl, { ms }] of Object.entries(res)) {
      const adapter = impl.startsWith('tfjs') ? (backend === 'webgpu' ? `webgpu: ${gpuAdapter}` : `tfjs-wasm (XNNPACK): ${cpuAdapter()}`) : ourAdapter;
      report({ bench: 'ops-window', op, impl, size: w.size, ms, gflops: w.flops / (ms * 1e6), adapter });
    }
    const a = res[`ours-${backend}`]?.ms, b = res[`tfjs-${backend}`]?.ms;
    if (a && b) summary.push([`${op} (${backend})`, b / a]);
    wt.dispose(ox);
    tx.forEach((t) => t.dispose());
  }
}
if (summary.length) {
  console.log('\nspeed over the tfjs peer on the same backend (its ms / ours; > 1 means ours is faster)');
  for (const [k, r] of summary) console.log(`${k.padEnd(28)} ${round(r)}x`);
}
