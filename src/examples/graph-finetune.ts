/**
 * Fine-tuning an imported inference graph: a TF.js graph model that someone else trained and
 * converted (@vladmandic/human's liveness classifier, fetched by scripts/fetch-models.mjs) is loaded
 * with its weights trainable, and only its last layer (the dense_2 kernel and bias before the
 * softmax) is trained, by gradient descent through model.execute, on a new two-class task the
 * model never saw: 32x32 images whose upper half is brighter (class 1) or whose lower half is
 * (class 0). The rest of the graph stays as it was published.
 *
 *   node dist/examples/graph-finetune.js [--backend cpu|webgpu|wasm|gpujs]
 */
import { join } from 'node:path';
import * as wt from '../index.js';
import { chooseBackend, isMain } from './common.js';

/** The last layer of the liveness model: the kernel and bias of its final _FusedMatMul. */
export const LAST_LAYER = ['StatefulPartitionedCall/sequential_1/dense_2/MatMul/ReadVariableOp', 'StatefulPartitionedCall/sequential_1/dense_2/BiasAdd/ReadVariableOp'] as const;

export interface FinetuneResult {
  /** The cross-entropy on the new data before each step, and after the last. */
  losses: number[];
  /** Training accuracy before and after. */
  accuracyBefore: number;
  accuracyAfter: number;
}

/** n images [n, 32, 32, 3] in [0, 1) and their labels, from a fixed seed. */
function data(n: number, seed: number): { x: wt.Tensor; y: wt.Tensor; labels: number[] } {
  const px = new Float32Array(n * 32 * 32 * 3);
  const labels: number[] = [];
  let s = seed >>> 0;
  const r = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s >>> 8) / 16777216; };
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    labels.push(label);
    for (let row = 0; row < 32; row++) {
      const bright = (row < 16) === (label === 1);
      for (let k = 0; k < 32 * 3; k++) px[(i * 32 + row) * 96 + k] = (bright ? 0.5 : 0) + r() * 0.5;
    }
  }
  return { x: wt.tensor(px, [n, 32, 32, 3]), y: wt.tidy(() => wt.oneHot(wt.tensor(Int32Array.from(labels), [n], 'int32'), 2)), labels };
}

export async function run({ model = join(process.cwd(), '.models', 'human', 'liveness.json'), steps = 12, learningRate = 0.5, n = 16, seed = 5 } = {}): Promise<FinetuneResult> {
  const m = await wt.loadGraphModel(`file://${model}`, { trainable: true });
  const { x, y, labels } = data(n, seed);
  const all = m.weights();
  let [w, b] = LAST_LAYER.map((name) => {
    if (!all[name]) throw new Error(`graph-finetune: ${model} has no weight '${name}'`);
    return wt.clone(all[name]!);
  }) as [wt.Tensor, wt.Tensor];
  const probs = (wk: wt.Tensor, bk: wt.Tensor): wt.Tensor => m.execute(x, undefined, { weights: { [LAST_LAYER[0]]: wk, [LAST_LAYER[1]]: bk } }) as wt.Tensor;
  const loss = (wk: wt.Tensor, bk: wt.Tensor): wt.Tensor => wt.tidy(() => wt.mean(wt.neg(wt.sum(wt.mul(y, wt.log(wt.clipByValue(probs(wk, bk), 1e-7, 1))), 1))));
  const accuracy = async (): Promise<number> => {
    const p = wt.tidy(() => wt.argMax(probs(w, b), 1));
    const got = await p.data();
    p.dispose();
    return labels.filter((l, i) => got[i] === l).length / labels.length;
  };
  const accuracyBefore = await accuracy();
  const losses: number[] = [];
  const step = wt.valueAndGrad<readonly wt.Tensor[]>((wk: wt.Tensor, bk: wt.Tensor) => loss(wk, bk));
  for (let i = 0; i < steps; i++) {
    const [value, grads] = step([w, b]) as [wt.Tensor, wt.Tensor[]];
    losses.push((await value.data())[0]!);
    const [nw, nb] = wt.tidy(() => [wt.sub(w, wt.mul(grads[0]!, learningRate)), wt.sub(b, wt.mul(grads[1]!, learningRate))]);
    wt.dispose([value, grads, w, b]);
    [w, b] = [nw!, nb!];
  }
  const last = loss(w, b);
  losses.push((await last.data())[0]!);
  last.dispose();
  const accuracyAfter = await accuracy();
  m.setWeights({ [LAST_LAYER[0]]: w, [LAST_LAYER[1]]: b });
  wt.dispose([x, y, w, b]);
  m.dispose();
  return { losses, accuracyBefore, accuracyAfter };
}

if (isMain(import.meta.url)) {
  const backend = await chooseBackend();
  const r = await run();
  console.log(`backend: ${backend}`);
  r.losses.forEach((l, i) => console.log(`step ${i}: cross-entropy ${l.toFixed(4)}`));
  console.log(`training accuracy: ${(r.accuracyBefore * 100).toFixed(0)}% before, ${(r.accuracyAfter * 100).toFixed(0)}% after`);
}
