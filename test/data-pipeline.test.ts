// wt.data: datasets from arrays and generators, batch / shuffle / map / filter / take / skip /
// repeat / zip, tensor ownership (nothing leaks, the array keeps its tensors) and bad input.
import { describe, it, expect, beforeAll } from 'vitest';
import * as wt from '../src/index.js';

beforeAll(async () => {
  await wt.setBackend('cpu');
});

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('wt.data', () => {
  it('batches numbers, nested arrays, typed arrays and { xs, ys } objects into tensors with a batch dimension', async () => {
    const nums = await wt.data.array([1, 2, 3, 4, 5]).batch(2).toArray();
    expect(nums.map((t) => t.shape)).toEqual([[2], [2], [1]]);
    expect(await nums[2]!.array()).toEqual([5]);
    const rows = await wt.data.array([{ xs: [[1, 2], [3, 4]], ys: 0 }, { xs: [[5, 6], [7, 8]], ys: 1 }]).batch(2).toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.xs.shape).toEqual([2, 2, 2]);
    expect(await rows[0]!.xs.array()).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(await rows[0]!.ys.array()).toEqual([0, 1]);
    const ints = await wt.data.array([Int32Array.of(1, 2), Int32Array.of(3, 4)]).batch(8).toArray();
    expect(ints[0]!.dtype).toBe('int32');
    expect(await ints[0]!.array()).toEqual([[1, 2], [3, 4]]);
    // smallLastBatch = false drops the short tail; size follows.
    const ds = wt.data.array(range(5)).batch(2, false);
    expect(ds.size).toBe(2);
    expect((await ds.toArray()).map((t) => t.shape[0])).toEqual([2, 2]);
    wt.dispose([nums, rows, ints]);
  });

  it('stacks tensor elements, copies them from an array on every pass, and leaks nothing', async () => {
    const items = [wt.tensor([1, 2]), wt.tensor([3, 4]), wt.tensor([5, 6])];
    const before = wt.memory().numTensors;
    const ds = wt.data.array(items).batch(2);
    for (let pass = 0; pass < 2; pass++) {
      const batches = await ds.toArray();
      expect(await batches[0]!.array()).toEqual([[1, 2], [3, 4]]);
      expect(await batches[1]!.array()).toEqual([[5, 6]]);
      wt.dispose(batches);
    }
    expect(wt.memory().numTensors).toBe(before);
    // The array's own tensors survive the passes.
    expect(await items[2]!.array()).toEqual([5, 6]);
    const mapped = wt.data.array(items).map((t) => t.mul(10)).filter((t) => t.shape[0] === 2);
    const out = await mapped.toArray();
    expect(await out[1]!.array()).toEqual([30, 40]);
    wt.dispose(out);
    expect(wt.memory().numTensors).toBe(before);
    wt.dispose(items);
  });

  it('shuffles by seed: a permutation, the same for the same seed, a new order each pass', async () => {
    const ds = wt.data.array(range(50)).shuffle(50, 7);
    const a = await ds.toArray();
    const b = await ds.toArray();
    expect([...a].sort((x, y) => x - y)).toEqual(range(50));
    expect(a).not.toEqual(range(50));
    expect(b).not.toEqual(a);
    const again = wt.data.array(range(50)).shuffle(50, 7);
    expect(await again.toArray()).toEqual(a);
    expect(await again.toArray()).toEqual(b);
    const fixed = wt.data.array(range(50)).shuffle(50, 7, false);
    expect(await fixed.toArray()).toEqual(await fixed.toArray());
    // A small buffer only moves elements locally: element i comes out no earlier than position i - bufferSize + 1.
    const local = await wt.data.array(range(50)).shuffle(3, 1).toArray();
    local.forEach((x, pos) => expect(pos).toBeGreaterThanOrEqual(x - 2));
    expect([...local].sort((x, y) => x - y)).toEqual(range(50));
  });

  it('take, skip, repeat, zip and generators (one call per pass, sync or async)', async () => {
    expect(await wt.data.array(range(6)).skip(2).take(3).toArray()).toEqual([2, 3, 4]);
    expect(await wt.data.array([1, 2]).repeat(3).toArray()).toEqual([1, 2, 1, 2, 1, 2]);
    expect(await wt.data.array([1, 2]).repeat().take(5).toArray()).toEqual([1, 2, 1, 2, 1]);
    expect(await wt.data.array([]).repeat().take(5).toArray()).toEqual([]);
    let calls = 0;
    const gen = wt.data.generator(function* () {
      calls++;
      for (let i = 0; i < 3; i++) yield i * i;
    });
    expect(await gen.toArray()).toEqual([0, 1, 4]);
    expect(await gen.toArray()).toEqual([0, 1, 4]);
    expect(calls).toBe(2);
    const agen = wt.data.generator(async function* () {
      for (let i = 0; i < 3; i++) yield { x: i };
    });
    expect(await agen.map((e) => e.x + 1).toArray()).toEqual([1, 2, 3]);
    const zipped = await wt.data.zip({ xs: wt.data.array([1, 2, 3]), ys: wt.data.array(['a', 'b']) }).toArray();
    expect(zipped).toEqual([{ xs: 1, ys: 'a' }, { xs: 2, ys: 'b' }]);
    const seen: number[] = [];
    await wt.data.array([3, 1]).forEachAsync(async (x) => { seen.push(x); });
    expect(seen).toEqual([3, 1]);
    expect(wt.data.array(range(10)).batch(4).size).toBe(3);
  });

  it('bad input throws Errors that name the op and what it expected', async () => {
    expect(() => wt.data.array(5 as unknown as number[])).toThrow(/data.array: expected an array, got number/);
    expect(() => wt.data.array([1]).batch(0)).toThrow(/data.batch: batchSize must be an integer >= 1, got 0/);
    expect(() => wt.data.array([1]).shuffle(10, 0.5)).toThrow(/data.shuffle: seed must be an integer, got 0.5/);
    expect(() => wt.data.generator(3 as unknown as () => number[])).toThrow(/data.generator: expected a function/);
    expect(() => wt.data.zip({ a: [1] as unknown as wt.data.Dataset<number> })).toThrow(/data.zip: 'a' is not a Dataset/);
    await expect(wt.data.array([[1, 2], [1, 2, 3]]).batch(2).toArray()).rejects.toThrow(/data.batch: element 1 has shape \[3\], but element 0 has \[2\]/);
    await expect(wt.data.array([{ xs: [1], ys: 0 }, { xs: [1] }]).batch(2).toArray()).rejects.toThrow(/data.batch: element 1 has no key 'ys'/);
    await expect(wt.data.array(['a']).batch(1).toArray()).rejects.toThrow(/data.batch: element 0 is string, expected a number/);
    await expect(wt.data.array([1]).repeat().toArray()).rejects.toThrow(/data.toArray: the dataset is endless/);
  });
});
