/**
 * Loading the functional files people have: quantized weights (uint8 / uint16 with min and scale,
 * float16) read as tfjs-layers reads them, sharded weight files, Keras 3 configs, inputs of free
 * height and width; and the hostile battery for graphs (cycles, unknown classes, inbound nodes
 * that name nothing, missing and extra weights, absurd sizes) on every backend: a clear Error,
 * wt.memory() unchanged.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { engine } from '../src/engine.js';
import { availableBackends } from './backends.js';

const names = await availableBackends();

beforeAll(async () => {
  await tf.setBackend('cpu');
  await wt.setBackend('cpu');
});

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** A small residual graph in tfjs-layers: conv, a skip connection through add, pooling, two heads. */
function theirModel(): tfl.LayersModel {
  const x = tfl.input({ shape: [null, null, 3], name: 'img' });
  const c1 = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }).apply(x) as tfl.SymbolicTensor;
  const c2 = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c2' }).apply(c1) as tfl.SymbolicTensor;
  const r = tfl.layers.add({ name: 'res' }).apply([c1, c2]) as tfl.SymbolicTensor;
  const p = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(r) as tfl.SymbolicTensor;
  const y1 = tfl.layers.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(p) as tfl.SymbolicTensor;
  const y2 = tfl.layers.dense({ units: 2, name: 'box' }).apply(p) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: [y1, y2], name: 'resnet_tiny' });
}

async function artifactsOf(m: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let a: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (x) => ((a = x), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  return a!;
}

/** IEEE binary16 bits of v, rounded to nearest (normal range is all these weights need). */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const e = ((u >>> 23) & 0xff) - 127 + 15;
  const m = u & 0x7fffff;
  if (e <= 0) return sign;
  let h = sign | (e << 10) | (m >> 13);
  if (m & 0x1000) h++;
  return h;
}

/** The artifacts with every float32 weight quantized as the converter writes it. */
function quantize(a: tf.io.ModelArtifacts, dtype: 'uint8' | 'uint16' | 'float16'): tf.io.ModelArtifacts {
  const all = new Float32Array(a.weightData as ArrayBuffer);
  const parts: Uint8Array[] = [];
  let at = 0;
  const specs = a.weightSpecs!.map((s) => {
    const n = s.shape.reduce((x, y) => x * y, 1);
    const w = all.subarray(at, at + n);
    at += n;
    if (dtype === 'float16') {
      parts.push(new Uint8Array(Uint16Array.from(w, toHalf).buffer));
      return { ...s, quantization: { dtype } };
    }
    const levels = dtype === 'uint8' ? 255 : 65535;
    const min = Math.min(...w), max = Math.max(...w);
    const scale = max > min ? (max - min) / levels : 1;
    const q = Array.from(w, (v) => Math.round((v - min) / scale));
    parts.push(new Uint8Array((dtype === 'uint8' ? Uint8Array.from(q) : Uint16Array.from(q)).buffer));
    return { ...s, quantization: { dtype, min, scale } };
  });
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { ...a, weightSpecs: specs as tf.io.WeightsManifestEntry[], weightData: bytes.buffer };
}

async function close(a: wt.Tensor, b: tf.Tensor, tol: number): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  const x = await a.data(), y = await b.data();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - (y[i] as number)));
  expect(worst).toBeLessThan(tol);
}

describe('what tfjs-layers writes and reads', () => {
  it('a residual graph with a free image size: the same outputs at two sizes', async () => {
    const theirs = theirModel();
    const ours = await wt.loadLayersModel({ load: async () => (await artifactsOf(theirs)) as unknown as wt.ModelArtifacts });
    expect(ours.inputs[0]!.shape).toEqual([null, null, null, 3]);
    for (const [h, w] of [[5, 7], [9, 4]] as const) {
      const v = values(2 * h * w * 3, h + w);
      const mine = ours.predict(wt.tensor(v, [2, h, w, 3])) as wt.Tensor[];
      const ref = theirs.predict(tf.tensor(v, [2, h, w, 3])) as tf.Tensor[];
      await close(mine[0]!, ref[0]!, 1e-6);
      await close(mine[1]!, ref[1]!, 1e-6);
    }
    ours.dispose();
  });

  it('a Sequential nested in a functional model, applied twice (shared)', async () => {
    const block = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), tfl.layers.dense({ units: 3 })], name: 'block' });
    const a = tfl.input({ shape: [3], name: 'p' });
    const y = tfl.layers.add({ name: 'join' }).apply([block.apply(a) as tfl.SymbolicTensor, block.apply(block.apply(a) as tfl.SymbolicTensor) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
    const theirs = tfl.model({ inputs: a, outputs: y });
    const art = await artifactsOf(theirs);
    const before = wt.memory().numTensors;
    const ours = await wt.loadLayersModel({ load: async () => art as unknown as wt.ModelArtifacts });
    expect(wt.memory().numTensors - before).toBe(4);
    expect(ours.getLayer('block')).toBeInstanceOf(wt.Sequential);
    const v = values(5 * 3, 12);
    await close(ours.predict(wt.tensor(v, [5, 3])) as wt.Tensor, theirs.predict(tf.tensor(v, [5, 3])) as tf.Tensor, 1e-6);
    // Saved here, it loads there.
    let mine: wt.ModelArtifacts | undefined;
    await ours.save({ save: async (x) => ((mine = x), {}) });
    const back = await tfl.loadLayersModel(tf.io.fromMemory(mine as unknown as tf.io.ModelArtifacts));
    const p1 = await (back.predict(tf.tensor(v, [5, 3])) as tf.Tensor).data();
    const p2 = await (theirs.predict(tf.tensor(v, [5, 3])) as tf.Tensor).data();
    p1.forEach((x, i) => expect(x).toBeCloseTo(p2[i]!, 6));
    ours.dispose();
  });

  it('Keras 2.x conv groups: 1 loads, more is refused clearly', async () => {
    const a = await artifactsOf(theirModel());
    const withGroups = (g: number) => {
      type Cfg = { config: { layers: { name: string; config: Record<string, unknown> }[] } };
      const t = structuredClone(a.modelTopology) as Cfg & { model_config?: Cfg };
      (t.model_config ?? t).config.layers.find((l) => l.name === 'c1')!.config.groups = g;
      return { load: async () => ({ ...a, modelTopology: t }) as unknown as wt.ModelArtifacts };
    };
    (await wt.loadLayersModel(withGroups(1))).dispose();
    const before = snapshot();
    await expect(wt.loadLayersModel(withGroups(2))).rejects.toThrow(/Conv2D 'c1' has groups 2; only 1 is supported/);
    expect(snapshot()).toEqual(before);
  });

  it('a Sequential file whose batch_input_shape has free height and width', async () => {
    const theirs = tfl.sequential({ layers: [
      tfl.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [null, null, 2] as unknown as number[] }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 2 }),
    ] });
    const a = await artifactsOf(theirs);
    expect(JSON.stringify(a.modelTopology)).toContain('[null,null,null,2]');
    const ours = await wt.loadLayersModel({ load: async () => a as unknown as wt.ModelArtifacts });
    expect(ours).toBeInstanceOf(wt.Sequential);
    for (const [h, w] of [[4, 6], [7, 3]] as const) {
      const v = values(h * w * 2, h * w);
      await close(ours.predict(wt.tensor(v, [1, h, w, 2])) as wt.Tensor, theirs.predict(tf.tensor(v, [1, h, w, 2])) as tf.Tensor, 1e-6);
    }
    ours.dispose();
  });

  it.each(['uint8', 'uint16', 'float16'] as const)('%s-quantized weights dequantize as tfjs-layers dequantizes them', async (dtype) => {
    const theirs = theirModel();
    const q = quantize(await artifactsOf(theirs), dtype);
    const ref = await tfl.loadLayersModel(tf.io.fromMemory(q));
    const ours = await wt.loadLayersModel({ load: async () => q as unknown as wt.ModelArtifacts });
    const v = values(2 * 6 * 6 * 3, 3);
    const mine = ours.predict(wt.tensor(v, [2, 6, 6, 3])) as wt.Tensor[];
    const want = ref.predict(tf.tensor(v, [2, 6, 6, 3])) as tf.Tensor[];
    await close(mine[0]!, want[0]!, 1e-6);
    await close(mine[1]!, want[1]!, 1e-6);
    // Dequantized once, at load: the weights are float32 tensors.
    expect(ours.weights.every((w) => w.value.dtype === 'float32')).toBe(true);
    // And quantization changed something (the check is not of an unquantized copy).
    const exact = theirs.predict(tf.tensor(v, [2, 6, 6, 3])) as tf.Tensor[];
    const d = await tf.max(tf.abs(tf.sub(want[1]!, exact[1]!))).data();
    expect(d[0]!).toBeGreaterThan(0);
    ours.dispose();
  });

  it('sharded weight files in one manifest group load as one', async () => {
    const theirs = theirModel();
    const a = await artifactsOf(theirs);
    const dir = mkdtempSync(join(tmpdir(), 'wt-shards-'));
    const bytes = new Uint8Array(a.weightData as ArrayBuffer);
    const cuts = [0, 100, 333, bytes.length];
    const paths = cuts.slice(1).map((_, i) => `group1-shard${i + 1}of3.bin`);
    paths.forEach((p, i) => writeFileSync(join(dir, p), bytes.subarray(cuts[i]!, cuts[i + 1]!)));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: a.modelTopology, format: 'layers-model', weightsManifest: [{ paths, weights: a.weightSpecs }] }));
    const ours = await wt.loadLayersModel(`file://${join(dir, 'model.json')}`);
    const v = values(6 * 6 * 3, 8);
    await close((ours.predict(wt.tensor(v, [1, 6, 6, 3])) as wt.Tensor[])[1]!, (theirs.predict(tf.tensor(v, [1, 6, 6, 3])) as tf.Tensor[])[1]!, 1e-6);
    ours.dispose();
  });

  it('a Keras 3 config: keras_history inbound nodes, batch_shape, dtype policies, one-tensor input_layers', async () => {
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const ref = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 2], dtype: 'float32', keras_history: [name, 0, 0] } });
    const topo = {
      class_name: 'Functional',
      config: {
        name: 'k3',
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 2], dtype: 'float32', sparse: false, name: 'x' }, name: 'x', inbound_nodes: [] },
          { module: 'keras.layers', class_name: 'Dense', config: { name: 'd', trainable: true, dtype: policy, units: 2, activation: 'relu', use_bias: true }, name: 'd', inbound_nodes: [{ args: [ref('x')], kwargs: {} }] },
          { module: 'keras.layers', class_name: 'Add', config: { name: 'plus', trainable: true, dtype: policy }, name: 'plus', inbound_nodes: [{ args: [[ref('d'), ref('x')]], kwargs: {} }] },
        ],
        input_layers: ['x', 0, 0],
        output_layers: ['plus', 0, 0],
      },
    };
    const kernel = new Float32Array([1, -1, 2, 0.5]), bias = new Float32Array([0, 1]);
    const m = await wt.loadLayersModel({
      load: async () => ({
        modelTopology: topo,
        weightSpecs: [{ name: 'd/kernel', shape: [2, 2], dtype: 'float32' }, { name: 'd/bias', shape: [2], dtype: 'float32' }],
        weightData: new Float32Array([...kernel, ...bias]).buffer,
      }),
    });
    // x = [1, 2]: d = relu([1 + 4, -1 + 1 + 1]) = [5, 1]; plus = d + x = [6, 3].
    expect(Array.from(await (m.predict(wt.tensor([[1, 2]])) as wt.Tensor).data())).toEqual([6, 3]);
    m.dispose();
  });
});

function snapshot(): wt.MemoryInfo {
  engine.backend?.flush();
  return wt.memory();
}

type Topo = { model_config: { class_name: string; config: { layers: { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }[]; output_layers: unknown[] } } };

describe.each(names)('hostile functional files (%s)', (backend) => {
  let good: wt.ModelArtifacts;
  beforeAll(async () => {
    await wt.setBackend(backend as wt.BackendName);
    const a = wt.input({ shape: [3], name: 'in' });
    const h = wt.layers.dense({ units: 4, activation: 'relu', name: 'h' }).apply(a);
    const o = wt.layers.add({ name: 'sum' }).apply([wt.layers.dense({ units: 4, name: 'g' }).apply(h), h]);
    const m = wt.model({ inputs: a, outputs: o, seed: 1 });
    await m.save({ save: async (x) => ((good = x), {}) });
    m.dispose();
  });

  const edited = (edit: (t: Topo, a: wt.ModelArtifacts) => void): wt.IOHandler => ({
    load: async () => {
      const a = structuredClone(good);
      edit(a.modelTopology as unknown as Topo, a);
      return a;
    },
  });
  const layer = (t: Topo, name: string) => t.model_config.config.layers.find((l) => l.name === name)!;

  it('a chain of 3,000 layers loads and runs (no recursion to overflow); 10,001 layers are refused', async () => {
    const chain = (n: number) => {
      const layers: unknown[] = [{ class_name: 'InputLayer', name: 'x', config: { batch_input_shape: [null, 2], dtype: 'float32', name: 'x' }, inbound_nodes: [] }];
      for (let i = 0; i < n; i++) layers.push({ class_name: 'Activation', name: `a${i}`, config: { name: `a${i}`, activation: 'linear' }, inbound_nodes: [[[i === 0 ? 'x' : `a${i - 1}`, 0, 0, {}]]] });
      return { load: async () => ({ modelTopology: { class_name: 'Model', config: { name: 'long', layers, input_layers: [['x', 0, 0]], output_layers: [[`a${n - 1}`, 0, 0]] } }, weightSpecs: [], weightData: new ArrayBuffer(0) }) };
    };
    const m = await wt.loadLayersModel(chain(3000));
    expect(Array.from(await (m.predict(wt.tensor([[1, -2]])) as wt.Tensor).data())).toEqual([1, -2]);
    const before = snapshot();
    await expect(wt.loadLayersModel(chain(10_001))).rejects.toThrow(/lists 10002 layers \(more than 10000\)/);
    expect(snapshot()).toEqual(before);
  });

  it.each([
    ['a cycle', (t: Topo) => { layer(t, 'h').inbound_nodes = [[['g', 0, 0, {}]]]; }, /the graph has a cycle, or inputs that never arrive: .*h/],
    ['an unknown layer class', (t: Topo) => { layer(t, 'g').class_name = 'Lambda'; }, /layer class 'Lambda' is not supported/],
    ['an inbound node naming no layer', (t: Topo) => { layer(t, 'g').inbound_nodes = [[['ghost', 0, 0, {}]]]; }, /layer 'g' takes its input from layer 'ghost', which is not in the model/],
    ['a node index beyond the layer', (t: Topo) => { layer(t, 'sum').inbound_nodes = [[['g', 3, 0, {}], ['h', 0, 0, {}]]]; }, /layer 'sum' reads node 3 of 'g', which has 1 nodes/],
    ['outputs naming no layer', (t: Topo) => { t.model_config.config.output_layers = [['nowhere', 0, 0]]; }, /output_layers names 'nowhere', which is no layer/],
    ['an absurd size', (t: Topo) => { layer(t, 'h').config.units = 2 ** 40; layer(t, 'g').config.units = 2 ** 40; }, /loadModel: weight h\/kernel should be \[3,1099511627776\] by its layer's config/],
    ['two layers of one name', (t: Topo) => { layer(t, 'g').name = 'h'; }, /two layers are named 'h'/],
    ['a missing weight', (_t: Topo, a: wt.ModelArtifacts) => {
      a.weightSpecs = a.weightSpecs!.filter((s) => s.name !== 'g/bias');
      a.weightData = (a.weightData as ArrayBuffer).slice(0, (a.weightData as ArrayBuffer).byteLength - 16);
    }, /missing g\/bias/],
    ['an extra weight', (_t: Topo, a: wt.ModelArtifacts) => {
      a.weightSpecs = [...a.weightSpecs!, { name: 'stray/kernel', shape: [2], dtype: 'float32' }];
      const d = new Uint8Array((a.weightData as ArrayBuffer).byteLength + 8);
      d.set(new Uint8Array(a.weightData as ArrayBuffer));
      a.weightData = d.buffer;
    }, /weights that no layer has: stray\/kernel/],
    ['a bad quantization', (_t: Topo, a: wt.ModelArtifacts) => {
      (a.weightSpecs![0] as unknown as { quantization: unknown }).quantization = { dtype: 'uint8', min: 0 };
    }, /quantized as uint8 without finite min and scale/],
  ] as [string, (t: Topo, a: wt.ModelArtifacts) => void, RegExp][])('%s: a clear Error, memory unchanged', async (_what, edit, pattern) => {
    const before = snapshot();
    await expect(wt.loadLayersModel(edited(edit))).rejects.toThrow(pattern);
    expect(snapshot()).toEqual(before);
    const m = await wt.loadLayersModel(edited(() => undefined));
    expect((m.predict(wt.ones([1, 3])) as wt.Tensor).shape).toEqual([1, 4]);
    m.dispose();
  });
});
