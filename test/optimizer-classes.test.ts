/**
 * TF.js's optimizer classes (wt.SGDOptimizer ... wt.AdadeltaOptimizer, wt.train.*): trajectories
 * of minimize over variables against @tensorflow/tfjs-core's own optimizers run in the same test,
 * step by step, on every backend; applyGradients' TF.js forms; getWeights / setWeights; memory.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';
import { expectClose, randData } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  wt.disposeVariables();
  tf.disposeVariables();
});

const X = randData(12, 1), Y = randData(8, 2), W0 = randData(6, 3), B0 = randData(2, 4);

/** Both libraries' optimizers built from the same arguments. */
const CASES: [string, () => wt.Optimizer, () => tf.Optimizer][] = [
  ['sgd', () => wt.train.sgd(0.1), () => tf.train.sgd(0.1)],
  ['momentum', () => wt.train.momentum(0.05, 0.9), () => tf.train.momentum(0.05, 0.9)],
  ['momentum nesterov', () => wt.train.momentum(0.05, 0.8, true), () => tf.train.momentum(0.05, 0.8, true)],
  ['rmsprop', () => wt.train.rmsprop(0.01), () => tf.train.rmsprop(0.01)],
  ['rmsprop momentum centered', () => wt.train.rmsprop(0.01, 0.8, 0.5, 1e-6, true), () => tf.train.rmsprop(0.01, 0.8, 0.5, 1e-6, true)],
  ['adam', () => wt.train.adam(0.05), () => tf.train.adam(0.05)],
  ['adam betas', () => wt.train.adam(0.02, 0.8, 0.99, 1e-4), () => tf.train.adam(0.02, 0.8, 0.99, 1e-4)],
  ['adamax', () => wt.train.adamax(0.05, 0.9, 0.99, null, 0.1), () => tf.train.adamax(0.05, 0.9, 0.99, undefined, 0.1)],
  ['adagrad', () => wt.train.adagrad(0.2), () => tf.train.adagrad(0.2)],
  ['adagrad initial 0.5', () => new wt.AdagradOptimizer(0.1, 0.5), () => new tf.AdagradOptimizer(0.1, 0.5)],
  ['adadelta', () => wt.train.adadelta(1, 0.9), () => tf.train.adadelta(1, 0.9)],
  ['class constructor', () => new wt.AdamOptimizer(0.03, 0.9, 0.999), () => new tf.AdamOptimizer(0.03, 0.9, 0.999)],
];

describe.each(await availableBackends())('TF.js optimizer classes on %s', (backend) => {
  for (const [name, ours, theirs] of CASES) {
    it(`${name}: minimize follows tfjs-core's trajectory over 5 steps`, async () => {
      await wt.setBackend(backend);
      const x = wt.tensor(X, [4, 3]), y = wt.tensor(Y, [4, 2]);
      const w = wt.variable(wt.tensor(W0, [3, 2]), true, 'w'), b = wt.variable(wt.tensor(B0, [2]), true, 'b');
      const tx = tf.tensor(X, [4, 3]), ty = tf.tensor(Y, [4, 2]);
      const tw = tf.variable(tf.tensor(W0, [3, 2])), tb = tf.variable(tf.tensor(B0, [2]));
      const opt = ours(), topt = theirs();
      expect(opt.getClassName()).toBe(topt.getClassName());
      expect(opt.getConfig()).toEqual(Object.fromEntries(Object.entries(topt.getConfig()).map(([k, v]) => [k, v ?? 1e-7])));
      const before = wt.memory().numTensors;
      for (let step = 0; step < 5; step++) {
        const cost = opt.minimize(() => wt.mean(wt.square(wt.sub(wt.add(wt.matmul(x, w), b), y))), true, [w, b])!;
        const tcost = topt.minimize(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(tx, tw), tb), ty))) as tf.Scalar, true, [tw, tb])!;
        expectClose(await cost.data(), await tcost.data(), { atol: 1e-5, rtol: 1e-4 });
        expectClose(await w.data(), await tw.data(), { atol: 1e-5, rtol: 1e-4 });
        expectClose(await b.data(), await tb.data(), { atol: 1e-5, rtol: 1e-4 });
        cost.dispose();
        tcost.dispose();
        // The state is made on the first step; after that each step leaves the count as it was.
        if (step === 0) expect(wt.memory().numTensors).toBeGreaterThanOrEqual(before);
      }
      const settled = wt.memory().numTensors;
      opt.minimize(() => wt.sum(wt.square(w)), false, [w, b]);
      expect(wt.memory().numTensors).toBe(settled);
      opt.dispose();
      topt.dispose();
      wt.dispose([x, y]);
      tf.dispose([tx, ty]);
    });
  }
});

describe('TF.js optimizer API', () => {
  it('minimize defaults to every trainable variable, and applyGradients takes a name map or { name, tensor } list', async () => {
    await wt.setBackend('cpu');
    const a = wt.variable(wt.tensor([1, 2]), true, 'a');
    const frozen = wt.variable(wt.tensor([5]), false, 'frozen');
    const opt = new wt.SGDOptimizer(0.5);
    opt.minimize(() => wt.sum(wt.square(wt.mul(a, frozen))));
    // d/da sum((5a)^2) = 50a: a - 0.5 * 50a = -24a; frozen is not trainable.
    expect(Array.from(await a.data())).toEqual([-24, -48]);
    expect(Array.from(await frozen.data())).toEqual([5]);
    opt.applyGradients({ a: wt.tensor([1, 1]) });
    expect(Array.from(await a.data())).toEqual([-24.5, -48.5]);
    opt.applyGradients([{ name: 'a', tensor: wt.tensor([-1, 1]) }]);
    expect(Array.from(await a.data())).toEqual([-24, -49]);
    expect(opt.iterations).toBe(3);
    const before = wt.memory().numTensors;
    expect(() => opt.applyGradients({ nope: wt.ones([2]) })).toThrow(/applyGradients: no live variable is named 'nope'/);
    expect(wt.memory().numTensors).toBe(before + 1);
    expect(() => opt.applyGradients([7 as unknown as wt.NamedTensor])).toThrow(/applyGradients: entry 0 must be a \[parameter, gradient\] pair of tensors or a \{ name, tensor \} object/);
  });

  it('getWeights lists iter and each state by TF.js names; setWeights resumes the same trajectory', async () => {
    await wt.setBackend('cpu');
    const w = wt.variable(wt.tensor([1, -2, 3]), true, 'w');
    const f = () => wt.sum(wt.pow(w, 4));
    const a = new wt.AdamOptimizer(0.1, 0.9, 0.999);
    for (let i = 0; i < 3; i++) a.minimize(f);
    const weights = await a.getWeights();
    expect(weights.map((x) => x.name)).toEqual(['iter', 'w/m', 'w/v']);
    expect(Array.from(await weights[0]!.tensor.data())).toEqual([3]);
    // TF.js lists the same names for the same optimizer.
    const tw = tf.variable(tf.tensor([1, -2, 3]), true, 'w');
    const ta = tf.train.adam(0.1);
    ta.minimize(() => tf.sum(tf.pow(tw, 4)) as tf.Scalar);
    expect((await ta.getWeights()).map((x) => x.name)).toEqual(['iter', 'w/m', 'w/v']);
    const saved = Array.from(await w.data());
    const b = new wt.AdamOptimizer(0.1, 0.9, 0.999);
    await b.setWeights(weights);
    a.minimize(f);
    const fromA = Array.from(await w.data());
    w.assign(wt.tensor(saved));
    b.minimize(f);
    expect(Array.from(await w.data())).toEqual(fromA);
    expect(b.iterations).toBe(4);
    await expect(b.setWeights([{ name: 'w/m', tensor: wt.ones([3]) }])).rejects.toThrow(/setWeights: expected getWeights\(\)'s list/);
    wt.dispose(weights.map((x) => x.tensor));
    a.dispose();
    b.dispose();
  });

  it('the classes are Optimizers: model.compile takes them', async () => {
    await wt.setBackend('cpu');
    for (const opt of [wt.train.adamax(0.05), new wt.RMSPropOptimizer(0.05), wt.train.adadelta(0.05)]) {
      expect(opt).toBeInstanceOf(wt.Optimizer);
      const m = wt.sequential({ seed: 1, layers: [wt.layers.dense({ units: 1, inputShape: [2] })] });
      m.compile({ optimizer: opt, loss: 'meanSquaredError' });
      const x = wt.tensor([[0, 1], [1, 0], [1, 1], [0, 0]]), y = wt.tensor([[1], [2], [3], [0]]);
      const h = await m.fit(x, y, { epochs: 5, batchSize: 4, verbose: 0 });
      const loss = h.history['loss']!;
      expect(loss[4]!).toBeLessThan(loss[0]!);
      m.dispose();
      wt.dispose([x, y]);
    }
  });
});
