/**
 * The gpujs fallback beside our other backends in one run: matmul (GFLOP/s by size) and MNIST
 * training samples/s of the Keras model (dense 512 relu, dense 10 softmax, rmsprop, batch 128).
 * gpujs runs in gpu.js's WebAssembly mode in Node (its WebGL2 mode needs a browser); 'gpujs-jsmode'
 * is gpu.js's plain-JavaScript mode, for reference. Implementations are interleaved run by run.
 * Usage: node bench/gpujs.mjs [--quick] [--sizes=128,256] [--samples=N] [--runs=N] [--skip-train]
 */
import { cpuAdapter, matmulGflops, parseArgs, ratioTable, report, timeInterleaved } from './lib.mjs';

const args = parseArgs();
const quick = Boolean(args.quick);
const sizes = String(args.sizes ?? (quick ? '64,128,256' : '128,256,512')).split(',').map(Number);
const samples = Number(args.samples ?? (quick ? 256 : 1024));
const runs = Number(args.runs ?? (quick ? 3 : 5));
const errText = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);

const wt = await import(new URL('../dist/index.js', import.meta.url).href);
const { GpuJsBackend } = await import(new URL('../dist/backend/gpujs/index.js', import.meta.url).href);
const { registerBackend } = wt;

// The backends to compare: ours on cpu, gpujs (wasm), webgpu when an adapter answers, and gpujs
// in gpu.js's JavaScript mode (registered under the 'gpujs' name only while it is measured).
const wasmGpujs = new GpuJsBackend();
const jsGpujs = new GpuJsBackend({ mode: 'cpu' });
const backends = {};
const adapters = {};
async function use(name) {
  if (name === 'gpujs' || name === 'gpujs-jsmode') {
    registerBackend('gpujs', async () => (name === 'gpujs' ? wasmGpujs : jsGpujs));
    // a fresh lookup: setBackend caches one instance per name
    const { engine } = await import(new URL('../dist/engine.js', import.meta.url).href);
    engine.instances.delete('gpujs');
    await wt.setBackend('gpujs');
  } else {
    await wt.setBackend(name);
  }
}
for (const name of ['cpu', 'gpujs', 'gpujs-jsmode', 'webgpu']) {
  try {
    await use(name);
    const info = wt.backendInfo().device;
    adapters[name] = name === 'cpu' ? cpuAdapter() : name === 'webgpu' ? `webgpu: ${info.adapter ?? info.description}` : `gpu.js ${info.mode}; ${cpuAdapter()}`;
    backends[name] = true;
  } catch (e) {
    console.error(`[bench] ${name} unavailable: ${errText(e)}`);
  }
}
const names = Object.keys(backends);

// ---- matmul ----
for (const n of sizes) {
  const impls = {};
  for (const name of names) {
    await use(name);
    const a = wt.keep(wt.rand([n, n], { seed: 1 }));
    const b = wt.keep(wt.rand([n, n], { seed: 2 }));
    impls[name] = {
      before: () => use(name),
      run: async () => {
        const c = wt.matmul(a, b);
        await c.data();
        c.dispose();
      },
    };
  }
  const res = await timeInterleaved(impls, { warmup: 1, runs: n >= 512 ? Math.min(runs, 3) : runs });
  for (const [impl, { ms }] of Object.entries(res)) {
    report({ bench: 'matmul', impl, size: `${n}x${n}x${n}`, ms, gflops: matmulGflops(n, n, n, ms), adapter: adapters[impl] });
  }
}

// ---- MNIST training ----
if (!args['skip-train']) {
  await wt.setBackend('cpu');
  const ds = await wt.datasets.mnist({ train: samples, test: 10, seed: 0 });
  const xData = await ds.xTrain.data();
  const yData = await ds.yTrain.data();
  wt.dispose([ds.xTrain, ds.yTrain, ds.xTest, ds.yTest]);
  const impls = {};
  for (const name of names.filter((n) => n !== 'gpujs-jsmode')) {
    try {
      await use(name);
      const x = wt.keep(wt.tensor(xData, [samples, 784]));
      const y = wt.keep(wt.tensor(yData, [samples, 10]));
      const model = wt.sequential({ layers: [wt.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }), wt.layers.dense({ units: 10, activation: 'softmax' })], seed: 1 });
      model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      impls[name] = {
        before: () => use(name),
        run: async () => { await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0, seed: 1 }); },
      };
    } catch (e) {
      console.error(`[bench] mnist-train on ${name} unavailable: ${errText(e)}`);
    }
  }
  const res = await timeInterleaved(impls, { warmup: 1, runs: Math.min(runs, 3) });
  for (const [impl, { ms }] of Object.entries(res)) {
    report({ bench: 'mnist-train', impl, size: samples, ms, samplesPerSec: (samples / ms) * 1000, batchSize: 128, adapter: adapters[impl] });
  }
}

ratioTable('gpujs');
console.log(`\n(gpujs = gpu.js in its ${wasmGpujs.info().mode} mode, gpujs-jsmode = its JavaScript mode; ratios > 1 mean gpujs is faster)`);
