/**
 * MNIST training samples/s of the Keras model (dense 512 relu, dense 10 softmax, rmsprop,
 * categoricalCrossentropy, batch 128) with model.fit: each of our backends that runs here beside
 * @tensorflow/tfjs-layers on tfjs-cpu, tfjs-wasm and tfjs-webgpu, same data, same run, interleaved.
 * One timed sample is one epoch of fit over --samples digits (fit reads its loss back at the end).
 * Usage: node bench/mnist-train.mjs [--quick] [--samples=N] [--runs=N] [--libs=ours-cpu,ours-wasm,ours-webgpu,ours-gpujs,tfjs-cpu,tfjs-wasm,tfjs-webgpu]
 */
import { cpuAdapter, oursAdapter, parseArgs, report, round, timeInterleaved, useTfjsBackend } from './lib.mjs';

const args = parseArgs();
const quick = Boolean(args.quick);
const samples = Number(args.samples ?? (quick ? 512 : 1024));
const runs = Number(args.runs ?? (quick ? 2 : 3));
const libs = String(args.libs ?? 'ours-cpu,ours-wasm,ours-webgpu,ours-gpujs,tfjs-cpu,tfjs-wasm,tfjs-webgpu').split(',');
const BATCH = 128;
const errText = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);

// WebGPU in Node: one Dawn GPU object kept as navigator.gpu for tfjs-webgpu (ours makes its own).
let gpuAdapter = null;
if (libs.some((l) => l.endsWith('webgpu'))) {
  try {
    const { installNodeWebGPU } = await import('./webgpu-peers.mjs');
    gpuAdapter = await installNodeWebGPU();
  } catch (e) {
    console.error(`[bench] no WebGPU here: ${errText(e)}`);
  }
}

const wt = await import(new URL('../dist/index.js', import.meta.url).href);
await wt.setBackend('cpu');
const ds = await wt.datasets.mnist({ train: samples, test: 10, seed: 0 });
const xData = await ds.xTrain.data();
const yData = await ds.yTrain.data();
wt.dispose([ds.xTrain, ds.yTrain, ds.xTest, ds.yTest]);

const impls = {};
const adapters = {};

for (const name of libs.filter((l) => l.startsWith('ours-'))) {
  const backend = name.slice(5);
  try {
    await wt.setBackend(backend);
    const x = wt.tensor(xData, [samples, 784]);
    const y = wt.tensor(yData, [samples, 10]);
    const model = wt.sequential({ layers: [wt.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }), wt.layers.dense({ units: 10, activation: 'softmax' })], seed: 1 });
    model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    adapters[name] = oursAdapter(wt, backend);
    impls[name] = {
      before: () => wt.setBackend(backend),
      run: async () => { await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0, seed: 1 }); },
    };
  } catch (e) {
    console.error(`[bench] ${name} unavailable: ${errText(e)}`);
  }
}

const tfBackends = libs.filter((l) => l.startsWith('tfjs-')).map((l) => l.slice(5));
if (tfBackends.length) {
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  // (IS_TEST would silence tfjs's "install tfjs-node" banner but also turns on leak checks that fail tfjs-wasm's fit.)
  for (const backend of tfBackends) {
    try {
      await useTfjsBackend(tf, backend, { hasGpu: !!gpuAdapter });
      const x = tf.tensor2d(xData, [samples, 784]);
      const y = tf.tensor2d(yData, [samples, 10]);
      const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }), tfl.layers.dense({ units: 10, activation: 'softmax' })] });
      model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      adapters[`tfjs-${backend}`] = backend === 'webgpu' ? `webgpu: ${gpuAdapter}` : cpuAdapter();
      impls[`tfjs-${backend}`] = {
        before: () => tf.setBackend(backend),
        run: async () => { await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 }); },
      };
    } catch (e) {
      console.error(`[bench] tfjs-${backend} unavailable: ${errText(e)}`);
    }
  }
}

const res = await timeInterleaved(impls, { warmup: 1, runs });
const rate = {};
for (const [impl, { ms }] of Object.entries(res)) {
  rate[impl] = (samples / ms) * 1000;
  report({ bench: 'mnist-train', impl, size: samples, ms, samplesPerSec: rate[impl], batchSize: BATCH, adapter: adapters[impl] });
}

// Ratios: each of our backends against each peer (> 1 means ours trains faster).
const ours = Object.keys(rate).filter((k) => k.startsWith('ours-'));
const peers = Object.keys(rate).filter((k) => k.startsWith('tfjs-'));
if (ours.length && peers.length) {
  console.log('\nratios (our samples/s divided by the peer\'s; > 1 means ours is faster)');
  console.log(['', ...peers].map((c) => c.padEnd(14)).join(''));
  for (const o of ours) console.log([o, ...peers.map((p) => `${round(rate[o] / rate[p], 3)}x`)].map((c) => c.padEnd(14)).join(''));
}
