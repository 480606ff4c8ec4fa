/**
 * The Keras MNIST model both pages train: dense 512 relu, dense 10 softmax, rmsprop, categorical
 * cross-entropy, accuracy. Seeded, so every backend starts from the same weights.
 */
import * as wt from '../../src/index.js';

export function buildMnistModel(seed: number): wt.Sequential {
  const model = wt.sequential({
    layers: [
      wt.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }),
      wt.layers.dense({ units: 10, activation: 'softmax' }),
    ],
    seed,
  });
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
