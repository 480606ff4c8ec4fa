// TF.js graph models with control flow, run by executeAsync: @vladmandic/human's handtrack (an SSD
// detector whose preprocessing is a tf.map while loop over TensorLists and whose post-processing is
// NonMaxSuppressionV5 / TopKV2 / Where), checked against @tensorflow/tfjs-converter on the same
// file and input; and small GraphDefs built here (cond, nested loops, TensorArrays), checked against
// tfjs-converter loading the same JSON, plus the limits: execute refuses control flow, and a loop
// that never ends is stopped after maxLoopIterations.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfc from '@tensorflow/tfjs-converter';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { pixels, tfFileHandler } from './peer-files.js';
import { availableBackends } from './backends.js';

const HUMAN = join(import.meta.dirname, '..', '.models', 'human');

beforeAll(async () => {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'fetch-models.mjs')], { stdio: 'ignore' });
  await tf.setBackend('cpu');
}, 120_000);

const backends = await availableBackends();

function worst(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let w = 0;
  for (let k = 0; k < want.length; k++) w = Math.max(w, Math.abs(got[k]! - want[k]!) / (1 + Math.abs(want[k]!)));
  return w;
}

describe.each(backends)('handtrack (while loop, TensorLists, NMS) on %s', (backend) => {
  beforeAll(async () => {
    await wt.setBackend(backend);
  });

  it('executeAsync gives tfjs-converter\'s outputs, and execute refuses it', async () => {
    const shape = [1, 320, 320, 3];
    const x = Int32Array.from(pixels(320 * 320 * 3, 11, 255), Math.floor);
    const theirs = await tfc.loadGraphModel(tfFileHandler(join(HUMAN, 'handtrack.json')));
    const tx = tf.tensor(x, shape, 'int32');
    const tys = (await theirs.executeAsync(tx)) as tf.Tensor[];
    const want = await Promise.all(tys.map(async (y) => ({ shape: y.shape, data: await y.data() })));
    tf.dispose([tx, ...tys]);
    theirs.dispose();

    const m = await wt.loadGraphModel(`file://${join(HUMAN, 'handtrack.json')}`);
    const t = wt.tensor(x, shape, 'int32');
    expect(() => m.execute(t)).toThrow(/execute: this model uses control flow or data-dependent ops \(.*Switch.*\).*executeAsync/);
    wt.dispose(await m.executeAsync(t));
    const before = wt.memory().numTensors;
    const ys = (await m.executeAsync(t)) as wt.Tensor[];
    expect(ys.length).toBe(want.length);
    for (const [i, y] of ys.entries()) {
      expect(y.shape).toEqual(want[i]!.shape);
      expect(worst(await y.data(), want[i]!.data)).toBeLessThanOrEqual(backend === 'cpu' || backend === 'wasm' ? 1e-3 : 2e-3);
    }
    wt.dispose(ys);
    expect(wt.memory().numTensors).toBe(before);
    t.dispose();
    m.dispose();
  }, 300_000);
});

// A GraphDef as the TF.js converter writes one, built here: nodes with attrs, Const values in the
// weights manifest.
type Attr = Record<string, unknown>;
interface Built { nodes: { name: string; op: string; input?: string[]; attr?: Attr }[]; consts: { name: string; dtype: 'float32' | 'int32'; shape: number[]; values: number[] }[] }

function graph(): Built & { add(name: string, op: string, input?: string[], attr?: Attr): string; const(name: string, values: number[], dtype?: 'float32' | 'int32', shape?: number[]): string } {
  const g: Built = { nodes: [], consts: [] };
  return {
    ...g,
    get nodes() { return g.nodes; },
    get consts() { return g.consts; },
    add(name, op, input = [], attr = {}) { g.nodes.push({ name, op, input, attr }); return name; },
    const(name, values, dtype = 'float32', shape = values.length === 1 ? [] : [values.length]) {
      g.nodes.push({ name, op: 'Const', attr: { dtype: { type: dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' } } });
      g.consts.push({ name, dtype, shape, values });
      return name;
    },
  };
}

const placeholder = (shape: number[], dtype = 'DT_FLOAT'): Attr => ({ dtype: { type: dtype }, shape: { shape: { dim: shape.map((size) => ({ size: String(size) })) } } });
const frame = (name: string, constant = false): Attr => ({ frame_name: { s: btoa(name) }, is_constant: { b: constant } });

function artifacts(g: Built, outputs: string[]): { modelTopology: unknown; weightSpecs: unknown[]; weightData: ArrayBuffer; format: string; signature: unknown } {
  const bytes = g.consts.map((c) => new Uint8Array((c.dtype === 'int32' ? Int32Array.from(c.values) : Float32Array.from(c.values)).buffer));
  const data = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) { data.set(b, at); at += b.length; }
  return {
    modelTopology: { node: g.nodes, versions: { producer: 1982 } },
    weightSpecs: g.consts.map((c) => ({ name: c.name, shape: c.shape, dtype: c.dtype })),
    weightData: data.buffer,
    format: 'graph-model',
    signature: { outputs: Object.fromEntries(outputs.map((o) => [o, { name: `${o}:0` }])) },
  };
}

/** acc = x; i = 0; while (i < limit) { acc = acc * 2 + 1; list[i] = acc; i++ }; outputs acc and the stacked list. */
function whileLoop(limit: number, step = 1): ReturnType<typeof artifacts> {
  const g = graph();
  g.add('x', 'Placeholder', [], placeholder([2]));
  g.const('zero', [0], 'int32'); g.const('one', [step], 'int32'); g.const('limit', [limit], 'int32');
  g.const('two', [2]); g.const('onef', [1]); g.const('shape', [2], 'int32', [1]); g.const('n', [Math.max(limit, 0)], 'int32');
  g.add('list', 'TensorListReserve', ['shape', 'n'], { element_dtype: { type: 'DT_FLOAT' }, shape_type: { type: 'DT_INT32' } });
  const F = 'loop';
  g.add('enter_i', 'Enter', ['zero'], frame(F)); g.add('enter_acc', 'Enter', ['x'], frame(F)); g.add('enter_list', 'Enter', ['list'], frame(F));
  g.add('enter_limit', 'Enter', ['limit'], frame(F, true)); g.add('enter_two', 'Enter', ['two'], frame(F, true));
  g.add('enter_one', 'Enter', ['one'], frame(F, true)); g.add('enter_onef', 'Enter', ['onef'], frame(F, true));
  g.add('merge_i', 'Merge', ['enter_i', 'next_i']); g.add('merge_acc', 'Merge', ['enter_acc', 'next_acc']); g.add('merge_list', 'Merge', ['enter_list', 'next_list']);
  g.add('less', 'Less', ['merge_i', 'enter_limit']);
  g.add('cond', 'LoopCond', ['less']);
  g.add('sw_i', 'Switch', ['merge_i', 'cond']); g.add('sw_acc', 'Switch', ['merge_acc', 'cond']); g.add('sw_list', 'Switch', ['merge_list', 'cond']);
  g.add('id_i', 'Identity', ['sw_i:1']); g.add('id_acc', 'Identity', ['sw_acc:1']);
  g.add('next_i_v', 'AddV2', ['id_i', 'enter_one']);
  g.add('body', 'AddV2', ['body_mul', 'enter_onef']); g.add('body_mul', 'Mul', ['id_acc', 'enter_two']);
  g.add('set', 'TensorListSetItem', ['sw_list:1', 'id_i', 'body'], { element_dtype: { type: 'DT_FLOAT' } });
  g.add('next_i', 'NextIteration', ['next_i_v']); g.add('next_acc', 'NextIteration', ['body']); g.add('next_list', 'NextIteration', ['set']);
  g.add('exit_acc', 'Exit', ['sw_acc:0']); g.add('exit_list', 'Exit', ['sw_list:0']); g.add('exit_i', 'Exit', ['sw_i:0']);
  g.add('acc', 'Identity', ['exit_acc']);
  g.add('stacked', 'TensorListStack', ['exit_list', 'shape'], { element_dtype: { type: 'DT_FLOAT' }, num_elements: { i: String(Math.max(limit, 0)) } });
  return artifacts(g, ['acc', 'stacked']);
}

/** tf.cond: sum(x) > 0 ? x * 3 : -x. */
function cond(): ReturnType<typeof artifacts> {
  const g = graph();
  g.add('x', 'Placeholder', [], placeholder([3]));
  g.const('axis', [0], 'int32'); g.const('zero', [0]); g.const('three', [3]);
  g.add('sum', 'Sum', ['x', 'axis'], { keep_dims: { b: false } });
  g.add('pred', 'Greater', ['sum', 'zero']);
  g.add('sw', 'Switch', ['x', 'pred']);
  g.add('then', 'Mul', ['sw:1', 'three']);
  g.add('else', 'Neg', ['sw:0']);
  g.add('merge', 'Merge', ['else', 'then']);
  g.add('y', 'Identity', ['merge']);
  return artifacts(g, ['y']);
}

async function both(a: ReturnType<typeof artifacts>, x: number[], shape: number[], outputs?: string[]): Promise<{ ours: number[][]; theirs: number[][] }> {
  const tm = await tfc.loadGraphModel({ load: async () => a as never });
  const tx = tf.tensor(x, shape);
  const tys = ([] as tf.Tensor[]).concat((await tm.executeAsync(tx, outputs)) as tf.Tensor | tf.Tensor[]);
  const theirs = await Promise.all(tys.map(async (y) => Array.from(await y.data())));
  tf.dispose([tx, ...tys]);
  const m = await wt.loadGraphModel({ load: async () => a as never });
  const wx = wt.tensor(x, shape);
  // The first run uploads the constants, which the model keeps.
  wt.dispose(await m.executeAsync(wx, outputs));
  const before = wt.memory().numTensors;
  const ys = ([] as wt.Tensor[]).concat(await m.executeAsync(wx, outputs));
  const ours = await Promise.all(ys.map(async (y) => Array.from(await y.data())));
  wt.dispose(ys);
  expect(wt.memory().numTensors).toBe(before);
  wx.dispose();
  m.dispose();
  return { ours, theirs };
}

describe.each(backends)('control flow built as GraphDef JSON, against tfjs-converter, on %s', (backend) => {
  beforeAll(async () => {
    await wt.setBackend(backend);
  });

  it('a while loop with loop-invariant Enters and a TensorList', async () => {
    const { ours, theirs } = await both(whileLoop(4), [0.5, -1], [2]);
    // acc: 0.5 -> 2 -> 5 -> 11 -> 23; -1 -> -1 -> -1 ...
    expect(ours[0]).toEqual([23, -1]);
    expect(ours).toEqual(theirs);
  });

  it('a while loop that runs zero times', async () => {
    const { ours, theirs } = await both(whileLoop(0), [0.5, -1], [2], ['acc']);
    expect(ours[0]).toEqual([0.5, -1]);
    expect(ours).toEqual(theirs);
    // TF.js cannot stack the empty list; ours is [0, 2].
    const m = await wt.loadGraphModel({ load: async () => whileLoop(0) as never });
    const x = wt.tensor([0.5, -1]);
    const s = (await m.executeAsync(x, 'stacked')) as wt.Tensor;
    expect(s.shape).toEqual([0, 2]);
    wt.dispose([x, s]);
    m.dispose();
  });

  it('tf.cond takes the branch its data-dependent predicate picks', async () => {
    for (const x of [[1, 2, -0.5], [-1, -2, 0.5]]) {
      const { ours, theirs } = await both(cond(), x, [3]);
      expect(ours).toEqual(theirs);
      expect(ours[0]).toEqual(x[0]! > 0 ? x.map((v) => v * 3) : x.map((v) => -v));
    }
  });
});

describe('control flow limits', () => {
  beforeAll(async () => {
    await wt.setBackend('cpu');
  });

  it('execute refuses a control-flow graph, pointing to executeAsync', async () => {
    const m = await wt.loadGraphModel({ load: async () => whileLoop(3) as never });
    const x = wt.tensor([1, 2]);
    expect(() => m.execute(x)).toThrow(/execute: this model uses control flow or data-dependent ops \(Enter, Merge, Switch, Exit, NextIteration, LoopCond\)|execute: this model uses control flow.*use await model.executeAsync/);
    x.dispose();
    m.dispose();
  });

  it('a loop that never ends is stopped after maxLoopIterations, freeing what it made', async () => {
    // The counter never moves (step 0), so i < 5 holds forever.
    const m = await wt.loadGraphModel({ load: async () => whileLoop(5, 0) as never }, { maxLoopIterations: 50 });
    const x = wt.tensor([1, 2]);
    const before = wt.memory().numTensors;
    await expect(m.executeAsync(x)).rejects.toThrow(/the while loop 'loop' ran past 50 iterations/);
    expect(wt.memory().numTensors).toBe(before);
    m.dispose();
    // The default bound stops it too, without an option.
    const d = await wt.loadGraphModel({ load: async () => whileLoop(5, 0) as never });
    const t0 = Date.now();
    await expect(d.executeAsync(x)).rejects.toThrow(/ran past 10000 iterations/);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(wt.memory().numTensors).toBe(before);
    d.dispose();
    x.dispose();
    await expect(wt.loadGraphModel({ load: async () => whileLoop(5) as never }, { maxLoopIterations: 0 })).rejects.toThrow(/maxLoopIterations must be a positive integer, got 0/);
  }, 120_000);

  it('a TensorList read out of range is an Error naming the op, and frees what the run made', async () => {
    const a = whileLoop(3);
    // The list holds 1 item but the loop writes 3.
    (a.modelTopology as { node: { name: string; input?: string[] }[] }).node.find((n) => n.name === 'list')!.input = ['shape', 'one'];
    const m = await wt.loadGraphModel({ load: async () => a as never });
    const x = wt.tensor([1, 2]);
    const before = wt.memory().numTensors;
    await expect(m.executeAsync(x)).rejects.toThrow(/TensorListSetItem \(node 'set'\): index 1 is out of range for a list of 1 items/);
    expect(wt.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });

  it('hostile control flow: a back edge outside any frame, a huge TensorList, a bad predicate are Errors', async () => {
    // NextIteration in the root context (no Enter): a cycle that is not a loop frame.
    const g = graph();
    g.add('x', 'Placeholder', [], placeholder([2]));
    g.add('merge', 'Merge', ['x', 'next']);
    g.add('next', 'NextIteration', ['merge']);
    g.add('y', 'Identity', ['merge']);
    const m = await wt.loadGraphModel({ load: async () => artifacts(g, ['y']) as never });
    const x = wt.tensor([1, 2]);
    const before = wt.memory().numTensors;
    await expect(m.executeAsync(x)).rejects.toThrow(/NextIteration \(node 'next'\): it runs outside any loop frame/);
    expect(wt.memory().numTensors).toBe(before);
    m.dispose();
    // A TensorList of 2^30 items is refused before anything is allocated.
    const a = whileLoop(3);
    const nodes = (a.modelTopology as { node: { name: string; input?: string[] }[] }).node;
    nodes.find((n) => n.name === 'list')!.input = ['shape', 'huge'];
    nodes.push({ name: 'huge', op: 'Const', attr: { dtype: { type: 'DT_INT32' } } } as never);
    const spec = [...a.weightSpecs, { name: 'huge', shape: [], dtype: 'int32' }];
    const data = new Uint8Array(a.weightData.byteLength + 4);
    data.set(new Uint8Array(a.weightData));
    new DataView(data.buffer).setInt32(a.weightData.byteLength, 2 ** 30, true);
    const h = await wt.loadGraphModel({ load: async () => ({ ...a, weightSpecs: spec, weightData: data.buffer }) as never });
    await expect(h.executeAsync(x)).rejects.toThrow(/TensorListReserve \(node 'list'\): num_elements 1073741824 is out of range \(at most 1048576\)/);
    expect(wt.memory().numTensors).toBe(before);
    h.dispose();
    // A Switch whose predicate is not a scalar.
    const c = cond();
    (c.modelTopology as { node: { name: string; input?: string[] }[] }).node.find((n) => n.name === 'sw')!.input = ['x', 'x'];
    const cm = await wt.loadGraphModel({ load: async () => c as never });
    const x3 = wt.tensor([1, 2, 3]);
    await expect(cm.executeAsync(x3)).rejects.toThrow(/Switch \(node 'sw'\): the predicate must be a scalar, got 3 values/);
    cm.dispose();
    wt.dispose([x, x3]);
  });
});
