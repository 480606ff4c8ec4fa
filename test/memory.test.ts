/** Memory accounting: tidy returns wt.memory() to its starting counts, keep, nested tidy, dispose, grad. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { expectExact } from './helpers.js';

beforeAll(async () => {
  await wt.setBackend('cpu');
});

const counts = () => {
  const m = wt.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes, cpuBytes: m.cpuBytes as number };
};

describe('memory()', () => {
  it('counts tensors and bytes, views share their buffer', () => {
    const start = counts();
    const a = wt.zeros([2, 3]);
    expect(counts()).toEqual({ numTensors: start.numTensors + 1, numBytes: start.numBytes + 24, cpuBytes: start.cpuBytes + 24 });
    const v = a.reshape([6]);
    expect(counts()).toEqual({ numTensors: start.numTensors + 2, numBytes: start.numBytes + 24, cpuBytes: start.cpuBytes + 24 });
    a.dispose();
    expect(counts().numBytes).toBe(start.numBytes + 24);
    v.dispose();
    expect(counts()).toEqual(start);
    expect(wt.memory().backend).toBe('cpu');
  });
  it('dispose twice is harmless; wt.dispose walks arrays and objects', () => {
    const start = counts();
    const a = wt.ones([4]);
    a.dispose();
    a.dispose();
    expect(a.isDisposed).toBe(true);
    const list = [wt.ones([1]), { x: wt.ones([2]), y: [wt.ones([3])] }];
    wt.dispose(list);
    expect(counts()).toEqual(start);
  });
});

describe('failed ops', () => {
  it('a broadcasting error with an array argument leaves no tensor behind', () => {
    const a = wt.ones([2, 3]);
    const start = counts();
    expect(() => wt.add(a, [1, 2])).toThrow(/add: shapes \[2,3\] and \[2\] cannot be broadcast/);
    expect(() => a.mul([[1], [2], [3]])).toThrow(/mul: shapes/);
    expect(counts()).toEqual(start);
    a.dispose();
  });
});

describe('composite ops outside tidy', () => {
  it('leave only their result: intermediates and constants are released when the op returns', async () => {
    const x = wt.tensor([[1, -2, 3, 0.5], [4, -5, 0, 2]]);
    const img = x.reshape([1, 2, 4, 1]);
    const k = wt.ones([2, 2, 1, 1]);
    const bias = wt.tensor([0.5]);
    const cases: [string, () => wt.Tensor, number[]][] = [
      ['mean', () => wt.mean(x), [0.4375]],
      ['clip', () => wt.clip(x, 0, 1), [1, 0, 1, 0.5, 1, 0, 0, 1]],
      ['conv2d', () => wt.conv2d(img, k, 1, 'valid'), [-2, -4, 5.5]],
      ['fused.conv2d', () => wt.fused.conv2d({ x: img, filter: k, strides: 1, pad: 'valid', bias, activation: 'relu' }), [0, 0, 6]],
      ['maxPool', () => wt.maxPool(img, 2, 2, 'valid'), [4, 3]],
      ['mean along axis 1', () => wt.mean(x, 1), [0.625, 0.25]],
    ];
    for (const [name, fn, want] of cases) {
      const before = counts();
      const y = fn();
      expect(counts().numTensors, name).toBe(before.numTensors + 1);
      expect(counts().cpuBytes, name).toBe(before.cpuBytes + y.size * 4);
      const got = Array.from(await y.data());
      got.forEach((v, i) => expect(v, `${name}[${i}]`).toBeCloseTo(want[i]!, 5));
      y.dispose();
      expect(counts(), name).toEqual(before);
    }
    wt.dispose([x, img, k, bias]);
  });

  it('under a gradient tape they keep what the backward pass needs, and grad still matches', async () => {
    const before = counts();
    const x = wt.tensor([[0.5, -1], [2, 0.25]]);
    const [v, g] = wt.valueAndGrad((t: wt.Tensor) => wt.clip(t, 0, 1).mul(t).mean())(x) as [wt.Tensor, wt.Tensor];
    // d/dt mean(clip(t) * t) = (clip'(t) t + clip(t)) / 4
    await expectExact(g, [[(1 * 0.5 + 0.5) / 4, 0], [(0 + 1) / 4, (1 * 0.25 + 0.25) / 4]]);
    wt.dispose([x, v, g]);
    expect(counts()).toEqual(before);
  });
});

describe('tidy', () => {
  it('returns memory to its starting counts, keeping only what it returns', async () => {
    const start = counts();
    const y = wt.tidy(() => {
      const a = wt.randn([10, 10], { seed: 1 });
      const b = a.matmul(a).relu().softmax();
      return b.sum(0).mean();
    });
    expect(counts().numTensors).toBe(start.numTensors + 1);
    expect(Number.isFinite(await y.array())).toBe(true);
    y.dispose();
    expect(counts()).toEqual(start);
  });
  it('returns tensors inside arrays and plain objects', () => {
    const start = counts();
    const out = wt.tidy(() => {
      const a = wt.ones([2]);
      return { a: a.add(1), list: [a.mul(3), 5] };
    });
    expect(counts().numTensors).toBe(start.numTensors + 2);
    expect(out.a.isDisposed).toBe(false);
    wt.dispose(out);
    expect(counts()).toEqual(start);
  });
  it('keep exempts a tensor from disposal', async () => {
    const start = counts();
    let kept: wt.Tensor | undefined;
    wt.tidy(() => {
      kept = wt.keep(wt.full([2], 3));
      wt.ones([5]);
    });
    expect(kept!.isDisposed).toBe(false);
    await expectExact(kept!, [3, 3]);
    kept!.dispose();
    expect(counts()).toEqual(start);
  });
  it('nested tidy: the inner result survives into the outer scope, then is released', () => {
    const start = counts();
    let inner: wt.Tensor | undefined;
    const outer = wt.tidy('outer', () => {
      const a = wt.ones([3]);
      inner = wt.tidy(() => a.add(1).mul(2));
      expect(inner.isDisposed).toBe(false);
      expect(counts().numTensors).toBe(start.numTensors + 2);
      return inner.add(a);
    });
    expect(inner!.isDisposed).toBe(true);
    expect(counts().numTensors).toBe(start.numTensors + 1);
    outer.dispose();
    expect(counts()).toEqual(start);
  });
  it('tensors created before the scope are untouched, even when returned', () => {
    const a = wt.ones([2]);
    const start = counts();
    const r = wt.tidy(() => {
      a.add(1);
      return a;
    });
    expect(r).toBe(a);
    expect(a.isDisposed).toBe(false);
    expect(counts()).toEqual(start);
    a.dispose();
  });
  it('a throwing function still releases its tensors', () => {
    const start = counts();
    expect(() => wt.tidy(() => {
      wt.ones([10]);
      throw new Error('boom');
    })).toThrow('boom');
    expect(counts()).toEqual(start);
  });
  it('an async function is refused, and nothing leaks', () => {
    const start = counts();
    expect(() => wt.tidy((async () => wt.ones([2])) as unknown as () => wt.Tensor)).toThrow(/tidy.*Promise/);
    expect(counts().numTensors).toBeLessThanOrEqual(start.numTensors + 1);
  });
});

describe('gradients and memory', () => {
  it('grad inside tidy leaves nothing behind', async () => {
    const x = wt.tensor([[1, 2], [3, 4]]);
    const w = wt.tensor([[0.5], [-0.5]]);
    const start = counts();
    const g = wt.tidy(() => wt.grad<wt.Tensor[]>((a, b) => wt.fusedMatmul(a!, b!, { activation: 'tanh' }).square().mean())([x, w]));
    expect(counts().numTensors).toBe(start.numTensors + 2);
    expect((await g[0]!.data()).every(Number.isFinite)).toBe(true);
    wt.dispose(g);
    expect(counts()).toEqual(start);
    wt.tidy(() => {
      wt.valueAndGrad((a: wt.Tensor) => a.softmax().max())(x);
    });
    expect(counts()).toEqual(start);
  });
  it('grad alone returns only its gradients (intermediates are released)', () => {
    const x = wt.tensor([1, 2, 3]);
    const start = counts();
    const g = wt.grad((a: wt.Tensor) => a.exp().mul(a).sum().log())(x);
    expect(counts().numTensors).toBe(start.numTensors + 1);
    g.dispose();
    const [v, g2] = wt.valueAndGrad((a: wt.Tensor) => a.square().sum())(x);
    expect(counts().numTensors).toBe(start.numTensors + 2);
    wt.dispose([v, g2]);
    expect(counts()).toEqual(start);
  });
  it('a training-style loop keeps a constant tensor count', async () => {
    let w = wt.tensor([[0.1], [0.2]]);
    const x = wt.tensor([[1, 2], [3, 4], [5, 6]]);
    const y = wt.tensor([[1], [2], [3]]);
    const before = counts();
    for (let step = 0; step < 5; step++) {
      const next = wt.tidy(() => {
        const g = wt.grad((p: wt.Tensor) => wt.matmul(x, p).sub(y).square().mean())(w);
        return w.sub(g.mul(0.01));
      });
      w.dispose();
      w = next;
      expect(counts()).toEqual(before);
    }
    expect((await w.data()).every(Number.isFinite)).toBe(true);
  });
  it('conv and pooling gradients inside tidy leave nothing behind; CNN training keeps memory flat', async () => {
    const x = wt.randn([2, 7, 6, 3], { seed: 1 });
    const f = wt.randn([3, 3, 3, 4], { seed: 2 });
    const start = counts();
    wt.tidy(() => {
      wt.grad((a: wt.Tensor, b: wt.Tensor) => wt.avgPool(wt.maxPool(wt.fused.conv2d({ x: a, filter: b, strides: 1, pad: 'same', activation: 'relu' }), 2, 2, 'same'), 2, 1, 'valid').sum())([x, f]);
    });
    expect(counts()).toEqual(start);
    const m = wt.sequential({ seed: 1, layers: [
      wt.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [7, 6, 3] }),
      wt.layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
      wt.layers.globalAveragePooling2d(),
      wt.layers.dense({ units: 2, activation: 'softmax' }),
    ] });
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const y = wt.tensor([0, 1], [2], 'int32');
    await m.fit(x, y, { epochs: 1, batchSize: 1, verbose: 0 });
    const after1 = counts();
    await m.fit(x, y, { epochs: 3, batchSize: 1, verbose: 0 });
    expect(counts()).toEqual(after1);
    m.dispose();
  });
});
