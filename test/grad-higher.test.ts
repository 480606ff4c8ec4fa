/**
 * Higher-order gradients: grad of grad (and grads, valueAndGrad) against hand-worked second
 * derivatives, and Hessian-vector products against central finite differences of the first
 * gradient, on every backend.
 */
import { describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';
import { expectClose, randData, smoothData } from './helpers.js';

type F = (x: wt.Tensor) => wt.Tensor;

/** d²/dx² of sum(f(x)) elementwise: the gradient of the sum of the first gradient. */
function second(f: F): F {
  const g = wt.grad((x: wt.Tensor) => wt.sum(f(x)));
  return wt.grad((x: wt.Tensor) => wt.sum(g(x)));
}

/** H v for the scalar function f at x, by differentiating (grad f) . v. */
function hvp(f: F, x: wt.Tensor, v: wt.Tensor): wt.Tensor {
  const g = wt.grad(f);
  return wt.grad((y: wt.Tensor) => wt.sum(wt.mul(g(y), v)))(x);
}

/** The same product by central differences of the first gradient: (g(x + e v) - g(x - e v)) / 2e. */
async function hvpFD(f: F, x: Float32Array, shape: number[], v: Float32Array, eps = 1e-2): Promise<number[]> {
  const at = async (sgn: number): Promise<Float32Array> => {
    const xs = wt.tensor(x.map((xi, i) => xi + sgn * eps * v[i]!), shape);
    const g = wt.grad(f)(xs);
    const d = (await g.data()) as Float32Array;
    wt.dispose([xs, g]);
    return d;
  };
  const [p, m] = [await at(1), await at(-1)];
  return Array.from(p, (pi, i) => (pi - m[i]!) / (2 * eps));
}

const XS = [-1.3, -0.4, 0.2, 0.9, 1.7];

describe.each(await availableBackends())('higher-order gradients on %s', (backend) => {
  const setup = async () => wt.setBackend(backend);

  /** Elementwise f'' against a hand-worked formula. */
  const cases: [string, F, (x: number) => number, number[]?][] = [
    ['tanh', (x) => wt.tanh(x), (x) => { const t = Math.tanh(x); return -2 * t * (1 - t * t); }],
    ['sigmoid', (x) => wt.sigmoid(x), (x) => { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s) * (1 - 2 * s); }],
    ['exp', (x) => wt.exp(x), Math.exp],
    ['log', (x) => wt.log(x), (x) => -1 / (x * x), [0.3, 0.8, 1.5, 2.2]],
    ['relu (0 away from 0)', (x) => wt.relu(x), () => 0],
    ['mul x*x*x', (x) => wt.mul(wt.mul(x, x), x), (x) => 6 * x],
    ['div 1/x', (x) => wt.div(1, x), (x) => 2 / (x * x * x), [0.5, 1.1, 2, -0.7]],
    ['pow x^3', (x) => wt.pow(x, 3), (x) => 6 * x, [0.5, 1.1, 2]],
    ['pow 2^x (in the exponent)', (x) => wt.pow(2, x), (x) => Math.pow(2, x) * Math.LN2 * Math.LN2],
    ['sqrt', (x) => wt.sqrt(x), (x) => -0.25 * Math.pow(x, -1.5), [0.4, 1, 2.5]],
    ['square then mean', (x) => wt.mul(wt.mean(wt.square(x)), 5), () => 10 / 5],
  ];
  for (const [name, f, d2, xs = XS] of cases) {
    it(`${name}: grad(grad(f)) matches the hand-worked second derivative`, async () => {
      await setup();
      const x = wt.tensor(xs);
      const h = second(f)(x);
      expectClose(await h.data(), xs.map(d2), { atol: 2e-4, rtol: 2e-3 });
      wt.dispose([x, h]);
    });
  }

  it('leaves no tensors behind and keeps first-order results as they were', async () => {
    await setup();
    const x = wt.tensor(XS);
    const before = wt.memory().numTensors;
    const h = second((t) => wt.tanh(wt.mul(t, t)))(x);
    h.dispose();
    expect(wt.memory().numTensors).toBe(before);
    // The first gradient taken alone and the inner gradient of a nested call agree bit for bit.
    if (backend === 'cpu' || backend === 'wasm') {
      const g1 = wt.grad((t: wt.Tensor) => wt.sum(wt.sigmoid(t)))(x);
      let inner: Float32Array | null = null;
      wt.grad((t: wt.Tensor) => {
        const g = wt.grad((u: wt.Tensor) => wt.sum(wt.sigmoid(u)))(t);
        inner = g.dataSync() as Float32Array;
        return wt.sum(g);
      })(x).dispose();
      expect(Array.from(inner!)).toEqual(Array.from(g1.dataSync()));
      g1.dispose();
    }
    x.dispose();
    expect(wt.memory().numTensors).toBe(before - 1);
  });

  it('third order: d³/dx³ x^4 = 24x', async () => {
    await setup();
    const x = wt.tensor([0.5, -1, 2]);
    const d1 = wt.grad((t: wt.Tensor) => wt.sum(wt.pow(t, 4)));
    const d2 = wt.grad((t: wt.Tensor) => wt.sum(d1(t)));
    const d3 = wt.grad((t: wt.Tensor) => wt.sum(d2(t)));
    const y = d3(x);
    expectClose(await y.data(), [12, -24, 48], { atol: 1e-3, rtol: 1e-4 });
    wt.dispose([x, y]);
  });

  it('grads of two inputs: the mixed partials of sum(a * b * b) and valueAndGrad inside grad', async () => {
    await setup();
    const a = wt.tensor([1.5, -2]), b = wt.tensor([0.5, 3]);
    // d/da of sum(d/db [a b^2]) = d/da sum(2ab) = 2b; d/db of it = 2a.
    const inner = wt.grads((p: wt.Tensor, q: wt.Tensor) => wt.sum(wt.mul(p, wt.mul(q, q))));
    const [da, db] = wt.grads((p: wt.Tensor, q: wt.Tensor) => wt.sum(inner([p, q])[1]!))([a, b]);
    expectClose(await da!.data(), [1, 6]);
    expectClose(await db!.data(), [3, -4]);
    // valueAndGrad's gradient is differentiable too: d/dx of (d/dx x^3) = 6x.
    const [v, g] = wt.valueAndGrad((x: wt.Tensor) => {
      const [, d] = wt.valueAndGrad((t: wt.Tensor) => wt.sum(wt.pow(t, 3)))(x);
      return wt.sum(d);
    })(a);
    expectClose(await v.data(), 3 * (1.5 * 1.5 + 4));
    expectClose(await g.data(), [9, -12]);
    wt.dispose([a, b, da!, db!, v, g]);
  });

  /** Hessian-vector products against finite differences of the first gradient. */
  const hv: [string, number[], F][] = [
    ['softmax cross entropy', [2, 5], (x) => wt.neg(wt.sum(wt.mul(wt.logSoftmax(x), wt.tensor(randData(10, 7, 0, 1), [2, 5]))))],
    ['softmax weighted', [2, 4], (x) => wt.sum(wt.mul(wt.softmax(x), wt.tensor(randData(8, 3), [2, 4])))],
    ['softmax on axis 0', [3, 2], (x) => wt.sum(wt.square(wt.softmax(x, 0)))],
    ['matmul tanh MLP', [3, 4], (x) => {
      const w = wt.tensor(smoothData(8, 5), [4, 2]);
      return wt.sum(wt.square(wt.tanh(wt.matmul(x, w))));
    }],
    ['matmul both sides, transposed', [3, 3], (x) => wt.sum(wt.sigmoid(wt.matmul(x, x, { transposeB: true })))],
    ['broadcasting sum / mean', [2, 3], (x) => {
      const b = wt.tensor([0.3, -0.2, 0.5]);
      return wt.add(wt.sum(wt.exp(wt.mul(wt.add(x, b), 0.7))), wt.mean(wt.square(wt.sub(wt.mean(x, 0), x))));
    }],
    ['row scaling (div by a broadcast sum)', [2, 3], (x) => wt.sum(wt.square(wt.div(x, wt.add(wt.sum(wt.square(x), 1, true), 1))))],
    ['gather and slice', [4, 2], (x) => wt.sum(wt.exp(wt.mul(wt.gather(x, wt.tensor([3, 0, 3], [3], 'int32'), 0), wt.slice(x, [0, 0], [3, 2]))))],
    ['avgPool', [1, 4, 4, 1], (x) => wt.sum(wt.square(wt.avgPool(wt.tanh(x), 2, 2, 'valid')))],
    ['fused matmul sigmoid epilogue', [2, 3], (x) => wt.sum(wt.square(wt.fusedMatmul(x, wt.tensor(smoothData(6, 2), [3, 2]), { activation: 'sigmoid' })))],
  ];
  for (const [name, shape, f] of hv) {
    it(`Hessian-vector product: ${name}`, async () => {
      await setup();
      const n = shape.reduce((p, q) => p * q, 1);
      const xv = smoothData(n, 11), vv = randData(n, 12);
      const x = wt.tensor(xv, shape), v = wt.tensor(vv, shape);
      const before = wt.memory().numTensors;
      const h = wt.tidy(() => hvp(f, x, v));
      expect(wt.memory().numTensors).toBe(before + 1);
      expectClose(await h.data(), await hvpFD(f, xv, shape, vv), { atol: 3e-3, rtol: 2e-2 });
      wt.dispose([x, v, h]);
    });
  }

  it('maxPool refuses a second-order gradient with a clear Error and leaves memory as it was', async () => {
    await setup();
    const x = wt.tensor(smoothData(16, 3), [1, 4, 4, 1]);
    const before = wt.memory().numTensors;
    // The inner gradient's dy (2 maxPool(x)) depends on x, so the outer pass must transpose maxPool's gradient.
    expect(() => second((t) => wt.square(wt.maxPool(t, 2, 2, 'valid')))(x)).toThrow(/maxPool: second-order gradients/);
    // Where the inner dy is a constant, maxPool's gradient is piecewise constant in x and the
    // second derivative is well defined: d²/dx² sum(maxPool(x²)) is 2 at each window's maximum.
    const h = second((t) => wt.maxPool(wt.mul(t, t), 2, 2, 'valid'))(x);
    expect(Array.from(await h.data()).reduce((p, q) => p + q, 0)).toBeCloseTo(8, 5);
    h.dispose();
    expect(wt.memory().numTensors).toBe(before);
    // Its first-order gradient still works.
    const g = wt.grad((t: wt.Tensor) => wt.sum(wt.maxPool(t, 2, 2, 'valid')))(x);
    expect(Array.from(await g.data()).reduce((p, q) => p + q, 0)).toBe(4);
    wt.dispose([x, g]);
  });
});
