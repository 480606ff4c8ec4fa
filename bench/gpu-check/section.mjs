/**
 * One section of the real-GPU check, run in its own process (so a hung driver costs only the
 * section) against the built dist/ of the prepared folder: conformance, matmul, elementwise, mnist
 * or wasm. Prints `INFO {json}` (the backend and the choices it made) and one `REC {json}` line per
 * measurement as soon as it exists, so a section killed at its time limit still leaves its figures.
 * Usage: node section.mjs --section=NAME --app=DIR --deadline=UNIX_MS --opts=JSON (from main.mjs)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from '../lib.mjs';
import { unpackDigits } from './digits.mjs';
import { finish, timeVariants } from './timing.mjs';

const args = parseArgs(process.argv.slice(2));
const app = String(args.app);
const deadline = Number(args.deadline);
const opts = JSON.parse(String(args.opts ?? '{}'));
const load = (rel) => import(pathToFileURL(join(app, rel)).href);
const wt = await load('dist/index.js');
const { engine } = await load('dist/engine.js');
const { WebGPUBackend } = await load('dist/backend/webgpu/index.js');
const { chooseTiles } = await load('dist/backend/webgpu/matmul.js');

const rec = (r) => console.log(`REC ${JSON.stringify({ section: args.section, ...r })}`);
const left = () => deadline - Date.now();
const errText = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
const gpu = () => engine.instances.get('webgpu');
const timing = { targetMs: opts.targetMs, repeats: opts.repeats, deadline };

await wt.setBackend('webgpu');
const device = wt.backendInfo().device;
const tiles = Object.fromEntries(opts.sizes.map((n) => [n, chooseTiles(n, n, device)]));
console.log(`INFO ${JSON.stringify({ device, tiles })}`);

/** The matmul strategies worth timing here: the automatic choice first, quad only with subgroups. */
function strategies() {
  const all = ['tiled', 'direct', ...(device.subgroups ? ['quad'] : [])];
  const auto = device.matmul ?? 'tiled'; // a build that does not report its choice yet
  return [auto, ...all.filter((s) => s !== auto)];
}

/** Replaces the webgpu backend with one built from `options` (a new device; old tensors are gone). */
async function renewWebGPU(options) {
  gpu()?.dispose();
  engine.instances.delete('webgpu');
  wt.registerBackend('webgpu', async () => new WebGPUBackend(options));
  await wt.setBackend('webgpu');
}

async function conformance() {
  const { CASES } = await load('conformance/cases.js');
  const { runCase } = await load('conformance/harness.js');
  // Every case with the automatic choices, then the matmul cases with each other matmul kernel.
  for (const [i, strategy] of strategies().entries()) {
    const cases = i === 0 ? CASES : CASES.filter((c) => /matmul|dense/.test(c.name));
    const t0 = performance.now();
    const failed = [];
    let passed = 0, worst = 0, done = 0;
    for (const c of cases) {
      if (left() < 1000) break;
      await wt.setBackend('webgpu');
      gpu().matmulStrategy = i === 0 ? 'auto' : strategy;
      try {
        const r = await runCase(wt, c, 'webgpu');
        if (r.ok) { passed++; worst = Math.max(worst, r.worst); } else failed.push({ name: c.name, message: r.message });
      } catch (e) {
        failed.push({ name: c.name, message: `threw ${errText(e)}` });
      }
      done++;
    }
    gpu().matmulStrategy = 'auto';
    rec({ strategy: i === 0 ? `auto (${strategy})` : strategy, passed, total: cases.length, failed, worst, seconds: (performance.now() - t0) / 1000, ...(done < cases.length ? { incomplete: true, done } : {}) });
  }
}

async function matmul() {
  const names = strategies();
  for (const n of opts.sizes) {
    if (left() < 3000) { rec({ size: n, skipped: 'no time left' }); continue; }
    const a = wt.randn([n, n], { seed: 1 }), b = wt.randn([n, n], { seed: 2, std: 1 / Math.sqrt(n) });
    const variants = names.map((st) => ({ name: st, before: () => { gpu().matmulStrategy = st; }, run: () => wt.matmul(a, b), backend: gpu }));
    const res = await timeVariants(wt, variants, timing);
    // Each kernel's product against the first one's: they differ only in summation order.
    let ref = null;
    const diffs = {};
    for (const st of names) {
      if (left() < 1000) break;
      gpu().matmulStrategy = st;
      const c = wt.matmul(a, b);
      const got = await c.data();
      c.dispose();
      if (!ref) { ref = got; continue; }
      let num = 0, den = 0;
      for (let i = 0; i < got.length; i++) { num = Math.max(num, Math.abs(got[i] - ref[i])); den = Math.max(den, Math.abs(ref[i])); }
      diffs[st] = den ? num / den : num;
    }
    gpu().matmulStrategy = 'auto';
    for (const r of res) {
      const base = { strategy: r.name, size: n, tiles: r.name === 'tiled' ? tiles[n] ?? chooseTiles(n, n, device) : undefined };
      if (r.error) rec({ ...base, error: r.error });
      else rec({ ...base, ...r, name: undefined, gflops: (2 * n ** 3) / (r.ms * 1e6), maxRelDiffVsFirst: diffs[r.name] ?? (r.name === names[0] ? 0 : null) });
    }
    a.dispose();
    b.dispose();
  }
}

/** Times one op per variant list; `bytes` is the logical traffic of one call (inputs read once, output written once). */
async function throughput(op, size, bytes, variants, extra = {}) {
  const res = await timeVariants(wt, variants, timing);
  for (const r of res) {
    if (r.error) rec({ op, size, ...extra, error: r.error });
    else rec({ op, size, ...extra, ...r, name: undefined, gbps: bytes / (r.ms * 1e6) });
  }
}

async function elementwise() {
  const n = opts.n;
  const x = wt.randn([n], { seed: 3 }), y = wt.randn([n], { seed: 4 });
  const ops = {
    add: [() => wt.add(x, y), 12 * n], mul: [() => wt.mul(x, y), 12 * n], tanh: [() => wt.tanh(x), 8 * n],
    chain: [() => wt.tidy(() => wt.tanh(wt.add(wt.mul(x, y), x))), 12 * n], // three kernels, counted as one pass
  };
  for (const [op, [run, bytes]] of Object.entries(ops)) {
    if (left() < 2000) { rec({ op, size: n, skipped: 'no time left' }); continue; }
    await throughput(op, n, bytes, [{ name: op, run, backend: gpu }]);
  }
  x.dispose();
  y.dispose();
  // Softmax along rows with the layout chosen for this adapter, then with the other one.
  const layouts = [device.kernelLayout, device.kernelLayout === 'gpu' ? 'cpu' : 'gpu'];
  for (const [i, layout] of layouts.entries()) {
    if (i > 0) await renewWebGPU({ tuneFor: layout });
    for (const [r, c] of opts.softmax) {
      if (left() < 2000) { rec({ op: 'softmax', size: `${r}x${c}`, layout, skipped: 'no time left' }); continue; }
      const t = wt.randn([r, c], { seed: 5, std: 3 });
      await throughput('softmax', `${r}x${c}`, 8 * r * c, [{ name: 'softmax', run: () => wt.softmax(t, -1), backend: gpu }], { layout });
      t.dispose();
    }
  }
  await renewWebGPU({});
}

/** The digits of the prepared folder (data/mnist-digits.*), as wt.datasets.mnist takes them. */
function digits() {
  const meta = JSON.parse(readFileSync(join(app, 'data/mnist-digits.json'), 'utf8'));
  return unpackDigits(meta.counts, readFileSync(join(app, 'data/mnist-digits.u8.gz')));
}

/**
 * One timed training epoch of the Keras model (dense 512 relu, dense 10 softmax, rmsprop, batch 128)
 * on `backend`, after an untimed epoch on 512 digits that compiles every kernel. A second epoch
 * follows when the first leaves time for it.
 */
async function mnistEpochs(backend, train, test, data) {
  await wt.setBackend(backend);
  const ds = await wt.datasets.mnist({ train, test, seed: 0, digits: data });
  const model = wt.sequential({ layers: [wt.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }), wt.layers.dense({ units: 10, activation: 'softmax' })], seed: 1 });
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const w = Math.min(512, train);
  const [wx, wy] = [wt.slice(ds.xTrain, [0, 0], [w, 784]), wt.slice(ds.yTrain, [0, 0], [w, 10])];
  let t0 = performance.now();
  await model.fit(wx, wy, { epochs: 1, batchSize: 128, verbose: 0, seed: 2 });
  const warmMs = performance.now() - t0;
  wt.dispose([wx, wy]);
  for (let epoch = 1; epoch <= 2; epoch++) {
    t0 = performance.now();
    const h = await model.fit(ds.xTrain, ds.yTrain, { epochs: 1, batchSize: 128, verbose: 0, seed: epoch });
    const ms = performance.now() - t0;
    const ev = test > 0 && left() > 3 * ms ? await model.evaluate(ds.xTest, ds.yTest) : {};
    rec({ backend, what: `epoch ${epoch}`, size: train, batchSize: 128, ms, samplesPerSec: (train / ms) * 1000, warmupMs: epoch === 1 ? warmMs : undefined, loss: h.history.loss[0], accuracy: h.history.accuracy?.[0], testAccuracy: ev.accuracy });
    if (left() < 2.5 * ms) break;
  }
  wt.dispose([ds.xTrain, ds.yTrain, ds.xTest, ds.yTest]);
}

async function mnist() {
  await mnistEpochs('webgpu', opts.train, opts.test, digits());
}

// ---- wasm vs webgpu on this machine's CPU cores ----------------------------------------------
// Runs once this build has a 'wasm' backend; until then it records why it was skipped.
async function wasm() {
  try {
    await wt.setBackend('wasm');
  } catch (e) {
    rec({ backend: 'wasm', skipped: `no wasm backend in this build: ${errText(e)}` });
    return;
  }
  rec({ backend: 'wasm', info: wt.backendInfo().device });
  const n = opts.sizes[0];
  const make = async (name) => {
    await wt.setBackend(name);
    const a = wt.randn([n, n], { seed: 1 }), b = wt.randn([n, n], { seed: 2 });
    return { name, before: () => wt.setBackend(name), run: () => wt.matmul(a, b), backend: () => engine.instances.get(name) };
  };
  const res = await timeVariants(wt, [await make('wasm'), await make('webgpu')], timing);
  for (const r of res) rec({ backend: r.name, op: 'matmul', size: n, ...r, name: undefined, ...(r.error ? {} : { gflops: (2 * n ** 3) / (r.ms * 1e6) }) });
  if (left() > 10000) await mnistEpochs('wasm', Math.min(opts.train, 2048), 0, digits());
}

const SECTIONS = { conformance, matmul, elementwise, mnist, wasm };
const run = SECTIONS[args.section];
if (!run) throw new Error(`section.mjs: unknown --section '${args.section}' (expected ${Object.keys(SECTIONS).join(', ')})`);
await run();
// Dawn keeps the event loop alive while a device exists.
process.exit(0);
