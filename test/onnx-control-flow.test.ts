// ONNX If and Loop with subgraphs that read outer values (a graph input and an initializer),
// checked against onnxruntime-web's wasm backend on the same bytes; a Loop that never ends is
// stopped with an Error, memory unchanged; and If on webgpu, its feeds read back first.
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';
import { buildModel, INT64 } from './onnx-writer.js';

const BOOL = 9;
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
afterAll(async () => { await wt.setBackend('cpu'); });

/** y = sum(x) > 0 ? x * W : -x - W (W an outer initializer, x the outer input). */
const ifModelOf = (n: number): Uint8Array => buildModel({
  opset: 13,
  inputs: [{ name: 'x', shape: [n] }],
  outputs: [{ name: 'y', shape: [n] }],
  initializers: [{ name: 'W', dims: [n], values: Array.from({ length: n }, (_, i) => [2, -1, 0.5][i % 3]!) }, { name: 'zero', dims: [], values: [0] }],
  nodes: [
    { op: 'ReduceSum', inputs: ['x'], outputs: ['s'], attrs: { keepdims: 0 } },
    { op: 'Greater', inputs: ['s', 'zero'], outputs: ['c'] },
    {
      op: 'If', inputs: ['c'], outputs: ['y'], attrs: {
        then_branch: { graph: { inputs: [], outputs: [{ name: 't', shape: [n] }], nodes: [{ op: 'Mul', inputs: ['x', 'W'], outputs: ['t'] }] } },
        else_branch: { graph: { inputs: [], outputs: [{ name: 'e', shape: [n] }], nodes: [{ op: 'Neg', inputs: ['x'], outputs: ['nx'] }, { op: 'Sub', inputs: ['nx', 'W'], outputs: ['e'] }] } },
      },
    },
  ],
});
const ifModel = ifModelOf(3);

/** acc = x; M times: acc = acc * 2 + x (x from outside the body); outputs the last acc and every acc stacked. */
function loopModel(trips: number | null): Uint8Array {
  return buildModel({
    opset: 13,
    inputs: [{ name: 'x', shape: [2] }],
    outputs: [{ name: 'acc', shape: [2] }, { name: 'all', shape: [null, 2] }],
    initializers: [{ name: 'two', dims: [], values: [2] }, ...(trips === null ? [{ name: 'go', dims: [], dtype: BOOL, values: [1] }] : [{ name: 'M', dims: [], dtype: INT64, values: [trips] }])],
    nodes: [{
      op: 'Loop', inputs: trips === null ? ['', 'go', 'x'] : ['M', '', 'x'], outputs: ['acc', 'all'], attrs: {
        body: { graph: {
          inputs: [{ name: 'i', dtype: INT64, shape: [] }, { name: 'cin', dtype: BOOL, shape: [] }, { name: 'a', shape: [2] }],
          outputs: [{ name: 'cout', dtype: BOOL, shape: [] }, { name: 'a2', shape: [2] }, { name: 'scan', shape: [2] }],
          nodes: [
            { op: 'Identity', inputs: ['cin'], outputs: ['cout'] },
            { op: 'Mul', inputs: ['a', 'two'], outputs: ['m'] },
            { op: 'Add', inputs: ['m', 'x'], outputs: ['a2'] },
            { op: 'Identity', inputs: ['a2'], outputs: ['scan'] },
          ],
        } },
      },
    }],
  });
}

async function ortRun(bytes: Uint8Array, x: number[]): Promise<number[][]> {
  const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from(x), [x.length]) });
    return s.outputNames.map((n) => Array.from(out[n]!.data as Float32Array));
  } finally {
    await s.release();
  }
}

async function ours(bytes: Uint8Array, x: number[]): Promise<number[][]> {
  const s = await wt.onnx.InferenceSession.create(bytes);
  const t = wt.tensor(x, [x.length]);
  // The first run uploads the constants (the subgraphs' too), which the session keeps until release.
  wt.dispose(await s.run({ x: t }));
  const before = wt.memory().numTensors;
  const out = await s.run({ x: t });
  const r = await Promise.all(s.outputNames.map(async (n) => Array.from(await out[n]!.data())));
  wt.dispose(out);
  expect(wt.memory().numTensors).toBe(before);
  t.dispose();
  await s.release();
  return r;
}

const close = (a: number[][], b: number[][]): void => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => { expect(v.length).toBe(b[i]!.length); v.forEach((x, k) => expect(Math.abs(x - b[i]![k]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(b[i]![k]!)))); });
};

const backends = await availableBackends();

describe.each(backends.filter((b) => b === 'cpu' || b === 'wasm'))('ONNX If and Loop against onnxruntime-web, on %s', (backend) => {
  it('If takes the branch the data picks, reading outer values', async () => {
    await wt.setBackend(backend);
    for (const x of [[1, 2, -0.5], [-1, -2, 0.5]]) {
      const got = await ours(ifModel, x);
      close(got, await ortRun(ifModel, x));
      expect(got[0]![0]).toBeCloseTo(x[0]! > 0 ? x[0]! * 2 : -x[0]! - 2, 5);
    }
  });

  it('Loop carries a value, reads an outer input, and stacks its scan output', async () => {
    await wt.setBackend(backend);
    const got = await ours(loopModel(3), [1, -0.5]);
    close(got, await ortRun(loopModel(3), [1, -0.5]));
    // 1 -> 3 -> 7 -> 15; -0.5 -> -1.5 -> -3.5 -> -7.5.
    expect(got[0]).toEqual([15, -7.5]);
    expect(got[1]).toEqual([3, -1.5, 7, -3.5, 15, -7.5]);
  });
});

describe('ONNX control-flow limits', () => {
  it('a Loop whose condition never turns false is stopped, memory unchanged', async () => {
    await wt.setBackend('cpu');
    const s = await wt.onnx.InferenceSession.create(loopModel(null));
    const x = wt.tensor([1e-3, 0]);
    const before = wt.memory().numTensors;
    await expect(s.run({ x })).rejects.toThrow(/Loop.*the loop ran past 10000 iterations/);
    expect(wt.memory().numTensors).toBe(before);
    x.dispose();
    await s.release();
  }, 120_000);

  it.skipIf(!backends.includes('webgpu'))('on webgpu, the feeds an If reads are read back first, so it runs', async () => {
    await wt.setBackend('webgpu');
    // 32 values: more than the small feeds every run reads back; x is read back because the If's
    // branches read it.
    const x = wt.ones([32]);
    const before = wt.memory().numTensors;
    const s = await wt.onnx.InferenceSession.create(ifModelOf(32));
    const out = await s.run({ x });
    expect(Array.from(await out.y!.data())).toEqual(Array.from({ length: 32 }, (_, i) => [2, -1, 0.5][i % 3]!));
    wt.dispose(out);
    await s.release();
    expect(wt.memory().numTensors).toBe(before);
    x.dispose();
  });

});
