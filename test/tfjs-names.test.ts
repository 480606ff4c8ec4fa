// TensorFlow.js names: tensor1d .. tensor4d with their rank checks, wt.train's optimizers in compile
// and in custom loops (applyGradients with valueAndGrad, minimize), and wt.nextFrame.
import { describe, it, expect, beforeAll } from 'vitest';
import * as wt from '../src/index.js';

beforeAll(async () => {
  await wt.setBackend('cpu');
});

describe('tensor1d .. tensor4d', () => {
  it('make tensors of their rank from nested arrays or flat values and a shape', async () => {
    expect(wt.tensor1d([1, 2, 3]).shape).toEqual([3]);
    expect(wt.tensor1d(Int32Array.of(4, 5)).dtype).toBe('int32');
    const b = wt.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(await b.array()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(wt.tensor2d([[1, 2]]).shape).toEqual([1, 2]);
    expect(wt.tensor3d([[[1], [2]]]).shape).toEqual([1, 2, 1]);
    expect(wt.tensor4d(new Float32Array(24), [1, 2, 3, 4]).shape).toEqual([1, 2, 3, 4]);
    expect(await wt.tensor4d([[[[7]]]], undefined, 'int32').array()).toEqual([[[[7]]]]);
  });

  it('reject values or shapes of another rank, naming the op', () => {
    expect(() => wt.tensor1d([[1, 2]] as unknown as number[])).toThrow(/tensor1d: expected values nested 1 deep .* got values of rank 2/);
    expect(() => wt.tensor2d([1, 2, 3, 4])).toThrow(/tensor2d: expected values nested 2 deep \(or flat values and a shape of 2 dimensions\), got values of rank 1/);
    expect(() => wt.tensor2d([1, 2, 3, 4], [4] as unknown as [number, number])).toThrow(/tensor2d: expected a shape of 2 dimensions, got \[4\]/);
    expect(() => wt.tensor3d(new Float32Array(4))).toThrow(/tensor3d: expected values nested 3 deep/);
    expect(() => wt.tensor4d([1, 2], [1, 1, 1, 3])).toThrow(/tensor: 2 values do not fit shape \[1,\s?1,\s?1,\s?3\]/);
    expect(() => wt.tensor2d('ab' as unknown as number[])).toThrow(/tensor2d: expected nested arrays or a typed array, got string/);
  });
});

describe('wt.train', () => {
  it('sgd and momentum in a custom loop with valueAndGrad and applyGradients follow the update rules by hand', async () => {
    // f(w) = sum(w^2): gradient 2w.
    const f = (w: wt.Tensor): wt.Tensor => w.square().sum();
    const w = wt.tensor([1, -2]);
    const opt = wt.train.sgd(0.1);
    const [, g] = wt.valueAndGrad(f)(w);
    opt.applyGradients([[w, g]]);
    expect(Array.from(await w.data())).toEqual([0.8, -1.6].map(Math.fround));
    // Momentum 0.5: v1 = -lr g0, p1 = p0 + v1; v2 = 0.5 v1 - lr g1, p2 = p1 + v2.
    const p = wt.tensor([1]);
    const mom = wt.train.momentum(0.1, 0.5);
    for (let i = 0; i < 2; i++) {
      const [, gp] = wt.valueAndGrad(f)(p);
      mom.applyGradients([[p, gp]]);
      gp.dispose();
    }
    const v1 = -0.1 * 2;
    const p1 = 1 + v1;
    const p2 = p1 + (0.5 * v1 - 0.1 * 2 * p1);
    expect((await p.data())[0]).toBeCloseTo(p2, 6);
    expect(mom.getConfig()).toEqual({ learningRate: 0.1, momentum: 0.5, useNesterov: false });
    expect(wt.train.momentum(0.1, 0.9, true).nesterov).toBe(true);
  });

  it('minimize fits a line through points and returns the cost when asked', async () => {
    const xs = wt.tensor([[0], [1], [2], [3]]);
    const ys = wt.tensor([[1], [3], [5], [7]]);
    const a = wt.zeros([1, 1]);
    const b = wt.zeros([1]);
    const opt = wt.train.adam(0.1);
    const cost = (): wt.Tensor => wt.matmul(xs, a).add(b).sub(ys).square().mean();
    let first = NaN;
    let last = NaN;
    for (let i = 0; i < 300; i++) {
      const c = opt.minimize(cost, true, [a, b])!;
      if (i === 0) first = (await c.data())[0]!;
      if (i === 299) last = (await c.data())[0]!;
      c.dispose();
    }
    expect(first).toBeCloseTo(21, 5);
    expect(last).toBeLessThan(1e-3);
    expect((await a.data())[0]).toBeCloseTo(2, 1);
    expect((await b.data())[0]).toBeCloseTo(1, 1);
    expect(opt.minimize(cost, false, [a, b])).toBeNull();
    expect(() => opt.minimize(() => wt.matmul(xs, a), false, [a])).toThrow(/minimize: f must return a scalar cost, got a tensor of shape \[4, 1\]/);
  });

  it('optimizers from wt.train compile into models and match wt.optimizers with the same settings', async () => {
    const run = async (opt: wt.Optimizer): Promise<number[]> => {
      const m = wt.sequential({ seed: 3, layers: [wt.layers.dense({ units: 2, activation: 'softmax', inputShape: [3] })] });
      m.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
      const x = wt.randn([16, 3], { seed: 1 });
      const y = wt.oneHot(wt.tensor(Int32Array.from({ length: 16 }, (_, i) => i % 2)), 2);
      const h = await m.fit(x, y, { epochs: 3, batchSize: 4, seed: 2, verbose: 0 });
      m.dispose();
      wt.dispose([x, y]);
      return h.history['loss']!;
    };
    // wt.train follows TF.js's formulas (test/optimizer-classes.test.ts checks them against tfjs-core);
    // momentum is the same arithmetic as Keras's SGD with momentum, so the two agree exactly.
    expect(await run(wt.train.momentum(0.05, 0.9))).toEqual(await run(wt.optimizers.sgd({ learningRate: 0.05, momentum: 0.9 })));
    for (const opt of [wt.train.rmsprop(0.01, 0.8, 0.5, null, true), wt.train.adam(0.01, 0.8, 0.99), wt.train.adamax(0.01), wt.train.adagrad(0.1), wt.train.adadelta(0.05)]) {
      const loss = await run(opt);
      expect(loss[2]!).toBeLessThan(loss[0]!);
    }
    expect(() => wt.train.sgd(-1)).toThrow(/sgd: learningRate must be a number in \(0, Infinity\], got -1/);
  });
});

describe('wt.nextFrame', () => {
  it('resolves after pending callbacks have run (setImmediate in Node)', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('immediate'));
    await wt.nextFrame();
    order.push('after');
    expect(order).toEqual(['immediate', 'after']);
  });
});
