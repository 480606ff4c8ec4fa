/**
 * Shared by the tests that load the same model files into TensorFlow.js as into our loader: a tfjs
 * IOHandler reading model.json and its shards with node:fs (tfjs-node is not installed), and
 * deterministic pixels in [0, scale) so both libraries see the same inputs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';

export function tfFileHandler(file: string): tf.io.IOHandler {
  return {
    async load() {
      const j = JSON.parse(readFileSync(file, 'utf8'));
      const specs = j.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
      const all = Buffer.concat(j.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(file, '..', p)))));
      return { modelTopology: j.modelTopology, weightSpecs: specs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), signature: j.signature, format: j.format };
    },
  };
}

export function pixels(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s >>> 8) / 16777216) * scale;
  }
  return out;
}
