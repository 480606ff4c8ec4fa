/**
 * The recurrent layers (simpleRNN, lstm, gru, rnn over stacked cells, bidirectional,
 * timeDistributed) and the activation strings, against tfjs-layers run in the same test: the
 * same options and weights give the same outputs and states; one sgd step through a model around
 * each gives the same updated weights; a model saved by tfjs-layers loads here and predicts the
 * same. GRU's resetAfter (which tfjs-layers lacks) is checked against a loop written out here.
 * Every case runs on every backend this process has.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availability } from './backends.js';

const backends = (await availability()).names;

function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

async function close(a: wt.Tensor, b: tf.Tensor, tol = 2e-5): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  const x = await a.data(), y = await b.data();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - (y[i] as number)) / (1 + Math.abs(y[i] as number)));
  expect(worst).toBeLessThan(tol);
}

type Lib = Record<string, (o: object) => unknown>;

// tfjs-layers 4.22's Orthogonal initializer fails here (rMat.flatten is not a function): its
// recurrent layers are made with glorotUniform, and every weight is set before use anyway.
const RECURRENT = ['simpleRNN', 'lstm', 'gru', 'simpleRNNCell', 'lstmCell', 'gruCell'];
const TFL = new Proxy(tfl.layers as unknown as Lib, {
  get: (t, k: string) => (RECURRENT.includes(k) ? (o: object) => t[k]!({ recurrentInitializer: 'glorotUniform', ...o }) : t[k]),
});
/** A case: name, input shape [batch, steps, features], and the layer made from either library's factories. */
type Case = [string, number[], (L: Lib) => unknown];

// tfjs-layers' default recurrent activation is hardSigmoid, Keras's (and ours) sigmoid: the cases name it.
const sig = { recurrentActivation: 'sigmoid' };
const CASES: Case[] = [
  ['simpleRNN', [2, 4, 3], (L) => L.simpleRNN!({ units: 3 })],
  ['simpleRNN relu, sequences', [2, 4, 3], (L) => L.simpleRNN!({ units: 3, activation: 'relu', returnSequences: true })],
  ['simpleRNN goBackwards, sequences, state', [2, 5, 2], (L) => L.simpleRNN!({ units: 2, goBackwards: true, returnSequences: true, returnState: true })],
  ['simpleRNN no bias', [3, 3, 2], (L) => L.simpleRNN!({ units: 4, useBias: false })],
  ['lstm', [2, 4, 3], (L) => L.lstm!({ units: 3, ...sig })],
  ['lstm sequences + state', [2, 4, 3], (L) => L.lstm!({ units: 2, returnSequences: true, returnState: true, ...sig })],
  ['lstm hardSigmoid, goBackwards', [2, 6, 2], (L) => L.lstm!({ units: 3, recurrentActivation: 'hardSigmoid', goBackwards: true })],
  ['lstm softsign, no unitForgetBias', [1, 3, 4], (L) => L.lstm!({ units: 2, activation: 'softsign', unitForgetBias: false, ...sig })],
  ['gru resetAfter false', [2, 4, 3], (L) => L.gru!({ units: 3, resetAfter: false, ...sig })],
  ['gru sequences + state', [2, 5, 2], (L) => L.gru!({ units: 2, resetAfter: false, returnSequences: true, returnState: true, ...sig })],
  ['rnn over stacked cells', [2, 4, 3], (L) => L.rnn!({ cell: [L.lstmCell!({ units: 3, ...sig }), L.simpleRNNCell!({ units: 2 })], returnSequences: true })],
  ['rnn over one gru cell', [2, 3, 2], (L) => L.rnn!({ cell: L.gruCell!({ units: 2, resetAfter: false, ...sig }) })],
  ['bidirectional lstm concat', [2, 4, 3], (L) => L.bidirectional!({ layer: L.lstm!({ units: 2, returnSequences: true, ...sig }) })],
  ['bidirectional simpleRNN sum', [2, 4, 3], (L) => L.bidirectional!({ layer: L.simpleRNN!({ units: 3 }), mergeMode: 'sum' })],
  ['bidirectional gru ave', [2, 3, 2], (L) => L.bidirectional!({ layer: L.gru!({ units: 2, resetAfter: false, returnSequences: true, ...sig }), mergeMode: 'ave' })],
  ['bidirectional simpleRNN mul', [2, 3, 2], (L) => L.bidirectional!({ layer: L.simpleRNN!({ units: 2 }), mergeMode: 'mul' })],
  ['timeDistributed dense', [2, 4, 3], (L) => L.timeDistributed!({ layer: L.dense!({ units: 2, activation: 'tanh' }) })],
];

describe.each(backends)('recurrent layers equal tfjs-layers\' (%s)', (backend) => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await wt.setBackend(backend as wt.BackendName);
  });

  it.each(CASES)('%s', async (_name, shape, make) => {
    const theirs = make(TFL) as tfl.layers.Layer;
    const ours = make(wt.layers as unknown as Lib) as wt.Layer;
    const data = values(size(shape), 11, 1.5);
    const tx = tf.tensor(data, shape);
    const wx = wt.tensor(data, shape);
    theirs.apply(tx);
    ours.applyAll(wx);
    const tw = theirs.getWeights();
    const fixed = tw.map((w, i) => values(w.size, 40 + i, 0.6));
    theirs.setWeights(fixed.map((v, i) => tf.tensor(v, tw[i]!.shape)));
    ours.setWeights(fixed.map((v, i) => wt.tensor(v, tw[i]!.shape)));
    expect(ours.weights.map((w) => w.shape)).toEqual(tw.map((w) => w.shape));
    const ty = theirs.apply(tx) as tf.Tensor | tf.Tensor[];
    const wy = ours.applyAll(wx);
    const tlist = Array.isArray(ty) ? ty : [ty];
    expect(wy.length).toBe(tlist.length);
    for (let i = 0; i < tlist.length; i++) await close(wy[i]!, tlist[i]!);
    ours.dispose();
  });

  it('GRU resetAfter (Keras\'s default, which tfjs-layers lacks) equals the loop written out', async () => {
    const [B, T, F, U] = [2, 3, 2, 3];
    const g = wt.layers.gru({ units: U, returnSequences: true });
    expect(g.cell.getConfig().reset_after).toBe(true);
    const x = values(B * T * F, 5);
    g.apply(wt.tensor(x, [B, T, F]));
    const W = values(F * 3 * U, 6, 0.7), R = values(U * 3 * U, 7, 0.7), b = values(2 * 3 * U, 8, 0.5);
    g.setWeights([wt.tensor(W, [F, 3 * U]), wt.tensor(R, [U, 3 * U]), wt.tensor(b, [2, 3 * U])]);
    expect(g.weights.map((w) => w.shape)).toEqual([[F, 3 * U], [U, 3 * U], [2, 3 * U]]);
    const y = await g.apply(wt.tensor(x, [B, T, F])).data();
    const sg = (v: number) => 1 / (1 + Math.exp(-v));
    for (let n = 0; n < B; n++) {
      let h = new Array(U).fill(0) as number[];
      for (let t = 0; t < T; t++) {
        const xi = (j: number) => { let s = b[j]!; for (let f = 0; f < F; f++) s += x[(n * T + t) * F + f]! * W[f * 3 * U + j]!; return s; };
        const hi = (j: number) => { let s = b[3 * U + j]!; for (let k = 0; k < U; k++) s += h[k]! * R[k * 3 * U + j]!; return s; };
        const next = h.map((hk, k) => {
          const z = sg(xi(k) + hi(k)), r = sg(xi(U + k) + hi(U + k));
          const c = Math.tanh(xi(2 * U + k) + r * hi(2 * U + k));
          return z * hk + (1 - z) * c;
        });
        h = next;
        for (let k = 0; k < U; k++) expect(y[(n * T + t) * U + k]!).toBeCloseTo(h[k]!, 5);
      }
    }
    g.dispose();
  });

  it('masked steps carry the state and repeat the previous output', async () => {
    const l = wt.layers.simpleRNN({ units: 2, returnSequences: true, returnState: true });
    const x = wt.tensor(values(1 * 4 * 2, 3), [1, 4, 2]);
    l.applyAll(x);
    const full = l.call(x, { training: false, seed: 0, updates: [] }, wt.tensor([[1, 0, 0, 1]])) as wt.Tensor[];
    const ys = await full[0]!.array() as number[][][];
    expect(ys[0]![1]).toEqual(ys[0]![0]);
    expect(ys[0]![2]).toEqual(ys[0]![0]);
    // Steps 1 and 2 masked: the last output is one step from the first step's state.
    const two = wt.tensor([(await x.array() as number[][][])[0]![0]!, (await x.array() as number[][][])[0]![3]!], [1, 2, 2]);
    const direct = l.applyAll(two);
    const want = await direct[0]!.array() as number[][][];
    for (let k = 0; k < 2; k++) expect(ys[0]![3]![k]!).toBeCloseTo(want[0]![1]![k]!, 5);
    l.dispose();
  });

  it('errors name the layer and leave memory unchanged', async () => {
    const l = wt.layers.lstm({ units: 2 });
    l.apply(wt.zeros([1, 2, 3]));
    const flat = wt.zeros([1, 3]);
    const before = wt.memory().numTensors;
    expect(() => l.apply(flat)).toThrow(/lstm.*\[batch, steps, features\]|expected input shape/);
    expect(() => wt.layers.gru({ units: 0 })).toThrow(/units must be a positive integer/);
    expect(() => wt.layers.simpleRNN({ units: 2, activation: 'nope' as never })).toThrow(/unknown activation 'nope'/);
    expect(() => wt.layers.bidirectional({ layer: wt.layers.dense({ units: 2 }) as never })).toThrow(/must be a recurrent layer/);
    expect(() => wt.layers.bidirectional({ layer: wt.layers.lstm({ units: 2 }), mergeMode: 'max' as never })).toThrow(/mergeMode must be one of/);
    expect(wt.memory().numTensors).toBe(before);
    l.dispose();
  });
});

/** Models around each layer for the training step: input [steps, features] -> layer -> dense(2). */
const TRAIN: [string, number[], (L: Lib, x: unknown) => unknown][] = [
  ['lstm', [4, 3], (L, x) => (L.lstm!({ units: 3, ...sig }) as { apply(x: unknown): unknown }).apply(x)],
  ['gru', [4, 3], (L, x) => (L.gru!({ units: 3, resetAfter: false, ...sig }) as { apply(x: unknown): unknown }).apply(x)],
  ['simpleRNN sequences + timeDistributed + flatten', [3, 2], (L, x) => {
    const s = (L.simpleRNN!({ units: 3, returnSequences: true }) as { apply(x: unknown): unknown }).apply(x);
    const t = (L.timeDistributed!({ layer: L.dense!({ units: 2 }) }) as { apply(x: unknown): unknown }).apply(s);
    return (L.flatten!({}) as { apply(x: unknown): unknown }).apply(t);
  }],
  ['bidirectional lstm', [3, 2], (L, x) => (L.bidirectional!({ layer: L.lstm!({ units: 2, ...sig }) }) as { apply(x: unknown): unknown }).apply(x)],
];

describe.each(backends)('one sgd step through each recurrent layer equals tfjs-layers\' (%s)', (backend) => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await wt.setBackend(backend as wt.BackendName);
  });

  it.each(TRAIN)('%s', async (_name, shape, body) => {
    const mk = (lib: 'wt' | 'tfl') => {
      const L = lib === 'wt' ? (wt.layers as unknown as Lib) : TFL;
      const x = (lib === 'wt' ? wt.input : tfl.input)({ shape } as never);
      const y = (L.dense!({ units: 2 }) as { apply(x: unknown): unknown }).apply(body(L, x));
      return (lib === 'wt' ? wt.model : tfl.model)({ inputs: x, outputs: y } as never);
    };
    const theirs = mk('tfl') as tfl.LayersModel;
    const ours = mk('wt') as wt.LayersModel;
    let seed = 30;
    const fixed: Float32Array[] = [];
    theirs.layers.forEach((l, j) => {
      const ws = l.getWeights();
      if (!ws.length) return;
      const v = ws.map((w) => values(w.size, seed++, 0.7));
      l.setWeights(v.map((a, i) => tf.tensor(a, ws[i]!.shape)));
      ours.layers[j]!.setWeights(v.map((a, i) => wt.tensor(a, ws[i]!.shape)));
      fixed.push(...v);
    });
    const n = 5;
    const x = values(n * size(shape), 3), y = values(n * 2, 4);
    theirs.compile({ optimizer: tf.train.sgd(0.3), loss: 'meanSquaredError' });
    ours.compile({ optimizer: wt.train.sgd(0.3), loss: 'meanSquaredError' });
    const h1 = await theirs.fit(tf.tensor(x, [n, ...shape]), tf.tensor(y, [n, 2]), { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
    const h2 = await ours.fit(wt.tensor(x, [n, ...shape]), wt.tensor(y, [n, 2]), { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
    expect(h2.history.loss![0]).toBeCloseTo(h1.history.loss![0] as number, 5);
    const after = await Promise.all(theirs.layers.flatMap((l) => l.getWeights()).map((w) => w.data()));
    const mine = await Promise.all(ours.layers.flatMap((l) => l.getWeights()).map((w) => w.data()));
    expect(mine.length).toBe(after.length);
    let moved = 0;
    after.forEach((a, i) => {
      for (let k = 0; k < a.length; k++) {
        expect(Math.abs(mine[i]![k]! - (a[k] as number))).toBeLessThan(3e-5);
        moved = Math.max(moved, Math.abs((a[k] as number) - fixed[i]![k]!));
      }
    });
    expect(moved).toBeGreaterThan(1e-4);
    ours.dispose();
  });
});

async function artifactsOf(m: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let a: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (x) => ((a = x), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  return a!;
}

describe('TF.js layers files with recurrent layers', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await wt.setBackend('cpu');
  });

  it('a model saved by tfjs-layers loads and predicts the same; ours saves what tfjs-layers loads', async () => {
    const x = tfl.input({ shape: [5, 3] });
    const a = tfl.layers.lstm({ recurrentInitializer: 'glorotUniform', units: 4, returnSequences: true, recurrentActivation: 'hardSigmoid' }).apply(x) as tfl.SymbolicTensor;
    const b = tfl.layers.bidirectional({ layer: tfl.layers.gru({ recurrentInitializer: 'glorotUniform', units: 2, returnSequences: true }) as tfl.RNN, mergeMode: 'concat' }).apply(a) as tfl.SymbolicTensor;
    const c = tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 3, activation: 'swish' }) }).apply(b) as tfl.SymbolicTensor;
    const d = tfl.layers.simpleRNN({ recurrentInitializer: 'glorotUniform', units: 2, goBackwards: true, activation: 'selu' }).apply(c) as tfl.SymbolicTensor;
    const theirs = tfl.model({ inputs: x, outputs: d });
    for (const l of theirs.layers) {
      const ws = l.getWeights();
      l.setWeights(ws.map((w, i) => tf.tensor(values(w.size, 70 + i, 0.8), w.shape)));
    }
    const art = await artifactsOf(theirs);
    const ours = await wt.loadLayersModel({ load: async () => art as unknown as wt.ModelArtifacts });
    const data = values(2 * 5 * 3, 9, 1.5);
    await close(ours.predict(wt.tensor(data, [2, 5, 3])) as wt.Tensor, theirs.predict(tf.tensor(data, [2, 5, 3])) as tf.Tensor);
    let mine: tf.io.ModelArtifacts | undefined;
    await ours.save({ save: async (m: unknown) => ((mine = m as tf.io.ModelArtifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) } as never);
    const back = await tfl.loadLayersModel(tf.io.fromMemory(mine!));
    await close(ours.predict(wt.tensor(data, [2, 5, 3])) as wt.Tensor, back.predict(tf.tensor(data, [2, 5, 3])) as tf.Tensor);
    ours.dispose();
  });
});

describe.each(backends)('activation strings in any layer equal tfjs-layers\' (%s)', (backend) => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await wt.setBackend(backend as wt.BackendName);
  });
  const names = ['relu6', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'mish', 'gelu', 'linear', 'relu', 'tanh', 'sigmoid', 'softmax'];
  it.each(names)('%s in dense and activation', async (name) => {
    const data = values(4 * 5, 2, 3);
    const td = tfl.layers.dense({ units: 6, activation: name as never });
    const od = wt.layers.dense({ units: 6, activation: name as never });
    td.apply(tf.tensor(data, [4, 5]));
    od.apply(wt.tensor(data, [4, 5]));
    const w = [values(30, 3, 0.8), values(6, 4, 0.5)];
    td.setWeights([tf.tensor(w[0]!, [5, 6]), tf.tensor(w[1]!, [6])]);
    od.setWeights([wt.tensor(w[0]!, [5, 6]), wt.tensor(w[1]!, [6])]);
    await close(od.apply(wt.tensor(data, [4, 5])) as wt.Tensor, td.apply(tf.tensor(data, [4, 5])) as tf.Tensor, 1e-5);
    const ta = tfl.layers.activation({ activation: name as never });
    const oa = wt.layers.activation({ activation: name as never });
    await close(oa.apply(wt.tensor(data, [4, 5])) as wt.Tensor, ta.apply(tf.tensor(data, [4, 5])) as tf.Tensor, 1e-5);
    od.dispose();
  });

  it('exponential is e^x; Keras spellings (hard_sigmoid, silu, leaky_relu) are read', async () => {
    const a = wt.layers.activation({ activation: 'exponential' });
    expect(Array.from(await (a.apply(wt.tensor([0, 1, -2])) as wt.Tensor).data()).map((v) => +v.toFixed(5))).toEqual([1, +Math.E.toFixed(5), +Math.exp(-2).toFixed(5)]);
    expect(wt.layers.activation({ activation: 'hard_sigmoid' as never }).activation).toBe('hardSigmoid');
    expect(wt.layers.activation({ activation: 'silu' as never }).activation).toBe('swish');
    const g = wt.grad((x: wt.Tensor) => wt.sum(wt.layers.activation({ activation: 'gelu' }).apply(x) as wt.Tensor))(wt.tensor([0.5])) as wt.Tensor;
    // d/dx x Phi(x) = Phi(x) + x phi(x) at 0.5.
    const phi = Math.exp(-0.125) / Math.sqrt(2 * Math.PI);
    expect((await g.data())[0]!).toBeCloseTo(0.6914625 + 0.5 * phi, 4);
  });
});

describe('the lstm-sequence example trains the same on every backend', () => {
  it.each(backends.filter((b) => b !== 'cpu'))('%s: each batch loss within 1e-4 + 1e-3 * loss of cpu\'s', async (backend) => {
    const { run } = await import('../src/examples/lstm-sequence.js');
    const opts = { train: 96, test: 32, steps: 6, units: 8, epochs: 2, batchSize: 32 };
    await wt.setBackend('cpu');
    const ref = await run(opts);
    await wt.setBackend(backend as wt.BackendName);
    const got = await run(opts);
    expect(ref.batchLosses.length).toBe(6);
    expect(ref.batchLosses[5]!).toBeLessThan(ref.batchLosses[0]!);
    got.batchLosses.forEach((l, i) => expect(Math.abs(l - ref.batchLosses[i]!)).toBeLessThan(1e-4 + 1e-3 * ref.batchLosses[i]!));
    expect(Math.abs(got.testAccuracy - ref.testAccuracy)).toBeLessThanOrEqual(1 / 32 + 1e-9);
  });
});

/** Masked models: input -> (masking | embedding maskZero) -> recurrent layers -> dense 2. */
const MASKED: [string, number[], boolean, (L: Lib, x: unknown) => unknown][] = [
  ['masking -> lstm sequences -> gru', [5, 3], false, (L, x) => {
    const a = (L.lstm!({ units: 3, returnSequences: true, ...sig }) as { apply(x: unknown): unknown }).apply((L.masking!({ maskValue: 0 }) as { apply(x: unknown): unknown }).apply(x));
    return (L.gru!({ units: 2, resetAfter: false, ...sig }) as { apply(x: unknown): unknown }).apply(a);
  }],
  ['masking -> dense -> simpleRNN goBackwards', [5, 3], false, (L, x) => {
    const a = (L.dense!({ units: 4, activation: 'tanh' }) as { apply(x: unknown): unknown }).apply((L.masking!({}) as { apply(x: unknown): unknown }).apply(x));
    return (L.simpleRNN!({ units: 3, goBackwards: true }) as { apply(x: unknown): unknown }).apply(a);
  }],
  ['embedding maskZero -> bidirectional lstm', [6], true, (L, x) => {
    const e = (L.embedding!({ inputDim: 5, outputDim: 3, maskZero: true }) as { apply(x: unknown): unknown }).apply(x);
    return (L.bidirectional!({ layer: L.lstm!({ units: 2, ...sig }) }) as { apply(x: unknown): unknown }).apply(e);
  }],
];

describe.each(backends)('masks reach the recurrent layers as in tfjs-layers (%s)', (backend) => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await wt.setBackend(backend as wt.BackendName);
  });

  it.each(MASKED)('%s: same predictions, same weights after one sgd step', async (_name, shape, ints, body) => {
    const mk = (lib: 'wt' | 'tfl') => {
      const L = lib === 'wt' ? (wt.layers as unknown as Lib) : TFL;
      const x = (lib === 'wt' ? wt.input : tfl.input)({ shape, dtype: ints ? 'int32' : 'float32' } as never);
      const y = (L.dense!({ units: 2 }) as { apply(x: unknown): unknown }).apply(body(L, x));
      return (lib === 'wt' ? wt.model : tfl.model)({ inputs: x, outputs: y } as never);
    };
    const theirs = mk('tfl') as tfl.LayersModel;
    const ours = mk('wt') as wt.LayersModel;
    let seed = 90;
    theirs.layers.forEach((l, j) => {
      const ws = l.getWeights();
      if (!ws.length) return;
      const v = ws.map((w) => values(w.size, seed++, 0.7));
      l.setWeights(v.map((a, i) => tf.tensor(a, ws[i]!.shape)));
      ours.layers[j]!.setWeights(v.map((a, i) => wt.tensor(a, ws[i]!.shape)));
    });
    const n = 4;
    // Padding: example i has its last i steps (and, for floats, step 1 of example 0) zeroed.
    const steps = shape[0]!, feat = shape[1] ?? 1;
    const raw = values(n * steps * feat, 12);
    const x = new Float32Array(n * steps * feat);
    for (let i = 0; i < n; i++) for (let t = 0; t < steps; t++) for (let f = 0; f < feat; f++) {
      const pad = t >= steps - i || (i === 0 && t === 1);
      const v = raw[(i * steps + t) * feat + f]!;
      x[(i * steps + t) * feat + f] = pad ? 0 : ints ? 1 + Math.floor((v + 1) * 2) % 4 : v;
    }
    const dt = ints ? 'int32' : 'float32';
    const tx = tf.tensor(ints ? Int32Array.from(x) : x, [n, ...shape], dt), wx = wt.tensor(ints ? Int32Array.from(x) : x, [n, ...shape], dt);
    await close(ours.predict(wx) as wt.Tensor, theirs.predict(tx) as tf.Tensor);
    // The masked steps matter: without the mask the predictions differ.
    const y = values(n * 2, 4);
    theirs.compile({ optimizer: tf.train.sgd(0.3), loss: 'meanSquaredError' });
    ours.compile({ optimizer: wt.train.sgd(0.3), loss: 'meanSquaredError' });
    await theirs.fit(tx, tf.tensor(y, [n, 2]), { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
    await ours.fit(wx, wt.tensor(y, [n, 2]), { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
    const after = await Promise.all(theirs.layers.flatMap((l) => l.getWeights()).map((w) => w.data()));
    const mine = await Promise.all(ours.layers.flatMap((l) => l.getWeights()).map((w) => w.data()));
    after.forEach((a, i) => {
      for (let k = 0; k < a.length; k++) expect(Math.abs(mine[i]![k]! - (a[k] as number))).toBeLessThan(3e-5);
    });
    ours.dispose();
  });

  it('without the mask the same recurrent layer gives other outputs (the mask is not a no-op)', async () => {
    const x = wt.tensor([[[1, 2], [0, 0], [0.5, -1]]]);
    const make = (masked: boolean) => {
      const inp = wt.input({ shape: [3, 2] });
      const r = wt.layers.simpleRNN({ units: 2, kernelInitializer: 'ones', recurrentInitializer: 'ones' });
      return wt.model({ inputs: inp, outputs: r.apply(masked ? wt.layers.masking().apply(inp) : inp) });
    };
    const a = await (make(true).predict(x) as wt.Tensor).data(), b = await (make(false).predict(x) as wt.Tensor).data();
    // Masked: tanh(0.5 - 1 + 2 tanh(3)) per unit; unmasked, the zero step also runs: tanh(-0.5 + 2 tanh(2 tanh(3))).
    expect(a[0]!).toBeCloseTo(Math.tanh(-0.5 + 2 * Math.tanh(3)), 5);
    expect(b[0]!).toBeCloseTo(Math.tanh(-0.5 + 2 * Math.tanh(2 * Math.tanh(3))), 5);
  });
});
