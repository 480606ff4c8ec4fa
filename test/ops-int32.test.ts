// int32 arithmetic, exact over the whole int32 range on every backend but gpujs (float textures:
// exact below 2^24), against TensorFlow.js (tfjs-core's cpu backend) and against BigInt where
// TF.js itself rounds (its int32 mul passes through a double).
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';

const backends = await availableBackends();
beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MAX = 2 ** 31 - 1, MIN = -(2 ** 31);
/** Past 2^24, where float32 loses whole numbers; with both ends of the range and 0. */
const BIG = [MAX, MIN, 16777217, -16777219, 123456789, -987654321, 0, 7, -7, 1, -1, 2 ** 30];
const SMALL = [5, -3, 16777216, 1, -1, 7, 3, 0, -2, 1000, 65536, 2];
const MEDIUM = [3, -5, 4097, 9, 100, -8, 11, 13, -1, 2, 17, 6];

/** Two's complement wrap of an exact integer. */
const wrap = (v: bigint): number => Number(BigInt.asIntN(32, v));

describe.each(backends)('int32 on %s', (name) => {
  const exact = name !== 'gpujs';
  // gpujs: products and sums stay below 2^24
  const a = exact ? BIG : MEDIUM, b = exact ? SMALL : MEDIUM.slice().reverse();
  beforeAll(async () => {
    await wt.setBackend(name as wt.BackendName);
  });

  async function ints(t: wt.Tensor): Promise<number[]> {
    expect(t.dtype).toBe('int32');
    return Array.from(await t.data());
  }

  it('add, sub, max, min, floorDiv, mod and the comparisons match TF.js; mul matches the exact wrapped product', async () => {
    const x = wt.tensor(a, [12], 'int32'), y = wt.tensor(b, [12], 'int32');
    const tx = tf.tensor(a, [12], 'int32'), ty = tf.tensor(b, [12], 'int32');
    for (const op of ['add', 'sub', 'maximum', 'minimum', 'floorDiv', 'mod'] as const) {
      // TF.js's floorDiv and mod of x by 0 come back as 0 in its Int32Array, as ours.
      expect(await ints(wt[op](x, y)), op).toEqual(Array.from(await tf[op](tx, ty).data()));
    }
    expect(await ints(wt.mul(x, y))).toEqual(a.map((v, i) => wrap(BigInt(v) * BigInt(b[i]!))));
    for (const op of ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const) {
      const o = wt[op](x, wt.tensor(a.map((v, i) => (i % 3 === 0 ? v : v + 1)), [12], 'int32'));
      const t = tf[op](tx, tf.tensor(a.map((v, i) => (i % 3 === 0 ? v : v + 1)), [12], 'int32'));
      expect(o.dtype).toBe('bool');
      expect(Array.from(await o.data()), op).toEqual(Array.from(await t.data()));
    }
    // Broadcasting against a column and a scalar, on the int path.
    const m = wt.tensor(a.slice(0, 8), [2, 4], 'int32');
    expect(await ints(wt.sub(m, wt.tensor([[3], [-4]], [2, 1], 'int32')))).toEqual(Array.from(await tf.sub(tf.tensor(a.slice(0, 8), [2, 4], 'int32'), tf.tensor([[3], [-4]], [2, 1], 'int32')).data()));
    expect(await ints(wt.add(m, 5))).toEqual(Array.from(await tf.add(tf.tensor(a.slice(0, 8), [2, 4], 'int32'), tf.scalar(5, 'int32')).data()));
  });

  it('neg, abs and sign stay int32 and exact', async () => {
    const x = wt.tensor(a, [12], 'int32'), tx = tf.tensor(a, [12], 'int32');
    for (const op of ['neg', 'sign'] as const) expect(await ints(wt[op](x)), op).toEqual(Array.from(await tf[op](tx).data()));
    // TF.js's cpu abs passes int32 through a Float32Array (|2^31 - 1| comes back as -2^31): ours is exact.
    expect(await ints(wt.abs(x))).toEqual(a.map((v) => Math.abs(v) | 0));
    expect(tf.abs(tf.tensor([MAX], [1], 'int32')).dataSync()[0]).toBe(MIN);
  });

  it('sum, max, min and argMax reduce int32 exactly, along any axis', async () => {
    const v = exact ? BIG : a;
    const x = wt.tensor(v, [3, 4], 'int32'), tx = tf.tensor(v, [3, 4], 'int32');
    for (const axis of [undefined, 0, 1] as const) {
      expect(await ints(wt.max(x, axis)), `max ${axis}`).toEqual(Array.from(await tf.max(tx, axis).data()));
      expect(await ints(wt.min(x, axis)), `min ${axis}`).toEqual(Array.from(await tf.min(tx, axis).data()));
      const want = axis === undefined ? [v.reduce((s, e) => s + BigInt(e), 0n)]
        : axis === 0 ? [0, 1, 2, 3].map((j) => [0, 1, 2].reduce((s, i) => s + BigInt(v[i * 4 + j]!), 0n))
          : [0, 1, 2].map((i) => [0, 1, 2, 3].reduce((s, j) => s + BigInt(v[i * 4 + j]!), 0n));
      expect(await ints(wt.sum(x, axis)), `sum ${axis}`).toEqual(want.map(wrap));
    }
    expect(await ints(wt.argMax(x, 1))).toEqual(Array.from(await tf.argMax(tx, 1).data()));
    expect(await ints(wt.argMax(x))).toEqual(Array.from(await tf.argMax(tx).data()));
  });
});

describe('float32 floorDiv and mod as TF.js', () => {
  it('match on signs and fractions; floorDiv is int32, mod by 0 is NaN', async () => {
    await wt.setBackend('cpu');
    const a = [7, -7, 7, -7, 5.5, -5.5, 0, 3], b = [2, 2, -2, -2, 1.5, 1.5, 3, 0];
    for (const op of ['floorDiv', 'mod'] as const) {
      const o = wt[op](a.slice(0, 7), b.slice(0, 7)), t = tf[op](a.slice(0, 7), b.slice(0, 7));
      expect(o.dtype, op).toBe(t.dtype);
      expect(Array.from(await o.data()), op).toEqual(Array.from(await t.data()));
    }
    expect(await wt.mod(3, 0).data()).toEqual(await tf.mod(3, 0).data());
  });
});
