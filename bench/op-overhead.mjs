/**
 * The fixed cost of one small op: chains of add / mul / relu on 32-element float32 tensors through
 * the public API, ours (cpu, wasm) beside @tensorflow/tfjs-core on tfjs-cpu and tfjs-wasm, in the
 * same run, interleaved. Reports ops per second and the ratio ours / peer (> 1: ours is faster).
 * With `--breakdown`, it also times the layers under one of our ops on each backend, so the cost
 * of each can be read off by difference: the backend's kernel call alone on ready buffers,
 * runKernel (allocating the output tensor, running, disposing), the binary op without defineOp,
 * and the public wt.add.
 * Usage: node bench/op-overhead.mjs [--quick] [--ops=1000] [--runs=7] [--size=32] [--breakdown]
 *        [--backends=cpu,wasm]
 */
import { parseArgs, report, round, timeInterleaved, useTfjsBackend, cpuAdapter } from './lib.mjs';

const args = parseArgs();
const N = Number(args.ops ?? (args.quick ? 300 : 1000));
const runs = Number(args.runs ?? (args.quick ? 3 : 7));
const size = Number(args.size ?? 32);
const backends = String(args.backends ?? 'cpu,wasm').split(',');

const wt = await import(new URL('../dist/index.js', import.meta.url).href);
const tf = await import('@tensorflow/tfjs-core');
const adapter = cpuAdapter();

const vals = (seed) => Float32Array.from({ length: size }, (_, i) => Math.sin(i * 1.7 + seed) * 2);

/** N ops (add, mul, relu in turn) from two inputs; each intermediate disposed as it is replaced. */
function chainOurs(a, b) {
  let x = a.add(b);
  for (let i = 1; i < N; i++) {
    const k = i % 3;
    const y = k === 0 ? x.add(b) : k === 1 ? x.mul(b) : x.relu();
    x.dispose();
    x = y;
  }
  x.dataSync();
  x.dispose();
}

function chainTf(a, b) {
  let x = tf.add(a, b);
  for (let i = 1; i < N; i++) {
    const k = i % 3;
    const y = k === 0 ? tf.add(x, b) : k === 1 ? tf.mul(x, b) : tf.relu(x);
    x.dispose();
    x = y;
  }
  x.dataSync();
  x.dispose();
}

const oursIn = {};
const impls = {};
for (const be of backends) {
  await wt.setBackend(be);
  oursIn[be] = [wt.tensor(vals(1), [size]), wt.tensor(vals(2), [size])];
  impls[`ours-${be}`] = { before: () => wt.setBackend(be), run: () => chainOurs(...oursIn[be]) };
  await useTfjsBackend(tf, be);
  const tin = [tf.tensor1d(vals(1)), tf.tensor1d(vals(2))];
  impls[`tfjs-${be}`] = { before: () => tf.setBackend(be), run: () => chainTf(...tin) };
}

// Same values from both libraries before timing anything.
for (const be of backends) {
  await wt.setBackend(be);
  await tf.setBackend(be);
  const [a, b] = oursIn[be];
  const ours = wt.tidy(() => a.add(b).mul(b).relu().dataSync());
  const theirs = tf.tidy(() => tf.relu(tf.mul(tf.add(tf.tensor1d(vals(1)), tf.tensor1d(vals(2))), tf.tensor1d(vals(2)))).dataSync());
  for (let i = 0; i < size; i++) {
    if (Math.abs(ours[i] - theirs[i]) > 1e-5) throw new Error(`${be}: results differ at ${i}: ${ours[i]} vs ${theirs[i]}`);
  }
}

const res = await timeInterleaved(impls, { warmup: 2, runs });
const perSec = {};
for (const [name, r] of Object.entries(res)) {
  perSec[name] = (N / r.ms) * 1000;
  report({ bench: 'op-overhead', impl: name, size, ops: N, ms: r.ms, opsPerSec: round(perSec[name]), usPerOp: round((r.ms * 1000) / N), adapter });
}
console.log('\nratios (ops/s of ours relative to the peer on the same backend family; > 1 means ours is faster)');
for (const be of backends) {
  const o = perSec[`ours-${be}`], t = perSec[`tfjs-${be}`];
  if (o && t) console.log(`${be.padEnd(5)} ours ${round(o)} ops/s, tfjs ${round(t)} ops/s, ours / tfjs = ${round(o / t, 3)}x`);
}

if (args.breakdown) {
  const core = await import(new URL('../dist/ops/core.js', import.meta.url).href);
  const ew = await import(new URL('../dist/ops/elementwise.js', import.meta.url).href);
  console.log('\nbreakdown: microseconds per call, one 32-element add (each layer includes those above it)');
  for (const be of backends) {
    await wt.setBackend(be);
    const [a, b] = oursIn[be];
    const backend = a.backend;
    const out = backend.alloc(size, 'float32');
    const attrs = { op: 'add', dtype: 'float32', aShape: a.shape, bShape: b.shape, outShape: a.shape };
    const layers = {
      'kernel call (backend.run)': () => backend.run('binary', [a.handle, b.handle], [out], attrs),
      'alloc + free': () => backend.free(backend.alloc(size, 'float32')),
      'runKernel + dispose': () => core.runKernel('binary', [a, b], a.shape, 'float32', attrs).dispose(),
      'binaryRaw + dispose': () => ew.binaryRaw('add', a, b).dispose(),
      'wt.add + dispose': () => wt.add(a, b).dispose(),
    };
    const M = 20000;
    const rows = [];
    for (const [name, fn] of Object.entries(layers)) {
      for (let i = 0; i < 2000; i++) fn();
      const times = [];
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        for (let i = 0; i < M; i++) fn();
        times.push(((performance.now() - t0) * 1000) / M);
      }
      times.sort((x, y) => x - y);
      rows.push([name, round(times[2])]);
    }
    backend.free(out);
    console.log(`${be}:`);
    for (const [name, us] of rows) console.log(`  ${name.padEnd(28)} ${us} us`);
  }
}
