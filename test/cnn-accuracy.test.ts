/**
 * The small CNN on the digits as images, the full recipe on the cpu reference: 8,000 training and
 * 2,000 test digits (seed 0, the CLI's split), 5 epochs of adam in batches of 32. It must beat the
 * dense Keras model (about 94% on the same split) by a wide margin. The other backends follow the
 * cpu's losses batch by batch (test/nn-parity.test.ts), so they reach the same accuracy.
 * About two minutes on two idle cores.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';

beforeAll(async () => {
  await wt.setBackend('cpu');
});

describe('CNN accuracy on MNIST (cpu)', () => {
  it('reaches 96.5% test accuracy within 5 epochs (97.1% measured) on the 8,000 / 2,000 digits', async () => {
    const { run } = await import('../src/examples/cnn-mnist.js');
    const r = await run({ train: 8000, test: 2000, epochs: 5, batchSize: 32, seed: 0 });
    const acc = r.history.history.val_accuracy!;
    expect(acc.length).toBe(5);
    expect(r.testAccuracy, `per-epoch test accuracy ${acc.map((a) => a.toFixed(4)).join(', ')}`).toBeGreaterThanOrEqual(0.965);
    expect(wt.memory().numTensors).toBe(0);
  }, 900_000);
});
