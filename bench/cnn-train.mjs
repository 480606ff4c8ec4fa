/**
 * CNN training samples/s and convolution GFLOP/s. The model: conv 3x3x16 relu, max-pool 2,
 * conv 3x3x32 relu, max-pool 2, dense 64 relu, dense 10 softmax, adam, categorical cross-entropy, on
 * Fashion-MNIST images [n, 28, 28, 1]. Beside our backends: @tensorflow/tfjs-layers on tfjs-cpu,
 * tfjs-webgpu and tfjs-wasm (which cannot train it: Conv2DBackpropFilter has no wasm kernel; the
 * script reports that), and @jax-js/jax on its wasm device, written with lax.conv, lax.reduceWindow
 * and one jit(valueAndGrad) + adam step. Every library trains on the same images, interleaved.
 * One timed sample is one epoch over that library's examples (--samples for ours and jax-js,
 * --peer-samples for tfjs, which trains at a few samples/s); samples/s makes them comparable.
 *
 * Then conv GFLOP/s against matmul GFLOP/s on the same backend: the second conv layer's forward
 * pass ([batch,13,13,16] * [3,3,16,32], 'valid') and a matmul of the same m x k x n
 * (batch*11*11 x 144 x 32), for ours (each backend) and jax-js wasm.
 *
 * Usage: node bench/cnn-train.mjs [--quick] [--samples=N] [--peer-samples=N] [--batch=N] [--runs=N]
 *   [--libs=ours-cpu,ours-wasm,ours-webgpu,ours-gpujs,tfjs-cpu,tfjs-webgpu,tfjs-wasm,jax-wasm] [--no-gflops]
 */
import { cpuAdapter, oursAdapter, parseArgs, report, round, time, timeInterleaved, useTfjsBackend } from './lib.mjs';

const args = parseArgs();
const quick = Boolean(args.quick);
const BATCH = Number(args.batch ?? 64);
const samples = Number(args.samples ?? (quick ? 4 : 8) * BATCH);
const peerSamples = Number(args['peer-samples'] ?? BATCH);
const runs = Number(args.runs ?? (quick ? 2 : 3));
const libs = String(args.libs ?? 'ours-cpu,ours-wasm,ours-webgpu,tfjs-cpu,tfjs-webgpu,tfjs-wasm,jax-wasm').split(',');
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
// jax-js probes navigator.gpu on init; Node without WebGPU has no navigator at all.
globalThis.navigator ??= { userAgent: 'node' };

const wt = await import(new URL('../dist/index.js', import.meta.url).href);
const { buildModel } = await import(new URL('../dist/examples/cnn-mnist.js', import.meta.url).href);
await wt.setBackend('cpu');
const n = Math.max(samples, peerSamples);
const ds = await wt.datasets.fashionMnist({ train: n, test: 1, seed: 0, asImages: true });
const xData = await ds.xTrain.data();
const yData = await ds.yTrain.data();
wt.dispose([ds.xTrain, ds.yTrain, ds.xTest, ds.yTest]);

const impls = {};
const adapters = {};
const counts = {};

for (const name of libs.filter((l) => l.startsWith('ours-'))) {
  const backend = name.slice(5);
  try {
    await wt.setBackend(backend);
    const x = wt.tensor(xData.subarray(0, samples * 784), [samples, 28, 28, 1]);
    const y = wt.tensor(yData.subarray(0, samples * 10), [samples, 10]);
    const model = buildModel(1, 'small'); // the example's network, adam at 0.001
    adapters[name] = oursAdapter(wt, backend);
    counts[name] = samples;
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
  for (const backend of tfBackends) {
    try {
      await useTfjsBackend(tf, backend, { hasGpu: !!gpuAdapter });
      const x = tf.tensor4d(xData.subarray(0, peerSamples * 784), [peerSamples, 28, 28, 1]);
      const y = tf.tensor2d(yData.subarray(0, peerSamples * 10), [peerSamples, 10]);
      const model = tfl.sequential({
        layers: [
          tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 64, activation: 'relu' }),
          tfl.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      });
      model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      adapters[`tfjs-${backend}`] = backend === 'webgpu' ? `webgpu: ${gpuAdapter}` : cpuAdapter();
      counts[`tfjs-${backend}`] = peerSamples;
      impls[`tfjs-${backend}`] = {
        before: () => tf.setBackend(backend),
        run: async () => { await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 }); },
      };
    } catch (e) {
      console.error(`[bench] tfjs-${backend} unavailable: ${errText(e)}`);
    }
  }
}

let jax = null;
if (libs.includes('jax-wasm')) {
  try {
    jax = await import('@jax-js/jax');
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device (has ${devices.join(', ')})`);
    jax.defaultDevice('wasm');
    const { step, state } = jaxTrainer(jax);
    adapters['jax-wasm'] = `jax-js wasm: ${cpuAdapter()}`;
    counts['jax-wasm'] = samples;
    // lax.conv takes NCHW; with one channel, [n, 28, 28, 1] and [n, 1, 28, 28] hold the same floats
    const xs = [];
    const ys = [];
    for (let s = 0; s + BATCH <= samples; s += BATCH) {
      xs.push(xData.slice(s * 784, (s + BATCH) * 784));
      ys.push(yData.slice(s * 10, (s + BATCH) * 10));
    }
    impls['jax-wasm'] = async () => {
      let loss = null;
      for (let b = 0; b < xs.length; b++) {
        loss?.dispose();
        loss = step(state, jax.numpy.array(xs[b]).reshape([BATCH, 1, 28, 28]), jax.numpy.array(ys[b]).reshape([BATCH, 10]));
      }
      await loss.data();
    };
  } catch (e) {
    console.error(`[bench] jax-wasm unavailable: ${errText(e)}`);
  }
}

const res = await timeInterleaved(impls, { warmup: 1, runs });
const rate = {};
for (const [impl, { ms }] of Object.entries(res)) {
  rate[impl] = (counts[impl] / ms) * 1000;
  report({ bench: 'cnn-train', impl, size: counts[impl], ms, samplesPerSec: rate[impl], batchSize: BATCH, adapter: adapters[impl] });
}

// Ratios: each of our backends against each peer (> 1 means ours trains faster).
const ours = Object.keys(rate).filter((k) => k.startsWith('ours-'));
const peers = Object.keys(rate).filter((k) => !k.startsWith('ours-'));
if (ours.length && peers.length) {
  console.log('\nratios (our samples/s divided by the peer\'s; > 1 means ours is faster)');
  console.log(['', ...peers].map((c) => c.padEnd(14)).join(''));
  for (const o of ours) console.log([o, ...peers.map((p) => `${round(rate[o] / rate[p], 3)}x`)].map((c) => c.padEnd(14)).join(''));
}

if (!args['no-gflops']) await convVersusMatmul();

/** The jax-js model: params, a jit(valueAndGrad) + adam step that updates `state` in place, in NCHW. */
function jaxTrainer(jax) {
  const { numpy: np, lax, nn } = jax;
  const key = (i) => jax.random.key(i);
  const glorot = (shape, fanIn, fanOut, i) => {
    const lim = Math.sqrt(6 / (fanIn + fanOut));
    return jax.random.uniform(key(i), shape, { minval: -lim, maxval: lim });
  };
  const params = {
    w1: glorot([16, 1, 3, 3], 9, 144, 1), b1: np.zeros([16]),
    w2: glorot([32, 16, 3, 3], 144, 288, 2), b2: np.zeros([32]),
    w3: glorot([800, 64], 800, 64, 3), b3: np.zeros([64]),
    w4: glorot([64, 10], 64, 10, 4), b4: np.zeros([10]),
  };
  const pool = (h) => lax.reduceWindow(h, (w) => np.max(w), [2, 2], [2, 2]);
  const forward = (p, x) => {
    let h = nn.relu(lax.conv(x, p.w1, [1, 1], 'VALID').add(p.b1.reshape([1, 16, 1, 1])));
    h = pool(h);
    h = nn.relu(lax.conv(h, p.w2, [1, 1], 'VALID').add(p.b2.reshape([1, 32, 1, 1])));
    h = pool(h).reshape([-1, 800]);
    h = nn.relu(np.matmul(h, p.w3).add(p.b3));
    return np.matmul(h, p.w4).add(p.b4);
  };
  const loss = (p, x, y) => np.mean(np.sum(nn.logSoftmax(forward(p, x), -1).mul(y), -1)).mul(-1);
  const [b1, b2, lr, eps] = [0.9, 0.999, 0.001, 1e-7];
  const update = jax.jit((p, m, v, x, y, lrT) => {
    const [l, g] = jax.valueAndGrad(loss)(jax.tree.ref(p), x, y);
    const m2 = jax.tree.map((mi, gi) => mi.mul(b1).add(gi.mul(1 - b1)), m, jax.tree.ref(g));
    const v2 = jax.tree.map((vi, gi) => vi.mul(b2).add(gi.ref.mul(gi).mul(1 - b2)), v, g);
    const p2 = jax.tree.map((pi, mi, vi) => pi.sub(mi.mul(lrT.ref).div(np.sqrt(vi).add(eps))), p, jax.tree.ref(m2), jax.tree.ref(v2));
    lrT.dispose();
    return [p2, m2, v2, l];
  });
  const state = {
    p: params,
    m: jax.tree.map((a) => np.zeros(a.shape), params),
    v: jax.tree.map((a) => np.zeros(a.shape), params),
    t: 0,
  };
  const step = (s, x, y) => {
    s.t++;
    const lrT = np.array(lr * Math.sqrt(1 - b2 ** s.t) / (1 - b1 ** s.t));
    const [p, m, v, l] = update(s.p, s.m, s.v, x, y, lrT);
    Object.assign(s, { p, m, v });
    return l;
  };
  return { step, state };
}

/** GFLOP/s of the second conv layer's forward pass and of a matmul of the same size, per library. */
async function convVersusMatmul() {
  const B = BATCH;
  const m = B * 11 * 11, k = 3 * 3 * 16, nOut = 32;
  const flops = 2 * m * k * nOut;
  const xd = Float32Array.from({ length: B * 13 * 13 * 16 }, (_, i) => Math.sin(i));
  const wd = Float32Array.from({ length: k * nOut }, (_, i) => Math.cos(i));
  const ad = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
  const lines = [];
  const record = (impl, op, ms, adapter) => {
    const gflops = flops / (ms * 1e6);
    lines.push([impl, op, gflops]);
    report({ bench: 'cnn-gflops', impl, size: `${op} ${m}x${k}x${nOut}`, ms, gflops, adapter });
  };
  for (const name of ours) {
    const backend = name.slice(5);
    await wt.setBackend(backend);
    const x = wt.tensor(xd, [B, 13, 13, 16]);
    const w = wt.tensor(wd, [3, 3, 16, 32]);
    const a = wt.tensor(ad, [m, k]);
    const w2 = wt.reshape(w, [k, nOut]);
    const conv = await time(async () => { const y = wt.conv2d(x, w, 1, 'valid'); await y.data(); y.dispose(); }, { warmup: 1, runs });
    const mm = await time(async () => { const y = wt.matmul(a, w2); await y.data(); y.dispose(); }, { warmup: 1, runs });
    record(name, 'conv2d', conv.ms, adapters[name]);
    record(name, 'matmul', mm.ms, adapters[name]);
    wt.dispose([x, w, a, w2]);
  }
  if (jax && impls['jax-wasm']) {
    const np = jax.numpy;
    const x = np.array(xd).reshape([B, 16, 13, 13]);
    const w = np.array(wd).reshape([32, 16, 3, 3]);
    const a = np.array(ad).reshape([m, k]);
    const b = np.array(wd).reshape([k, nOut]);
    const conv = await time(async () => { await jax.lax.conv(x.ref, w.ref, [1, 1], 'VALID').data(); }, { warmup: 1, runs });
    const mm = await time(async () => { await np.matmul(a.ref, b.ref).data(); }, { warmup: 1, runs });
    record('jax-wasm', 'conv2d', conv.ms, adapters['jax-wasm']);
    record('jax-wasm', 'matmul', mm.ms, adapters['jax-wasm']);
  }
  console.log('\nGFLOP/s: conv2d against a matmul of the same size, same backend');
  for (const impl of [...new Set(lines.map((l) => l[0]))]) {
    const g = (op) => lines.find((l) => l[0] === impl && l[1] === op)?.[2];
    console.log(`${impl.padEnd(14)} conv2d ${String(round(g('conv2d'))).padEnd(8)} matmul ${String(round(g('matmul'))).padEnd(8)} conv/matmul ${round(g('conv2d') / g('matmul'))}`);
  }
}
