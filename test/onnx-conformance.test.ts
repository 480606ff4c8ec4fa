/**
 * The ONNX conformance cases (libonnx-testdata) on every backend we have: every
 * case whose ops we support must match its expected outputs (float32 within 1e-4 + 1e-3 * |x|,
 * integers exactly) or refuse with an Error naming what is not supported. The rest are printed
 * grouped by why they are not run, and written to test-results/onnx-conformance.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { engine } from '../src/engine.js';
import { availableBackends } from './backends.js';
import { DATA_DIR, listCases, runCase } from './onnx-cases.js';

const cases = listCases();
const runnable = cases.filter((c) => !c.skip);
const names = await availableBackends();

describe.skipIf(cases.length === 0)(`ONNX conformance cases (${DATA_DIR})`, () => {
  it('lists every case not run, grouped by why', () => {
    const groups: Record<string, string[]> = {};
    for (const c of cases) if (c.skip) (groups[c.skip.group] ??= []).push(`${c.name} (${c.skip.detail})`);
    const notYetOps = new Map<string, number>();
    for (const c of cases) if (c.skip?.group === 'not yet') for (const op of c.skip.detail.split(',')) notYetOps.set(op, (notYetOps.get(op) ?? 0) + 1);
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/onnx-conformance.json', JSON.stringify({ total: cases.length, runnable: runnable.length, groups, notYetOps: Object.fromEntries(notYetOps) }, null, 1));
    console.log(`[onnx] ${cases.length} cases: ${runnable.length} run; not run: ${Object.entries(groups).map(([g, l]) => `${g} ${l.length}`).join(', ')}`);
    console.log(`[onnx] not-yet ops: ${[...notYetOps].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op}(${n})`).join(' ')}`);
    expect(cases.filter((c) => !c.name.includes('/')).length).toBe(932);
    expect(runnable.length).toBeGreaterThanOrEqual(925);
  });

  for (const backend of ['cpu', 'wasm', 'webgpu', 'gpujs']) {
    it.skipIf(!names.includes(backend))(`runs the supported cases on ${backend}`, async () => {
      await wt.setBackend(backend as wt.BackendName);
      const list = runnable;
      const failures: Record<string, string> = {};
      const unsupported: string[] = [];
      let passed = 0;
      for (const c of list) {
        const before = wt.memory().numTensors;
        let why: string | undefined;
        try {
          why = await runCase(c);
        } catch (e) {
          why = `threw: ${(e as Error).message}`;
        }
        engine.backend?.flush();
        if (wt.memory().numTensors !== before) why = `${why ?? ''} leaked ${wt.memory().numTensors - before} tensors`;
        if (why !== undefined && / not supported/.test(why) && !/leaked/.test(why)) unsupported.push(`${c.name} (${why.replace('threw: ', '')})`);
        else if (why === undefined) passed++;
        else failures[c.name] = why;
      }
      console.log(`[onnx] ${backend}: ${passed} of ${list.length} cases pass; ${unsupported.length} refuse an attribute or mode not supported yet:\n  ${unsupported.join('\n  ')}`);
      const wrong = Object.entries(failures);
      if (wrong.length) console.log(wrong.map(([n, w]) => `  ${n}: ${w}`).join('\n'));
      expect(wrong).toEqual([]);
      // Refusals are Errors for attributes or modes we lack (dilated pools, a 3-D ConvTranspose, ...): no more than today's 12.
      expect(unsupported.length).toBeLessThanOrEqual(12);
      expect(passed).toBeGreaterThanOrEqual(918);
      await wt.setBackend('cpu');
    }, 600_000);
  }
});
