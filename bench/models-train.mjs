/**
 * Training samples/s of two models people build: an LSTM over sequences (lstm 32 over [20, 8],
 * dense 1, adam, mean squared error, on seeded random sequences) and the residual CNN of
 * examples/resnet-mnist (functional API, an identity shortcut; adam, categorical cross-entropy, on
 * the shipped digits). Ours on wasm against @tensorflow/tfjs-layers on tfjs-wasm, the same model
 * built in both with the same data, interleaved run by run. tfjs-wasm has no Conv2DBackpropFilter
 * kernel, so it cannot train the CNN: the script says so and times tfjs-cpu for it instead.
 * One timed sample is one epoch over --samples examples for the LSTM, --cnn-samples (default one
 * batch of --cnn-batch, 8: tfjs-cpu takes most of a minute per batch of 32 of the CNN) for the CNN; each library first trains one
 * untimed batch (its warm-up, and the check that it can train the model at all).
 *
 * Usage: node bench/models-train.mjs [--quick] [--samples=N] [--cnn-samples=N] [--batch=N] [--cnn-batch=N] [--runs=N] [--models=lstm,resnet]
 */
import { cpuAdapter, oursAdapter, parseArgs, ratioTable, report, timeInterleaved, useTfjsBackend } from './lib.mjs';

const args = parseArgs();
const quick = Boolean(args.quick);
const LSTM_BATCH = Number(args.batch ?? 32);
const lstmSamples = Number(args.samples ?? (quick ? 4 : 8) * LSTM_BATCH);
// tfjs-cpu needs about a minute for one batch of 32 of the CNN on a loaded machine: the CNN runs on batches of 8.
const CNN_BATCH = Number(args['cnn-batch'] ?? 8);
const cnnSamples = Number(args['cnn-samples'] ?? CNN_BATCH);
const runs = Number(args.runs ?? (quick ? 2 : 3));
const models = String(args.models ?? 'lstm,resnet').split(',');
const errText = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);

const wt = await import(new URL('../dist/index.js', import.meta.url).href);
const { buildResnet } = await import(new URL('../dist/examples/resnet-mnist.js', import.meta.url).href);
const tf = await import('@tensorflow/tfjs-core');
const tfl = await import('@tensorflow/tfjs-layers');

const STEPS = 20, FEAT = 8, UNITS = 32;

function seeded(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Each model: how to build it in each library, its input shape and its data. */
async function dataFor(name, samples) {
  if (name === 'lstm') return { x: seeded(samples * STEPS * FEAT, 1), y: seeded(samples, 2), xShape: [samples, STEPS, FEAT], yShape: [samples, 1] };
  await wt.setBackend('cpu');
  const d = await wt.datasets.mnist({ train: samples, test: 1, seed: 0, asImages: true });
  const out = { x: await d.xTrain.data(), y: await d.yTrain.data(), xShape: [samples, 28, 28, 1], yShape: [samples, 10] };
  wt.dispose([d.xTrain, d.yTrain, d.xTest, d.yTest]);
  return out;
}

function oursModel(name) {
  if (name === 'resnet') return buildResnet(1);
  const m = wt.sequential({ layers: [wt.layers.lstm({ units: UNITS, inputShape: [STEPS, FEAT] }), wt.layers.dense({ units: 1 })], seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return m;
}

function tfjsModel(name) {
  const L = tfl.layers;
  if (name === 'lstm') {
    // tfjs-layers' Orthogonal initializer fails in Node here; the timing does not depend on it.
    const m = tfl.sequential({ layers: [L.lstm({ units: UNITS, inputShape: [STEPS, FEAT], recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }), L.dense({ units: 1 })] });
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    return m;
  }
  const image = tfl.input({ shape: [28, 28, 1] });
  const stem = L.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(image);
  const a = L.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(stem);
  const b = L.conv2d({ filters: 16, kernelSize: 3, padding: 'same' }).apply(a);
  const joined = L.reLU().apply(L.add().apply([stem, b]));
  const c2 = L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }).apply(L.maxPooling2d({ poolSize: 2 }).apply(joined));
  const out = L.dense({ units: 10, activation: 'softmax' }).apply(L.flatten().apply(L.maxPooling2d({ poolSize: 2 }).apply(c2)));
  const m = tfl.model({ inputs: image, outputs: out });
  m.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy' });
  return m;
}

for (const name of models) {
  if (name !== 'lstm' && name !== 'resnet') throw new Error(`models-train: unknown model '${name}' (expected lstm, resnet)`);
  const samples = name === 'lstm' ? lstmSamples : cnnSamples;
  const BATCH = name === 'lstm' ? LSTM_BATCH : CNN_BATCH;
  const d = await dataFor(name, samples);
  const impls = {};
  const adapters = {};
  try {
    await wt.setBackend('wasm');
    const x = wt.tensor(d.x, d.xShape), y = wt.tensor(d.y, d.yShape);
    const m = oursModel(name);
    await m.fit(wt.slice(x, 0, BATCH), wt.slice(y, 0, BATCH), { epochs: 1, batchSize: BATCH, verbose: 0, seed: 1 });
    adapters.ours = oursAdapter(wt, 'wasm');
    impls.ours = { before: () => wt.setBackend('wasm'), run: async () => { await m.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0, seed: 1 }); } };
  } catch (e) {
    console.error(`[bench] ours-wasm ${name}: ${errText(e)}`);
  }
  for (const backend of ['wasm', 'cpu']) {
    // tfjs-cpu only where tfjs-wasm cannot train the model.
    if (backend === 'cpu' && impls['tfjs-wasm']) break;
    try {
      await useTfjsBackend(tf, backend);
      const x = tf.tensor(d.x, d.xShape), y = tf.tensor(d.y, d.yShape);
      const m = tfjsModel(name);
      // One batch first: a model tfjs-wasm cannot train fails here, before it is timed.
      await m.fit(tf.slice(x, 0, BATCH), tf.slice(y, 0, BATCH), { epochs: 1, batchSize: BATCH, verbose: 0 });
      adapters[`tfjs-${backend}`] = cpuAdapter();
      impls[`tfjs-${backend}`] = { before: () => tf.setBackend(backend), run: async () => { await m.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 }); } };
    } catch (e) {
      console.error(`[bench] tfjs-${backend} cannot train ${name}: ${errText(e)}`);
    }
  }
  const r = await timeInterleaved(impls, { warmup: 0, runs });
  for (const [impl, { ms }] of Object.entries(r)) {
    report({ bench: 'models-train', impl, size: `${name} ${samples}`, ms, samplesPerSec: (samples / ms) * 1000, batchSize: BATCH, adapter: adapters[impl], threads: impl === 'ours' ? wt.getWasmThreads() : 1 });
  }
}
ratioTable('ours');
