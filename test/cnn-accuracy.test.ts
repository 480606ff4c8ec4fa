/**
 * The CNN examples' full recipes on the 8,000 training and 2,000 test digits (seed 0, the CLI's
 * split), 5 epochs of adam in batches of 32:
 * - the small network on the cpu reference: about 97% (97.1%; the dense Keras model gets 94%);
 * - the large one (5x5 convolutions, batch normalization, a halving learning rate) reaches the 98%
 *   goal (98.15%; 96.35% after the first epoch). It needs about 5x the arithmetic, so it runs on the wasm backend (40 s here; the
 *   cpu backend would take about 17 minutes); wasm follows the cpu's losses batch by batch
 *   (test/nn-parity.test.ts) and is deterministic whatever its thread count (test/wasm.test.ts).
 * About two and a half minutes on two idle cores.
 */
import { describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';

describe('CNN accuracy on MNIST, 8,000 / 2,000 digits, 5 epochs', () => {
  it('the small CNN on cpu: 96.5% or more (97.1% measured)', async () => {
    await wt.setBackend('cpu');
    const { run } = await import('../src/examples/cnn-mnist.js');
    const r = await run({ size: 'small', train: 8000, test: 2000, epochs: 5, batchSize: 32, seed: 0 });
    const acc = r.history.history.val_accuracy!;
    expect(acc.length).toBe(5);
    expect(r.testAccuracy, `per-epoch test accuracy ${acc.map((a) => a.toFixed(4)).join(', ')}`).toBeGreaterThanOrEqual(0.965);
    expect(wt.memory().numTensors).toBe(0);
  }, 900_000);

  it('the large CNN on wasm: 98% or more', async () => {
    await wt.setBackend('wasm');
    try {
      const { run } = await import('../src/examples/cnn-mnist.js');
      const r = await run({ size: 'large', train: 8000, test: 2000, epochs: 5, batchSize: 32, seed: 0 });
      expect(r.params).toBe(118730);
      const acc = r.history.history.val_accuracy!;
      expect(r.testAccuracy, `per-epoch test accuracy ${acc.map((a) => a.toFixed(4)).join(', ')}`).toBeGreaterThanOrEqual(0.98);
      // the moving statistics (momentum 0.9) already serve inference after the first epoch
      expect(acc[0], `per-epoch test accuracy ${acc.map((a) => a.toFixed(4)).join(', ')}`).toBeGreaterThan(0.9);
      expect(wt.memory().numTensors).toBe(0);
    } finally {
      await wt.setBackend('cpu');
    }
  }, 900_000);
});
