/**
 * One training step through each new layer, against tfjs-layers: a small model around the layer
 * is built in both libraries with the same weights, trained one sgd step on the same batch, and
 * must end with the same weights (so the gradients through the layer agree), on cpu and wasm.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availability } from './backends.js';

const backends = (await availability()).names.filter((b) => b === 'cpu' || b === 'wasm');

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

type Sym = unknown;
type Build = (L: Record<string, (o?: object) => { apply(x: unknown): Sym }>, x: Sym) => Sym;

/** Cases: input shape, and the layers between the input and a final dense of 2 units. */
const CASES: [string, number[], Build][] = [
  ['reLU maxValue', [6], (L, x) => L.reLU!({ maxValue: 0.3 }).apply(L.dense!({ units: 5 }).apply(x))],
  ['leakyReLU', [6], (L, x) => L.leakyReLU!({ alpha: 0.1 }).apply(L.dense!({ units: 5 }).apply(x))],
  ['elu', [6], (L, x) => L.elu!().apply(L.dense!({ units: 5 }).apply(x))],
  ['prelu', [6], (L, x) => L.prelu!().apply(L.dense!({ units: 5 }).apply(x))],
  ['softmax', [6], (L, x) => L.softmax!().apply(L.dense!({ units: 5 }).apply(x))],
  ['layerNormalization', [6], (L, x) => L.layerNormalization!().apply(L.dense!({ units: 5 }).apply(x))],
  ['merges', [6], (L, x) => {
    const a = L.dense!({ units: 4 }).apply(x), b = L.dense!({ units: 4, activation: 'tanh' }).apply(x);
    const m = L.maximum!().apply([L.multiply!().apply([a, b]), L.average!().apply([a, b])]);
    return L.concatenate!().apply([L.add!().apply([m, L.minimum!().apply([a, b])]), L.dot!({ axes: 1, normalize: true }).apply([a, b])]);
  }],
  ['zeroPadding2d, upSampling2d bilinear', [4, 4, 2], (L, x) => {
    const c = L.conv2d!({ filters: 3, kernelSize: 2, padding: 'same' }).apply(x);
    return L.flatten!().apply(L.upSampling2d!({ size: [2, 2], interpolation: 'bilinear' }).apply(L.zeroPadding2d!({ padding: 1 }).apply(c)));
  }],
  ['permute and repeatVector', [3, 2], (L, x) => L.flatten!().apply(L.repeatVector!({ n: 2 }).apply(L.flatten!().apply(L.permute!({ dims: [2, 1] }).apply(L.dense!({ units: 3 }).apply(x)))))],
];

function build(lib: 'wt' | 'tfl', shape: number[], body: Build): wt.LayersModel | tfl.LayersModel {
  const L = (lib === 'wt' ? wt.layers : tfl.layers) as unknown as Record<string, (o?: object) => { apply(x: unknown): Sym }>;
  const x = (lib === 'wt' ? wt.input : tfl.input)({ shape } as never);
  const y = L.dense!({ units: 2 }).apply(body(L, x));
  return (lib === 'wt' ? wt.model : tfl.model)({ inputs: x, outputs: y } as never) as wt.LayersModel | tfl.LayersModel;
}

describe.each(backends)('one sgd step through each layer equals tfjs-layers\' (%s)', (backend) => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await wt.setBackend(backend as wt.BackendName);
  });

  it.each(CASES)('%s', async (_name, shape, body) => {
    const theirs = build('tfl', shape, body) as tfl.LayersModel;
    const ours = build('wt', shape, body) as wt.LayersModel;
    // Layer by layer: a model's getWeights lists all trainable weights first in tfjs-layers, each layer's in turn here.
    let seed = 20;
    const fixed: Float32Array[] = [];
    theirs.layers.forEach((l, j) => {
      const ws = l.getWeights();
      if (!ws.length) return;
      const v = ws.map((w) => values(w.size, seed++).map((u) => (l.getClassName() === 'BatchNormalization' && w === ws[1] ? 1 + Math.abs(u) : u * 0.8)));
      l.setWeights(v.map((a, i) => tf.tensor(a, ws[i]!.shape)));
      ours.layers[j]!.setWeights(v.map((a, i) => wt.tensor(a, ws[i]!.shape)));
      fixed.push(...v);
    });
    const n = 6;
    const x = values(n * shape.reduce((a, b) => a * b, 1), 3), y = values(n * 2, 4);
    theirs.compile({ optimizer: tf.train.sgd(0.2), loss: 'meanSquaredError' });
    ours.compile({ optimizer: wt.train.sgd(0.2), loss: 'meanSquaredError' });
    const h1 = await theirs.fit(tf.tensor(x, [n, ...shape]), tf.tensor(y, [n, 2]), { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
    const h2 = await ours.fit(wt.tensor(x, [n, ...shape]), wt.tensor(y, [n, 2]), { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
    expect(h2.history.loss![0]).toBeCloseTo(h1.history.loss![0] as number, 5);
    const after = await Promise.all(theirs.layers.flatMap((l) => l.getWeights()).map((w) => w.data()));
    const mine = await Promise.all(ours.layers.flatMap((l) => l.getWeights()).map((w) => w.data()));
    let moved = 0;
    after.forEach((a, i) => {
      for (let k = 0; k < a.length; k++) {
        expect(Math.abs(mine[i]![k]! - (a[k] as number))).toBeLessThan(2e-5);
        moved = Math.max(moved, Math.abs((a[k] as number) - fixed[i]![k]!));
      }
    });
    expect(moved).toBeGreaterThan(1e-4);
    ours.dispose();
  });
});

describe('gradients tfjs-layers cannot give here, by hand', () => {
  // tfjs-layers 4.22 has no gradient for thresholdedReLU's Greater; its one-step update through
  // nearest upsampling did not match ours, whose gradient is checked by hand below; cropping2D and
  // batchNormalization without center fail inside its own training step.
  it('upSampling2d nearest: each input pixel gets the sum of its block', async () => {
    await wt.setBackend('cpu');
    const up = wt.layers.upSampling2d({ size: [2, 3] });
    const w = wt.tensor(Array.from({ length: 24 }, (_, i) => i), [1, 4, 6, 1]);
    const g = wt.grad((t: wt.Tensor) => wt.sum(wt.mul(up.apply(t), w)))(wt.tensor([1, 2, 3, 4], [1, 2, 2, 1])) as wt.Tensor;
    // Blocks: rows {0,1} x cols {0,1,2} = 0+1+2+6+7+8, and so on.
    expect(Array.from(await g.data())).toEqual([24, 42, 96, 114]);
  });

  it('thresholdedReLU passes the gradient above theta only; cropping2D passes the kept pixels', async () => {
    await wt.setBackend('cpu');
    const t = wt.layers.thresholdedReLU({ theta: 0.5 });
    const g = wt.grad((x: wt.Tensor) => wt.sum(wt.mul(t.apply(x), wt.tensor([[1, 2, 3, 4]]))))(wt.tensor([[0.2, 0.6, -1, 2]])) as wt.Tensor;
    expect(Array.from(await g.data())).toEqual([0, 2, 0, 4]);
    const c = wt.layers.cropping2D({ cropping: [[1, 0], [0, 1]] });
    const gc = wt.grad((x: wt.Tensor) => wt.sum(c.apply(x)))(wt.ones([1, 2, 3, 1])) as wt.Tensor;
    expect(Array.from(await gc.data())).toEqual([0, 0, 0, 1, 1, 0]);
  });
});
