/**
 * The failure battery, on every backend this process has: each call that must fail (oversized
 * tensors, the user's memory limit, bad arguments given as arrays, gather out of range on cpu and wasm)
 * throws an Error naming the op, the shape and the bytes; wt.memory() is exactly as before; and
 * the backend still computes a right answer afterwards.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { engine } from '../src/engine.js';
import { availableBackends } from './backends.js';

const names = await availableBackends();

/** memory() once queued work is submitted, so no deferred buffer release lands between two snapshots. */
function snapshot(): wt.MemoryInfo {
  engine.backend?.flush();
  return wt.memory();
}

/** The backend answers correctly: [[1,2],[3,4]] @ [[5],[6]] + 1 = [[18],[40]]. */
async function stillWorks(): Promise<void> {
  const y = wt.tidy(() => wt.matmul(wt.tensor([[1, 2], [3, 4]]), wt.tensor([[5], [6]])).add(1));
  expect(await y.array()).toEqual([[18], [40]]);
  y.dispose();
}

/** `f` throws an Error matching `pattern`, and memory() is deep-equal before and after. */
async function failsCleanly(f: () => unknown, pattern: RegExp): Promise<void> {
  const before = snapshot();
  expect(f).toThrow(pattern);
  expect(snapshot()).toEqual(before);
  await stillWorks();
}

/** The size-check Error for `op` and a float32 tensor of `shape`. */
const tooBig = (op: string, shape: string, bytes: string): RegExp =>
  new RegExp(`^${op}: a float32 tensor of shape \\[${shape}\\] needs ${bytes} bytes .*; one \\w+ tensor can hold at most [\\d,]+ bytes .*, (the JavaScript typed-array limit|this adapter's max(StorageBufferBindingSize|BufferSize)|the wasm backend's memory maximum)`);

const BIG = '40,000,000,000';

describe.each(names)('failures on %s', (name) => {
  beforeAll(async () => {
    await wt.setBackend(name as wt.BackendName);
  });
  afterEach(() => {
    wt.setMemoryLimit(null);
  });

  it('creation ops refuse a 1e10-element tensor before taking any memory', async () => {
    await wt.setBackend(name as wt.BackendName);
    await failsCleanly(() => wt.zeros([1e5, 1e5]), tooBig('zeros', '100000,100000', BIG));
    await failsCleanly(() => wt.ones([1e5, 1e5]), tooBig('ones', '100000,100000', BIG));
    await failsCleanly(() => wt.full([1e5, 1e5], 3), tooBig('full', '100000,100000', BIG));
    await failsCleanly(() => wt.randn([1e5, 1e5], { seed: 1 }), tooBig('randn', '100000,100000', BIG));
    await failsCleanly(() => wt.rand([1e5, 1e5]), tooBig('rand', '100000,100000', BIG));
    await failsCleanly(() => wt.eye(1e5), tooBig('eye', '100000,100000', BIG));
    await failsCleanly(() => wt.arange(1e10), tooBig('arange', '10000000000', BIG));
    await failsCleanly(() => wt.zeros([1e300, 1e300]), /^zeros: a float32 tensor of shape \[1e\+300,1e\+300\] needs more than 2\^53 bytes/);
    const row = wt.zeros([1, 1e5]);
    await failsCleanly(() => row.broadcastTo([1e5, 1e5]), tooBig('broadcastTo', '100000,100000', BIG));
    row.dispose();
  });

  it('ops whose output follows from their inputs check it before converting their arguments', async () => {
    await wt.setBackend(name as wt.BackendName);
    const col = wt.zeros([1e5, 1]);
    const row = wt.zeros([1, 1e5]);
    const idx = wt.tensor(new Int32Array(1e5));
    const bias = wt.zeros([1e5]);
    await failsCleanly(() => wt.matmul(col, row), tooBig('matmul', '100000,100000', BIG));
    await failsCleanly(() => wt.fusedMatmul(col, row, { bias, activation: 'relu' }), tooBig('fusedMatmul', '100000,100000', BIG));
    const col3 = col.reshape([1, 1e5, 1]);
    await failsCleanly(() => wt.matmul(col3, row), tooBig('matmul', '1,100000,100000', BIG));
    await failsCleanly(() => wt.add(col, row), tooBig('add', '100000,100000', BIG));
    await failsCleanly(() => col.mul(row), tooBig('mul', '100000,100000', BIG));
    await failsCleanly(() => wt.greater(col, row), tooBig('greater', '100000,100000', BIG));
    await failsCleanly(() => wt.where(col, row, 0), tooBig('where', '100000,100000', BIG));
    await failsCleanly(() => wt.broadcastTo(row, [1e5, 1e5]), tooBig('broadcastTo', '100000,100000', BIG));
    await failsCleanly(() => wt.oneHot([0, 1], 5e9), tooBig('oneHot', '2,5000000000', BIG));
    await failsCleanly(() => wt.gather(row, idx), tooBig('gather', '100000,100000', BIG));
    await failsCleanly(() => wt.pad(row, [1e5, 1e5], [0, 0]), tooBig('pad', '100000,100000', BIG));
    await failsCleanly(() => wt.stack(Array(1e5).fill(row)), tooBig('stack', '100000,1,100000', BIG));
    await failsCleanly(() => wt.concat(Array(1e5).fill(row)), tooBig('concat', '100000,100000', BIG));
    // conv and pooling: the output, and conv2d's im2col matrix, are checked before anything is made
    const px = wt.zeros([1, 1, 1, 1]);
    await failsCleanly(() => wt.conv2d(px, [[[[1]]]], 1, 49999), tooBig('conv2d', '1,99999,99999,1', '39,999,200,004'));
    await failsCleanly(() => wt.maxPool(px, 1, 1, 49999), tooBig('maxPool', '1,99999,99999,1', '39,999,200,004'));
    const img = wt.zeros([1, 2000, 2000, 1]);
    const f = wt.zeros([50, 50, 1, 1]);
    await failsCleanly(() => wt.conv2d(img, f, 1, 'same'), tooBig('conv2d', '4000000,2500', '40,000,000,000'));
    wt.dispose([col, col3, row, idx, bias, px, img, f]);
  });

  it('bad arguments given as arrays leave no constant behind', async () => {
    await wt.setBackend(name as wt.BackendName);
    const a = wt.zeros([2, 3]);
    const half = wt.tensor([0.5]);
    await failsCleanly(() => wt.matmul([[1, 2]], [[1, 2]]), /^matmul: inner dimensions differ/);
    await failsCleanly(() => wt.matmul(a, [[1, 2]]), /^matmul: inner dimensions differ/);
    await failsCleanly(() => wt.concat([[[1, 2]], [[1, 2, 3]]], 0), /^concat: cannot join \[1,3\]/);
    await failsCleanly(() => wt.stack([[1, 2], [1, 2, 3]]), /^stack: tensors must all have the same shape/);
    await failsCleanly(() => wt.where([1, 0, 1], [1, 2], 3), /^where: shapes/);
    await failsCleanly(() => wt.add([[1, 2, 3]], [1, 2]), /^add: shapes/);
    await failsCleanly(() => wt.gather([1, 2, 3], half), /^gather: indices must be int32/);
    await failsCleanly(() => wt.oneHot([1, 2], 0), /^oneHot: depth must be an integer >= 1/);
    await failsCleanly(() => wt.reshape([1, 2, 3], [4]), /^reshape: cannot reshape \[3\]/);
    await failsCleanly(() => wt.conv2d([[[1, 2]]], [[[[1]]]], 1, 'valid'), /^conv2d: x \[1,1,2\] has 2 input channels but filter \[1,1,1,1\] expects 1/);
    await failsCleanly(() => wt.avgPool([[[1]]], 2, 1, 'valid'), /^avgPool: the kernel height 2 is bigger than the input height 1/);
    await failsCleanly(() => wt.softmax([[1, 2]], 5), /^softmax: axis 5 is out of range/);
    await failsCleanly(() => wt.cast([1, 2], 'float16' as wt.DType), /^cast: unknown dtype/);
    wt.dispose([a, half]);
  });

  it('wt.setMemoryLimit caps the bytes of live tensors, checked before allocating', async () => {
    await wt.setBackend(name as wt.BackendName);
    const x = wt.zeros([4, 4]);
    wt.setMemoryLimit(wt.memory().numBytes + 100);
    expect(wt.getMemoryLimit()).toBe(wt.memory().numBytes + 100);
    await failsCleanly(() => wt.zeros([26]), /^zeros: a float32 tensor of shape \[26\] needs 104 bytes, which would bring live tensors to [\d,]+ bytes.*, above the limit of [\d,]+ bytes.* set with wt.setMemoryLimit/);
    await failsCleanly(() => wt.concat([x, x]), /^concat: a float32 tensor of shape \[8,4\] needs 128 bytes, which would bring/);
    await failsCleanly(() => wt.gather(x, [0, 1, 2, 3, 0, 1, 2]), /^gather: a float32 tensor of shape \[7,4\] needs 112 bytes/);
    const y = wt.zeros([25]); // exactly at the cap
    expect(() => wt.scalar(1)).toThrow(/^scalar: .* needs 4 bytes, which would bring/);
    y.dispose();
    wt.setMemoryLimit(null);
    expect(wt.getMemoryLimit()).toBeNull();
    expect(() => wt.setMemoryLimit(-1)).toThrow(/setMemoryLimit: expected a number of bytes >= 0 or null, got -1/);
    x.dispose();
  });

  it('an allocation refused half-way through an op frees what the op made before it', async () => {
    await wt.setBackend(name as wt.BackendName);
    const a = wt.tensor([1, 2, 3, 4], [4], 'int32');
    const f = wt.tensor([0.5, 0.5, 0.5, 0.5]);
    // int32 + float32 casts a to float32 (16 bytes), then needs its 16-byte output.
    const live = (m: wt.MemoryInfo) => Object.fromEntries(Object.entries(m).filter(([k]) => !/Pooled|Allocated|Staging|Pipelines|Submits|Kernel/.test(k)));
    const before = snapshot();
    wt.setMemoryLimit(before.numBytes + 20);
    expect(() => wt.add(a, f)).toThrow(/^add: .*needs 16 bytes, which would bring live tensors/);
    wt.setMemoryLimit(null);
    // Bytes in use are exact; a GPU pool may now hold the freed cast for reuse.
    expect(live(snapshot())).toEqual(live(before));
    expect(Array.from(await wt.add(a, f).data())).toEqual([1.5, 2.5, 3.5, 4.5]);
    f.dispose();
    a.dispose();
  });

  const hostIndices = name === 'cpu' || name === 'wasm';
  it(`gather out of range: ${hostIndices ? 'throws, naming the index, its position and the range' : 'gives zeros (documented: the indices stay on the device)'}`, async () => {
    await wt.setBackend(name as wt.BackendName);
    const x = wt.tensor([[1, 2], [3, 4], [5, 6]]);
    if (hostIndices) {
      await failsCleanly(() => wt.gather(x, [0, 3]), /^gather: index 3 at position 1 of the indices is out of range for an axis of length 3 \(expected 0 <= index < 3\)/);
      await failsCleanly(() => wt.gather([1, 2, 3], [-1]), /^gather: index -1 at position 0/);
      await failsCleanly(() => x.gather([[0, 1], [2, 7]], 0), /^gather: index 7 at position 3/);
    } else {
      const y = wt.gather(x, [0, 3, -1, 2]);
      expect(await y.array()).toEqual([[1, 2], [0, 0], [0, 0], [5, 6]]);
      y.dispose();
    }
    x.dispose();
  });

  it('a kernel that throws frees its output, and tidy around failures leaks nothing', async () => {
    await wt.setBackend(name as wt.BackendName);
    const before = snapshot();
    expect(() => wt.tidy(() => {
      wt.tensor([1, 2, 3]).square();
      return wt.zeros([1e5, 1e5]);
    })).toThrow(/^zeros: /);
    expect(snapshot().numTensors).toBe(before.numTensors);
    expect(snapshot().numBytes).toBe(before.numBytes);
    await stillWorks();
  });
});

describe('a backend that fails', () => {
  it('an allocation error from the backend names the op, shape and bytes, and counts nothing', async () => {
    await wt.setBackend('cpu');
    const cpu = engine.instances.get('cpu')!;
    const alloc = cpu.alloc;
    cpu.alloc = () => { throw new RangeError('Array buffer allocation failed'); };
    const before = wt.memory();
    try {
      expect(() => wt.ones([2, 2])).toThrow(/^ones: allocating a float32 tensor of shape \[2,2\] \(16 bytes\) on cpu failed: Array buffer allocation failed$/);
      expect(() => wt.add([1, 2], 3)).toThrow(/^add: allocating a float32 tensor of shape \[2\] \(8 bytes\) on cpu failed/);
    } finally {
      cpu.alloc = alloc;
    }
    expect(wt.memory()).toEqual(before);
    await stillWorks();
  });
  it('a kernel that throws frees its output and the op\'s constants', async () => {
    await wt.setBackend('cpu');
    const cpu = engine.instances.get('cpu')!;
    const run = cpu.run;
    cpu.run = () => { throw new Error('kernel exploded'); };
    const before = wt.memory();
    try {
      expect(() => wt.matmul([[1, 2]], [[3], [4]])).toThrow(/^kernel exploded$/);
      expect(() => wt.square([1, 2])).toThrow(/^kernel exploded$/);
    } finally {
      cpu.run = run;
    }
    expect(wt.memory()).toEqual(before);
    await stillWorks();
  });
});

describe('limits as figures', () => {
  it('each backend reports its buffer limit', async () => {
    for (const name of names) {
      const b = await import('../src/engine.js').then((m) => m.getBackendInstance(name as wt.BackendName));
      const lim = b.bufferLimit();
      expect(lim.bytes).toBeGreaterThan(2 ** 20);
      expect(lim.what.length).toBeGreaterThan(10);
      if (name === 'wasm') expect(lim.bytes).toBeLessThanOrEqual(2 ** 32); // the memory's maximum, less what lies below its heap
      else if (name !== 'webgpu') expect(lim.bytes).toBe(2 ** 34);
    }
  });
  it('copying to a backend checks the destination limit before reading back', async () => {
    await wt.setBackend('cpu');
    const x = wt.zeros([8]);
    wt.setMemoryLimit(wt.memory().numBytes);
    try {
      await expect(x.to('cpu')).rejects.toThrow(/^to: a float32 tensor of shape \[8\] needs 32 bytes, which would bring/);
    } finally {
      wt.setMemoryLimit(null);
    }
    x.dispose();
  });
});
