// The residual CNN example (functional API, a skip connection, earlyStopping) trains on the shipped digits.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';

beforeAll(async () => { await wt.setBackend('cpu'); });
afterEach(() => expect(wt.memory().numTensors).toBe(0));

describe('resnet-mnist example', () => {
  it('20,970 parameters, a shortcut in the summary, learns the digits far above chance in two short epochs', async () => {
    const { run } = await import('../src/examples/resnet-mnist.js');
    const r = await run({ train: 640, test: 200, epochs: 2 });
    expect(r.params).toBe(20970);
    expect(r.summary).toMatch(/shortcut \(Add\)\s+\(None, 28, 28, 16\)\s+0\s+stem\[0\]\[0\]/);
    const h = r.history.history;
    expect(h.loss![1]!).toBeLessThan(h.loss![0]!);
    expect(r.testAccuracy).toBeCloseTo(h.val_accuracy![h.val_accuracy!.length - 1]!, 5);
    expect(r.testAccuracy).toBeGreaterThan(0.6); // 40 steps; chance is 0.1
  });
});
