/**
 * Adaline and the delta rule on two iris species (setosa -1, versicolor +1; sepal and petal length,
 * standardised). The linear output is fitted to the targets by minimising the sum of squared
 * errors J = 1/2 sum (y - (Xw + b))^2, two ways:
 *  - batch gradient descent: one step per epoch over all flowers, w += eta X^T (y - output);
 *  - stochastic gradient descent: one step per flower, in a freshly shuffled order each epoch.
 * Predictions threshold the output at 0.
 *
 *   node dist/examples/adaline.js [--backend cpu|webgpu|wasm|gpujs]
 */
import * as wt from '../index.js';
import { assign, chooseBackend, isMain, standardize } from './common.js';

export interface AdalineResult {
  /** Sum of squared errors over the data after each epoch (batch GD). */
  costGD: number[];
  /** Mean squared error / 2 over the data after each epoch (SGD), as the material's SGD version reports. */
  costSGD: number[];
  accuracyGD: number;
  accuracySGD: number;
}

interface Params extends Record<string, wt.Tensor> { w: wt.Tensor; b: wt.Tensor }

const output = (x: wt.Tensor, p: Params): wt.Tensor => x.matmul(p.w).add(p.b); // [m, 1]

async function readScalar(t: wt.Tensor): Promise<number> {
  const v = (await t.data())[0]!;
  t.dispose();
  return v;
}

async function accuracyOf(x: wt.Tensor, y: wt.Tensor, p: Params): Promise<number> {
  return readScalar(wt.tidy(() => wt.where(output(x, p).greaterEqual(0), 1, -1).equal(y).mean()));
}

export async function run({ epochs = 15, eta = 0.01, seed = 1 } = {}): Promise<AdalineResult> {
  const iris = await wt.datasets.iris();
  const x = wt.tidy(() => standardize(wt.gather(iris.x.slice([0, 0], [100, 4]), wt.tensor(Int32Array.from([0, 2])), 1)));
  const y = wt.tensor(Float32Array.from(iris.labels.subarray(0, 100), (l) => (l === 0 ? -1 : 1)), [100, 1]);
  wt.dispose([iris.x, iris.y]);
  const sse = (p: Params): wt.Tensor => wt.tidy(() => y.sub(output(x, p)).square().sum().mul(0.5));

  // Batch gradient descent: the whole data set per update.
  const gd: Params = { w: wt.zeros([2, 1]), b: wt.zeros([1]) };
  const costGD: number[] = [];
  for (let e = 0; e < epochs; e++) {
    assign(gd, wt.tidy(() => {
      const err = y.sub(output(x, gd));
      return { w: gd.w.add(wt.matmul(x, err, { transposeA: true }).mul(eta)), b: gd.b.add(err.sum(0).mul(eta)) };
    }));
    costGD.push(await readScalar(sse(gd)));
  }

  // Stochastic gradient descent: one flower per update, shuffled each epoch.
  const sgd: Params = { w: wt.zeros([2, 1]), b: wt.zeros([1]) };
  const costSGD: number[] = [];
  for (let e = 0; e < epochs; e++) {
    for (const i of wt.permutation(100, seed + e)) {
      assign(sgd, wt.tidy(() => {
        const xi = x.slice([i, 0], [1, 2]);
        const err = y.slice([i, 0], [1, 1]).sub(output(xi, sgd)); // [1, 1]
        return { w: sgd.w.add(xi.reshape([2, 1]).mul(err).mul(eta)), b: sgd.b.add(err.reshape([1]).mul(eta)) };
      }));
    }
    costSGD.push((await readScalar(sse(sgd))) / 100);
  }

  const result = { costGD, costSGD, accuracyGD: await accuracyOf(x, y, gd), accuracySGD: await accuracyOf(x, y, sgd) };
  wt.dispose([x, y, gd, sgd]);
  return result;
}

if (isMain(import.meta.url)) {
  const backend = await chooseBackend();
  const r = await run();
  console.log(`backend: ${backend}`);
  r.costGD.forEach((c, e) => console.log(`epoch ${e + 1}: GD sum-squared-error ${c.toFixed(3)}   SGD average cost ${r.costSGD[e]!.toFixed(4)}`));
  console.log(`accuracy: GD ${(r.accuracyGD * 100).toFixed(1)}%, SGD ${(r.accuracySGD * 100).toFixed(1)}%`);
}
