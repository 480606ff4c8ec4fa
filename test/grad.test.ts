/**
 * Gradients of every differentiable op against central finite differences (test/helpers.ts
 * checkGrad), on random shapes with broadcasting, plus the grad/valueAndGrad API itself.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import type { Activation } from '../src/index.js';
import { checkGrad, expectClose, expectTensor, input, smoothData } from './helpers.js';

beforeAll(async () => {
  await wt.setBackend('cpu');
});

const positive = (shape: number[], seed: number) => input(shape, seed, smoothData(shape.reduce((a, b) => a * b, 1), seed).map(Math.abs));

/** Pairs of shapes that broadcast together, both ways round. */
const BROADCAST_PAIRS: [number[], number[]][] = [
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [[2, 1, 4], [3, 1]],
  [[2, 3], []],
  [[4, 1], [1, 5]],
];

describe('grad: broadcasting binary ops', () => {
  const ops: [string, (a: wt.Tensor, b: wt.Tensor) => wt.Tensor][] = [
    ['add', (a, b) => wt.add(a, b)],
    ['sub', (a, b) => a.sub(b)],
    ['mul', (a, b) => wt.mul(a, b)],
    ['div', (a, b) => a.div(b)],
    ['maximum', (a, b) => wt.maximum(a, b)],
    ['minimum', (a, b) => a.minimum(b)],
  ];
  for (const [name, f] of ops) {
    for (const [sa, sb] of BROADCAST_PAIRS) {
      it(`${name} ${JSON.stringify(sa)} with ${JSON.stringify(sb)}`, async () => {
        await checkGrad(f, [input(sa, 1), input(sb, 2)]);
      });
    }
  }
  it('pow: base and exponent, broadcast', async () => {
    await checkGrad((a, b) => wt.pow(a, b), [positive([2, 3], 3), input([3], 4)]);
    await checkGrad((a, b) => a.pow(b), [positive([3, 1], 5), input([1, 4], 6)]);
  });
  it('pow with a constant exponent', async () => {
    await checkGrad((a) => a.pow(3), [input([2, 3], 7)]);
    await checkGrad((a) => wt.pow(a, 0.5), [positive([5], 8)]);
  });
  it('the same tensor on both sides (gradients accumulate)', async () => {
    await checkGrad((a) => a.mul(a).add(a), [input([3, 2], 9)]);
    await checkGrad((a) => wt.div(a, a.add(3)), [input([4], 10)]);
  });
  it('numbers as operands', async () => {
    await checkGrad((a) => wt.sub(2, a).mul(3).div(4).add(1), [input([2, 2], 11)]);
  });
});

describe('grad: unary ops and activations', () => {
  const ops: [string, (a: wt.Tensor) => wt.Tensor, boolean][] = [
    ['neg', (a) => wt.neg(a), false],
    ['exp', (a) => a.exp(), false],
    ['log', (a) => wt.log(a), true],
    ['sqrt', (a) => a.sqrt(), true],
    ['abs', (a) => wt.abs(a), false],
    ['square', (a) => a.square(), false],
    ['tanh', (a) => wt.tanh(a), false],
    ['sigmoid', (a) => a.sigmoid(), false],
    ['relu', (a) => wt.relu(a), false],
    ['leakyRelu', (a) => a.leakyRelu(0.1), false],
    ['leakyRelu default alpha', (a) => wt.leakyRelu(a), false],
  ];
  for (const [name, f, pos] of ops) {
    it(name, async () => {
      await checkGrad(f, [pos ? positive([3, 4], 20) : input([3, 4], 20)]);
    });
  }
  it('clip (values away from the bounds)', async () => {
    const data = [-0.9, -0.3, 0.1, 0.6, 0.95, -0.62, 0.45, 1.3, -0.05, 0.8, -1.1, 0.25];
    await checkGrad((a) => wt.clip(a, -0.5, 0.7), [input([3, 4], 0, data)]);
    await checkGrad((a) => a.clip(-0.2, 0.5), [input([12], 0, data)]);
  });
  it('step and sign have zero gradient', async () => {
    const x = wt.tensor([-1, 0.5, 2]);
    await expectTensor(wt.grad((a: wt.Tensor) => a.step().sum())(x), [0, 0, 0]);
    await expectTensor(wt.grad((a: wt.Tensor) => a.sign().mul(a).sum())(x), [-1, 1, 1]);
  });
  it('chained activations', async () => {
    await checkGrad((a) => a.tanh().mul(a.sigmoid()).exp(), [input([5], 21)]);
  });
});

describe('grad: matmul', () => {
  const combos: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
  for (const [tA, tB] of combos) {
    it(`transposeA=${tA} transposeB=${tB}`, async () => {
      const [m, k, n] = [3, 4, 2];
      await checkGrad((a, b) => wt.matmul(a, b, { transposeA: tA, transposeB: tB }),
        [input(tA ? [k, m] : [m, k], 30), input(tB ? [n, k] : [k, n], 31)]);
    });
    it(`batched 3-D, transposeA=${tA} transposeB=${tB}`, async () => {
      const [bt, m, k, n] = [2, 3, 2, 3];
      await checkGrad((a, b) => a.matmul(b, { transposeA: tA, transposeB: tB }),
        [input(tA ? [bt, k, m] : [bt, m, k], 32), input(tB ? [bt, n, k] : [bt, k, n], 33)]);
    });
  }
  it('3-D x shared 2-D and 2-D x 3-D', async () => {
    await checkGrad((a, b) => wt.matmul(a, b), [input([2, 3, 4], 34), input([4, 2], 35)]);
    await checkGrad((a, b) => wt.matmul(a, b, { transposeB: true }), [input([3, 4], 36), input([2, 5, 4], 37)]);
  });
  const acts: Activation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu'];
  for (const activation of acts) {
    for (const [tA, tB] of combos) {
      it(`fusedMatmul + bias + ${activation}, transposeA=${tA} transposeB=${tB}`, async () => {
        const [m, k, n] = [4, 3, 5];
        await checkGrad((a, b, bias) => wt.fusedMatmul(a, b, { transposeA: tA, transposeB: tB, bias, activation, alpha: 0.1 }),
          [input(tA ? [k, m] : [m, k], 40), input(tB ? [n, k] : [k, n], 41), input([n], 42)], { eps: 3e-3 });
      });
    }
  }
  it('fusedMatmul with a [1, n] bias and no activation', async () => {
    await checkGrad((a, b, bias) => wt.fusedMatmul(a, b, { bias }), [input([2, 3], 43), input([3, 4], 44), input([1, 4], 45)]);
  });
  it('fusedMatmul step activation has zero gradient through the activation', async () => {
    const a = wt.tensor([[1, 2]]), b = wt.tensor([[1], [1]]);
    const [ga, gb] = wt.grad<wt.Tensor[]>((x, y) => wt.fusedMatmul(x!, y!, { activation: 'step' }).sum())([a, b]);
    await expectTensor(ga!, [[0, 0]]);
    await expectTensor(gb!, [[0], [0]]);
  });
});

describe('grad: softmax and reductions', () => {
  for (const axis of [0, 1, -1, 2]) {
    it(`softmax axis ${axis}`, async () => {
      await checkGrad((a) => wt.softmax(a, axis), [input([2, 3, 4], 50)]);
    });
    it(`logSoftmax axis ${axis}`, async () => {
      await checkGrad((a) => a.logSoftmax(axis), [input([2, 3, 4], 51)]);
    });
  }
  it('softmax default axis', async () => {
    await checkGrad((a) => a.softmax(), [input([3, 5], 52)]);
  });
  const axes: (number | number[] | undefined)[] = [undefined, 0, 1, -1, [0, 2], [1, 2], [0, 1, 2]];
  for (const axis of axes) {
    for (const keepDims of [false, true]) {
      const tag = `axis ${JSON.stringify(axis)} keepDims ${keepDims}`;
      it(`sum ${tag}`, async () => {
        await checkGrad((a) => wt.sum(a, axis, keepDims), [input([2, 3, 4], 53)]);
      });
      it(`mean ${tag}`, async () => {
        await checkGrad((a) => a.mean(axis, keepDims), [input([2, 3, 4], 54)]);
      });
      it(`max ${tag}`, async () => {
        await checkGrad((a) => wt.max(a, axis, keepDims), [input([2, 3, 4], 55)]);
      });
      it(`min ${tag}`, async () => {
        await checkGrad((a) => a.min(axis, keepDims), [input([2, 3, 4], 56)]);
      });
    }
  }
});

describe('grad: movement ops', () => {
  it('reshape (with -1) and flatten', async () => {
    await checkGrad((a) => wt.reshape(a, [3, -1]).mul(wt.tensor([1, 2, 3, 4]).reshape([1, 4])), [input([2, 6], 60)]);
    await checkGrad((a) => a.flatten().mul(wt.arange(6)), [input([2, 3], 61)]);
  });
  it('transpose (default and any permutation)', async () => {
    await checkGrad((a) => wt.transpose(a).mul(wt.arange(24).reshape([4, 3, 2])), [input([2, 3, 4], 62)]);
    await checkGrad((a) => a.transpose([1, 2, 0]).mul(wt.arange(24).reshape([3, 4, 2])), [input([2, 3, 4], 63)]);
  });
  it('slice', async () => {
    await checkGrad((a) => wt.slice(a, [1, 0, 1], [1, 2, -1]), [input([2, 3, 4], 64)]);
    await checkGrad((a) => a.slice(1), [input([3, 2], 65)]);
  });
  it('gather along axis 0 and 1, with repeated indices', async () => {
    await checkGrad((a) => wt.gather(a, wt.tensor([2, 0, 2], [3], 'int32')), [input([3, 4], 66)]);
    await checkGrad((a) => a.gather(wt.tensor([1, 1, 0], [3], 'int32'), 1), [input([2, 3], 67)]);
  });
  it('concat along each axis, and stack', async () => {
    await checkGrad((a, b) => wt.concat([a, b], 0), [input([2, 3], 68), input([1, 3], 69)]);
    await checkGrad((a, b) => wt.concat([a, b, a], -1), [input([2, 3], 70), input([2, 1], 71)]);
    await checkGrad((a, b) => a.concat(b, 1).mul(2), [input([2, 2, 2], 72), input([2, 1, 2], 73)]);
    await checkGrad((a, b) => wt.stack([a, b], 1), [input([2, 3], 74), input([2, 3], 75)]);
  });
  it('where (broadcast cond and branches)', async () => {
    const cond = wt.tensor([[1, 0, 1]]);
    await checkGrad((a, b) => wt.where(cond, a, b), [input([2, 3], 76), input([2, 1], 77)]);
  });
  it('broadcastTo, expandDims, squeeze, clone, cast to float32', async () => {
    await checkGrad((a) => wt.broadcastTo(a, [2, 3, 4]), [input([3, 1], 78)]);
    await checkGrad((a) => a.expandDims(1).squeeze().mul(a), [input([3], 79)]);
    await checkGrad((a) => wt.clone(a).mul(a.cast('float32')), [input([4], 80)]);
  });
});

describe('grad / valueAndGrad API', () => {
  it('grad of x^2 summed is 2x', async () => {
    const x = wt.tensor([[1, 2, 3], [4, 5, 6]]);
    await expectTensor(wt.grad((a: wt.Tensor) => a.mul(a).sum())(x), [[2, 4, 6], [8, 10, 12]]);
  });
  it('valueAndGrad returns the value and the gradient', async () => {
    const x = wt.tensor([1, 2, 3]);
    const [v, g] = wt.valueAndGrad((a: wt.Tensor) => a.square().sum())(x);
    expect(await v.array()).toBe(14);
    await expectTensor(g, [2, 4, 6]);
  });
  it('grad of a function of two tensors: grad(f)([a, b]) calls f(a, b)', async () => {
    const a = wt.tensor([1, 2, 3]);
    const b = wt.tensor([4, 5, 6]);
    const [da, db] = wt.grad<wt.Tensor[]>((x, y) => x!.mul(y!).add(x!.square()).sum())([a, b]);
    await expectTensor(da!, [4 + 2, 5 + 4, 6 + 6]);
    await expectTensor(db!, [1, 2, 3]);
    const [v, [ga, gb]] = wt.valueAndGrad<wt.Tensor[]>((x, y) => wt.matmul(x!, y!).sum())([wt.tensor([[1, 2]]), wt.tensor([[3], [4]])]);
    expect(await v.array()).toBe(11);
    await expectTensor(ga!, [[3, 4]]);
    await expectTensor(gb!, [[1], [2]]);
  });
  it('without type arguments, grad(f)(x) is a Tensor and grad(f)([a, b]) a Tensor[]', async () => {
    const g: wt.Tensor = wt.grad((x) => x.square().sum())(wt.tensor([1, 2]));
    await expectTensor(g, [2, 4]);
    const gs: wt.Tensor[] = wt.grad((x, y) => x!.mul(y!).sum())([wt.tensor([1, 2]), wt.tensor([3, 4])]);
    await expectTensor(gs[1]!, [1, 2]);
    const [v, vg]: [wt.Tensor, wt.Tensor] = wt.valueAndGrad((x) => x.sum())(wt.tensor([5]));
    expect(await v.array()).toBe(5);
    await expectTensor(vg, [1]);
  });
  it('an input f does not use gets a zero gradient', async () => {
    const [da, db] = wt.grad<wt.Tensor[]>((x) => x!.sum())([wt.tensor([1, 2]), wt.tensor([[3, 4]])]);
    await expectTensor(da!, [1, 1]);
    await expectTensor(db!, [[0, 0]]);
  });
  it('a non-scalar output is weighted by dy (default ones)', async () => {
    const x = wt.tensor([1, 2, 3]);
    await expectTensor(wt.grad((a: wt.Tensor) => a.mul(a))(x), [2, 4, 6]);
    await expectTensor(wt.grad((a: wt.Tensor) => a.mul(a))(x, wt.tensor([1, 0, -1])), [2, 0, -6]);
  });
  it('constants created inside f do not receive gradients and f may return its input', async () => {
    const x = wt.tensor([1, 2]);
    const g = wt.grad((a: wt.Tensor) => a)(x);
    await expectTensor(g, [1, 1]);
    expect(x.isDisposed).toBe(false);
  });
  it('gradients agree with finite differences for a small network', async () => {
    await checkGrad((x, w1, b1, w2) => {
      const h = wt.fusedMatmul(x, w1, { bias: b1, activation: 'tanh' });
      return wt.logSoftmax(wt.matmul(h, w2)).mul(wt.oneHot(wt.tensor([0, 2], [2], 'int32'), 3)).sum().neg();
    }, [input([2, 4], 90), input([4, 5], 91), input([5], 92), input([5, 3], 93)]);
  });
  it('gradient of mean cross-entropy matches the closed form softmax - onehot', async () => {
    const logits = wt.tensor([[1, 2, 3], [1, -1, 0]]);
    const y = wt.oneHot(wt.tensor([2, 0], [2], 'int32'), 3);
    const g = wt.grad((l: wt.Tensor) => l.logSoftmax().mul(y).sum(-1).mean().neg())(logits);
    const p = await wt.softmax(logits).sub(y).div(2).data();
    expectClose(await g.data(), p, { atol: 1e-6 });
  });
});
