/**
 * Gradients through imported graphs: wt.valueAndGrad of a loss of OnnxGraphModel.execute, with
 * respect to the input (through the fused matmul and conv epilogues) and to initializers made
 * trainable weights, checked against central finite differences on the cpu reference; and a few
 * steps of gradient descent on an imported model's last layer lowering its loss on every backend.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';
import { buildModel, seeded } from './onnx-writer.js';

const names = await availableBackends();
afterAll(async () => { await wt.setBackend('cpu'); });

/** x [2, 4] -> MatMul + Add -> Sigmoid -> Gemm -> Tanh: the MatMul + Add + Sigmoid and Gemm + Tanh fuse when folded. */
const mlp = buildModel({
  inputs: [{ name: 'x', shape: ['batch', 4] }],
  outputs: [{ name: 'y', shape: ['batch', 2] }],
  initializers: [
    { name: 'W1', dims: [4, 3], values: seeded(12, 1) },
    { name: 'b1', dims: [3], values: seeded(3, 2) },
    { name: 'W2', dims: [3, 2], values: seeded(6, 3) },
    { name: 'b2', dims: [2], values: seeded(2, 4) },
  ],
  nodes: [
    { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['h0'] },
    { op: 'Add', inputs: ['h0', 'b1'], outputs: ['h1'] },
    { op: 'Sigmoid', inputs: ['h1'], outputs: ['h'] },
    { op: 'Gemm', inputs: ['h', 'W2', 'b2'], outputs: ['z'] },
    { op: 'Tanh', inputs: ['z'], outputs: ['y'] },
  ],
});

/** A conv with bias, tanh, a global average pool and a Gemm head. */
const convNet = buildModel({
  inputs: [{ name: 'x', shape: [1, 2, 5, 5] }],
  outputs: [{ name: 'y', shape: [1, 3] }],
  initializers: [
    { name: 'W', dims: [4, 2, 3, 3], values: seeded(72, 5) },
    { name: 'B', dims: [4], values: seeded(4, 6) },
    { name: 'W2', dims: [3, 4], values: seeded(12, 7) },
  ],
  nodes: [
    { op: 'Conv', inputs: ['x', 'W', 'B'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 0, 1, 0], strides: [1, 2] } },
    { op: 'Tanh', inputs: ['c'], outputs: ['t'] },
    { op: 'GlobalAveragePool', inputs: ['t'], outputs: ['g'] },
    { op: 'Flatten', inputs: ['g'], outputs: ['f'] },
    { op: 'Gemm', inputs: ['f', 'W2'], outputs: ['y'], attrs: { transB: 1 } },
  ],
});

/** Central differences of `f` at every element of `x0` (float64 arithmetic on the host around float32 runs). */
async function numericGrad(f: (x: wt.Tensor) => wt.Tensor, x0: Float32Array, shape: number[], eps = 1e-2): Promise<Float32Array> {
  const g = new Float32Array(x0.length);
  for (let i = 0; i < x0.length; i++) {
    const at = async (d: number): Promise<number> => {
      const v = x0.slice();
      v[i] = v[i]! + d;
      const y = wt.tidy(() => f(wt.tensor(v, shape)));
      const r = (await y.data())[0]!;
      y.dispose();
      return r;
    };
    g[i] = ((await at(eps)) - (await at(-eps))) / (2 * eps);
  }
  return g;
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol * (1 + Math.abs(b[i]!)));
}

const sumSq = (t: wt.Tensor): wt.Tensor => wt.sum(wt.mul(t, t));

describe('wt.grad through imported graphs (cpu, finite differences)', () => {
  it('with respect to the input, through the fused matmul and Gemm epilogues', async () => {
    await wt.setBackend('cpu');
    const before = wt.memory().numTensors;
    const m = await wt.loadGraphModel(mlp);
    expect(m.numSteps).toBe(2); // MatMul + Add + Sigmoid, and Gemm + Tanh
    const x0 = seeded(8, 9);
    const loss = (x: wt.Tensor): wt.Tensor => sumSq(m.execute({ x }).y!);
    const x = wt.tensor(x0, [2, 4]);
    const [value, g] = wt.valueAndGrad(loss)(x);
    expectClose(await g.data(), await numericGrad(loss, x0, [2, 4]), 1e-2);
    expect((await value.data())[0]).toBeGreaterThan(0);
    for (const t of [x, value, g]) t.dispose();
    m.dispose();
    // The model's uploaded constants go with it.
    expect(wt.memory().numTensors).toBe(before);
  });

  it('with respect to trainable weights of an MLP and of a conv net', async () => {
    await wt.setBackend('cpu');
    for (const [bytes, wName, xShape] of [[mlp, 'W1', [2, 4]], [mlp, 'b2', [2, 4]], [convNet, 'W', [1, 2, 5, 5]]] as const) {
      const m = await wt.loadGraphModel(bytes, { trainable: true });
      const weights = m.weights();
      expect(Object.keys(weights).sort()).toEqual(bytes === mlp ? ['W1', 'W2', 'b1', 'b2'] : ['B', 'W', 'W2']);
      const x = wt.tensor(seeded(xShape.reduce((a, b) => a * b, 1), 11), [...xShape]);
      const loss = (w: wt.Tensor): wt.Tensor => sumSq(m.execute({ x }, { weights: { [wName]: w } }).y!);
      const w0 = await weights[wName]!.data() as Float32Array;
      const [value, g] = wt.valueAndGrad(loss)(weights[wName]!);
      expectClose(await g.data(), await numericGrad(loss, w0, [...weights[wName]!.shape]), 2e-2);
      for (const t of [x, value, g]) t.dispose();
      m.dispose();
    }
  });
});

const lossesBy: Record<string, number[]> = {};

describe.each(names)('fine-tuning the last layer of an imported model (%s)', (backend) => {
  it('lowers the loss over 20 steps of gradient descent, with weights updated through setWeights', async () => {
    await wt.setBackend(backend as wt.BackendName);
    const m = await wt.loadGraphModel(mlp, { trainable: true });
    const x = wt.tensor(seeded(8, 21), [2, 4]);
    const target = wt.tensor([[0.5, -0.5], [-0.25, 0.75]]);
    const loss = (w: wt.Tensor): wt.Tensor => wt.mean(wt.square(wt.sub(m.execute({ x }, { weights: { W2: w } }).y!, target)));
    const losses: number[] = [];
    m.weights(); // created on first use, then owned by the model
    const before = wt.memory().numTensors;
    for (let step = 0; step < 20; step++) {
      const w = m.weights()['W2']!;
      const [value, g] = wt.valueAndGrad(loss)(w);
      losses.push((await value.data())[0]!);
      const next = wt.tidy(() => wt.sub(w, wt.mul(g, 0.5)));
      m.setWeights({ W2: next });
      for (const t of [value, g, next]) t.dispose();
    }
    expect(wt.memory().numTensors).toBe(before);
    expect(losses[19]!).toBeLessThan(losses[0]! * 0.8);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThanOrEqual(losses[i - 1]! + 1e-6);
    lossesBy[backend] = losses;
    for (const t of [x, target]) t.dispose();
    m.dispose();
  });
});

describe('fine-tuning parity', () => {
  it('gives the same losses on every backend as on cpu, within 1e-4', () => {
    expect(Object.keys(lossesBy).sort()).toEqual([...names].sort());
    for (const [b, l] of Object.entries(lossesBy)) {
      l.forEach((v, i) => expect(Math.abs(v - lossesBy['cpu']![i]!), `${b} step ${i}`).toBeLessThan(1e-4));
    }
  });
});
