/**
 * The Keras MNIST model through the nn API: Dense(512, relu) on the 784 pixels, Dense(10, softmax),
 * RMSprop (learning rate 0.001), categorical cross-entropy, 5 epochs of batches of 128.
 * 401,920 + 5,130 = 407,050 parameters. With the 8,000 / 2,000 split of the offline digits it
 * reaches about 93% test accuracy (about 98% on the full 60,000 / 10,000 MNIST).
 *
 *   node dist/examples/keras-mnist.js [--backend cpu|webgpu|wasm|gpujs]
 */
import * as wt from '../index.js';
import { chooseBackend, isMain } from './common.js';

export interface KerasMnistOptions {
  train?: number;
  test?: number;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** 0: quiet; 1: the summary and one line per epoch. */
  verbose?: 0 | 1;
}

export interface KerasMnistResult {
  history: wt.History;
  testLoss: number;
  testAccuracy: number;
  params: number;
  summary: string;
}

export function buildModel(seed = 0): wt.Sequential {
  const model = wt.sequential({
    seed,
    layers: [
      wt.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }),
      wt.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

export async function run(opts: KerasMnistOptions = {}): Promise<KerasMnistResult> {
  const { train = 8000, test = 2000, epochs = 5, batchSize = 128, seed = 0, verbose = 0 } = opts;
  const d = await wt.datasets.mnist({ train, test, seed });
  const model = buildModel(seed);
  const summary = model.summary({ print: verbose > 0 });
  const history = await model.fit(d.xTrain, d.yTrain, { epochs, batchSize, seed, validationData: [d.xTest, d.yTest], verbose });
  const { loss, accuracy } = await model.evaluate(d.xTest, d.yTest, { batchSize });
  const params = model.countParams();
  model.dispose();
  wt.dispose([d.xTrain, d.yTrain, d.xTest, d.yTest]);
  return { history, testLoss: loss!, testAccuracy: accuracy!, params, summary };
}

if (isMain(import.meta.url)) {
  const backend = await chooseBackend();
  console.log(`backend: ${backend}`);
  const r = await run({ verbose: 1 });
  console.log(`test loss ${r.testLoss.toFixed(4)}, test accuracy ${(r.testAccuracy * 100).toFixed(2)}%`);
}
