/**
 * Functional models against tfjs-layers as the oracle: one graph with two inputs and two outputs, a
 * shared layer applied twice, a nested model and merge layers, built in both libraries with the
 * same weights: the same predictions, the same one-step training update (per-output losses keyed
 * by name, lossWeights) on cpu and wasm, and files that travel both ways. Also the graph API
 * itself: layers, getLayer, summary's "Connected to", errors for bad graphs.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availability } from './backends.js';

const backends = (await availability()).names.filter((b) => b === 'cpu' || b === 'wasm');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Lib = 'wt' | 'tfl';

/**
 * inputs a [4], b [3]; shared dense (tanh) on a and on proj_b(b); a nested model (dense relu,
 * dense) on the first; add, concatenate, multiply; outputs cls (softmax 3) and reg (linear 1).
 */
function graph(lib: Lib): { model: wt.LayersModel | tfl.LayersModel } {
  // The two libraries' layer factories take the same options; typed loosely here to share the code.
  const L = (lib === 'wt' ? wt.layers : tfl.layers) as unknown as Record<string, (a?: object) => { apply(x: unknown): unknown }>;
  const input = (lib === 'wt' ? wt.input : tfl.input) as (a: object) => unknown;
  const model = (lib === 'wt' ? wt.model : tfl.model) as (a: object) => wt.LayersModel | tfl.LayersModel;
  const innerIn = input({ shape: [4], name: `inner_in` });
  const inner = model({
    inputs: innerIn,
    outputs: L.dense!({ units: 4, name: 'inner_d2' }).apply(L.dense!({ units: 5, activation: 'relu', name: 'inner_d1' }).apply(innerIn)),
    name: 'inner',
  });
  const a = input({ shape: [4], name: 'a' });
  const b = input({ shape: [3], name: 'b' });
  const shared = L.dense!({ units: 4, activation: 'tanh', name: 'shared' });
  const ha = shared.apply(a);
  const hb = shared.apply(L.dense!({ units: 4, name: 'proj_b' }).apply(b));
  const n = (inner as unknown as { apply(x: unknown): unknown }).apply(ha);
  const s = L.add!({ name: 'sum' }).apply([n, hb]);
  const c = L.concatenate!({ name: 'cat' }).apply([s, hb]);
  const cls = L.dense!({ units: 3, activation: 'softmax', name: 'cls' }).apply(c);
  const reg = L.dense!({ units: 1, name: 'reg' }).apply(L.multiply!({ name: 'prod' }).apply([ha, hb]));
  return { model: model({ inputs: [a, b], outputs: [cls, reg], name: `two_heads` }) };
}

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const N = 8;
const xa = values(N * 4, 1), xb = values(N * 3, 2), yreg = values(N, 3);
const ycls = new Float32Array(N * 3).map((_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));

/** Their model, and ours with every layer's weights copied from theirs (by layer name). */
async function pair(): Promise<{ ours: wt.LayersModel; theirs: tfl.LayersModel }> {
  const theirs = graph('tfl').model as tfl.LayersModel;
  const ours = graph('wt').model as wt.LayersModel;
  let seed = 100;
  for (const l of theirs.layers) {
    const ws = l.getWeights();
    if (!ws.length) continue;
    // Fixed weights, so that separate runs start alike.
    l.setWeights(ws.map((w) => tf.tensor(values(w.size, seed++).map((v) => v * 0.7), w.shape)));
    const vals = await Promise.all(l.getWeights().map((w) => w.data()));
    ours.getLayer(l.name).setWeights(vals.map((v, i) => wt.tensor(v as Float32Array, ws[i]!.shape)));
  }
  return { ours, theirs };
}

async function close(a: wt.Tensor | Float32Array, b: tf.Tensor | Float32Array, tol = 1e-5): Promise<void> {
  const x = a instanceof Float32Array ? a : ((await a.data()) as Float32Array);
  const y = b instanceof Float32Array ? b : ((await b.data()) as Float32Array);
  expect(x.length).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / (1 + Math.abs(y[i]!)));
  expect(worst).toBeLessThan(tol);
}

describe.each(backends)('a graph with branches, a shared layer, a nested model, two inputs and two outputs (%s)', (backend) => {
  beforeAll(async () => {
    await wt.setBackend(backend as wt.BackendName);
  });

  it('predicts what tfjs-layers predicts', async () => {
    const { ours, theirs } = await pair();
    const mine = ours.predict([wt.tensor(xa, [N, 4]), wt.tensor(xb, [N, 3])]) as wt.Tensor[];
    const ref = theirs.predict([tf.tensor(xa, [N, 4]), tf.tensor(xb, [N, 3])]) as tf.Tensor[];
    expect(mine.map((t) => t.shape)).toEqual(ref.map((t) => t.shape));
    await close(mine[0]!, ref[0]!);
    await close(mine[1]!, ref[1]!);
    // Inputs keyed by name give the same outputs.
    const keyed = ours.predict({ b: wt.tensor(xb, [N, 3]), a: wt.tensor(xa, [N, 4]) }) as wt.Tensor[];
    await close(keyed[1]!, ref[1]!);
    ours.dispose();
  });

  it('one step of sgd: the same losses and the same updated weights as tfjs-layers', async () => {
    const { ours, theirs } = await pair();
    // tfjs-layers 4.22 ignores lossWeights (a TODO in its training code), so the oracle runs unweighted; the weighted run is checked below.
    theirs.compile({ optimizer: tf.train.sgd(0.1), loss: ['categoricalCrossentropy', 'meanSquaredError'] });
    ours.compile({ optimizer: wt.train.sgd(0.1), loss: { reg: 'meanSquaredError', cls: 'categoricalCrossentropy' } });
    const h1 = await theirs.fit([tf.tensor(xa, [N, 4]), tf.tensor(xb, [N, 3])], [tf.tensor(ycls, [N, 3]), tf.tensor(yreg, [N, 1])], { epochs: 1, batchSize: N, shuffle: false, verbose: 0 });
    const h2 = await ours.fit([wt.tensor(xa, [N, 4]), wt.tensor(xb, [N, 3])], { cls: wt.tensor(ycls, [N, 3]), reg: wt.tensor(yreg, [N, 1]) }, { epochs: 1, batchSize: N, shuffle: false, verbose: 0 });
    expect(Object.keys(h2.history).sort()).toEqual(['cls_loss', 'loss', 'reg_loss']);
    for (const k of ['loss', 'cls_loss', 'reg_loss']) expect(h2.history[k]![0], k).toBeCloseTo(h1.history[k]![0] as number, 5);
    for (const l of theirs.layers) {
      const ws = l.getWeights();
      const mine = ours.getLayer(l.name).getWeights();
      expect(mine.length, l.name).toBe(ws.length);
      for (let i = 0; i < ws.length; i++) await close(mine[i]!, ws[i]!);
      wt.dispose(mine);
    }
    const ev = await ours.evaluate([wt.tensor(xa, [N, 4]), wt.tensor(xb, [N, 3])], [wt.tensor(ycls, [N, 3]), wt.tensor(yreg, [N, 1])]);
    const theirEv = theirs.evaluate([tf.tensor(xa, [N, 4]), tf.tensor(xb, [N, 3])], [tf.tensor(ycls, [N, 3]), tf.tensor(yreg, [N, 1])]) as tf.Scalar[];
    // tfjs-layers returns its figures for several outputs in an order of its own; each of ours must be among them.
    const theirs3 = (await Promise.all(theirEv.map((t) => t.data()))).map((d) => d[0]!);
    for (const k of ['loss', 'cls_loss', 'reg_loss']) expect(Math.min(...theirs3.map((v) => Math.abs(v - ev[k]!))), k).toBeLessThan(1e-5);
    expect(ev.loss).toBeCloseTo(ev.cls_loss! + ev.reg_loss!, 6);
    ours.dispose();
  });

  it('lossWeights scale each output\'s loss and its gradient: the reg head moves half as far with weight 0.5', async () => {
    const step = async (lossWeights?: number[]) => {
      const { ours } = await pair();
      const before = await ours.getLayer('reg').getWeights()[0]!.data();
      ours.compile({ optimizer: wt.train.sgd(0.1), loss: ['categoricalCrossentropy', 'meanSquaredError'], lossWeights });
      const h = await ours.fit([wt.tensor(xa, [N, 4]), wt.tensor(xb, [N, 3])], [wt.tensor(ycls, [N, 3]), wt.tensor(yreg, [N, 1])], { epochs: 1, batchSize: N, shuffle: false, verbose: 0 });
      const after = await ours.getLayer('reg').getWeights()[0]!.data();
      ours.dispose();
      return { h: h.history, delta: Float32Array.from(after, (v, i) => v - before[i]!) };
    };
    const plain = await step();
    const half = await step([1, 0.5]);
    expect(half.h.loss![0]).toBeCloseTo(half.h.cls_loss![0]! + 0.5 * half.h.reg_loss![0]!, 6);
    expect(plain.h.loss![0]).toBeCloseTo(plain.h.cls_loss![0]! + plain.h.reg_loss![0]!, 6);
    expect(Math.max(...Array.from(plain.delta, Math.abs))).toBeGreaterThan(1e-4);
    await close(half.delta, Float32Array.from(plain.delta, (v) => v / 2), 1e-6);
  });
});

describe('saving and loading functional models both ways', () => {
  beforeAll(async () => {
    await wt.setBackend('cpu');
  });

  it('a model tfjs-layers saved loads here with identical outputs; ours loads there', async () => {
    const { ours, theirs } = await pair();
    let saved: tf.io.ModelArtifacts | undefined;
    await theirs.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const before = wt.memory().numTensors;
    const loaded = await wt.loadLayersModel({ load: async () => saved as unknown as wt.ModelArtifacts });
    expect(wt.memory().numTensors - before).toBe(loaded.weights.length);
    const x = [wt.tensor(xa, [N, 4]), wt.tensor(xb, [N, 3])];
    const ref = theirs.predict([tf.tensor(xa, [N, 4]), tf.tensor(xb, [N, 3])]) as tf.Tensor[];
    const got = loaded.predict(x) as wt.Tensor[];
    await close(got[0]!, ref[0]!, 1e-6);
    await close(got[1]!, ref[1]!, 1e-6);
    expect(loaded.getLayer('inner')).toBeInstanceOf(wt.LayersModel);

    // Ours, saved, loads in tfjs-layers and predicts the same.
    let mine: wt.ModelArtifacts | undefined;
    await ours.save({ save: async (a) => ((mine = a), {}) });
    expect((mine!.modelTopology!.model_config as { class_name: string }).class_name).toBe('Model');
    const back = await tfl.loadLayersModel(tf.io.fromMemory(mine as unknown as tf.io.ModelArtifacts));
    const again = back.predict([tf.tensor(xa, [N, 4]), tf.tensor(xb, [N, 3])]) as tf.Tensor[];
    await close(again[0]!, ref[0]!, 1e-6);
    await close(again[1]!, ref[1]!, 1e-6);
    // And back here from our own file.
    const twice = await wt.loadLayersModel({ load: async () => mine! });
    await close((twice.predict(x) as wt.Tensor[])[1]!, ref[1]!, 1e-6);
    for (const m of [ours, loaded, twice]) m.dispose();
  });
});

describe('training a graph: fitDataset, callbacks, memory', () => {
  beforeAll(async () => {
    await wt.setBackend('cpu');
  });

  it('fitDataset with inputs as arrays and targets keyed by name gives fit\'s batch losses; memory stays flat', async () => {
    const xs = () => [wt.tensor(xa, [N, 4]), wt.tensor(xb, [N, 3])];
    const ys = () => [wt.tensor(ycls, [N, 3]), wt.tensor(yreg, [N, 1])];
    const run = async (viaDataset: boolean) => {
      const { ours } = await pair();
      ours.compile({ optimizer: 'adam', loss: ['categoricalCrossentropy', 'meanSquaredError'], metrics: { cls: ['accuracy'] } });
      const losses: number[] = [];
      const callbacks = { onBatchEnd: (_b: number, l?: wt.Logs) => void losses.push(l!.loss!) };
      let h: wt.History;
      if (viaDataset) {
        const half = (t: wt.Tensor, i: number) => t.slice(i * (N / 2), N / 2);
        const batches = () => [0, 1].map((i) => ({ xs: xs().map((t) => half(t, i)), ys: { cls: half(ys()[0]!, i), reg: half(ys()[1]!, i) } }));
        h = await ours.fitDataset(wt.data.generator(() => batches()[Symbol.iterator]()), { epochs: 2, verbose: 0, callbacks });
      } else {
        h = await ours.fit(xs(), ys(), { epochs: 2, batchSize: N / 2, shuffle: false, verbose: 0, callbacks });
      }
      const before = wt.memory().numTensors;
      await ours.fit(xs(), ys(), { epochs: 3, batchSize: 2, verbose: 0 });
      const leaked = wt.memory().numTensors - before;
      ours.dispose();
      return { losses, h: h.history, leaked };
    };
    const a = await run(false), b = await run(true);
    expect(a.losses).toHaveLength(4);
    a.losses.forEach((v, i) => expect(b.losses[i]).toBeCloseTo(v, 6));
    expect(Object.keys(b.h).sort()).toEqual(['cls_accuracy', 'cls_loss', 'loss', 'reg_loss']);
    // Only the four input and target tensors the second fit was given remain.
    expect(a.leaked).toBe(4);
  });

  it('metrics for every output, per output as lists, by name; predictions stay flat in memory', async () => {
    const { ours } = await pair();
    const x = [wt.tensor(xa, [N, 4]), wt.tensor(xb, [N, 3])], y = [wt.tensor(ycls, [N, 3]), wt.tensor(yreg, [N, 1])];
    ours.compile({ optimizer: 'sgd', loss: ['categoricalCrossentropy', 'mse'], metrics: ['mse'] });
    const all = await ours.evaluate(x, y);
    expect(Object.keys(all).sort()).toEqual(['cls_loss', 'cls_mse', 'loss', 'reg_loss', 'reg_mse']);
    // The reg head's mse metric is its mse loss.
    expect(all.reg_mse).toBeCloseTo(all.reg_loss!, 6);
    ours.compile({ optimizer: 'sgd', loss: ['categoricalCrossentropy', 'mse'], metrics: [['accuracy'], []] });
    expect(ours.metricsNames).toEqual(['loss', 'cls_loss', 'reg_loss', 'cls_accuracy']);
    const ev = await ours.evaluate(x, y, { batchSize: 3 });
    const p = await (ours.predict(x) as wt.Tensor[])[0]!.data();
    let right = 0;
    for (let i = 0; i < N; i++) {
      const row = Array.from(p.subarray(i * 3, i * 3 + 3));
      if (ycls[i * 3 + row.indexOf(Math.max(...row))] === 1) right++;
    }
    expect(ev.cls_accuracy).toBeCloseTo(right / N, 6);
    const before = wt.memory().numTensors;
    for (let i = 0; i < 100; i++) wt.dispose(ours.predict(x, { batchSize: 3 }) as wt.Tensor[]);
    expect(wt.memory().numTensors).toBe(before);
    ours.dispose();
  });

  it('earlyStopping ends fit once the monitored figure stops improving; custom callbacks get the model', async () => {
    const x = wt.input({ shape: [2] });
    const m = wt.model({ inputs: x, outputs: wt.layers.dense({ units: 1 }).apply(x), seed: 3 });
    m.compile({ optimizer: wt.train.sgd(0.05), loss: 'mse' });
    const xs = wt.tensor([[1, 2], [2, 1], [0, 1], [1, 0]]), ys = wt.tensor([[3], [3], [1], [1]]);
    // The loss falls every epoch, so with mode 'max' no epoch improves on the first: stop after patience 1 + 1 more.
    const stop = wt.callbacks.earlyStopping({ monitor: 'loss', mode: 'max', patience: 1 });
    let seen: wt.LayersModel | undefined;
    const h = await m.fit(xs, ys, { epochs: 10, verbose: 0, callbacks: [stop, { setModel: (mm) => { seen = mm; } }] });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(stop.stoppedEpoch).toBe(2);
    expect(seen).toBe(m);
    const h2 = await m.fit(xs, ys, { epochs: 4, verbose: 0, callbacks: wt.callbacks.earlyStopping({ monitor: 'loss' }) });
    expect(h2.epoch).toEqual([0, 1, 2, 3]);
    await expect(m.fit(xs, ys, { epochs: 2, verbose: 0, callbacks: wt.callbacks.earlyStopping() })).rejects.toThrow(/earlyStopping: the figure 'val_loss' is not among this fit's logs \(loss\)/);
    m.dispose();
  });
});

describe('the graph API', () => {
  it('layers, getLayer, inputs / outputs, names, and summary with "Connected to"', async () => {
    await wt.setBackend('cpu');
    const { ours, theirs } = await pair();
    expect(new Set(ours.layers.map((l) => l.name))).toEqual(new Set(theirs.layers.map((l) => l.name)));
    expect(ours.inputNames).toEqual(['a', 'b']);
    expect(ours.outputNames).toEqual(['cls', 'reg']);
    expect(ours.inputs.map((t) => t.shape)).toEqual([[null, 4], [null, 3]]);
    expect(ours.outputs.map((t) => t.shape)).toEqual([[null, 3], [null, 1]]);
    expect(ours.getLayer(0).name).toBe('a');
    expect(() => ours.getLayer('nope')).toThrow(/getLayer: no layer named 'nope' in two_heads/);
    expect(() => ours.getLayer(99)).toThrow(/getLayer: index 99 is out of range/);
    expect(ours.countParams()).toBe(theirs.countParams());
    const text = ours.summary({ print: false });
    const lines = text.split('\n');
    expect(lines[2]).toMatch(/^Layer \(type\)\s+Output Shape\s+Param #\s+Connected to\s*$/);
    const row = (name: string) => lines.findIndex((l) => l.startsWith(`${name} (`));
    // The shared layer runs twice: two inbound entries, the second from proj_b.
    expect(lines[row('shared')]).toMatch(/^shared \(Dense\)\s+\(None, 4\)\s+20\s+a\[0\]\[0\]/);
    expect(lines[row('shared') + 1]).toMatch(/^\s+proj_b\[0\]\[0\]/);
    expect(lines[row('sum')]).toMatch(/sum \(Add\)\s+\(None, 4\)\s+0\s+inner\[1\]\[0\]/);
    expect(lines[row('sum') + 1]).toMatch(/^\s+shared\[1\]\[0\]/);
    expect(text).toContain(`Total params: ${theirs.countParams()}`);
    ours.dispose();
  });

  it('model weights are listed as tfjs-layers lists them: every trainable weight, then the moving statistics', () => {
    const make = (L: typeof wt.layers | typeof tfl.layers) => {
      const l = L as unknown as typeof wt.layers;
      return [l.dense({ units: 3, inputShape: [2], name: 'w_d1' }), l.batchNormalization({ name: 'w_bn' }), l.dense({ units: 1, name: 'w_d2' })];
    };
    const ours = wt.sequential({ layers: make(wt.layers) });
    const theirs = tfl.sequential({ layers: make(tfl.layers) as unknown as tfl.layers.Layer[] });
    expect(ours.weights.map((w) => w.fullName)).toEqual(theirs.weights.map((w) => w.originalName));
    expect(ours.weights.map((w) => w.fullName).slice(-2)).toEqual(['w_bn/moving_mean', 'w_bn/moving_variance']);
    ours.dispose();
  });

  it('layer.apply on concrete tensors runs the layer; a model applies as a layer', async () => {
    await wt.setBackend('cpu');
    const d = wt.layers.dense({ units: 2, kernelInitializer: 'ones', useBias: false });
    const y = d.apply(wt.tensor([[1, 2, 3]]));
    expect(Array.from(await y.data())).toEqual([6, 6]);
    const sum = wt.layers.add().apply([wt.tensor([[1, 2]]), wt.tensor([[10, 20]])]);
    expect(Array.from(await sum.data())).toEqual([11, 22]);
    const ids = wt.input({ shape: [4], dtype: 'int32' });
    const vecs = wt.layers.embedding({ inputDim: 3, outputDim: 2 }).apply(ids);
    expect([ids.dtype, vecs.dtype, vecs.shape]).toEqual(['int32', 'float32', [null, 4, 2]]);
    const x = wt.input({ shape: [3] });
    const m = wt.model({ inputs: x, outputs: d.apply(x) });
    const outer = wt.model({ inputs: x, outputs: m.apply(x) });
    expect(Array.from(await (outer.predict(wt.tensor([[1, 1, 1]])) as wt.Tensor).data())).toEqual([3, 3]);
  });

  it('bad graphs and bad data give clear errors', () => {
    const a = wt.input({ shape: [2], name: 'in_a' });
    const b = wt.input({ shape: [2], name: 'in_b' });
    const out = wt.layers.add().apply([a, b]);
    expect(() => wt.model({ inputs: a, outputs: out })).toThrow(/graph is disconnected: .*depends on input 'in_b', which is not among the model's inputs \(in_a\)/);
    expect(() => wt.model({ inputs: [a, b] } as unknown as wt.ModelArgs)).toThrow(/model: expected \{ inputs, outputs \}/);
    const d = wt.layers.dense({ units: 3 });
    d.apply(a);
    expect(() => d.apply(wt.input({ shape: [5] }))).toThrow(/applied to input shape \[null,5\], but it was first used with \[null,2\]/);
    expect(() => wt.layers.concatenate().apply([a, wt.input({ shape: [2, 2] })])).toThrow(/differ outside axis -1/);
    const m = wt.model({ inputs: [a, b], outputs: out });
    expect(() => m.predict(wt.zeros([1, 2]))).toThrow(/the model has 2 inputs \(in_a, in_b\), got 1 tensors for x/);
    expect(() => m.predict({ in_a: wt.zeros([1, 2]) })).toThrow(/missing in_b/);
    expect(() => m.predict([wt.zeros([1, 2]), wt.zeros([1, 3])])).toThrow(/in_b: expected input shape \[null,2\], got \[1,3\]/);
    expect(() => m.compile({ optimizer: 'sgd', loss: { nope: 'mse' } as Record<string, 'mse'> })).toThrow(/loss names 'nope', which is no output/);
  });
});
