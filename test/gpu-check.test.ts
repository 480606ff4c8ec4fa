// The real-GPU check's pure parts (bench/gpu-check/): options and sizes, per-section time budgets,
// which adapter counts as hardware, the verdict, the text summary, and the compact MNIST digits.
// The check itself needs its prepared folder and runs by hand (bench/README.md, "Real-GPU check").
import { describe, it, expect } from 'vitest';
// @ts-expect-error: plain JavaScript module of the benchmarks, without type declarations
import { checkOptions, isSoftwareAdapter, sectionBudget, summarize, verdict } from '../bench/gpu-check/report.mjs';
// @ts-expect-error: plain JavaScript module of the benchmarks, without type declarations
import { packDigits, unpackDigits } from '../bench/gpu-check/digits.mjs';

const swiftshader = { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true, features: ['subgroups'] };
const h200 = { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA: 580.159.03', isFallbackAdapter: false, features: ['shader-f16', 'subgroups'] };

describe('gpu-check options', () => {
  it('defaults to the real-GPU sizes, and to small ones on a software adapter', () => {
    const gpu = checkOptions({}, 'gpu');
    expect(gpu.sizes).toEqual([1024, 2048, 4096]);
    expect(gpu.train).toBe(8000);
    expect(gpu.budgetS).toBe(360);
    expect(gpu.sections).toEqual(['conformance', 'matmul', 'elementwise', 'mnist', 'wasm']);
    const sw = checkOptions({ 'force-software': true }, 'software');
    expect(sw.forceSoftware).toBe(true);
    expect(sw.sizes).toEqual([128, 256]);
    expect(sw.train).toBeLessThan(2000);
  });

  it('reads sizes, shapes, sections and the budget from the flags', () => {
    const o = checkOptions({ sizes: '512,2048', softmax: '8x1000,3x5', sections: 'matmul,mnist', budget: '200', train: '4000' });
    expect(o.sizes).toEqual([512, 2048]);
    expect(o.softmax).toEqual([[8, 1000], [3, 5]]);
    expect(o.sections).toEqual(['matmul', 'mnist']);
    expect(o.budgetS).toBe(200);
    expect(o.train).toBe(4000);
  });

  it('refuses unknown flags, sections and bad numbers with an Error naming them', () => {
    expect(() => checkOptions({ size: '1024' })).toThrow(/unknown option --size .*--sizes/);
    expect(() => checkOptions({ sections: 'matmul,fft' })).toThrow(/unknown section 'fft'/);
    expect(() => checkOptions({ budget: '-5' })).toThrow(/--budget expects a positive integer, got '-5'/);
    expect(() => checkOptions({ softmax: '1000' })).toThrow(/--softmax expects shapes like 1000x1000, got '1000'/);
    expect(() => checkOptions({}, 'tpu')).toThrow(/mode must be 'gpu' or 'software'/);
  });
});

describe('gpu-check section budgets', () => {
  const caps = [50, 110, 45];
  it('gives a section its cap plus what the later caps leave over', () => {
    // 300 s left, 5 s kept for writing: 295 - 205 = 90 s of slack
    expect(sectionBudget(0, 300_000, caps, 0)).toBe(140);
    expect(sectionBudget(0, 300_000, caps, 2)).toBe(295);
  });
  it('shares a short remainder in proportion to the caps, and gives nothing at the deadline', () => {
    expect(sectionBudget(0, 105_000, caps, 0)).toBe(Math.floor((100 * 50) / 205));
    expect(sectionBudget(0, 105_000, caps, 1)).toBe(Math.floor((100 * 110) / 155));
    expect(sectionBudget(0, 5_500, caps, 0)).toBe(0);
    expect(sectionBudget(10_000, 5_000, caps, 0)).toBe(0);
  });
});

describe('gpu-check verdict', () => {
  it('tells software adapters from hardware ones', () => {
    expect(isSoftwareAdapter(swiftshader)).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter(h200)).toBe(false);
    expect(isSoftwareAdapter(null)).toBe(false);
  });

  it('uses the first hardware adapter that ran the smoke shader, ahead of a software one', () => {
    const v = verdict([
      { candidate: 'SwiftShader', adapter: swiftshader, smoke: { ok: true } },
      { candidate: 'nvidia ICD a', adapter: h200, smoke: { ok: false, error: 'device lost' } },
      { candidate: 'nvidia ICD b', adapter: h200, smoke: { ok: true } },
    ], false);
    expect(v).toMatchObject({ kind: 'hardware', use: 'nvidia ICD b' });
    expect(v.message).toMatch(/hardware adapter: nvidia \/ hopper/);
  });

  it('stops on a software adapter unless forced, and names what Dawn rejected', () => {
    const probes = [
      { candidate: 'nvidia ICD', adapter: null, dawnWarnings: ['Vulkan 1.1 required'] },
      { candidate: 'SwiftShader', adapter: swiftshader, smoke: { ok: true } },
    ];
    const stop = verdict(probes, false);
    expect(stop).toMatchObject({ kind: 'software', use: null });
    expect(stop.message).toMatch(/software adapter only: google \/ swiftshader.*Dawn rejected: nvidia ICD: Vulkan 1.1 required.*stopped early/);
    expect(verdict(probes, true)).toMatchObject({ kind: 'software', use: 'SwiftShader' });
    expect(verdict([probes[0]!], true)).toMatchObject({ kind: 'none', use: null });
    expect(verdict([probes[0]!], true).message).toMatch(/no WebGPU adapter usable by Dawn.*Vulkan 1.1 required/);
  });
});

describe('gpu-check summary', () => {
  it('lists the probe, the choices and each section, and flags kernels whose products disagree', () => {
    const text = summarize({
      startedAt: 't', elapsedS: 42, options: { budgetS: 360 },
      nvidiaSmi: { found: true, gpus: [{ name: 'NVIDIA H200', driver_version: '580.159.03', 'memory.total [MiB]': '143771' }] },
      icd: { vulkan: [{ path: '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json' }], egl: [] },
      probes: [{ candidate: 'nvidia ICD', adapter: h200, smoke: { ok: true } }],
      verdict: verdict([{ candidate: 'nvidia ICD', adapter: h200, smoke: { ok: true } }], false),
      choices: { matmul: 'tiled', kernelLayout: 'gpu', workgroupSize: 256, subgroups: true, tiles: { 1024: { BM: 64, BN: 64, BK: 16 } } },
      sections: {
        conformance: { status: 'ok', seconds: 9, records: [{ strategy: 'auto (tiled)', passed: 330, total: 331, failed: [{ name: 'softmax [3,5]' }] }] },
        matmul: { status: 'timed out', seconds: 110, records: [
          { strategy: 'tiled', size: 1024, gflops: 5123.4, maxRelDiffVsFirst: 0 },
          { strategy: 'direct', size: 1024, gflops: 812.1, maxRelDiffVsFirst: 0.02 },
          { size: 4096, skipped: 'no time left' },
        ] },
        mnist: { status: 'ok', seconds: 20, records: [{ backend: 'webgpu', what: 'epoch 1', size: 8000, samplesPerSec: 41234.5 }] },
      },
    });
    expect(text).toMatch(/nvidia-smi: NVIDIA H200, driver 580\.159\.03, 143771 MiB/);
    expect(text).toMatch(/probe nvidia ICD: nvidia \/ hopper .*smoke ok, shader-f16 yes, subgroups yes/);
    expect(text).toMatch(/choices: matmul tiled, kernel layout gpu, workgroup 256, subgroups true, tiles 1024:64x64x16/);
    expect(text).toMatch(/auto \(tiled\): 330\/331 passed, FAILED softmax \[3,5\]/);
    expect(text).toMatch(/1024 +5120 +812/);
    expect(text).toMatch(/4096 +skipped: no time left/);
    expect(text).toMatch(/MISMATCH: direct at 1024 differs by 0\.02/);
    expect(text).toMatch(/matmul: timed out in 110 s/);
    expect(text).toMatch(/webgpu epoch 1 8000: 41200 samples\/s/);
  });
});

describe('gpu-check digits', () => {
  it('packs pixels stored as p/255 to three decimals into bytes and back exactly', () => {
    const digits = Array.from({ length: 10 }, (_, d) => Array.from({ length: 784 * (d % 3 + 1) }, (_, j) => Math.round((((j * 7 + d) % 256) / 255) * 1000) / 1000));
    const { counts, gz } = packDigits(digits);
    expect(counts).toEqual(digits.map((x) => x.length / 784));
    const back = unpackDigits(counts, gz);
    back.forEach((x: Float32Array, d: number) => expect(Array.from(x)).toEqual(digits[d]!.map((v) => Math.fround(v))));
  });
  it('refuses values that would not come back exactly', () => {
    const digits = Array.from({ length: 10 }, () => new Array(784).fill(0));
    digits[4]![9] = 0.5;
    expect(() => packDigits(digits)).toThrow(/digit 4, value 9 \(0\.5\) is not p\/255/);
    expect(() => packDigits(digits.slice(1))).toThrow(/expected 10 digit arrays, got 9/);
  });
});
