/**
 * A residual CNN on the MNIST digits, built with the functional API: the first convolution's
 * output skips over two more and is added back (an identity shortcut, as in ResNet), so the block
 * learns a correction to its input. Then pooling, a wider convolution, and the classifier.
 *
 *   image [28, 28, 1] -> conv 3x3x16 relu ─┬─ conv 3x3x16 relu -> conv 3x3x16 ─┐
 *                                          └────────────── add ────────────────┘ -> relu
 *   -> max-pool 2 -> conv 3x3x32 relu -> max-pool 2 -> flatten -> dense 10 softmax
 *
 * 160 + 2,320 + 2,320 + 4,640 + 11,530 = 20,970 parameters; adam (learning rate 0.002).
 *
 *   node dist/examples/resnet-mnist.js [--backend cpu|webgpu|wasm|gpujs]
 */
import * as wt from '../index.js';
import { chooseBackend, isMain } from './common.js';

export interface ResnetMnistOptions {
  train?: number;
  test?: number;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** 0: quiet; 1: the summary and one line per epoch. */
  verbose?: 0 | 1;
}

export interface ResnetMnistResult {
  history: wt.History;
  testLoss: number;
  testAccuracy: number;
  params: number;
  summary: string;
}

/** The residual network, compiled. */
export function buildResnet(seed = 0): wt.LayersModel {
  const L = wt.layers;
  const image = wt.input({ shape: [28, 28, 1], name: 'image' });
  const stem = L.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem' }).apply(image);
  const a = L.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block_a' }).apply(stem);
  const b = L.conv2d({ filters: 16, kernelSize: 3, padding: 'same', name: 'block_b' }).apply(a);
  const joined = L.reLU({ name: 'block_out' }).apply(L.add({ name: 'shortcut' }).apply([stem, b]));
  const p1 = L.maxPooling2d({ poolSize: 2 }).apply(joined);
  const c2 = L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', name: 'wide' }).apply(p1);
  const p2 = L.maxPooling2d({ poolSize: 2 }).apply(c2);
  const out = L.dense({ units: 10, activation: 'softmax', name: 'digit' }).apply(L.flatten().apply(p2));
  const model = wt.model({ inputs: image, outputs: out, name: 'resnet_mnist', seed });
  model.compile({ optimizer: wt.optimizers.adam({ learningRate: 0.002 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

export async function run(opts: ResnetMnistOptions = {}): Promise<ResnetMnistResult> {
  const { train = 8000, test = 2000, epochs = 3, batchSize = 32, seed = 0, verbose = 0 } = opts;
  const d = await wt.datasets.mnist({ train, test, seed, asImages: true });
  const model = buildResnet(seed);
  const summary = model.summary({ print: verbose > 0 });
  // Stop when the held-out loss stops falling (it rarely does within 3 epochs).
  const history = await model.fit(d.xTrain, d.yTrain, {
    epochs, batchSize, seed, validationData: [d.xTest, d.yTest], verbose,
    callbacks: [wt.callbacks.earlyStopping({ monitor: 'val_loss', patience: 1 })],
  });
  const { loss, accuracy } = await model.evaluate(d.xTest, d.yTest, { batchSize: 256 });
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
