// The gpujs backend in Node (gpu.js's WebAssembly mode): init and mode, every kernel against the
// cpu reference on small odd shapes, the per-kernel cpu fallback, and memory accounting.
import { describe, it, expect, vi, beforeAll } from 'vitest';
import * as wt from '../src/index.js';
import type { KernelAttrs, KernelName } from '../src/backend/backend.js';
import { KERNELS } from '../src/backend/cpu/kernels.js';
import { GpuJsBackend } from '../src/backend/gpujs/index.js';
import type { DType, TypedArray } from '../src/dtype.js';

/** Deterministic values in [-2, 2) with a few exact integers mixed in. */
function vals(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed * 7919;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = i % 7 === 3 ? Math.round((s / 2147483648) * 4 - 2) : (s / 2147483648) * 4 - 2;
  }
  return out;
}

interface In { data: TypedArray; dtype?: DType }
interface Out { size: number; dtype?: DType; init?: TypedArray }

function close(got: TypedArray, want: TypedArray, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Number.isNaN(w)) { expect(Number.isNaN(g), `${what} [${i}] NaN`).toBe(true); continue; }
    if (!Number.isFinite(w)) { expect(g, `${what} [${i}]`).toBe(w); continue; }
    if (Math.abs(g - w) > tol * (1 + Math.abs(w))) expect(g, `${what} [${i}]`).toBe(w);
  }
}

let gj: GpuJsBackend;
beforeAll(async () => {
  gj = new GpuJsBackend();
  await gj.init();
});

/** Run `kernel` on the cpu reference and on gpujs with the same inputs; compare every output. */
async function same<K extends KernelName>(kernel: K, ins: In[], outs: Out[], attrs: KernelAttrs[K], tol = 2e-6, b: GpuJsBackend = gj): Promise<void> {
  const cpuIns = ins.map((x) => ({ data: x.data.slice() }));
  const cpuOuts = outs.map((o) => ({ data: o.init ? o.init.slice() : (o.dtype === 'int32' ? new Int32Array(o.size) : new Float32Array(o.size)) }));
  KERNELS[kernel](cpuIns, cpuOuts, attrs);
  const hIns = ins.map((x) => { const h = b.alloc(x.data.length, x.dtype ?? 'float32'); b.write(h, x.data); return h; });
  const hOuts = outs.map((o) => { const h = b.alloc(o.size, o.dtype ?? 'float32'); if (o.init) b.write(h, o.init); return h; });
  b.run(kernel, hIns, hOuts, attrs);
  for (let j = 0; j < outs.length; j++) close(await b.read(hOuts[j]!), cpuOuts[j]!.data, tol, `${kernel} ${JSON.stringify(attrs)} out ${j}`);
  for (const h of [...hIns, ...hOuts]) b.free(h);
  // the comparison means something only if gpu.js, not the cpu fallback, produced the values
  if (b === gj) expect(b.fallbacks(), `${kernel} fell back to cpu`).toEqual({});
}

describe('gpujs backend: init', () => {
  it('initialises in Node, runs a probe, and reports its gpu.js mode', async () => {
    expect(['webasm', 'cpu']).toContain(gj.info().mode);
    await wt.setBackend('gpujs');
    expect(wt.getBackend()).toBe('gpujs');
    const info = wt.backendInfo();
    expect(info.device.mode).toBe(gj.info().mode);
    const c = wt.matmul(wt.tensor([[1, 2], [3, 4]]), wt.tensor([[5], [6]]));
    expect(await c.array()).toEqual([[17], [39]]);
    c.dispose();
  });

  it('also runs gpu.js in its plain JavaScript mode', async () => {
    const b = new GpuJsBackend({ mode: 'cpu' });
    await b.init();
    expect(b.info().mode).toBe('cpu');
    await same('matmul', [{ data: vals(15) }, { data: vals(35, 2) }], [{ size: 21 }],
      { batch: 1, m: 3, n: 7, k: 5, transposeA: false, transposeB: false, aBatched: true, bBatched: true, bias: false, activation: 'linear', alpha: 0 }, 2e-6, b);
    await same('random', [], [{ size: 33 }], { dist: 'normal', seed: 9, a: 0, b: 1 }, 0, b);
    b.dispose();
  });
});

describe('gpujs kernels match the cpu reference', () => {
  const mm = { batch: 1, m: 3, n: 7, k: 5, transposeA: false, transposeB: false, aBatched: true, bBatched: true, bias: false, activation: 'linear' as const, alpha: 0.2 };

  it('matmul: transposes, batches, shared operands, fused bias + activation', async () => {
    for (const tA of [false, true]) for (const tB of [false, true]) {
      await same('matmul', [{ data: vals(15) }, { data: vals(35, 2) }], [{ size: 21 }], { ...mm, transposeA: tA, transposeB: tB });
    }
    await same('matmul', [{ data: vals(30) }, { data: vals(35, 2) }], [{ size: 42 }], { ...mm, batch: 2, bBatched: false });
    await same('matmul', [{ data: vals(15) }, { data: vals(70, 2) }], [{ size: 42 }], { ...mm, batch: 2, aBatched: false });
    for (const activation of ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'step'] as const) {
      await same('matmul', [{ data: vals(15) }, { data: vals(35, 2) }, { data: vals(7, 3) }], [{ size: 21 }], { ...mm, bias: true, activation });
    }
  });

  it('binary: every op, same shape, scalar and broadcast', async () => {
    const ops = ['add', 'sub', 'mul', 'div', 'max', 'min', 'pow', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const;
    for (const op of ops) {
      const a = vals(15), b = op === 'pow' ? Float32Array.from(vals(15, 2), (v) => Math.round(v * 1.5)) : vals(15, 2);
      b[4] = a[4]!; // equal elements exercise the comparisons
      await same('binary', [{ data: a }, { data: b }], [{ size: 15 }], { op, aShape: [3, 5], bShape: [3, 5], outShape: [3, 5] }, 5e-6);
      await same('binary', [{ data: a }, { data: Float32Array.of(op === 'pow' ? 3 : 0.5) }], [{ size: 15 }], { op, aShape: [3, 5], bShape: [], outShape: [3, 5] }, 5e-6);
      await same('binary', [{ data: vals(15, 3) }, { data: op === 'pow' ? Float32Array.of(2, -1, 0, 3) : vals(4, 4) }], [{ size: 60 }], { op, aShape: [3, 1, 5], bShape: [4, 1], outShape: [3, 4, 5] }, 5e-6);
    }
  });

  it('unary and activation gradients', async () => {
    const x = vals(23);
    x[5] = 0;
    const pos = Float32Array.from(x, (v) => Math.abs(v) + 0.1);
    for (const op of ['neg', 'exp', 'abs', 'sign', 'tanh', 'sigmoid', 'relu', 'leakyRelu', 'step'] as const) {
      await same('unary', [{ data: x }], [{ size: 23 }], { op, alpha: 0.3 }, 5e-6);
    }
    for (const op of ['log', 'sqrt'] as const) await same('unary', [{ data: pos }], [{ size: 23 }], { op, alpha: 0 }, 5e-6);
    await same('unary', [{ data: Float32Array.of(-90, 90, 40, -40) }], [{ size: 4 }], { op: 'tanh', alpha: 0 });
    for (const op of ['tanhGrad', 'sigmoidGrad', 'reluGrad', 'leakyReluGrad'] as const) {
      await same('activationGrad', [{ data: vals(23, 2) }, { data: x }], [{ size: 23 }], { op, alpha: 0.3 });
    }
  });

  it('reduce, softmax and softmaxGrad along any axis', async () => {
    for (const [outer, size, inner] of [[3, 7, 5], [1, 9, 1], [4, 3, 1], [1, 5, 6]] as const) {
      const x = vals(outer * size * inner);
      for (const op of ['sum', 'max', 'min'] as const) await same('reduce', [{ data: x }], [{ size: outer * inner }], { op, outer, size, inner }, 5e-6);
      await same('reduce', [{ data: x }], [{ size: outer * inner, dtype: 'int32' }], { op: 'argmax', outer, size, inner });
      for (const log of [false, true]) {
        await same('softmax', [{ data: x }], [{ size: x.length }], { outer, size, inner, log }, 5e-6);
        await same('softmaxGrad', [{ data: vals(x.length, 5) }, { data: x }], [{ size: x.length }], { outer, size, inner, log }, 5e-6);
      }
    }
    await same('softmax', [{ data: Float32Array.of(1000, 1001, -1000) }], [{ size: 3 }], { outer: 1, size: 3, inner: 1, log: false });
  });

  it('strided, pad, concat (any dtype)', async () => {
    const x = vals(15);
    await same('strided', [{ data: x }], [{ size: 15 }], { shape: [5, 3], strides: [1, 5], offset: 0, dtype: 'float32' });
    await same('strided', [{ data: x }], [{ size: 4 }], { shape: [2, 2], strides: [5, 2], offset: 6, dtype: 'float32' });
    await same('strided', [{ data: x.subarray(0, 5) }], [{ size: 15 }], { shape: [3, 5], strides: [0, 1], offset: 0, dtype: 'float32' });
    const ints = Int32Array.from({ length: 6 }, (_, i) => i * 3 - 7);
    await same('pad', [{ data: ints, dtype: 'int32' }], [{ size: 20, dtype: 'int32' }], { xShape: [2, 3], outShape: [5, 4], begin: [1, 1], dtype: 'int32' });
    await same('pad', [{ data: x }], [{ size: 3 * 7 * 5 }], { xShape: [3, 5], outShape: [3, 7, 5].slice(1), begin: [2, 0], dtype: 'float32' });
    await same('concat', [{ data: vals(30) }, { data: vals(60, 2) }], [{ size: 90 }], { outer: 3, aLen: 2, bLen: 4, inner: 5, dtype: 'float32' });
    await same('concat', [{ data: new Float32Array(0) }, { data: vals(6) }], [{ size: 6 }], { outer: 2, aLen: 0, bLen: 3, inner: 1, dtype: 'float32' });
  });

  it('gather, scatterAdd, oneHot, where, cast', async () => {
    const idx = Int32Array.of(2, 0, 6, -1, 7, 2);
    await same('gather', [{ data: vals(105) }, { data: idx, dtype: 'int32' }], [{ size: 90 }], { outer: 3, axisLen: 7, inner: 5, numIdx: 6, dtype: 'float32' });
    await same('scatterAdd', [{ data: vals(90) }, { data: idx, dtype: 'int32' }], [{ size: 105 }], { outer: 3, axisLen: 7, inner: 5, numIdx: 6 });
    await same('oneHot', [{ data: Int32Array.of(0, 4, 5, -1, 2), dtype: 'int32' }], [{ size: 25 }], { depth: 5, onValue: 1, offValue: 0 });
    const c = vals(13);
    c[2] = 0; c[7] = 0;
    await same('where', [{ data: c }, { data: vals(13, 2) }, { data: vals(13, 3) }], [{ size: 13 }], { dtype: 'float32' });
    await same('cast', [{ data: Float32Array.of(-2.7, -0.5, 0, 0.5, 2.7, 1e6 + 0.5) }], [{ size: 6, dtype: 'int32' }], { from: 'float32', to: 'int32' });
    await same('cast', [{ data: Int32Array.of(-3, 0, 16777216), dtype: 'int32' }], [{ size: 3 }], { from: 'int32', to: 'float32' });
  });

  it('random draws the same numbers as the cpu generator', async () => {
    for (const seed of [0, 7, 0xdeadbeef]) {
      await same('random', [], [{ size: 1001 }], { dist: 'uniform', seed, a: -1, b: 3 }, 1e-7);
      await same('random', [], [{ size: 1001 }], { dist: 'normal', seed, a: 0.5, b: 2 }, 2e-6);
    }
  });

  it('the reduced-range cos used for normal draws on WebGL matches too', async () => {
    const { randomSource, randomKey } = await import('../src/backend/gpujs/random-source.js');
    const { normal } = await import('../src/backend/random.js');
    const { GPU } = (await import('gpu.js')) as unknown as { GPU: new (o: object) => { createKernel(s: string, o: object): (...a: number[]) => Float32Array } };
    const k = new GPU({ mode: 'cpu' }).createKernel(randomSource('normal', true), { output: [2000] });
    const got = k(...randomKey(11), 0, 1);
    close(got, Float32Array.from({ length: 2000 }, (_, i) => normal(11, i)), 1e-6, 'normal with reduced cos');
  });

  it('optimizer updates in place', async () => {
    const base = { lr: 0.01, momentum: 0.9, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, t: 3 };
    const g = { data: vals(17) };
    const p = vals(17, 2), s1 = Float32Array.from(vals(17, 3), Math.abs), s2 = Float32Array.from(vals(17, 4), Math.abs);
    await same('optimizer', [g], [{ size: 17, init: p }], { ...base, kind: 'sgd' });
    for (const nesterov of [false, true]) await same('optimizer', [g], [{ size: 17, init: p }, { size: 17, init: s1 }], { ...base, kind: 'momentum', nesterov });
    await same('optimizer', [g], [{ size: 17, init: p }, { size: 17, init: s1 }], { ...base, kind: 'rmsprop' }, 1e-5);
    await same('optimizer', [g], [{ size: 17, init: p }, { size: 17, init: s1 }, { size: 17, init: s2 }], { ...base, kind: 'adam' }, 1e-5);
  });
});

describe('gpujs fallback and memory', () => {
  it('a kernel gpu.js cannot compile runs on the cpu kernel, with one warning', async () => {
    const b = new GpuJsBackend();
    await b.init();
    b.failCompile.add('unary');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await same('unary', [{ data: vals(9) }], [{ size: 9 }], { op: 'exp', alpha: 0 }, 1e-6, b);
      await same('unary', [{ data: vals(11) }], [{ size: 11 }], { op: 'tanh', alpha: 0 }, 1e-6, b);
      await same('binary', [{ data: vals(4) }, { data: vals(4, 2) }], [{ size: 4 }], { op: 'add', aShape: [4], bShape: [4], outShape: [4] }, 1e-6, b);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/unary.*cpu kernel.*test hook/);
      expect(b.fallbacks()).toEqual({ unary: 2 });
      expect(b.info().cpuFallbacks).toBe('unary:2');
    } finally {
      warn.mockRestore();
      b.dispose();
    }
  });

  it('read returns a copy; memory returns to its start after tidy', async () => {
    await wt.setBackend('gpujs');
    const x = wt.tensor([[1, 2, 3], [4, 5, 6]]);
    const d = await x.data();
    d[0] = 99;
    expect((await x.data())[0]).toBe(1);
    const start = wt.memory();
    const y = wt.tidy(() => {
      const h = wt.matmul(x, x, { transposeB: true }).relu();
      return wt.softmax(h.add(wt.tensor([1, -1])), -1).sum();
    });
    expect(Number(await y.data())).toBeCloseTo(2, 5);
    y.dispose();
    const end = wt.memory();
    expect(end.numTensors).toBe(start.numTensors);
    expect(end.gpujsBytes).toBe(start.gpujsBytes);
    x.dispose();
    expect(wt.memory().gpujsBytes).toBe(Number(start.gpujsBytes) - 24);
  });

  it('ops with gradients agree with cpu end to end', async () => {
    const run = async (name: 'cpu' | 'gpujs'): Promise<Float32Array[]> => {
      await wt.setBackend(name);
      const w = wt.randn([5, 3], { seed: 4 });
      const xb = wt.rand([7, 5], { seed: 5 });
      const [v, g] = wt.valueAndGrad((t: wt.Tensor) => wt.logSoftmax(wt.matmul(xb, t).tanh(), -1).mean())(w);
      const out = [await v.data(), await g.data()] as Float32Array[];
      wt.dispose([w, xb, v, g]);
      return out;
    };
    const want = await run('cpu');
    const got = await run('gpujs');
    expect(wt.backendInfo().device.cpuFallbacks).toBe('none');
    for (let i = 0; i < want.length; i++) close(got[i]!, want[i]!, 1e-5, `output ${i}`);
  });
});
