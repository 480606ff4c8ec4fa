/**
 * multiHeadAttention against scaled dot-product attention written out here in plain loops
 * (tfjs-layers 4.22 does not export its MultiHeadAttention): self- and cross-attention, valueDim
 * and outputShape, no bias, causal and explicit masks, 2-D attention over a rank-4 input; its
 * gradient against finite differences; a small transformer (embedding, attention, residual,
 * layerNormalization) trains the same on every backend; the layer travels through model.json.
 */
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

interface Ref {
  y: number[];
  scores: number[];
}

/**
 * Multi-head attention by its definition: q = x_q Wq + bq per head, scores softmax(q k^T / sqrt(K)
 * + mask), output sum_h (scores v)_h Wo_h + bo. Shapes: query [B, T, E], value/key [B, S, Ev/Ek];
 * weights in the layer's order; mask(b, t, s) false where attention is blocked.
 */
function reference(q: Float32Array, v: Float32Array, k: Float32Array, dims: { B: number; T: number; S: number; E: number; Ev: number; Ek: number; N: number; K: number; V: number; O: number }, w: Float32Array[], bias: boolean, mask?: (b: number, t: number, s: number) => boolean): Ref {
  const { B, T, S, E, Ev, Ek, N, K, V, O } = dims;
  const [Wq, bq, Wk, bk, Wv, bv, Wo, bo] = bias ? w : [w[0], undefined, w[1], undefined, w[2], undefined, w[3], undefined];
  const proj = (x: Float32Array, steps: number, e: number, W: Float32Array, b: Float32Array | undefined, size: number) => {
    // out[n][h][t][d]
    const out = new Float64Array(B * N * steps * size);
    for (let n = 0; n < B; n++) for (let h = 0; h < N; h++) for (let t = 0; t < steps; t++) for (let d = 0; d < size; d++) {
      let s = b ? b[h * size + d]! : 0;
      for (let i = 0; i < e; i++) s += x[(n * steps + t) * e + i]! * W[(i * N + h) * size + d]!;
      out[((n * N + h) * steps + t) * size + d] = s;
    }
    return out;
  };
  const qp = proj(q, T, E, Wq!, bq, K), kp = proj(k, S, Ek, Wk!, bk, K), vp = proj(v, S, Ev, Wv!, bv, V);
  const scores = new Array(B * N * T * S).fill(0) as number[];
  const y = new Array(B * T * O).fill(0) as number[];
  for (let n = 0; n < B; n++) for (let h = 0; h < N; h++) for (let t = 0; t < T; t++) {
    const logits = Array.from({ length: S }, (_, s) => {
      let d = 0;
      for (let i = 0; i < K; i++) d += qp[((n * N + h) * T + t) * K + i]! * kp[((n * N + h) * S + s) * K + i]!;
      return d / Math.sqrt(K) + (mask && !mask(n, t, s) ? -1e9 : 0);
    });
    const m = Math.max(...logits);
    const ex = logits.map((l) => Math.exp(l - m));
    const z = ex.reduce((a, b) => a + b, 0);
    ex.forEach((e, s) => (scores[((n * N + h) * T + t) * S + s] = e / z));
    for (let d = 0; d < V; d++) {
      let c = 0;
      for (let s = 0; s < S; s++) c += scores[((n * N + h) * T + t) * S + s]! * vp[((n * N + h) * S + s) * V + d]!;
      for (let o = 0; o < O; o++) y[(n * T + t) * O + o]! += c * Wo![(h * V + d) * O + o]!;
    }
  }
  if (bo) for (let i = 0; i < B * T; i++) for (let o = 0; o < O; o++) y[i * O + o]! += bo[o]!;
  return { y, scores };
}

async function near(t: wt.Tensor, want: number[], tol = 2e-5): Promise<void> {
  const got = await t.data();
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  expect(worst).toBeLessThan(tol);
}

type Case = [string, { B: number; T: number; S: number; E: number; Ev: number; Ek: number }, Partial<wt.layers.MultiHeadAttentionArgs> & { numHeads: number; keyDim: number }, 'none' | 'causal' | 'explicit', boolean];
const CASES: Case[] = [
  ['self-attention, 2 heads', { B: 2, T: 4, S: 4, E: 5, Ev: 5, Ek: 5 }, { numHeads: 2, keyDim: 3 }, 'none', true],
  ['cross-attention, key given, valueDim, outputShape', { B: 2, T: 3, S: 5, E: 4, Ev: 6, Ek: 2 }, { numHeads: 3, keyDim: 2, valueDim: 4, outputShape: 7 }, 'none', false],
  ['no bias', { B: 1, T: 3, S: 3, E: 4, Ev: 4, Ek: 4 }, { numHeads: 2, keyDim: 2, useBias: false }, 'none', true],
  ['causal mask', { B: 2, T: 4, S: 4, E: 3, Ev: 3, Ek: 3 }, { numHeads: 1, keyDim: 4 }, 'causal', true],
  ['explicit attention mask', { B: 2, T: 3, S: 4, E: 3, Ev: 3, Ek: 3 }, { numHeads: 2, keyDim: 2 }, 'explicit', false],
];

const explicit = (b: number, t: number, s: number) => (b + 2 * t + s) % 3 !== 0;

describe.each(backends)('multiHeadAttention equals attention written out (%s)', (backend) => {
  beforeAll(async () => {
    await wt.setBackend(backend as wt.BackendName);
  });

  it.each(CASES)('%s', async (_name, d, opts, maskKind, selfAttention) => {
    const layer = wt.layers.multiHeadAttention(opts);
    const N = opts.numHeads, K = opts.keyDim, V = opts.valueDim ?? K, O = typeof opts.outputShape === 'number' ? opts.outputShape : d.E;
    const q = values(d.B * d.T * d.E, 1, 1.5);
    const v = selfAttention ? q : values(d.B * d.S * d.Ev, 2, 1.5);
    const k = selfAttention ? q : values(d.B * d.S * d.Ek, 3, 1.5);
    const tq = wt.tensor(q, [d.B, d.T, d.E]), tv = wt.tensor(v, [d.B, d.S, d.Ev]), tk = wt.tensor(k, [d.B, d.S, d.Ek]);
    const useKey = !selfAttention;
    layer.attend(tq, tv, { key: useKey ? tk : undefined });
    const useBias = opts.useBias ?? true;
    expect(layer.weights.map((w) => w.name)).toEqual(['query', 'key', 'value', 'attention_output'].flatMap((n) => (useBias ? [`${n}/kernel`, `${n}/bias`] : [`${n}/kernel`])));
    const w = layer.weights.map((x, i) => values(x.value.size, 20 + i, 0.6));
    layer.setWeights(w.map((a, i) => wt.tensor(a, layer.weights[i]!.shape)));
    const maskFn = maskKind === 'causal' ? (_b: number, t: number, s: number) => s <= t : maskKind === 'explicit' ? explicit : undefined;
    const maskT = maskKind === 'explicit' ? wt.tensor(Array.from({ length: d.B * d.T * d.S }, (_, i) => (explicit(Math.floor(i / (d.T * d.S)), Math.floor(i / d.S) % d.T, i % d.S) ? 1 : 0)), [d.B, d.T, d.S]) : undefined;
    const [y, scores] = layer.attend(tq, tv, { key: useKey ? tk : undefined, useCausalMask: maskKind === 'causal', attentionMask: maskT });
    const ref = reference(q, v, k, { ...d, N, K, V, O }, w, useBias, maskFn);
    expect(y.shape).toEqual([d.B, d.T, O]);
    expect(scores.shape).toEqual([d.B, N, d.T, d.S]);
    await near(y, ref.y);
    await near(scores, ref.scores);
    layer.dispose();
  });

  it('2-D attention over [batch, h, w, features] attends over h and w together', async () => {
    const layer = wt.layers.multiHeadAttention({ numHeads: 2, keyDim: 2 });
    const x = values(2 * 2 * 3 * 4, 9);
    const t4 = wt.tensor(x, [2, 2, 3, 4]);
    layer.attend(t4, t4);
    const w = layer.weights.map((v, i) => values(v.value.size, 60 + i, 0.5));
    layer.setWeights(w.map((a, i) => wt.tensor(a, layer.weights[i]!.shape)));
    const [y, s] = layer.attend(t4, t4);
    expect(y.shape).toEqual([2, 2, 3, 4]);
    expect(s.shape).toEqual([2, 2, 2, 3, 2, 3]);
    const ref = reference(x, x, x, { B: 2, T: 6, S: 6, E: 4, Ev: 4, Ek: 4, N: 2, K: 2, V: 2, O: 4 }, w, true);
    await near(y, ref.y);
    layer.dispose();
  });

  it('errors name the layer and leave memory unchanged', async () => {
    const layer = wt.layers.multiHeadAttention({ numHeads: 2, keyDim: 2 });
    const a = wt.zeros([1, 3, 4]), b = wt.zeros([2, 3, 4]), c = wt.zeros([1, 3]);
    layer.attend(a, a);
    const before = wt.memory().numTensors;
    expect(() => layer.attend(a, b)).toThrow(/same batch size/);
    expect(() => layer.apply(c)).toThrow(/multi_head_attention.*expected input shape/);
    expect(() => layer.apply([a, a, a, a, a])).toThrow(/expected \[query, value\], \[query, value, key\]/);
    expect(() => wt.layers.multiHeadAttention({ numHeads: 0, keyDim: 2 })).toThrow(/numHeads must be a positive integer/);
    expect(() => layer.attend(a, a, { attentionMask: wt.ones([5]) })).toThrow(/attentionMask must be \[batch, T, S\]/);
    expect(() => wt.layers.multiHeadAttention({ numHeads: 1, keyDim: 2, attentionAxes: [2] }).apply([wt.input({ shape: [3, 4, 5] }), wt.input({ shape: [3, 4, 5] })])).toThrow(/attentionAxes \[2\] is not supported/);
    expect(wt.memory().numTensors).toBe(before + 1); // the ones() given as the bad mask
    layer.dispose();
  });
});

describe('multiHeadAttention gradients and files', () => {
  beforeAll(async () => {
    await wt.setBackend('cpu');
  });

  it('the gradient with respect to the query equals central differences', async () => {
    const layer = wt.layers.multiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 2 });
    const v = wt.tensor(values(1 * 4 * 3, 4), [1, 4, 3]);
    const q0 = values(1 * 3 * 3, 5);
    const weight = wt.tensor(values(1 * 3 * 3, 6), [1, 3, 3]);
    const f = (q: wt.Tensor) => wt.sum(wt.mul(layer.attend(q, v)[0], weight));
    const g = await (wt.grad(f)(wt.tensor(q0, [1, 3, 3])) as wt.Tensor).data();
    const eps = 1e-2;
    for (let i = 0; i < q0.length; i++) {
      const up = q0.slice(), dn = q0.slice();
      up[i]! += eps;
      dn[i]! -= eps;
      const fd = ((await f(wt.tensor(up, [1, 3, 3])).data())[0]! - (await f(wt.tensor(dn, [1, 3, 3])).data())[0]!) / (2 * eps);
      expect(g[i]!).toBeCloseTo(fd, 2);
    }
    layer.dispose();
  });

  it('a model with attention saves to model.json and loads with the same predictions and Keras 3 weight names', async () => {
    const x = wt.input({ shape: [4, 6] });
    const att = wt.layers.multiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 2, outputShape: 5, name: 'mha' }).apply([x, x]);
    const m = wt.model({ inputs: x, outputs: wt.layers.dense({ units: 2 }).apply(att), seed: 3 });
    let art: wt.ModelArtifacts | undefined;
    await m.save({ save: async (a: wt.ModelArtifacts) => ((art = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) } as never);
    expect(art!.weightSpecs!.map((s) => s.name).slice(0, 2)).toEqual(['mha/query/kernel', 'mha/query/bias']);
    const back = await wt.loadLayersModel({ load: async () => art! });
    const data = wt.tensor(values(2 * 4 * 6, 8), [2, 4, 6]);
    const y0 = await (m.predict(data) as wt.Tensor).data();
    const y1 = await (back.predict(data) as wt.Tensor).data();
    expect(y1.length).toBe(2 * 4 * 2);
    expect(Array.from(y1)).toEqual(Array.from(y0));
    expect(back.getLayer('mha').getConfig()).toMatchObject({ num_heads: 2, key_dim: 3, value_dim: 2, output_shape: 5 });
    m.dispose();
    back.dispose();
  });
});

/** A one-block transformer: token embedding, self-attention with a residual, layerNormalization, mean over steps, dense. */
function transformer(seed: number): wt.LayersModel {
  const L = wt.layers;
  const tokens = wt.input({ shape: [6], dtype: 'int32' } as never);
  const e = L.embedding({ inputDim: 5, outputDim: 8 }).apply(tokens);
  const a = L.multiHeadAttention({ numHeads: 2, keyDim: 4 }).apply([e, e]);
  const n = L.layerNormalization().apply(L.add().apply([e, a]));
  const f = L.dense({ units: 8, activation: 'gelu' }).apply(n);
  const pooled = L.flatten().apply(L.timeDistributed({ layer: L.dense({ units: 1 }) }).apply(f));
  const out = L.dense({ units: 1, activation: 'sigmoid' }).apply(pooled);
  const m = wt.model({ inputs: tokens, outputs: out, seed });
  m.compile({ optimizer: wt.optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
  return m;
}

describe('a small transformer trains the same on every backend', () => {
  // The task: does token 1 come before token 2 in the sequence?
  const n = 64;
  const toks = new Int32Array(n * 6);
  const labels = new Float32Array(n);
  const r = values(n * 6, 77);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < 6; t++) toks[i * 6 + t] = Math.floor((r[i * 6 + t]! + 1) * 2.5) % 5;
    const a = Array.from(toks.subarray(i * 6, i * 6 + 6)).indexOf(1), b = Array.from(toks.subarray(i * 6, i * 6 + 6)).indexOf(2);
    labels[i] = a >= 0 && (b < 0 || a < b) ? 1 : 0;
  }
  async function train(backend: string): Promise<number[]> {
    await wt.setBackend(backend as wt.BackendName);
    const m = transformer(1);
    const losses: number[] = [];
    const x = wt.tensor(toks, [n, 6], 'int32'), y = wt.tensor(labels, [n, 1]);
    await m.fit(x, y, { epochs: 3, batchSize: 16, seed: 2, shuffle: false, verbose: 0, callbacks: { onBatchEnd: (_b, logs) => void losses.push(logs!.loss!) } });
    m.dispose();
    wt.dispose([x, y]);
    return losses;
  }
  let ref: number[];
  it('cpu: the loss falls', async () => {
    ref = await train('cpu');
    expect(ref.length).toBe(12);
    const first = (ref[0]! + ref[1]! + ref[2]! + ref[3]!) / 4, last = (ref[8]! + ref[9]! + ref[10]! + ref[11]!) / 4;
    expect(last).toBeLessThan(first);
  });
  it.each(backends.filter((b) => b !== 'cpu'))('%s: each batch loss within 1e-4 + 1e-3 * loss of cpu\'s', async (backend) => {
    ref ??= await train('cpu');
    const got = await train(backend);
    got.forEach((l, i) => expect(Math.abs(l - ref[i]!)).toBeLessThan(1e-4 + 1e-3 * ref[i]!));
  });
});
