/**
 * Differential tests against onnxruntime-web's wasm backend, run in Node in the same test: a small
 * CNN built here from node protos (conv + batch norm + relu + pool, a Shape -> Gather -> Concat ->
 * Reshape flatten, Gemm, softmax, a symbolic batch dim) and, when present, published models (see
 * REAL_MODELS), fed the same seeded inputs on every backend we have; also the fusion and folding
 * the planner does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';
import { buildModel, cnnBytes, INT64, seeded } from './onnx-writer.js';

const names = await availableBackends();
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

async function ortRun(bytes: Uint8Array, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
    const out = await s.run(inputs);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { data: v.data as Float32Array, dims: v.dims }]));
  } finally {
    await s.release();
  }
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  expect(worst).toBeLessThan(tol);
}

/** Ours on `backend` against onnxruntime-web for the model bytes and float32 feeds. */
async function compare(bytes: Uint8Array | string, feeds: Record<string, { data: Float32Array; dims: number[] }>, backend: string, tol = 1e-4): Promise<void> {
  const modelBytes = typeof bytes === 'string' ? new Uint8Array(readFileSync(bytes)) : bytes;
  const expected = await ortRun(modelBytes, feeds);
  await wt.setBackend(backend as wt.BackendName);
  const before = wt.memory().numTensors;
  const session = await wt.onnx.InferenceSession.create(bytes);
  const ins = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, wt.tensor(v.data, v.dims)]));
  const out = await session.run(ins);
  for (const [k, e] of Object.entries(expected)) {
    expect(out[k]!.shape).toEqual([...e.dims]);
    close(await out[k]!.data(), e.data, tol);
  }
  for (const t of [...Object.values(ins), ...Object.values(out)]) t.dispose();
  await session.release();
  expect(wt.memory().numTensors).toBe(before);
}

afterAll(async () => { await wt.setBackend('cpu'); });

describe.each(names)('ONNX models against onnxruntime-web (%s)', (backend) => {
  it('a CNN with batch norm, a shape-computed flatten and a symbolic batch matches, for two batch sizes', async () => {
    for (const n of [1, 3]) await compare(cnnBytes(), { x: { data: seeded(n * 192, 10 + n), dims: [n, 3, 8, 8] } }, backend);
  });
});

/**
 * A published model: openwakeword-js 0.1.27 (Apache-2.0) ships PyTorch-exported wake-word MLPs
 * (Flatten, Gemm, layer norm written out as ReduceMean / Pow / Sqrt, Relu, Sigmoid). Not committed:
 * scripts/fetch-models.mjs brings them into .models/openwakeword (ONNX_REAL_MODELS overrides the
 * folder). Under CI=true a missing folder fails instead of skipping.
 */
const REAL_MODELS = process.env['ONNX_REAL_MODELS'] ?? join(import.meta.dirname, '..', '.models', 'openwakeword');
const IN_CI = process.env['CI'] === 'true';
describe.skipIf(!IN_CI && !existsSync(REAL_MODELS))(`published ONNX models in ${REAL_MODELS}`, () => {
  it('are there (node scripts/fetch-models.mjs)', () => {
    expect(existsSync(REAL_MODELS), `${REAL_MODELS} is missing: run node scripts/fetch-models.mjs`).toBe(true);
    expect(readdirSync(REAL_MODELS).filter((x) => x.endsWith('.onnx')).length).toBeGreaterThanOrEqual(3);
  });
  it.each(names)('match onnxruntime-web on %s', async (backend) => {
    for (const f of readdirSync(REAL_MODELS).filter((x) => x.endsWith('.onnx'))) {
      const file = join(REAL_MODELS, f);
      const m = await wt.loadGraphModel(file);
      const dims = m.inputs[0]!.shape as number[];
      m.dispose();
      await compare(file, { [m.inputNames[0]!]: { data: seeded(dims.reduce((a, b) => a * b, 1), 5), dims } }, backend);
    }
  });
});

describe('the plan of the CNN', () => {
  beforeAll(async () => { await wt.setBackend('cpu'); });
  it('folds the batch norm into the conv, fuses relu into it and gemm, and folds nothing it should not', async () => {
    const m = await wt.loadGraphModel(cnnBytes());
    // 10 nodes: BatchNormalization folded and Relu fused into Conv; Shape/Gather/Concat stay (they need the run's batch).
    expect(m.numSteps).toBe(8);
    expect(m.inputNames).toEqual(['x']);
    expect(m.outputNames).toEqual(['probs', 'logits']);
    expect(m.inputs[0]!.shape).toEqual(['N', 3, 8, 8]);
    m.dispose();
  });
  it('folds shape arithmetic on an input whose dims are declared', async () => {
    const bytes = (dims: (number | string)[]): Uint8Array => buildModel({
      inputs: [{ name: 'x', shape: dims }],
      outputs: [{ name: 'y' }],
      initializers: [{ name: 'zero', dims: [1], dtype: INT64, values: [0] }, { name: 'minus1', dims: [1], dtype: INT64, values: [-1] }],
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: 0 } },
        { op: 'Concat', inputs: ['n', 'minus1'], outputs: ['shape'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
      ],
    });
    const fixed = await wt.loadGraphModel(bytes([2, 3, 4]));
    const dynamic = await wt.loadGraphModel(bytes(['n', 3, 4]));
    expect([fixed.numSteps, dynamic.numSteps]).toEqual([1, 4]);
    const x = wt.reshape(wt.arange(24), [2, 3, 4]);
    for (const m of [fixed, dynamic]) {
      const y = m.execute({ x }).y!;
      expect(y.shape).toEqual([2, 12]);
      expect(Array.from(await y.data())).toEqual(Array.from({ length: 24 }, (_, i) => i));
      y.dispose();
      m.dispose();
    }
    x.dispose();
  });
  it('refuses feeds whose shape contradicts the declared dims before running', async () => {
    const m = await wt.loadGraphModel(cnnBytes());
    const x = wt.zeros([1, 4, 8, 8]);
    const before = wt.memory();
    expect(() => m.execute({ x })).toThrow(/input 'x' expects dimension 1 to be 3, got \[1,4,8,8\]/);
    expect(wt.memory()).toEqual(before);
    expect(() => m.execute({ y: x })).toThrow(/'y' is not an input of this model \(inputs: x\)/);
    x.dispose();
    m.dispose();
  });

});
