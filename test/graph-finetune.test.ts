// The fine-tuning example (src/examples/graph-finetune.ts): a published TF.js graph model's last
// layer trained on new data through model.execute under wt.valueAndGrad. Its loss falls, training
// accuracy rises, and every backend gives the cpu backend's losses within the parity tolerance.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';

const MODEL = join(import.meta.dirname, '..', '.models', 'human', 'liveness.json');

beforeAll(() => {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'fetch-models.mjs')], { stdio: 'ignore' });
}, 120_000);
afterAll(async () => { await wt.setBackend('cpu'); });

const backends = await availableBackends();
let reference: number[] | undefined;

describe.each(backends)('graph fine-tuning example on %s', (backend) => {
  it('lowers the loss on new data, and agrees with the cpu backend', async () => {
    await wt.setBackend(backend);
    const { run } = await import('../src/examples/graph-finetune.js');
    const before = wt.memory().numTensors;
    const r = await run({ model: MODEL, steps: 8 });
    expect(wt.memory().numTensors).toBe(before);
    expect(r.losses.length).toBe(9);
    for (let i = 1; i < r.losses.length; i++) expect(r.losses[i]!).toBeLessThan(r.losses[i - 1]! + 1e-6);
    expect(r.losses[8]!).toBeLessThan(0.7 * r.losses[0]!);
    expect(r.accuracyAfter).toBeGreaterThanOrEqual(r.accuracyBefore);
    if (backend === 'cpu') reference = r.losses;
    else if (reference) r.losses.forEach((l, i) => expect(Math.abs(l - reference![i]!)).toBeLessThanOrEqual(1e-3 * (1 + Math.abs(reference![i]!))));
  }, 120_000);
});
