// The webgpu backend beyond op conformance: memory stays flat, buffers are pooled, errors are clear
// (compile errors name the kernel, disposed tensors, oversized tensors, no adapter), device loss.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as wt from '../src/index.js';
import { engine } from '../src/engine.js';
import type { WebGPUBackend } from '../src/backend/webgpu/index.js';
import { SHADERS } from '../src/backend/webgpu/shaders.generated.js';
import { availability } from './backends.js';

const { names, skipped } = await availability();
const hasWebGPU = names.includes('webgpu');

/** Node's memory figures for the webgpu backend. */
const gpuMem = (): Record<string, number | string> => wt.memory();

describe('webgpu backend', () => {
  if (!hasWebGPU) {
    // Only reachable without CI=true (backends.ts throws under CI): the reason must say what to do.
    it('explains why it is unavailable', () => {
      expect(skipped['webgpu']).toMatch(/webgpu backend: .*(adapter|install)/);
    });
    return;
  }

  it('thousands of ops inside tidy leave tensors, bytes and GPU buffers where they started', async () => {
    await wt.setBackend('webgpu');
    const w = wt.keep(wt.randn([16, 16], { seed: 1 }));
    const step = (): void => {
      wt.tidy(() => {
        let x = wt.randn([8, 16], { seed: 2 });
        for (let i = 0; i < 25; i++) x = wt.tanh(wt.matmul(x, w).add(0.1)).mul(0.9);
        return wt.softmax(x).sum();
      }).dispose();
    };
    const settle = async (): Promise<void> => {
      const z = wt.tensor([0]);
      await z.data();
      z.dispose();
    };
    for (let r = 0; r < 5; r++) step();
    await settle();
    const before = gpuMem();
    for (let r = 0; r < 40; r++) step(); // 40 x ~100 kernels
    await settle();
    const y = wt.tidy(() => wt.sum(wt.mul(w, 2)));
    expect(await y.data()).toBeInstanceOf(Float32Array);
    y.dispose();
    const after = gpuMem();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.gpuBytesUsed).toBe(before.gpuBytesUsed);
    expect(after.gpuBuffers).toBe(before.gpuBuffers);
    // freed buffers were reused: 40 rounds (~4000 tensors) needed little new GPU memory. Not exactly
    // none: frees wait for their batch's submit, so the peak depends on where batch boundaries fall.
    expect(Number(after.gpuBytesAllocated)).toBeLessThan(Number(before.gpuBytesAllocated) * 1.25);
    expect(Number(after.gpuSubmits)).toBeGreaterThan(Number(before.gpuSubmits));
    w.dispose();
  });

  it('reports used and pooled bytes; a freed buffer is reused for the same size class', async () => {
    await wt.setBackend('webgpu');
    const m0 = gpuMem();
    const a = wt.zeros([1000]);
    const m1 = gpuMem();
    expect(Number(m1.gpuBytesUsed) - Number(m0.gpuBytesUsed)).toBe(4096); // 4000 bytes -> the 4096 class
    a.dispose();
    const one = wt.tensor([1]);
    await one.data(); // a submit: deferred frees reach the pool
    one.dispose();
    const m2 = gpuMem();
    expect(m2.gpuBytesUsed).toBe(m0.gpuBytesUsed);
    expect(Number(m2.gpuBytesPooled)).toBeGreaterThanOrEqual(4096);
    const b = wt.ones([1001]);
    expect(gpuMem().gpuBytesAllocated).toBe(m2.gpuBytesAllocated);
    expect(Array.from(await b.slice([999], [2]).data())).toEqual([1, 1]);
    b.dispose();
  });

  it('handles empty tensors', async () => {
    await wt.setBackend('webgpu');
    const e = wt.zeros([0, 3]);
    expect(Array.from(await e.add(1).data())).toEqual([]);
    expect(Array.from(await wt.concat([wt.tensor([[1, 2, 3]]), e]).data())).toEqual([1, 2, 3]);
    expect(Array.from(await wt.sum(e, 0).data())).toEqual([0, 0, 0]);
  });

  it('a WGSL compile error is an Error naming the kernel, and the backend keeps working', async () => {
    await wt.setBackend('webgpu');
    const original = SHADERS['unary']!;
    SHADERS['unary'] = original.replace('fn op_sign(', 'fn op_sign_broken(');
    try {
      const x = wt.tensor([1, -2, 3]); // size 3: the scalar variant, compiled here for the first time
      const y = wt.sign(x);
      await expect(y.data()).rejects.toThrow(/kernel 'unary' failed to compile.*op_sign/s);
      expect(() => wt.sign(x)).toThrow(/kernel 'unary' failed to compile/);
    } finally {
      SHADERS['unary'] = original;
    }
    expect(Array.from(await wt.tensor([1, 2]).add(1).data())).toEqual([2, 3]);
  });

  it('refuses a tensor larger than the adapter allows, before any shader runs', async () => {
    await wt.setBackend('webgpu');
    const limit = Number(wt.backendInfo().device['maxStorageBufferBindingSize']);
    const n = limit / 4 + 1;
    const before = wt.memory();
    expect(() => wt.rand([n])).toThrow(new RegExp(`^rand: a float32 tensor of shape \\[${n}\\] needs ${(n * 4).toLocaleString('en-US')} bytes .*; one webgpu tensor can hold at most ${limit.toLocaleString('en-US')} bytes .*, this adapter's maxStorageBufferBindingSize`));
    expect(wt.memory()).toEqual(before);
    // The backend's own check still guards its temporaries.
    expect(() => (engine.instances.get('webgpu') as WebGPUBackend).alloc(n, 'float32')).toThrow(/webgpu.alloc: a buffer of \d+ elements .* exceeds this adapter's limit/);
  });

  it('a disposed tensor says so', async () => {
    await wt.setBackend('webgpu');
    const t = wt.tensor([1, 2, 3]);
    t.dispose();
    expect(() => t.add(1)).toThrow(/disposed/);
    await expect(t.data()).rejects.toThrow(/disposed/);
  });

  it('reports the adapter and its limits', async () => {
    await wt.setBackend('webgpu');
    const info = wt.backendInfo().device;
    expect(info['backend']).toBe('webgpu');
    expect(info['runtime']).toBe('Node');
    expect(Number(info['maxComputeWorkgroupsPerDimension'])).toBeGreaterThanOrEqual(65535);
  });

  it('reports the kernel choices made for the adapter, and a changed matmul strategy', async () => {
    await wt.setBackend('webgpu');
    const info = wt.backendInfo().device;
    const cpuLike = info['isFallbackAdapter'] === true || /swiftshader|llvmpipe|lavapipe/i.test(String(info['description']));
    expect(info['kernelLayout']).toBe(cpuLike ? 'cpu' : 'gpu');
    expect(info['matmul']).toBe(cpuLike ? (info['subgroups'] ? 'quad' : 'direct') : 'tiled');
    expect(Number(info['workgroupSize'])).toBeGreaterThanOrEqual(64);
    const backend = engine.instances.get('webgpu') as unknown as { matmulStrategy: string };
    try {
      backend.matmulStrategy = 'tiled';
      expect(wt.backendInfo().device['matmul']).toBe('tiled');
    } finally {
      backend.matmulStrategy = 'auto';
    }
  });

  it('without an adapter, init fails with an Error naming the runtime, what was tried and how to get one', () => {
    const dist = new URL('../dist/index.js', import.meta.url);
    if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first');
    const script = `import(${JSON.stringify(dist.href)}).then(async (wt) => {
      try { await wt.setBackend('webgpu'); console.log('RESULT unexpected success'); }
      catch (e) { console.log('RESULT ' + e.message); }
    });`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/vk_icd.json' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000,
    });
    const line = out.split('\n').find((l) => l.startsWith('RESULT ')) ?? out;
    expect(line).toMatch(/no WebGPU adapter in Node/);
    expect(line).toMatch(/VK_ICD_FILENAMES=\/nonexistent\/vk_icd.json/);
    expect(line).toMatch(/SwiftShader/);
  });

  // Last: it replaces the backend instance.
  it('device loss: tensors report it, and setBackend gives a fresh working device', async () => {
    await wt.setBackend('webgpu');
    const backend = engine.instances.get('webgpu') as unknown as { lost?: string; s: { device: GPUDevice } };
    const t = wt.tensor([1, 2, 3]);
    backend.s.device.destroy();
    for (let i = 0; i < 100 && !backend.lost; i++) await new Promise((r) => setTimeout(r, 20));
    expect(backend.lost).toMatch(/device lost/);
    expect(() => t.add(1)).toThrow(/lost/);
    await expect(t.data()).rejects.toThrow(/lost/);
    t.dispose();
    await wt.setBackend('webgpu');
    expect(engine.instances.get('webgpu')).not.toBe(backend);
    expect(Array.from(await wt.tensor([1, 2, 3]).mul(2).data())).toEqual([2, 4, 6]);
  });
});
