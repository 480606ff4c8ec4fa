/**
 * The models the pages train. 'mlp': the Keras MNIST model, dense 512 relu, dense 10 softmax,
 * rmsprop. 'cnn': conv 3x3x16 relu, max-pool 2, conv 3x3x32 relu, max-pool 2, dense 64 relu,
 * dense 10 softmax, adam; its first layer reshapes the 784 pixels into a 28x28x1 image, so both
 * models take the same rows of pixels (the digit grid and the drawing pad need nothing else).
 * Seeded, so every backend starts from the same weights.
 */
import * as wt from '../../src/index.js';

export type ModelKind = 'mlp' | 'cnn';

export const MODEL_DESCRIPTIONS: Record<ModelKind, string> = {
  mlp: 'dense 512 relu → dense 10 softmax, rmsprop (learning rate 0.001), categorical cross-entropy (407,050 parameters)',
  cnn: 'conv 3x3x16 relu → max-pool 2 → conv 3x3x32 relu → max-pool 2 → dense 64 relu → dense 10 softmax, adam (learning rate 0.001), categorical cross-entropy (56,714 parameters)',
};

export function buildMnistModel(seed: number, kind: ModelKind = 'mlp'): wt.Sequential {
  const layers = kind === 'mlp'
    ? [
      wt.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }),
      wt.layers.dense({ units: 10, activation: 'softmax' }),
    ]
    : [
      wt.layers.reshape({ targetShape: [28, 28, 1], inputShape: [784] }),
      wt.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      wt.layers.maxPooling2d({ poolSize: 2 }),
      wt.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
      wt.layers.maxPooling2d({ poolSize: 2 }),
      wt.layers.flatten(),
      wt.layers.dense({ units: 64, activation: 'relu' }),
      wt.layers.dense({ units: 10, activation: 'softmax' }),
    ];
  const model = wt.sequential({ layers, seed });
  model.compile({ optimizer: kind === 'mlp' ? 'rmsprop' : 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
