#!/usr/bin/env node
// Brings the pretrained models that the loader tests and benchmarks run (published in npm packages by
// their authors, MIT or Apache-2.0 licensed) into .models/, an ignored folder: their weights stay out of the
// repository. Each package is pinned by version and integrity; `npm pack` fetches it from the registry
// (or npm's cache). The nsfwjs models ship as JavaScript modules wrapping model.json and base64 weight
// shards; they are written out as an ordinary TF.js layers folder (model.json + .bin shards), which is
// what a user of either library would load.
//
//   node scripts/fetch-models.mjs          fetch what is missing, print the folders
//   node scripts/fetch-models.mjs --check  exit 1 if anything is missing (fetches nothing)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MODELS_DIR = join(root, '.models');

/** The pinned packages, and the model folders each yields under .models/. */
export const PACKAGES = [
  {
    spec: '@upscalerjs/default-model@1.0.0',
    integrity: 'sha512-D17cokQBpciTBrlFuY5WtS7TH0WE3h5m44PYiPPCSq1jlWjG9BvH5/rnm9AhQPV6TT3Bqbg5GAPV8/qpR47/hQ==',
    // An ESRGAN-style super-resolution network: a Keras functional model with free height and width.
    models: { 'upscaler-default': { from: 'models', kind: 'layers' } },
  },
  {
    spec: 'nsfwjs@4.4.0',
    integrity: 'sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==',
    // Image classifiers (Keras 2.2 'Model' configs with uint8-quantized weights): MobileNet-v2 in one
    // shard, Inception-v3 in six.
    models: {
      'nsfw-mobilenet-v2': { from: 'dist/models/mobilenet_v2', kind: 'wrapped-layers' },
      'nsfw-inception-v3': { from: 'dist/models/inception_v3', kind: 'wrapped-layers' },
    },
  },
  {
    spec: '@vladmandic/human@3.3.6',
    integrity: 'sha512-Nr5mPfq1gQ+uKeXY5uM3Fj8UxvF5CEh2s6txM5wRThqaW0mF9huooOuZSrT8hhGho0hGaXLFdAwfD/2+teCv6A==',
    // TF.js graph models (GraphDef JSON + weights) of face, hand and body detectors: float32,
    // float16 and uint8 weights, and one (handtrack) with while-loop control flow and TensorLists.
    models: { human: { from: 'models', kind: 'layers', check: 'emotion.json' } },
  },
  {
    spec: 'openwakeword-js@0.1.27',
    integrity: 'sha512-/xGF1SkO28aOlbr8lawLNBQwbzCMoiSvLoK2E3DB2rQxl6RIVEtYnjxCGW1/EtCI8fusu3uZuQhlh0a9fq2clQ==',
    // ONNX files exported from PyTorch (Apache-2.0): wake-word classifiers (Flatten, Gemm, layer
    // norm written out as ReduceMean / Pow / Sqrt, Relu, Sigmoid).
    models: { openwakeword: { from: 'models', kind: 'layers', check: 'hello_deepa.onnx' } },
  },
];

/** The folder of a model by name (it holds model.json, or for `human` one JSON file a model); it may not exist yet. */
export function modelDir(name) {
  return join(MODELS_DIR, name);
}

function missing() {
  return PACKAGES.filter((p) => Object.entries(p.models).some(([m, d]) => !existsSync(join(modelDir(m), d.check ?? 'model.json'))));
}

function fetchPackage(p) {
  const tmp = join(MODELS_DIR, '.tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const out = JSON.parse(execFileSync('npm', ['pack', p.spec, '--json', '--pack-destination', tmp], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  const tgz = join(tmp, out[0].filename);
  const got = 'sha512-' + createHash('sha512').update(readFileSync(tgz)).digest('base64');
  if (got !== p.integrity) throw new Error(`fetch-models: ${p.spec} has integrity ${got}, expected ${p.integrity}`);
  execFileSync('tar', ['xzf', tgz, '-C', tmp]);
  for (const [name, m] of Object.entries(p.models)) {
    const src = join(tmp, 'package', m.from);
    const dst = modelDir(name);
    rmSync(dst, { recursive: true, force: true });
    if (m.kind === 'layers') {
      renameSync(src, dst);
    } else {
      unwrap(src, dst);
    }
    const licence = join(tmp, 'package', 'LICENSE');
    if (existsSync(licence)) writeFileSync(join(dst, 'LICENSE'), readFileSync(licence));
    writeFileSync(join(dst, 'SOURCE'), `${p.spec} (${p.integrity}), ${m.from}\n`);
  }
  rmSync(tmp, { recursive: true, force: true });
}

// The wrapped form: model.min.js exports the model.json object, each groupN-shardKofM.min.js a base64
// string of that shard's bytes. Running them is running the package's own code, which `npm install`
// of the package would do as well; they only return constants.
function unwrap(src, dst) {
  const req = createRequire(join(src, 'x.js'));
  const json = req('./model.min.js');
  mkdirSync(dst, { recursive: true });
  for (const group of json.weightsManifest) {
    group.paths = group.paths.map((p) => {
      const b64 = req(`./${p}.min.js`);
      if (typeof b64 !== 'string') throw new Error(`fetch-models: ${p}.min.js did not export a base64 string`);
      writeFileSync(join(dst, `${p}.bin`), Buffer.from(b64, 'base64'));
      return `${p}.bin`;
    });
  }
  writeFileSync(join(dst, 'model.json'), JSON.stringify({ format: 'layers-model', ...json }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const todo = missing();
  if (process.argv.includes('--check')) {
    if (todo.length) {
      console.error(`fetch-models: missing ${todo.map((p) => p.spec).join(', ')}; run node scripts/fetch-models.mjs`);
      process.exit(1);
    }
  } else {
    for (const p of todo) fetchPackage(p);
  }
  for (const name of readdirSync(MODELS_DIR).filter((n) => !n.startsWith('.'))) console.log(modelDir(name));
}
