/**
 * A functional model's memory stays flat: 100 predictions, and a second epoch of fit, leave
 * wt.memory()'s tensor count and bytes where they were, on every backend. (The first epoch
 * creates the optimizer's state, so the baseline is taken after it.)
 */
import { describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { availableBackends } from './backends.js';

const backends = await availableBackends();

/** A small residual CNN: conv, a block with an identity shortcut (add), global pooling, dense softmax. */
function residualModel(): wt.LayersModel {
  const x = wt.input({ shape: [8, 8, 1] });
  const c1 = wt.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'glorotUniform' }).apply(x) as wt.SymbolicTensor;
  const c2 = wt.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(c1) as wt.SymbolicTensor;
  const sum = wt.layers.add().apply([c1, c2]) as wt.SymbolicTensor;
  const act = wt.layers.activation({ activation: 'relu' }).apply(sum) as wt.SymbolicTensor;
  const pooled = wt.layers.globalAveragePooling2d({}).apply(act) as wt.SymbolicTensor;
  const out = wt.layers.dense({ units: 3, activation: 'softmax' }).apply(pooled) as wt.SymbolicTensor;
  return wt.model({ inputs: x, outputs: out });
}

describe.each(backends)('memory stays flat on %s', (backend) => {
  it('over 100 predictions and over an epoch of fit', async () => {
    await wt.setBackend(backend);
    const before = wt.memory();
    const model = residualModel();
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const xs = wt.randn([32, 8, 8, 1], { seed: 7 });
    const labels = wt.tensor(Array.from({ length: 32 }, (_, i) => i % 3), [32], 'int32');
    const ys = wt.oneHot(labels, 3);
    labels.dispose();

    const p0 = model.predict(xs) as wt.Tensor;
    const first = await p0.data();
    p0.dispose();
    const base = wt.memory();
    for (let i = 0; i < 100; i++) {
      const p = model.predict(xs) as wt.Tensor;
      if (i === 99) expect(Array.from(await p.data())).toEqual(Array.from(first));
      p.dispose();
    }
    expect(wt.memory().numTensors).toBe(base.numTensors);
    expect(wt.memory().numBytes).toBe(base.numBytes);

    await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
    const afterOne = wt.memory();
    const h = await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(Number.isFinite(h.history['loss']![0] as number)).toBe(true);
    expect(wt.memory().numTensors).toBe(afterOne.numTensors);
    expect(wt.memory().numBytes).toBe(afterOne.numBytes);

    model.dispose();
    xs.dispose();
    ys.dispose();
    // nothing of the model, its optimizer or its training is left behind
    expect(wt.memory().numTensors).toBe(before.numTensors);
  });
});
