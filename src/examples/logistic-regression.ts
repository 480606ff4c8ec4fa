/**
 * Logistic regression written with raw tensor ops, in the features-by-examples layout
 * (X is [nx, m], one column per example; w is [nx, 1]; b a scalar broadcast across columns):
 *   A = sigmoid(w^T X + b),   J = -1/m sum(Y log A + (1 - Y) log(1 - A)),
 *   dZ = A - Y,   dw = X dZ^T / m,   db = sum(dZ) / m,   w -= lr dw,   b -= lr db.
 * The hand-derived gradient is checked once against autodiff (wt.grad) of the same cost.
 *
 *   node dist/examples/logistic-regression.js [--backend cpu|webgpu|wasm|gpujs]
 */
import * as wt from '../index.js';
import { accuracy, assign, chooseBackend, isMain } from './common.js';

export interface LogisticResult {
  /** Cross-entropy cost every 10 iterations. */
  costs: number[];
  trainAccuracy: number;
  testAccuracy: number;
  /** Largest |manual - autodiff| over dw and db at the first step. */
  gradientError: number;
}

interface Params extends Record<string, wt.Tensor> { w: wt.Tensor; b: wt.Tensor }

const forward = (x: wt.Tensor, p: Params): wt.Tensor => wt.matmul(p.w, x, { transposeA: true }).add(p.b).sigmoid(); // [1, m]

function cost(a: wt.Tensor, y: wt.Tensor): wt.Tensor {
  const m = y.shape[1]!;
  const eps = 1e-7; // keeps log away from 0 once the model is confident
  const aa = a.clip(eps, 1 - eps);
  return y.mul(aa.log()).add(wt.sub(1, y).mul(wt.sub(1, aa).log())).sum().mul(-1 / m);
}

function gradients(x: wt.Tensor, y: wt.Tensor, p: Params): Params {
  const m = x.shape[1]!;
  const dz = forward(x, p).sub(y);
  return { w: wt.matmul(x, dz, { transposeB: true }).mul(1 / m), b: dz.sum().mul(1 / m) };
}

async function predictLabels(x: wt.Tensor, p: Params): Promise<Float32Array> {
  const t = wt.tidy(() => forward(x, p).greater(0.5).reshape([-1]));
  const v = await t.data() as Float32Array;
  t.dispose();
  return v;
}

export async function run({ iterations = 300, learningRate = 0.5, nSamples = 1000, seed = 3 } = {}): Promise<LogisticResult> {
  const data = wt.datasets.makeClassification({ nSamples, nFeatures: 10, nInformative: 4, nRedundant: 2, nClustersPerClass: 1, classSep: 1.5, seed });
  const nTrain = Math.round(nSamples * 0.8);
  const [xTrain, xTest, yTrain] = wt.tidy(() => [
    data.x.slice([0, 0], [nTrain, 10]).transpose(),    // [10, m]
    data.x.slice([nTrain, 0], [-1, 10]).transpose(),
    data.y.slice([0], [nTrain]).reshape([1, nTrain]),  // [1, m]
  ]);
  wt.dispose([data.x, data.y]);

  const p: Params = { w: wt.zeros([10, 1]), b: wt.scalar(0) };
  // Check the hand-written gradient against autodiff at the starting point (w = 0 gives a trivial
  // gradient, so use small random weights for the check).
  const probe: Params = { w: wt.randn([10, 1], { seed, std: 0.1 }), b: wt.scalar(0.1) };
  const diffs = wt.tidy(() => {
    const manual = gradients(xTrain, yTrain, probe);
    const [dw, db] = wt.grad((w: wt.Tensor, b: wt.Tensor) => cost(forward(xTrain, { w, b }), yTrain))([probe.w, probe.b]) as wt.Tensor[];
    return wt.concat([manual.w.sub(dw!).abs().reshape([-1]), manual.b.sub(db!).abs().reshape([1])]).max();
  });
  const gradientError = (await diffs.data())[0]!;
  wt.dispose([probe, diffs]);

  const costs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    if (i % 10 === 0) {
      const c = wt.tidy(() => cost(forward(xTrain, p), yTrain));
      costs.push((await c.data())[0]!);
      c.dispose();
    }
    assign(p, wt.tidy(() => {
      const g = gradients(xTrain, yTrain, p);
      return { w: p.w.sub(g.w.mul(learningRate)), b: p.b.sub(g.b.mul(learningRate)) };
    }));
  }
  const result = {
    costs,
    trainAccuracy: accuracy(await predictLabels(xTrain, p), data.labels.subarray(0, nTrain)),
    testAccuracy: accuracy(await predictLabels(xTest, p), data.labels.subarray(nTrain)),
    gradientError,
  };
  wt.dispose([xTrain, xTest, yTrain, p]);
  return result;
}

if (isMain(import.meta.url)) {
  const backend = await chooseBackend();
  const r = await run();
  console.log(`backend: ${backend}`);
  console.log(`gradient check: max |manual - autodiff| = ${r.gradientError.toExponential(2)}`);
  r.costs.forEach((c, i) => { if (i % 5 === 0) console.log(`iteration ${i * 10}: cost ${c.toFixed(4)}`); });
  console.log(`accuracy: train ${(r.trainAccuracy * 100).toFixed(1)}%, test ${(r.testAccuracy * 100).toFixed(1)}%`);
}
