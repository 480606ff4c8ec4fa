// The bool dtype against @tensorflow/tfjs-core run in the same test: comparisons and logical ops
// return bool (read back as a Uint8Array), tensors from booleans, cast to and from bool, where on a
// bool condition, sums counting trues; and int32 results that must not pass through float32.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';

const backends = await availableBackends();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function same(ours: wt.Tensor, theirs: tf.Tensor, sameArrayType = true): Promise<void> {
  expect(ours.dtype).toBe(theirs.dtype);
  expect(ours.shape).toEqual(theirs.shape);
  const a = await ours.data(), b = await theirs.data();
  if (sameArrayType) expect(a.constructor.name).toBe(b.constructor.name);
  expect(Array.from(a)).toEqual(Array.from(b));
}

describe.each(backends)('bool on %s', (name) => {
  beforeAll(async () => {
    await wt.setBackend(name as wt.BackendName);
  });

  it('comparisons give bool, read back as Uint8Array, as TF.js', async () => {
    const a = [[1, 5, -2], [0, 7, 3]], b = [1, 4, 3];
    for (const op of ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const) {
      await same(wt[op](wt.tensor(a), wt.tensor(b)), tf[op](tf.tensor(a), tf.tensor(b)));
    }
    await same(wt.equal(wt.tensor([1, 2], [2], 'int32'), 2), tf.equal(tf.tensor([1, 2], [2], 'int32'), 2));
  });

  it('tensors from booleans, cast to and from bool, sums of bool', async () => {
    await same(wt.tensor([true, false, true]), tf.tensor([true, false, true]));
    await same(wt.tensor([[true], [false]]), tf.tensor([[true], [false]]));
    await same(wt.tensor([2, 0, -1], [3], 'bool'), tf.tensor([2, 0, -1], [3], 'bool'));
    // NaN is true as a bool, except on webgpu, where WGSL lets the compiler assume no NaN.
    const x = name === 'webgpu' ? [0, -0.5, 3] : [NaN, 0, -0.5, 3];
    await same(wt.cast(wt.tensor(x), 'bool'), tf.cast(tf.tensor(x), 'bool'));
    await same(wt.cast(wt.tensor([0, 5, -7], [3], 'int32'), 'bool'), tf.cast(tf.tensor([0, 5, -7], [3], 'int32'), 'bool'));
    const bools = [true, false, true, true];
    // TF.js's cpu backend hands these float32 and int32 tensors' data back in the bool's Uint8Array;
    // ours come back as the Float32Array and Int32Array their dtypes promise.
    await same(wt.cast(wt.tensor(bools), 'float32'), tf.cast(tf.tensor(bools), 'float32'), false);
    expect(await wt.cast(wt.tensor(bools), 'float32').data()).toBeInstanceOf(Float32Array);
    await same(wt.cast(wt.tensor(bools), 'int32'), tf.cast(tf.tensor(bools), 'int32'), false);
    expect(await wt.cast(wt.tensor(bools), 'int32').data()).toBeInstanceOf(Int32Array);
    await same(wt.sum(wt.tensor(bools)), tf.sum(tf.tensor(bools)));
    await same(wt.mul(wt.tensor(bools), wt.tensor([1.5, 2, 3, 4])), tf.mul(tf.tensor(bools), tf.tensor([1.5, 2, 3, 4])));
    expect(await wt.tensor([[true, false]]).array()).toEqual(await tf.tensor([[true, false]]).array());
  });

  it('logical ops give TF.js\'s truth tables with broadcasting, and refuse non-bool', async () => {
    const a = [[true, true], [false, false]], b = [true, false];
    for (const op of ['logicalAnd', 'logicalOr', 'logicalXor'] as const) {
      await same(wt[op](wt.tensor(a), wt.tensor(b)), tf[op](tf.tensor(a), tf.tensor(b)));
    }
    await same(wt.logicalNot(wt.tensor(b)), tf.logicalNot(tf.tensor(b)));
    await same(wt.tensor(a).logicalAnd(wt.tensor(b)).logicalNot(), tf.logicalNot(tf.logicalAnd(tf.tensor(a), tf.tensor(b))));
    const f = wt.tensor([1, 0]);
    const before = wt.memory().numTensors;
    expect(() => wt.logicalAnd(f, [true, false])).toThrow(/logicalAnd: a must be a bool tensor, got float32/);
    expect(() => wt.logicalNot(f)).toThrow(/logicalNot: x must be a bool tensor, got float32/);
    expect(wt.memory().numTensors).toBe(before);
    f.dispose();
  });

  it('where takes a bool condition; masks compose into gradients', async () => {
    const c = [true, false, true];
    await same(wt.where(wt.tensor(c), wt.tensor([1, 2, 3]), wt.tensor([4, 5, 6])), tf.where(tf.tensor(c), tf.tensor([1, 2, 3]), tf.tensor([4, 5, 6])));
    await same(wt.where(wt.greater(wt.tensor([1, -1]), 0), wt.tensor([1, 2], [2], 'int32'), wt.tensor([3, 4], [2], 'int32')),
      tf.where(tf.greater(tf.tensor([1, -1]), 0), tf.tensor([1, 2], [2], 'int32'), tf.tensor([3, 4], [2], 'int32')));
    // maximum's gradient goes through a bool mask.
    const g = wt.grad((x: wt.Tensor) => wt.maximum(x, 0.5).sum())(wt.tensor([0, 1, 2]));
    expect(Array.from(await g.data())).toEqual([0, 1, 1]);
  });
});
