/**
 * Inference of pretrained models that other people published in npm packages (scripts/fetch-models.mjs
 * brings them into .models/): layers models (nsfwjs's quantized MobileNet-v2 at 224x224, the
 * ESRGAN-style functional upscaler) through wt.loadLayersModel beside @tensorflow/tfjs-layers, and
 * TF.js graph models (@vladmandic/human's BlazeFace detector and emotion classifier) through
 * wt.loadGraphModel beside @tensorflow/tfjs-converter; ours on wasm against tfjs-wasm and ours on
 * webgpu against tfjs-webgpu on the same adapter, interleaved. Also the time each takes to load.
 *
 * Usage: node bench/models-infer.mjs [--quick] [--runs=N] [--models=mobilenet,upscaler,blazeface,emotion]
 *   [--backends=wasm,webgpu]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { oursAdapter, parseArgs, ratioTable, report, timeInterleaved, useTfjsBackend } from './lib.mjs';

const args = parseArgs();
const quick = Boolean(args.quick);
const runs = Number(args.runs ?? (quick ? 3 : 7));
const root = fileURLToPath(new URL('..', import.meta.url));
const wanted = String(args.models ?? 'mobilenet,upscaler,blazeface,emotion').split(',');
const backends = String(args.backends ?? 'wasm,webgpu').split(',');
const errText = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);

execFileSync(process.execPath, [join(root, 'scripts', 'fetch-models.mjs')], { stdio: 'ignore' });
const M = join(root, '.models');
const MODELS = {
  mobilenet: { kind: 'layers', file: join(M, 'nsfw-mobilenet-v2', 'model.json'), shape: [1, 224, 224, 3] },
  upscaler: { kind: 'layers', file: join(M, 'upscaler-default', 'model.json'), shape: [1, 64, 64, 3] },
  blazeface: { kind: 'graph', file: join(M, 'human', 'blazeface.json'), shape: [1, 256, 256, 3] },
  emotion: { kind: 'graph', file: join(M, 'human', 'emotion.json'), shape: [1, 64, 64, 1] },
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
const tfl = await import('@tensorflow/tfjs-layers');
const tfc = await import('@tensorflow/tfjs-converter');

function tfHandler(file) {
  return {
    async load() {
      const j = JSON.parse(readFileSync(file, 'utf8'));
      const all = Buffer.concat(j.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(file, '..', p)))));
      return { modelTopology: j.modelTopology, weightSpecs: j.weightsManifest.flatMap((g) => g.weights), weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), signature: j.signature, format: j.format };
    },
  };
}

const pixels = (n) => Float32Array.from({ length: n }, (_, i) => ((i * 2654435761) >>> 8) / 16777216);

for (const backend of backends) {
  if (backend === 'webgpu' && !gpuAdapter) continue;
  for (const name of wanted) {
    const spec = MODELS[name];
    if (!spec) throw new Error(`models-infer: unknown model '${name}' (expected ${Object.keys(MODELS).join(', ')})`);
    const size = `${name} ${spec.shape.join('x')}`;
    const x = pixels(spec.shape.reduce((a, b) => a * b, 1));
    const impls = {};
    let adapter = backend;
    try {
      await wt.setBackend(backend);
      adapter = oursAdapter(wt, backend);
      const t0 = performance.now();
      const m = spec.kind === 'layers' ? await wt.loadLayersModel(`file://${spec.file}`) : await wt.loadGraphModel(`file://${spec.file}`);
      const xt = wt.tensor(x, spec.shape);
      const run = async () => { const y = m.predict(xt); const ys = [].concat(y); await Promise.all(ys.map((t) => t.data())); wt.dispose(ys); };
      await run();
      report({ bench: 'models-load', impl: 'ours', size: `${size} ${backend}`, ms: performance.now() - t0, adapter });
      impls.ours = { before: () => wt.setBackend(backend), run };
    } catch (e) {
      console.error(`[bench] ours-${backend} ${name}: ${errText(e)}`);
    }
    try {
      await useTfjsBackend(tf, backend, { hasGpu: !!gpuAdapter });
      const t0 = performance.now();
      const m = spec.kind === 'layers' ? await tfl.loadLayersModel(tfHandler(spec.file)) : await tfc.loadGraphModel(tfHandler(spec.file));
      const xt = tf.tensor(x, spec.shape);
      const run = async () => { const y = m.predict(xt); const ys = [].concat(y); await Promise.all(ys.map((t) => t.data())); tf.dispose(ys); };
      await run();
      report({ bench: 'models-load', impl: `tfjs-${backend}`, size: `${size} ${backend}`, ms: performance.now() - t0, adapter });
      impls[`tfjs-${backend}`] = { before: () => tf.setBackend(backend), run };
    } catch (e) {
      console.error(`[bench] tfjs-${backend} ${name}: ${errText(e)}`);
    }
    const r = await timeInterleaved(impls, { warmup: 1, runs });
    for (const [impl, { ms }] of Object.entries(r)) report({ bench: 'models-infer', impl, size: `${size} ${backend}`, ms, adapter, threads: backend === 'wasm' ? (impl === 'ours' ? wt.getWasmThreads() : 1) : undefined });
  }
}
ratioTable('ours');
