/**
 * A shallow network, 20 inputs -> 10 tanh units -> 1 sigmoid unit, trained by hand on a synthetic
 * binary problem (makeClassification: 5000 samples, 20 features; the first 4000 train, the last 1000
 * test). Features-by-examples layout: X is [20, m], W1 [10, 20], b1 [10, 1], W2 [1, 10], b2 [1, 1].
 * Forward:  Z1 = W1 X + b1,  A1 = tanh(Z1),  Z2 = W2 A1 + b2,  A2 = sigmoid(Z2).
 * Backward: dZ2 = A2 - Y,  dW2 = dZ2 A1^T / m,  db2 = sum(dZ2) / m,
 *           dZ1 = (W2^T dZ2) * (1 - A1^2),  dW1 = dZ1 X^T / m,  db1 = sum(dZ1) / m.
 * Mini-batches of 100 in a fixed order; weights start as randn * 0.01.
 *
 *   node dist/examples/shallow-network.js [--backend cpu|webgpu|wasm|gpujs]
 */
import * as wt from '../index.js';
import { accuracy, assign, chooseBackend, isMain } from './common.js';

export interface ShallowOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Print the loss every this many epochs (0: quiet). */
  logEvery?: number;
}

export interface ShallowResult {
  /** Loss of the last mini-batch, every `logEvery` epochs (or every 10). */
  losses: number[];
  trainAccuracy: number;
  testAccuracy: number;
}

interface Params extends Record<string, wt.Tensor> { W1: wt.Tensor; b1: wt.Tensor; W2: wt.Tensor; b2: wt.Tensor }

function forward(x: wt.Tensor, p: Params): { a1: wt.Tensor; a2: wt.Tensor } {
  const a1 = wt.matmul(p.W1, x).add(p.b1).tanh();
  const a2 = wt.matmul(p.W2, a1).add(p.b2).sigmoid();
  return { a1, a2 };
}

function backward(x: wt.Tensor, y: wt.Tensor, p: Params, a1: wt.Tensor, a2: wt.Tensor): Params {
  const m = x.shape[1]!;
  const dz2 = a2.sub(y);
  const dz1 = wt.tanhGrad(wt.matmul(p.W2, dz2, { transposeA: true }), a1); // (W2^T dZ2) * (1 - A1^2)
  return {
    W1: wt.matmul(dz1, x, { transposeB: true }).mul(1 / m),
    b1: dz1.sum(1, true).mul(1 / m),
    W2: wt.matmul(dz2, a1, { transposeB: true }).mul(1 / m),
    b2: dz2.sum(1, true).mul(1 / m),
  };
}

function binaryCrossEntropy(a2: wt.Tensor, y: wt.Tensor): wt.Tensor {
  const a = a2.clip(1e-7, 1 - 1e-7);
  return y.mul(a.log()).add(wt.sub(1, y).mul(wt.sub(1, a).log())).mean().neg();
}

async function predict(x: wt.Tensor, p: Params): Promise<Float32Array> {
  const t = wt.tidy(() => forward(x, p).a2.greater(0.5).reshape([-1]));
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

export async function run(opts: ShallowOptions = {}): Promise<ShallowResult> {
  const { epochs = 100, batchSize = 100, learningRate = 1, seed = 0, logEvery = 0 } = opts;
  const nTrain = 4000;
  const data = wt.datasets.makeClassification({ nSamples: 5000, nFeatures: 20, nInformative: 8, nRedundant: 2, seed });
  const [xTrain, xTest, yTrain] = wt.tidy(() => [
    data.x.slice([0, 0], [nTrain, 20]).transpose(),   // [20, 4000]
    data.x.slice([nTrain, 0], [-1, 20]).transpose(),  // [20, 1000]
    data.y.slice([0], [nTrain]).reshape([1, nTrain]),
  ]);
  wt.dispose([data.x, data.y]);

  const p: Params = wt.tidy(() => ({
    W1: wt.randn([10, 20], { seed: seed + 1 }).mul(0.01),
    b1: wt.zeros([10, 1]),
    W2: wt.randn([1, 10], { seed: seed + 2 }).mul(0.01),
    b2: wt.zeros([1, 1]),
  }));
  const losses: number[] = [];
  const every = logEvery > 0 ? logEvery : 10;
  for (let e = 0; e < epochs; e++) {
    let last: wt.Tensor | null = null;
    for (let start = 0; start + batchSize <= nTrain; start += batchSize) {
      last?.dispose();
      const [next, loss] = wt.tidy(() => {
        const x = xTrain.slice([0, start], [20, batchSize]);
        const y = yTrain.slice([0, start], [1, batchSize]);
        const { a1, a2 } = forward(x, p);
        const g = backward(x, y, p, a1, a2);
        const step = (k: 'W1' | 'b1' | 'W2' | 'b2'): wt.Tensor => p[k].sub(g[k].mul(learningRate));
        return [{ W1: step('W1'), b1: step('b1'), W2: step('W2'), b2: step('b2') }, binaryCrossEntropy(a2, y)] as const;
      });
      assign(p, next);
      last = loss;
    }
    if (last && e % every === 0) {
      losses.push((await last.data())[0]!);
      if (logEvery > 0) console.log(`epoch ${e}: loss ${losses[losses.length - 1]!.toFixed(4)}`);
    }
    last?.dispose();
  }
  const result = {
    losses,
    trainAccuracy: accuracy(await predict(xTrain, p), data.labels.subarray(0, nTrain)),
    testAccuracy: accuracy(await predict(xTest, p), data.labels.subarray(nTrain)),
  };
  wt.dispose([xTrain, xTest, yTrain, p]);
  return result;
}

if (isMain(import.meta.url)) {
  const backend = await chooseBackend();
  console.log(`backend: ${backend}`);
  const r = await run({ epochs: 500, logEvery: 50 });
  console.log(`accuracy: train ${(r.trainAccuracy * 100).toFixed(1)}%, test ${(r.testAccuracy * 100).toFixed(1)}%`);
}
