// The webgpu kernel variants that the adapter here would not pick by itself: the workgroup-tiled
// matmul (GPUs), the register-blocked one (CPU adapters) and its quad-shared form (CPU adapters with
// subgroups; plain register-blocked where the device lacks them) all run the conformance cases (the
// register-blocked ones the matmul, dense and conv2d cases, which go through matmul), with
// grids capped at 20 workgroups per dimension so that every kernel's grid splitting is exercised.
import { describe, it, expect } from 'vitest';
import * as wt from '../src/index.js';
import { engine } from '../src/engine.js';
import { WebGPUBackend } from '../src/backend/webgpu/index.js';
import { availability } from './backends.js';
import { CASES } from './conformance/cases.ts';
import { runCase } from './conformance/harness.ts';

const { names } = await availability();

describe('webgpu kernel variants', () => {
  if (!names.includes('webgpu')) {
    // Only reachable without CI=true (backends.ts throws under CI).
    it('has no adapter here', () => expect(names).not.toContain('webgpu'));
    return;
  }
  it.each(['tiled', 'direct', 'quad'] as const)('%s matmul with grids capped at 20 workgroups per dimension', async (strategy) => {
    engine.instances.get('webgpu')?.dispose();
    engine.instances.delete('webgpu');
    wt.registerBackend('webgpu', async () => new WebGPUBackend({ matmul: strategy, maxWorkgroupsPerDimension: 20, maxBatch: 7 }));
    const cases = strategy === 'tiled' ? CASES : CASES.filter((c) => /matmul|dense|conv2d/.test(c.name));
    const failed: string[] = [];
    let refused = 0;
    for (const c of cases) {
      const r = await runCase(wt, c, 'webgpu').catch((e: Error) => ({ ok: false, message: e.message }));
      // A 2-D product whose rows need more than the capped grid (the implicit-GEMM conv shapes on the
      // tiled kernel) is refused with an Error naming the limit; real adapters allow 65,535.
      if (!r.ok && /needs a \d+x\d+ grid of workgroups, beyond this adapter's maxComputeWorkgroupsPerDimension \(20\)/.test(r.message ?? '')) refused++;
      else if (!r.ok) failed.push(`${c.name}: ${r.message}`);
    }
    expect(failed).toEqual([]);
    expect(refused).toBeLessThanOrEqual(cases.length / 20);
    expect(wt.backendInfo().backend).toBe('cpu'); // runCase restores cpu
  });
});
