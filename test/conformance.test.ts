// The conformance suite: every case of test/conformance/cases.ts on every available backend,
// each compared with the cpu reference at the case's tolerance.
import { describe, it, expect } from 'vitest';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';
import { CASES } from './conformance/cases.ts';
import { runCase } from './conformance/harness.ts';

const backends = await availableBackends();

describe.each(backends)('conformance on %s', (backend) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await runCase(wt, c, backend);
    expect(r.ok, `${c.name} on ${backend}: ${r.message}`).toBe(true);
  });
});
