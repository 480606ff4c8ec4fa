/**
 * The wasm backend's two SIMD flavours: the plain modules and the relaxed-SIMD ones (fused
 * multiply-add in the matmul micro-kernel, c/wt.h's madd). Which one runs and why
 * (backendInfo), the feature probe against what the runtime is known to have, forcing either,
 * the errors of asking for what cannot be had, and both against a float64 matmul. The conformance
 * and parity suites run on each (vitest.config.ts: projects main and wasm-relaxed).
 */
import { describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { engine } from '../src/engine.js';
import { chooseSimd, WasmBackend } from '../src/backend/wasm/index.js';
import { compileModule, hasRelaxedSimd } from '../src/backend/wasm/module.js';
import { wasmSettings } from '../src/wasm.js';
import { availableBackends } from './backends.js';

const have = (await availableBackends()).includes('wasm');
const nodeMajor = Number(process.versions.node.split('.')[0]);
const relaxed = hasRelaxedSimd();

/** A float64 product of row-major m x k and k x n, with bias and relu. */
function reference(a: Float32Array, b: Float32Array, bias: Float32Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = bias[j]!;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      c[i * n + j] = Math.max(0, s);
    }
  return c;
}

describe('choosing the SIMD module', () => {
  it('the probe finds relaxed SIMD exactly where the runtime has it', () => {
    // Node 22+ has it by default; Node 20 only with the V8 flag.
    const expected = nodeMajor >= 22 || process.execArgv.includes('--experimental-wasm-relaxed-simd');
    expect(relaxed).toBe(expected);
  });

  it('auto takes relaxed SIMD where the runtime has it; plain and relaxed are forced; each says why', () => {
    expect(chooseSimd('auto', true)).toEqual({ relaxed: true, why: expect.stringMatching(/the runtime has relaxed SIMD .*setWasmSimd\('plain'\) for results identical across machines/) });
    expect(chooseSimd('auto', false)).toEqual({ relaxed: false, why: expect.stringMatching(/no relaxed SIMD \(Node 20 has it with --experimental-wasm-relaxed-simd\)/) });
    expect(chooseSimd('plain', true)).toEqual({ relaxed: false, why: expect.stringMatching(/plain SIMD asked for .* bit for bit/) });
    expect(chooseSimd('relaxed', true).relaxed).toBe(true);
    expect(() => chooseSimd('relaxed', false)).toThrow(/relaxed SIMD was asked for .* does not validate f32x4\.relaxed_madd \(Node 20 needs --experimental-wasm-relaxed-simd/);
  });

  it('setWasmSimd validates its argument', () => {
    const before = wasmSettings.simd;
    expect(() => wt.setWasmSimd('fast' as wt.WasmSimd)).toThrow(/setWasmSimd: expected 'auto', 'plain' or 'relaxed', got fast/);
    expect(wasmSettings.simd).toBe(before);
  });
});

describe.runIf(have)('the wasm backend on each SIMD module', () => {
  it('runs the module the test run asked for (WT_WASM_SIMD), and refuses to switch a running backend', async () => {
    await wt.setBackend('wasm');
    const info = wt.backendInfo().device;
    const asked = process.env['WT_WASM_SIMD'] ?? 'auto';
    const want = asked === 'auto' ? (relaxed ? 'relaxed' : 'plain') : asked;
    expect(info).toMatchObject({ simdModule: want, simd: true });
    expect(String(info['module'])).toBe(`kernels${info['sharedMemory'] ? '-threads' : ''}${want === 'relaxed' ? '-relaxed' : ''}.wasm`);
    expect(String(info['simdChoice']).length).toBeGreaterThan(20);
    const other = want === 'plain' ? 'relaxed' : 'plain';
    const settingBefore = wasmSettings.simd;
    const mem = wt.memory();
    expect(() => wt.setWasmSimd(other)).toThrow(new RegExp(`setWasmSimd: the running wasm backend uses its ${want} SIMD module, which it keeps; set '${other}' before the backend starts`));
    expect(wasmSettings.simd).toBe(settingBefore);
    expect(wt.memory()).toEqual(mem);
    wt.setWasmSimd(want as wt.WasmSimd); // what runs: accepted
    await wt.setBackend('cpu');
  });

  it.runIf(!relaxed)('asked for relaxed SIMD where the runtime has none, fails to start, saying what would give it', async () => {
    const b = new WasmBackend({ threads: 1, simd: 'relaxed' });
    await expect(b.init()).rejects.toThrow(/relaxed SIMD was asked for .*Node 20 needs --experimental-wasm-relaxed-simd/);
    // the relaxed module itself does not compile here either
    await expect(compileModule('single-relaxed')).rejects.toThrow(/cannot compile the SIMD \+ relaxed SIMD module .*relaxed SIMD: Node 22\+/);
  });

  it.each(relaxed ? ['plain', 'relaxed'] as const : ['plain'] as const)('%s SIMD: a fused matmul (ragged edges, 3 k-blocks) matches a float64 product, on 1 and 2 threads alike', async (mode) => {
    const m = 97, n = 83, k = 600;
    const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37));
    const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.11));
    const bias = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3);
    const want = reference(a, b, bias, m, n, k);
    const backend = new WasmBackend({ threads: 2, simd: mode });
    await backend.init();
    const old = engine.instances.get('wasm');
    engine.instances.set('wasm', backend);
    try {
      await wt.setBackend('wasm');
      expect(backend.info()).toMatchObject({ microKernel: '5x8', simdModule: mode });
      const run = async (): Promise<Float32Array> => {
        const out = wt.tidy(() => wt.fusedMatmul(wt.tensor(a, [m, k]), wt.tensor(b, [k, n]), { bias: wt.tensor(bias), activation: 'relu' }));
        const d = (await out.data()) as Float32Array;
        out.dispose();
        return d;
      };
      const two = await run();
      await wt.setWasmThreads(1);
      const one = await run();
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(two[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
      // float32 sums of 600 terms of size <= 1: a few 1e-6
      expect(worst).toBeLessThan(2e-5);
      expect(Buffer.from(one.buffer).equals(Buffer.from(two.buffer))).toBe(true);
    } finally {
      if (old) engine.instances.set('wasm', old);
      else engine.instances.delete('wasm');
      await wt.setBackend('cpu');
      backend.dispose();
    }
  });
});
