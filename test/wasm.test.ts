/**
 * The wasm backend beyond the conformance suite: the stated accuracy of its vectorised
 * transcendentals, identical results on one thread and on several (with the workers alone doing
 * the work; on the plain and the relaxed SIMD modules), flat memory across training epochs, the
 * one-thread module where shared memory is missing, and the memory maximum. Under CI=true the backend must start (see backends.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { engine } from '../src/engine.js';
import { WasmBackend } from '../src/backend/wasm/index.js';
import { Pool } from '../src/backend/wasm/threads.js';
import { planMatmul } from '../src/backend/wasm/matmul.js';
import { hasRelaxedSimd } from '../src/backend/wasm/module.js';
import { availableBackends } from './backends.js';
import { CASES } from './conformance/cases.ts';
import { runCase } from './conformance/harness.ts';

const have = (await availableBackends()).includes('wasm');
const wasm = (): WasmBackend => engine.instances.get('wasm') as WasmBackend;

/** Distance in units in the last place between two float32 values of the same sign. */
function ulps(a: number, b: number): number {
  const i = new Int32Array(new Float32Array([a, b]).buffer);
  return Math.abs(i[0]! - i[1]!);
}
const sweep = (lo: number, hi: number, n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

/** Swap the registered wasm backend for `b` (started) while `fn` runs. */
async function withBackend<T>(b: WasmBackend, fn: () => Promise<T>): Promise<T> {
  const old = engine.instances.get('wasm');
  engine.instances.set('wasm', b);
  try {
    return await fn();
  } finally {
    if (old) engine.instances.set('wasm', old);
    else engine.instances.delete('wasm');
    await wt.setBackend('cpu');
  }
}

describe.runIf(have)('wasm backend', () => {
  beforeAll(async () => {
    await wt.setBackend('wasm');
  });
  afterAll(async () => {
    await wt.setBackend('cpu');
  });

  it('transcendentals keep their stated accuracy (c/vmath.h) over dense sweeps', async () => {
    await wt.setBackend('wasm');
    const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
    const cases: [string, Float32Array, (x: number) => number, number][] = [
      ['exp', sweep(-87, 88.7, 200_001), Math.exp, 1],
      ['log', Float32Array.from({ length: 200_001 }, (_, i) => 2 ** (-149 + (276 * i) / 200_000)), Math.log, 1],
      ['log', sweep(0.5, 2, 50_001), Math.log, 1],
      ['tanh', sweep(-10, 10, 200_001), Math.tanh, 1],
      ['sigmoid', sweep(-88, 20, 200_001), sigmoid, 2],
    ];
    for (const [op, xs, f, bound] of cases) {
      const got = await (wt[op as 'exp'](wt.tensor(xs)).data());
      let worst = 0;
      for (let i = 0; i < xs.length; i++) worst = Math.max(worst, ulps(got[i]!, Math.fround(f(xs[i]!))));
      expect(worst, `${op} on [${xs[0]}, ${xs[xs.length - 1]}]`).toBeLessThanOrEqual(bound);
    }
    // Past the ends: overflow, underflow to subnormals or 0, and the special values.
    const x = wt.tensor([89, 1000, -104, -200, Infinity, -Infinity, NaN, -87.5]);
    expect(Array.from(await wt.exp(x).data())).toEqual([Infinity, Infinity, 0, 0, Infinity, 0, NaN, Math.fround(Math.exp(-87.5))]);
    const l = await wt.log(wt.tensor([0, -1, Infinity, NaN, 1, 1e-45])).data();
    expect(Array.from(l)).toEqual([-Infinity, NaN, Infinity, NaN, 0, Math.fround(Math.log(Math.fround(1e-45)))]);
    const s = await wt.sigmoid(wt.tensor([-100, 100, NaN])).data();
    expect(s[0]!).toBeLessThan(1e-38);
    expect([s[1], s[2]]).toEqual([1, NaN]);
  });

  // Each SIMD module this runtime can run: relaxed SIMD needs Node 22+ or Node 20's flag (the
  // wasm-relaxed project of vitest.config.ts passes it).
  it.each(hasRelaxedSimd() ? ['plain', 'relaxed'] as const : ['plain'] as const)('gives bit-identical results on one thread and on three, where the workers alone take the tasks (%s SIMD)', async (mode) => {
    const b = new WasmBackend({ threads: 1, simd: mode });
    await b.init();
    expect(b.info()).toMatchObject({ simdModule: mode, module: mode === 'plain' ? 'kernels-threads.wasm' : 'kernels-threads-relaxed.wasm' });
    try {
      await withBackend(b, () => identicalOnThreads(b));
    } finally {
      b.dispose();
    }
  });

  async function identicalOnThreads(b: WasmBackend): Promise<void> {
    await wt.setBackend('wasm');
    const conv = (img: wt.Tensor, filter: wt.Tensor): wt.Tensor[] => {
      const [y, [gx, gf]] = wt.valueAndGrad((x: wt.Tensor, f: wt.Tensor) => wt.avgPool(wt.maxPool(wt.conv2d(x, f, 1, 'same', 'NHWC', [1, 2]), 2, 2, 'same'), 3, 1, 'same').sum())([img, filter]);
      return [y, gx!, gf!, wt.avgPool(img, 3, 2, 'valid')];
    };
    const compute = (): Promise<Float32Array[]> => {
      const outs = wt.tidy(() => {
        const a = wt.randn([257, 300], { seed: 1 }), b = wt.randn([300, 190], { seed: 2 });
        const big = wt.randn([700, 500], { seed: 3 });
        const bias = wt.randn([190], { seed: 4 });
        return [
          wt.matmul(a, b), wt.matmul(a, b.transpose(), { transposeB: true }), wt.matmul(a.transpose(), b, { transposeA: true }),
          wt.fusedMatmul(a, b, { bias, activation: 'sigmoid' }),
          wt.matmul(wt.randn([6, 70, 50], { seed: 5 }), wt.randn([50, 90], { seed: 6 })),
          big.sum(0), big.sum(1), big.max(0), big.argMax(1).cast('float32'), big.softmax(), big.logSoftmax(0),
          big.exp(), big.tanh(), big.add(wt.randn([500], { seed: 7 })), big.mul(big.transpose().transpose()),
          wt.randn([1_000_003], { seed: 8 }), wt.rand([999_999], { seed: 9 }),
          wt.gather(big, wt.tensor(Array.from({ length: 300 }, (_, i) => (i * 7) % 700), [300], 'int32')),
          // the window kernels: im2col and pool over output pixels, col2im and pool_grad over images
          ...conv(wt.randn([16, 20, 20, 8], { seed: 10 }), wt.randn([3, 3, 8, 16], { seed: 11 })),
        ];
      });
      return Promise.all(outs.map(async (t) => { const d = (await t.data()) as Float32Array; t.dispose(); return d; }));
    };
    await wt.setWasmThreads(1);
    const one = await compute();
    await wt.setWasmThreads(3);
    const pool = b.pool!;
    expect(pool.threads).toBe(3);
    const before = { jobs: pool.jobs, tasks: pool.workerTasks };
    pool.callerTakesTasks = false;
    let three: Float32Array[];
    try {
      three = await compute();
    } finally {
      pool.callerTakesTasks = true;
    }
    expect(pool.jobs).toBeGreaterThan(before.jobs + 10);
    expect(pool.workerTasks).toBeGreaterThan(before.tasks + 10);
    // bit for bit (compared as integers, so NaN equals NaN and -0 differs from 0); toEqual on
    // million-element arrays would take seconds
    const firstDifference = (x: Float32Array, y: Float32Array): number => {
      const a = new Int32Array(x.buffer, x.byteOffset, x.length), b = new Int32Array(y.buffer, y.byteOffset, y.length);
      if (a.length !== b.length) return -2;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
      return -1;
    };
    three.forEach((t, i) => expect(firstDifference(t, one[i]!), `output ${i}`).toBe(-1));
  }

  it('pad places x where trailing size-1 axes widen in the output (rank 2 to 6), as the cpu does', async () => {
    const cases: [number[], number[], number[]][] = [
      [[2, 3, 1], [2, 3, 2], [0, 0, 1]],
      [[1, 3, 1, 3, 1, 1], [1, 3, 2, 3, 2, 1], [0, 0, 1, 0, 0, 0]],
      [[1, 3, 1, 3, 1, 1], [2, 3, 2, 4, 2, 3], [1, 0, 0, 1, 1, 2]],
      [[4, 1], [4, 3], [0, 2]],
    ];
    for (const [xs, os, begin] of cases) {
      const data = Float32Array.from({ length: xs.reduce((a, b) => a * b, 1) }, (_, i) => i + 1);
      await wt.setBackend('cpu');
      const want = await wt.pad(wt.tensor(data, xs), os, begin).data();
      await wt.setBackend('wasm');
      const got = await wt.pad(wt.tensor(data, xs), os, begin).data();
      expect(Array.from(got), `${JSON.stringify(xs)} into ${JSON.stringify(os)} at ${JSON.stringify(begin)}`).toEqual(Array.from(want));
    }
  });

  it('plans matmul tasks that cover each block of C once, ending parallel jobs on narrower column blocks', () => {
    const MR = 5, NR = 8;
    const cases: [number, number, number, number, number][] = [
      [1, 1024, 1024, 1024, 2], [1, 2048, 2048, 2048, 2], [2, 140, 330, 90, 3], [1, 300, 40, 520, 3], [4, 7, 9, 3, 2], [1, 64, 64, 64, 1],
    ];
    for (const [batch, m, n, k, threads] of cases) {
      const p = planMatmul(batch, m, n, k, threads, MR, NR);
      const rowBlocks = batch * Math.ceil(m / p.mc), mainBlocks = rowBlocks - p.tailBlocks;
      // the same enumeration as matmul_compute in c/matmul.c: cells of C, per batch row block and panel
      const hits = new Uint8Array(rowBlocks * Math.ceil(n / NR));
      const panels = Math.ceil(n / NR), colBlocks = Math.ceil(n / p.nc), tailCols = Math.ceil(n / p.tailNc);
      for (let u = 0; u < p.tasks; u++) {
        const main = u < mainBlocks * colBlocks;
        const blk = main ? Math.floor(u / colBlocks) : mainBlocks + Math.floor((u - mainBlocks * colBlocks) / tailCols);
        const cb = main ? u % colBlocks : (u - mainBlocks * colBlocks) % tailCols, w = main ? p.nc : p.tailNc;
        for (let q = (cb * w) / NR; q < Math.min(panels, ((cb + 1) * w) / NR); q++) hits[blk * panels + q]! += 1;
      }
      expect([...hits].every((h) => h === 1), `${[batch, m, n, k, threads]}`).toBe(true);
      expect(p.mc % MR).toBe(0);
      expect(p.tailNc % NR).toBe(0);
      if (p.parallel) expect(p.tasks).toBeGreaterThanOrEqual(threads);
    }
    // 1024 on two threads: row blocks of 128 rows, the last two split in four
    expect(planMatmul(1, 1024, 1024, 1024, 2, MR, NR)).toMatchObject({ mc: 130, kc: 256, tailBlocks: 2, tailNc: 256, parallel: true });
    expect(planMatmul(1, 1024, 1024, 1024, 1, MR, NR)).toMatchObject({ tailBlocks: 0, parallel: false, tasks: 8 });
    // 256 on two threads: rows halved to 65 before columns split in two, no narrower tail (packing
    // A for narrow column blocks would cost more than the short rows do)
    expect(planMatmul(1, 256, 256, 256, 2, MR, NR)).toMatchObject({ mc: 65, nc: 128, tailBlocks: 0, tasks: 8 });
    expect(planMatmul(1, 512, 512, 512, 2, MR, NR)).toMatchObject({ mc: 65, nc: 512, tailBlocks: 2, tailNc: 128 });
  });

  it('matmul matches the cpu across ragged shapes, k-blocks, transposes, batches and the epilogue, on 3 threads', async () => {
    await wt.setWasmThreads(3);
    const shapes: [number, number, number, number][] = [
      [1, 1, 1, 1], [1, 61, 9, 257], [2, 6, 65, 600], [1, 130, 7, 255], [3, 59, 17, 3], [1, 300, 40, 520], [2, 11, 300, 64],
      // the last row blocks, across the batch boundary, split into narrower column blocks
      [2, 140, 330, 90],
    ];
    const failures: string[] = [];
    for (const [batch, m, n, k] of shapes) {
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const make = (): wt.Tensor => wt.tidy(() => {
          const a = wt.randn(tA ? [batch, k, m] : [batch, m, k], { seed: m + k });
          const b = wt.randn(tB ? [n, k] : [k, n], { seed: n + k });
          return wt.fusedMatmul(a, b, { transposeA: tA, transposeB: tB, bias: wt.randn([n], { seed: 5 }), activation: 'tanh' });
        });
        await wt.setBackend('wasm');
        const got = await make().data();
        await wt.setBackend('cpu');
        const want = await make().data();
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
        if (!(worst < 1e-4)) failures.push(`batch ${batch} m ${m} n ${n} k ${k} tA ${tA} tB ${tB}: max error ${worst}`);
      }
    }
    expect(failures).toEqual([]);
    await wt.setBackend('wasm');
    await wt.setWasmThreads(2);
  });

  it('keeps its memory flat across training epochs', async () => {
    await wt.setBackend('wasm');
    const x = wt.randn([512, 784], { seed: 1 }), y = wt.oneHot(wt.tensor(Array.from({ length: 512 }, (_, i) => i % 10), [512], 'int32'), 10);
    const model = wt.sequential({ layers: [wt.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), wt.layers.dense({ units: 10, activation: 'softmax' })], seed: 1 });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const seen: Record<string, number | string>[] = [];
    await model.fit(x, y, { epochs: 4, batchSize: 64, verbose: 0, callbacks: { onEpochEnd: () => void seen.push(wt.memory()) } });
    const keys = ['numTensors', 'numBytes', 'wasmBytesLive', 'wasmMemoryBytes', 'wasmBuffers'];
    const pick = (m: Record<string, number | string>): unknown[] => keys.map((k) => m[k]);
    expect(pick(seen[2]!)).toEqual(pick(seen[1]!));
    expect(pick(seen[3]!)).toEqual(pick(seen[1]!));
    model.dispose();
    wt.dispose([x, y]);
  });

  it('without shared memory runs the one-thread module, says why, and passes the conformance cases', async () => {
    const g = globalThis as { SharedArrayBuffer?: unknown };
    const saved = g.SharedArrayBuffer;
    const b = new WasmBackend({ threads: 4 });
    try {
      g.SharedArrayBuffer = undefined;
      await b.init();
    } finally {
      g.SharedArrayBuffer = saved;
    }
    const info = b.info();
    expect(info).toMatchObject({ backend: 'wasm', sharedMemory: false, threads: 1 });
    expect(info['singleThreaded']).toMatch(/SharedArrayBuffer is not available/);
    await expect(b.setThreads(2)).rejects.toThrow(/wasm\.setThreads: this backend runs on one thread: SharedArrayBuffer is not available/);
    const failed = await withBackend(b, async () => {
      const bad: string[] = [];
      for (const c of CASES) {
        const r = await runCase(wt, c, 'wasm');
        if (!r.ok) bad.push(`${c.name}: ${r.message}`);
      }
      // A plain memory's buffer is replaced when it grows: values written before and after survive.
      await wt.setBackend('wasm');
      const small = wt.tensor([1, 2, 3]);
      const before = wt.memory().wasmMemoryBytes as number;
      const big = wt.tidy(() => wt.ones([3_000_000]).mul(2));
      if (!((wt.memory().wasmMemoryBytes as number) > before)) bad.push('the memory did not grow');
      const sum = await big.sum().data();
      if (sum[0] !== 6_000_000) bad.push(`sum after growth ${sum[0]}`);
      if (Array.from(await small.data()).join() !== '1,2,3') bad.push('a tensor written before growth changed');
      wt.dispose([small, big]);
      return bad;
    });
    expect(failed).toEqual([]);
    b.dispose();
  });

  it('in a page that is not cross-origin isolated, names the headers that would give it threads', async () => {
    const g = globalThis as { crossOriginIsolated?: boolean };
    const b = new WasmBackend();
    g.crossOriginIsolated = false;
    try {
      await b.init();
    } finally {
      delete g.crossOriginIsolated;
    }
    expect(b.info()['singleThreaded']).toMatch(/not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    b.dispose();
  });

  it('runs on the calling thread, saying why, when its workers are refused', async () => {
    const resize = Pool.prototype.resize;
    Pool.prototype.resize = async () => { throw new Error('Worker creation refused by a Content-Security-Policy'); };
    const b = new WasmBackend({ threads: 3 });
    try {
      await b.init();
    } finally {
      Pool.prototype.resize = resize;
    }
    expect(b.info()).toMatchObject({ threads: 1, sharedMemory: true });
    expect(b.info()['singleThreaded']).toBe('worker threads could not start (Worker creation refused by a Content-Security-Policy)');
    const got = await withBackend(b, async () => {
      await wt.setBackend('wasm');
      return Array.from(await wt.matmul(wt.ones([70, 80]), wt.ones([80, 90])).data()).every((v) => v === 80);
    });
    expect(got).toBe(true);
    b.dispose();
  });

  it('refuses an allocation past its memory maximum with an Error naming the size and the limit, changing nothing', async () => {
    const b = new WasmBackend({ threads: 1, maxMemoryBytes: 16 * 2 ** 20 });
    await b.init();
    await withBackend(b, async () => {
      await wt.setBackend('wasm');
      const keep = wt.ones([1000]);
      const live = (): unknown[] => { const m = wt.memory(); return [m.numTensors, m.numBytes, m.wasmBytesLive, m.wasmBuffers]; };
      const before = live();
      // One tensor larger than the whole memory: the engine's size check, before anything is taken.
      expect(() => wt.zeros([5_000_000])).toThrow(/^zeros: a float32 tensor of shape \[5000000\] needs 20,000,000 bytes .*; one wasm tensor can hold at most [\d,]+ bytes .*, the wasm backend's memory maximum/);
      expect(live()).toEqual(before);
      // Tensors that fit one by one but not together: the allocator's Error, naming the bytes in use and the limit.
      const held = [wt.zeros([2_000_000]), wt.zeros([1_500_000])];
      const during = live();
      expect(() => wt.zeros([1_000_000])).toThrow(/wasm\.alloc: a float32 tensor of 1000000 elements: 4000000 bytes do not fit in the wasm backend's memory: \d+ bytes are in use, .* may not grow past 16777216 bytes/);
      expect(live()).toEqual(during);
      wt.dispose(held);
      // Freed space is reused: many tensors of 4 MiB come and go within 16 MiB.
      for (let i = 0; i < 20; i++) wt.tidy(() => void wt.ones([1 << 20]).add(1));
      expect(live()).toEqual(before);
      expect(Array.from(await keep.data()).every((v) => v === 1)).toBe(true);
      keep.dispose();
    });
    b.dispose();
  });

  it('dispose() ends the workers; its tensors then say so, and setBackend starts a fresh backend', async () => {
    await wt.setBackend('wasm');
    const old = wasm();
    const t = wt.ones([3]);
    old.dispose();
    expect(old.pool).toBeNull();
    expect(() => t.add(1)).toThrow(/lives on a wasm device that was lost \(the backend was disposed\)/);
    await wt.setBackend('wasm');
    expect(wasm()).not.toBe(old);
    expect(Array.from(await wt.ones([3]).add(1).data())).toEqual([2, 2, 2]);
  });

  it('setWasmThreads and getWasmThreads validate and report', async () => {
    await wt.setBackend('wasm');
    await expect(wt.setWasmThreads(0)).rejects.toThrow(/setWasmThreads: expected an integer >= 1, got 0/);
    await expect(wt.setWasmThreads(1.5)).rejects.toThrow(/got 1.5/);
    await wt.setWasmThreads(2);
    expect(wt.getWasmThreads()).toBe(2);
    // shrinking and growing the pool reuses the workers' stacks: no memory is lost
    const live = wt.memory().wasmBytesLive;
    for (let i = 0; i < 3; i++) {
      await wt.setWasmThreads(1);
      await wt.setWasmThreads(3);
    }
    await wt.setWasmThreads(2);
    const grown = wt.memory().wasmBytesLive as number;
    expect(grown).toBeLessThanOrEqual((live as number) + 64 * 1024);
    expect(wt.backendInfo().device).toMatchObject({ threads: 2, sharedMemory: true });
  });
});
