/**
 * The engine side of the MNIST page: it owns the model, trains it with the settings the page sends
 * and posts back every batch's and epoch's figures, the grid's predictions and the drawn digit's
 * probabilities. The same code runs in the page's dedicated worker (train-worker.ts), where the
 * wasm kernels and the pool's waits do not hold the page's frames, and on the main thread for the
 * backend that needs the page (gpujs).
 */
import * as wt from '../../src/index.js';
import type { Dataset } from '../../src/data/images.js';
import { provideGpuJs } from './backends.js';
import { buildMnistModel } from './model.js';
import type { FromEngine, Point, ToEngine, TrainSettings } from './train-protocol.js';

const acc = (logs: Record<string, number> | undefined): number => logs?.accuracy ?? logs?.acc ?? NaN;

/** May this thread block in Atomics.wait? Not a page's main thread; a worker of an isolated page, yes. */
function canBlock(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** An engine that answers the page's messages through `post`. */
export function createTrainer(post: (m: FromEngine, transfer?: Transferable[]) => void): (m: ToEngine) => Promise<void> {
  let model: wt.Sequential | null = null;
  let training = false;

  async function gridPredictions(pixels: Float32Array, n: number): Promise<void> {
    if (!model) return;
    const t = wt.tidy(() => wt.argMax(model!.predict(wt.tensor(pixels, [n, 784])), 1));
    const predictions = Int32Array.from((await t.data()) as Int32Array);
    t.dispose();
    post({ type: 'gridPredictions', predictions }, [predictions.buffer]);
  }

  async function train(s: TrainSettings): Promise<void> {
    let data: Dataset | null = null;
    try {
      if (s.backend === 'gpujs') await provideGpuJs();
      await wt.setBackend(s.backend);
      if (s.backend === 'wasm' && s.threads) await wt.setWasmThreads(s.threads);
      post({ type: 'status', text: `loading ${s.nTrain + s.nTest} digits…` });
      data = await wt.datasets.mnist({ url: s.url, train: s.nTrain, test: s.nTest, seed: 0 });
      const gx = wt.slice(data.xTest, [0, 0], [s.grid, 784]);
      const pixels = Float32Array.from((await gx.data()) as Float32Array);
      gx.dispose();
      post({ type: 'grid', pixels, labels: Int32Array.from(data.labelsTest.slice(0, s.grid)) });
      model?.dispose();
      model = buildMnistModel(1, s.kind);
      const initial = await model.evaluate(data.xTest, data.yTest, { batchSize: s.batchSize });
      post({ type: 'initial', point: { x: 0, loss: initial.loss ?? NaN, accuracy: acc(initial) } });
      await gridPredictions(pixels, s.grid);
      const steps = Math.ceil(s.nTrain / s.batchSize);
      const device = wt.backendInfo().device;
      const threads = device['threads'];
      post({ type: 'fitStart', steps, device, thread: typeof document === 'undefined' ? 'worker' : 'main', callerBlocks: canBlock(), ...(typeof threads === 'number' ? { threads } : {}) });
      let epochNow = 0;
      await model.fit(data.xTrain, data.yTrain, {
        epochs: s.epochs, batchSize: s.batchSize, validationData: [data.xTest, data.yTest], verbose: 0, seed: 2,
        callbacks: {
          onEpochBegin: (e) => { epochNow = e; },
          onBatchEnd: async (b, logs) => {
            const point: Point = { x: epochNow + (b + 1) / steps, loss: logs?.loss ?? NaN, accuracy: acc(logs) };
            post({ type: 'batch', epoch: epochNow, batch: b, point });
            // lets the page's stop and predict messages in between batches (a frame on the main thread)
            await wt.nextFrame();
          },
          onEpochEnd: async (e, logs) => {
            post({ type: 'epoch', point: { x: e + 1, loss: logs?.val_loss ?? NaN, accuracy: logs?.val_accuracy ?? logs?.val_acc ?? NaN } });
            await gridPredictions(pixels, s.grid);
          },
        },
      });
      post({ type: 'done' });
    } finally {
      if (data) wt.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
    }
  }

  async function predict(id: number, pixels: Float32Array): Promise<void> {
    if (!model) {
      post({ type: 'predicted', id, probabilities: null });
      return;
    }
    if (pixels.length !== 784) throw new Error(`mnist: predict expects 784 pixels, got ${pixels.length}`);
    const t = wt.tidy(() => model!.predict(wt.tensor(pixels, [1, 784])));
    const probabilities = Array.from(await t.data());
    t.dispose();
    post({ type: 'predicted', id, probabilities });
  }

  return async (m) => {
    try {
      if (m.type === 'train') {
        if (training) throw new Error('mnist: a training run is already under way');
        training = true;
        try {
          await train(m.settings);
        } finally {
          training = false;
        }
      } else if (m.type === 'stop') {
        if (model) model.stopTraining = true;
      } else if (m.type === 'predict') {
        await predict(m.id, m.pixels);
      }
    } catch (e) {
      post({ type: 'error', context: m.type === 'predict' ? 'prediction' : 'training', message: e instanceof Error ? e.message : String(e) });
    }
  };
}
