// The conformance suite as a page script: every case of test/conformance/cases.ts on one backend,
// each against the cpu reference, on the library bundle the page imports. Bundled by
// test/browser-conformance.test.ts; the page calls globalThis.conformance(backend).
import { CASES, type Wt } from '../../conformance/cases.ts';
import { runCase } from '../../conformance/harness.ts';

export interface PageSummary {
  backend: string;
  device: unknown;
  total: number;
  passed: number;
  failed: { name: string; message: string }[];
  numTensors: number;
  seconds: number;
}

export async function conformance(wt: Wt, backend: string): Promise<PageSummary> {
  const t0 = performance.now();
  await wt.setBackend(backend as 'cpu');
  const device = wt.backendInfo().device;
  await wt.setBackend('cpu');
  const before = wt.memory().numTensors;
  const failed: PageSummary['failed'] = [];
  let passed = 0;
  for (const c of CASES) {
    try {
      const r = await runCase(wt, c, backend);
      if (r.ok) passed++;
      else failed.push({ name: c.name, message: r.message });
    } catch (e) {
      failed.push({ name: c.name, message: `threw ${(e as Error).message}` });
    }
  }
  return {
    backend, device, total: CASES.length, passed, failed,
    numTensors: wt.memory().numTensors - before, seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}
