// TF.js graph models that other people converted and published (@vladmandic/human's detectors,
// fetched by scripts/fetch-models.mjs), run through wt.loadGraphModel and checked against
// @tensorflow/tfjs-converter running the same files on the same inputs: float32 and float16
// weights, _FusedConv2D / depthwise / _FusedMatMul / Pad / Prelu / pools / StridedSlice / resize;
// models that need ops we lack are refused at load, naming them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfc from '@tensorflow/tfjs-converter';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { pixels, tfFileHandler } from './peer-files.js';
import { availableBackends } from './backends.js';

const HUMAN = join(import.meta.dirname, '..', '.models', 'human');

beforeAll(async () => {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'fetch-models.mjs')], { stdio: 'ignore' });
  await tf.setBackend('cpu');
}, 120_000);

interface Case { model: string; shape: number[]; dtype: 'float32' | 'int32'; scale: number; atol: number }

const CASES: Case[] = [
  { model: 'emotion', shape: [2, 64, 64, 1], dtype: 'float32', scale: 1, atol: 1e-5 },
  { model: 'antispoof', shape: [1, 128, 128, 3], dtype: 'float32', scale: 1, atol: 1e-5 },
  { model: 'liveness', shape: [1, 32, 32, 3], dtype: 'float32', scale: 1, atol: 1e-5 },
  { model: 'blazeface', shape: [1, 256, 256, 3], dtype: 'float32', scale: 1, atol: 2e-4 },
  { model: 'iris', shape: [1, 64, 64, 3], dtype: 'float32', scale: 1, atol: 2e-4 },
  // GatherNd (keypoints picked by ArgMax) on int32 pixels.
  { model: 'movenet-lightning', shape: [1, 192, 192, 3], dtype: 'int32', scale: 255, atol: 2e-4 },
  // TopKV2 over the heatmap.
  { model: 'centernet', shape: [1, 512, 512, 3], dtype: 'float32', scale: 1, atol: 2e-4 },
];

async function theirs(c: Case, x: Float32Array): Promise<{ shape: number[]; data: Float32Array }[]> {
  const m = await tfc.loadGraphModel(tfFileHandler(join(HUMAN, `${c.model}.json`)));
  const t = c.dtype === 'int32' ? tf.tensor(Int32Array.from(x, Math.floor), c.shape, 'int32') : tf.tensor(x, c.shape);
  const ys = ([] as tf.Tensor[]).concat(m.execute(t) as tf.Tensor | tf.Tensor[]);
  const out = await Promise.all(ys.map(async (y) => ({ shape: y.shape, data: Float32Array.from(await y.data()) })));
  tf.dispose([t, ...ys]);
  m.dispose();
  return out;
}

const backends = (await availableBackends()).filter((b) => b === 'cpu' || b === 'wasm');

describe.each(backends)('TF.js graph models on %s', (backend) => {
  beforeAll(async () => {
    await wt.setBackend(backend);
  });

  it.each(CASES)('$model gives tfjs-converter\'s outputs', async (c) => {
    const x = pixels(c.shape.reduce((a, b) => a * b, 1), 7, c.scale);
    const want = await theirs(c, x);
    const m = await wt.loadGraphModel(`file://${join(HUMAN, `${c.model}.json`)}`);
    expect(m.inputNodes.length).toBe(1);
    const t = c.dtype === 'int32' ? wt.tensor(Int32Array.from(x, Math.floor), c.shape, 'int32') : wt.tensor(x, c.shape);
    // The first run uploads the weights, which the model keeps; a second run must add nothing.
    wt.dispose(m.execute(t) as wt.Tensor | wt.Tensor[]);
    const before = wt.memory().numTensors;
    const ys = ([] as wt.Tensor[]).concat(m.execute(t) as wt.Tensor | wt.Tensor[]);
    expect(ys.length).toBe(want.length);
    for (const [i, y] of ys.entries()) {
      expect(y.shape).toEqual(want[i]!.shape);
      const got = await y.data();
      let worst = 0;
      for (let k = 0; k < got.length; k++) worst = Math.max(worst, Math.abs(got[k]! - want[i]!.data[k]!) / (1 + Math.abs(want[i]!.data[k]!)));
      expect(worst).toBeLessThanOrEqual(c.atol);
    }
    wt.dispose(ys);
    expect(wt.memory().numTensors).toBe(before);
    t.dispose();
    m.dispose();
  }, 120_000);
});

describe('graph model API and errors', () => {
  beforeAll(async () => {
    await wt.setBackend('cpu');
  });

  it('lists inputs and outputs as TF.js does, and predict takes tensors by name', async () => {
    const m = await wt.loadGraphModel(`file://${join(HUMAN, 'emotion.json')}`);
    expect(m.inputs).toEqual([{ name: 'input_1', shape: [-1, 64, 64, 1], dtype: 'float32' }]);
    expect(m.outputNodes).toEqual(['Identity']);
    const x = wt.zeros([1, 64, 64, 1]);
    const byName = m.predict({ 'input_1:0': x }) as wt.Tensor;
    const plain = (await m.executeAsync(x, 'Identity:0')) as wt.Tensor;
    expect(Array.from(await byName.data())).toEqual(Array.from(await plain.data()));
    const probs = await plain.data();
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    wt.dispose([x, byName, plain]);
    m.dispose();
  });

  it('refuses wrong feeds with Errors naming the input, and leaves memory unchanged', async () => {
    const m = await wt.loadGraphModel(`file://${join(HUMAN, 'emotion.json')}`);
    const before = wt.memory().numTensors;
    const x = wt.zeros([1, 32, 32, 1]);
    expect(() => m.execute(x)).toThrow(/input 'input_1' expects dimension 1 to be 64, got \[1,\s?32,\s?32,\s?1\]/);
    expect(() => m.execute({ nope: x })).toThrow(/'nope' is not an input of this model/);
    expect(() => m.execute([x, x])).toThrow(/the model has 1 input\(s\) \(input_1\), got 2 tensors/);
    x.dispose();
    expect(wt.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('lists every op a model uses that we do not run, at load', async () => {
    // handtrack with three op types renamed to ones TensorFlow does not have.
    const j = JSON.parse(readFileSync(join(HUMAN, 'handtrack.json'), 'utf8'));
    const renamed = new Map([['TensorListReserve', 'NoSuchListOp'], ['LoopCond', 'NoSuchCond'], ['NonMaxSuppressionV5', 'NoSuchNms']]);
    for (const n of j.modelTopology.node) n.op = renamed.get(n.op) ?? n.op;
    const handler = tfFileHandler(join(HUMAN, 'handtrack.json'));
    const a = await handler.load!();
    const err = await wt.loadGraphModel({ load: async () => ({ ...a, modelTopology: j.modelTopology }) }).then(() => null, (e: Error) => e.message);
    expect(err).toMatch(/^loadGraphModel: the model uses 3 unsupported op types: /);
    for (const op of ['NoSuchListOp', 'NoSuchCond', 'NoSuchNms (7 nodes)']) expect(err).toContain(op);
  });
});
