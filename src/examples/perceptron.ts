/**
 * Rosenblatt's perceptron on two iris species (setosa -1, versicolor +1) from two features, sepal
 * length and petal length: one update per flower, w += eta (target - prediction) x. The two classes
 * are linearly separable, so the count of misclassified flowers per epoch falls to zero.
 *
 *   node dist/examples/perceptron.js [--backend cpu|webgpu|wasm|gpujs]
 */
import * as wt from '../index.js';
import { assign, chooseBackend, isMain } from './common.js';

export interface PerceptronResult {
  /** Misclassified flowers in each epoch (while training). */
  errors: number[];
  weights: number[];
  bias: number;
  /** Accuracy of the final weights on the 100 flowers. */
  accuracy: number;
}

export async function run({ epochs = 10, eta = 0.1 } = {}): Promise<PerceptronResult> {
  const iris = await wt.datasets.iris();
  // The first 100 flowers are 50 setosa then 50 versicolor; keep columns 0 and 2.
  const x = wt.tidy(() => wt.gather(iris.x.slice([0, 0], [100, 4]), wt.tensor(Int32Array.from([0, 2])), 1));
  const target = wt.tensor(Float32Array.from(iris.labels.subarray(0, 100), (l) => (l === 0 ? -1 : 1)));
  iris.x.dispose();
  iris.y.dispose();

  const s = { w: wt.zeros([2]), b: wt.scalar(0) };
  const predict = (xs: wt.Tensor): wt.Tensor => wt.where(xs.matmul(s.w.reshape([2, 1])).reshape([-1]).add(s.b).greaterEqual(0), 1, -1);
  const errors: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let count = wt.scalar(0);
    for (let i = 0; i < 100; i++) {
      const [next, c] = wt.tidy(() => {
        const xi = x.slice([i, 0], [1, 2]).reshape([2]);
        const net = xi.mul(s.w).sum().add(s.b);
        const update = target.slice([i], [1]).reshape([]).sub(wt.where(net.greaterEqual(0), 1, -1)).mul(eta);
        return [{ w: s.w.add(xi.mul(update)), b: s.b.add(update) }, count.add(update.notEqual(0))] as const;
      });
      assign(s, next);
      count.dispose();
      count = c;
    }
    errors.push((await count.data())[0]!);
    count.dispose();
  }
  const correct = wt.tidy(() => predict(x).equal(target).mean());
  const result = {
    errors,
    weights: Array.from(await s.w.data()),
    bias: (await s.b.data())[0]!,
    accuracy: (await correct.data())[0]!,
  };
  wt.dispose([x, target, s, correct]);
  return result;
}

if (isMain(import.meta.url)) {
  const backend = await chooseBackend();
  const r = await run();
  console.log(`backend: ${backend}`);
  r.errors.forEach((n, e) => console.log(`epoch ${e + 1}: ${n} misclassified`));
  console.log(`weights: [${r.weights.map((v) => v.toFixed(3)).join(', ')}], bias ${r.bias.toFixed(3)}`);
  console.log(`accuracy: ${(r.accuracy * 100).toFixed(1)}%`);
}
