// TensorFlow.js's random ops, variables, TensorBuffer and memory() against @tensorflow/tfjs-core
// (cpu backend) in the same process: shapes, dtypes and moments for the seeded draws (the two
// generators differ), and values for the rest.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as wt from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await wt.setBackend('cpu');
});

describe('the random ops, variables, buffers and memory, TF.js style', () => {
  it('random ops give TF.js\'s shapes and dtypes and their distributions\' moments', async () => {
    const n = 20000;
    const stats = async (x: wt.Tensor): Promise<[number, number, number, number]> => {
      const d = Array.from(await x.data());
      const m = d.reduce((a, b) => a + b, 0) / d.length;
      return [m, Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length), Math.min(...d), Math.max(...d)];
    };
    const u = wt.randomUniform([n], -2, 4, 'float32', 7);
    expect([u.shape, u.dtype]).toEqual([tf.randomUniform([n], -2, 4).shape, 'float32']);
    const [um, us, umin, umax] = await stats(u);
    expect(um).toBeCloseTo(1, 1); expect(us).toBeCloseTo(6 / Math.sqrt(12), 1); expect(umin).toBeGreaterThanOrEqual(-2); expect(umax).toBeLessThan(4);
    const [nm, ns] = await stats(wt.randomNormal([n], 3, 2, 'float32', 'seed'));
    expect(nm).toBeCloseTo(3, 1); expect(ns).toBeCloseTo(2, 1);
    const [zm, zs] = await stats(wt.randomStandardNormal([n], 'float32', 3));
    expect(zm).toBeCloseTo(0, 1); expect(zs).toBeCloseTo(1, 1);
    const [tm, ts, tmin, tmax] = await stats(wt.truncatedNormal([n], 1, 0.5, 'float32', 4));
    const [tfm, tfs] = await stats(wt.tensor(Array.from(await tf.truncatedNormal([n], 1, 0.5, 'float32', 4).data())));
    expect(tm).toBeCloseTo(tfm, 1); expect(ts).toBeCloseTo(tfs, 1); expect(tmin).toBeGreaterThanOrEqual(0); expect(tmax).toBeLessThanOrEqual(2);
    const ri = wt.randomUniformInt([n], -3, 5, 9);
    const tri = tf.randomUniformInt([n], -3, 5, 9);
    expect([ri.shape, ri.dtype]).toEqual([tri.shape, tri.dtype]);
    const vals = new Set(Array.from(await ri.data()));
    expect([...vals].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3, 4]);
    expect(Array.from(await wt.randomUniform([5], 0, 1, 'float32', 11).data())).toEqual(Array.from(await wt.randomUniform([5], 0, 1, 'float32', 11).data()));
    const d = await wt.dropout(wt.ones([n]), 0.25, undefined, 5).data();
    const kept = Array.from(d).filter((v) => v !== 0);
    expect(kept.length / n).toBeCloseTo(0.75, 1);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
  });

  it('variables: assign, variableGrads and disposal, as TF.js', async () => {
    const inputs = [wt.tensor([1, 2, 3]), wt.tensor([2]), wt.tensor([4, 5, 6]), wt.tensor([1])];
    const before = wt.memory().numTensors;
    const a = wt.variable(inputs[0]!, true, 'a');
    const b = wt.variable(inputs[1]!, true, 'b');
    const ta = tf.variable(tf.tensor([1, 2, 3]), true, 'a'), tb = tf.variable(tf.tensor([2]), true, 'b');
    const kept = wt.tidy(() => a.add(0)); // tidy leaves the variable alone
    expect(a.isDisposed).toBe(false);
    kept.dispose();
    const ours = wt.variableGrads(() => a.mul(b).square().sum(), [a, b]);
    const theirs = tf.variableGrads(() => tf.sum(tf.square(tf.mul(ta, tb))), [ta, tb]);
    expect(await ours.value.data()).toEqual(await theirs.value.data());
    expect(Array.from(await ours.grads['a']!.data())).toEqual(Array.from(await theirs.grads['a']!.data()));
    expect(Array.from(await ours.grads['b']!.data())).toEqual(Array.from(await theirs.grads['b']!.data()));
    a.assign(inputs[2]!);
    ta.assign(tf.tensor([4, 5, 6]));
    expect(Array.from(await a.data())).toEqual(Array.from(await ta.data()));
    expect(() => a.assign(inputs[3]!)).toThrow(/assign: variable 'a' is float32 \[3\], got float32 \[1\]/);
    expect(() => wt.variable(inputs[3]!, true, 'a')).toThrow(/variable: a variable named 'a' already exists/);
    wt.dispose([ours.value, ...Object.values(ours.grads)]);
    wt.disposeVariables();
    expect(a.isDisposed && b.isDisposed).toBe(true);
    expect(wt.memory().numTensors).toBe(before);
    wt.dispose(inputs);
    tf.disposeVariables();
  });

  it('buffer / TensorBuffer, dataSync, arraySync and memory\'s fields', async () => {
    const ob = wt.buffer([2, 3], 'int32'), tb = tf.buffer([2, 3], 'int32');
    ob.set(5, 1, 2); tb.set(5, 1, 2);
    ob.set(-1, 0, 0); tb.set(-1, 0, 0);
    expect(ob.get(1, 2)).toBe(tb.get(1, 2));
    expect(Array.from(await ob.toTensor().data())).toEqual(Array.from(await tb.toTensor().data()));
    expect(ob.indexToLoc(4)).toEqual(tb.indexToLoc(4));
    expect(ob.locToIndex([1, 1])).toBe(tb.locToIndex([1, 1]));
    expect(() => ob.set(1, 2, 0)).toThrow(/coordinate 2 of axis 0 is outside \[0, 2\)/);
    const x = wt.tensor([[1, 2], [3, 4]]);
    expect(Array.from((await x.buffer()).values)).toEqual([1, 2, 3, 4]);
    expect(x.bufferSync().get(1, 0)).toBe(3);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4]);
    expect(x.arraySync()).toEqual(tf.tensor([[1, 2], [3, 4]]).arraySync());
    const m = wt.memory();
    expect(Object.keys(tf.memory()).filter((k) => k !== 'reasons').every((k) => k in m)).toBe(true);
    const v = x.reshape([4]);
    expect(wt.memory().numDataBuffers).toBe(m.numDataBuffers); // a view shares its buffer
    expect(wt.memory().numTensors).toBe(m.numTensors + 1);
    expect(m.unreliable).toBe(false);
    wt.dispose([x, v]);
    expect(wt.upcastType('int32', 'bool')).toBe(tf.upcastType('int32', 'bool'));
    expect(wt.upcastType('float32', 'int32')).toBe(tf.upcastType('float32', 'int32'));
    expect(wt.sumOutType('bool')).toBe(tf.sumOutType('bool'));
    await wt.ready();
  });
});

describe('bad input to the added ops', () => {
  it('throws an Error naming the op and leaves memory as it was', () => {
    const x = wt.tensor([[1, 2, 3], [4, 5, 6]]);
    const before = wt.memory();
    const cases: [RegExp, () => unknown][] = [
      [/^floorDiv: shapes/, () => wt.floorDiv([1, 2, 3], [1, 2])],
      [/^atan2: shapes/, () => wt.atan2(x, [1, 2])],
      [/^addN: every tensor must have the shape and dtype of the first/, () => wt.addN([x, [1, 2]])],
      [/^prelu: shapes/, () => wt.prelu(x, [1, 2])],
      [/^tile: reps must have one entry per axis/, () => wt.tile(x, [2])],
      [/^split: sizes \[1,1\] do not add up/, () => wt.split(x, [1, 1], 1)],
      [/^reverse: axis 3 is out of range/, () => wt.reverse(x, 3)],
      [/^mirrorPad: padding 3 of axis 1 must be a whole number in \[0, 2\]/, () => wt.mirrorPad(x, [[0, 0], [3, 0]], 'reflect')],
      [/^pad: paddings must be one \[before, after\] pair/, () => wt.pad(x, [[1, 1]])],
      [/^norm: unsupported order 3/, () => wt.norm(x, 3)],
      [/^all: expected a bool tensor, got float32/, () => wt.all(x)],
      [/^tensor5d: expected a tensor of rank 5, got rank 2/, () => wt.tensor5d([[1]])],
      [/^slice2d: expected a tensor of rank 2, got rank 1/, () => wt.slice2d([1, 2], [0, 0], [1, 1])],
      [/^linspace: num must be an integer >= 1/, () => wt.linspace(0, 1, 0)],
      [/^randomUniformInt: expected whole minval < maxval/, () => wt.randomUniformInt([2], 3, 3)],
      [/^dropout: rate must be in \[0, 1\)/, () => wt.dropout(x, 1)],
      [/^asScalar: the tensor has 6 elements, expected 1/, () => x.asScalar()],
      [/^dot: expected 1-D or 2-D tensors/, () => wt.dot([[[1]]], [1])],
      [/^computeWeightedLoss: reduction must be one of/, () => wt.losses.computeWeightedLoss(x, undefined, 9 as wt.Reduction)],
    ];
    for (const [re, f] of cases) {
      expect(f, String(re)).toThrow(re);
      const now = wt.memory();
      expect([now.numTensors, now.numBytes, now.numDataBuffers], String(re)).toEqual([before.numTensors, before.numBytes, before.numDataBuffers]);
    }
    x.dispose();
  });
});
