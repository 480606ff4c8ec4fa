// Each optimizer's first two steps on a tiny parameter vector against values worked out by hand.
import { describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';

const P = [1, -2];
const G1 = [0.5, -1];
const G2 = [0.2, 0.4];

async function twoSteps(opt: wt.Optimizer): Promise<[number[], number[]]> {
  const p = wt.keep(wt.tensor(P));
  const g1 = wt.tensor(G1);
  const g2 = wt.tensor(G2);
  opt.applyGradients([[p, g1]]);
  const s1 = Array.from(await p.data());
  opt.applyGradients([[p, g2]]);
  const s2 = Array.from(await p.data());
  wt.dispose([p, g1, g2]);
  opt.dispose();
  return [s1, s2];
}

function close(got: number[], want: number[], tol = 1e-6): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(tol));
}

describe('optimizers: first two steps by hand (p = [1, -2], g1 = [0.5, -1], g2 = [0.2, 0.4])', () => {
  it('sgd lr 0.1: p -= 0.1 g', async () => {
    const [s1, s2] = await twoSteps(wt.optimizers.sgd({ learningRate: 0.1 }));
    close(s1, [0.95, -1.9]);
    close(s2, [0.93, -1.94]);
  });

  it('sgd momentum 0.9: v = 0.9 v - 0.1 g; p += v', async () => {
    // v1 = [-0.05, 0.1], p1 = [0.95, -1.9]; v2 = 0.9 v1 - 0.1 g2 = [-0.065, 0.05], p2 = [0.885, -1.85]
    const [s1, s2] = await twoSteps(wt.optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }));
    close(s1, [0.95, -1.9]);
    close(s2, [0.885, -1.85]);
  });

  it('sgd nesterov: p += 0.9 v - 0.1 g', async () => {
    // p1 = p + 0.9 [-0.05, 0.1] - 0.1 g1 = [0.905, -1.81]; p2 = p1 + 0.9 [-0.065, 0.05] - 0.1 g2 = [0.8265, -1.805]
    const [s1, s2] = await twoSteps(wt.optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }));
    close(s1, [0.905, -1.81]);
    close(s2, [0.8265, -1.805]);
  });

  it('rmsprop lr 0.01 (rho 0.9, epsilon 1e-7 defaults)', async () => {
    // ms1 = 0.1 g1^2 -> p1 = p - 0.01 sign(g1) / sqrt(0.1) = [0.968377, -1.968377]
    // ms2 = 0.9 ms1 + 0.1 g2^2 = [0.0265, 0.106] -> p2 = p1 - 0.01 g2 / sqrt(ms2) = [0.956091, -1.980663]
    const opt = wt.optimizers.rmsprop({ learningRate: 0.01 });
    expect([opt.rho, opt.epsilon]).toEqual([0.9, 1e-7]);
    const [s1, s2] = await twoSteps(opt);
    close(s1, [0.9683772, -1.9683772]);
    close(s2, [0.9560913, -1.9806631]);
  });

  it('adam lr 0.1 (beta1 0.9, beta2 0.999, epsilon 1e-7 defaults)', async () => {
    // t=1: m = 0.1 g1, v = 0.001 g1^2, lr_t = 0.1 sqrt(0.001) / 0.1 -> p1 = p - 0.1 sign(g1) (up to epsilon)
    // t=2: m = [0.065, -0.05], v = [0.00029, 0.00115866], lr_t = 0.1 sqrt(1 - 0.999^2) / (1 - 0.81) -> p2 = [0.810144, -1.865440]
    const opt = wt.optimizers.adam({ learningRate: 0.1 });
    expect([opt.beta1, opt.beta2, opt.epsilon]).toEqual([0.9, 0.999, 1e-7]);
    const [s1, s2] = await twoSteps(opt);
    close(s1, [0.9000006, -1.9000003]);
    close(s2, [0.8101436, -1.8654398], 2e-6);
  });

  it('Keras defaults and string names', () => {
    expect(wt.optimizers.sgd().learningRate).toBe(0.01);
    expect(wt.optimizers.rmsprop().learningRate).toBe(0.001);
    expect(wt.optimizers.adam().learningRate).toBe(0.001);
    expect(wt.optimizers.sgd(0.5).learningRate).toBe(0.5);
    const m = wt.sequential([wt.layers.dense({ units: 1, inputShape: [2] })]);
    for (const [name, cls] of [['sgd', 'SGD'], ['rmsprop', 'RMSprop'], ['adam', 'Adam']] as const) {
      m.compile({ optimizer: name, loss: 'meanSquaredError' });
      expect(m.optimizer!.getClassName()).toBe(cls);
    }
    expect(() => m.compile({ optimizer: 'adagrad' as 'adam', loss: 'mse' })).toThrow(/unknown optimizer 'adagrad'/);
    expect(() => wt.optimizers.adam({ learningRate: -1 })).toThrow(/learningRate/);
    m.dispose();
  });

  it('fit applies the optimizer: one sgd step of mean squared error on a linear model', async () => {
    // y = x w, loss = mean((x w - t)^2); x = [[1, 2]], t = [[1]], w = [0.5, 0.5] -> pred 1.5, dL/dw = 2 (1.5 - 1) x = [1, 2]
    const m = wt.sequential([wt.layers.dense({ units: 1, useBias: false, inputShape: [2], kernelInitializer: 'ones' })]);
    m.setWeights([wt.tensor([[0.5], [0.5]])]);
    m.compile({ optimizer: wt.optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    const h = await m.fit(wt.tensor([[1, 2]]), wt.tensor([[1]]), { epochs: 1, batchSize: 1, verbose: 0 });
    expect(h.history.loss![0]).toBeCloseTo(0.25, 6);
    const [w] = m.getWeights();
    close(Array.from(await w!.data()), [0.4, 0.3]);
    m.dispose();
  });
});
