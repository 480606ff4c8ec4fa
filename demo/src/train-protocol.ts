/**
 * The messages between the MNIST page and the engine that trains its model, which runs in a
 * dedicated worker (demo/src/train-worker.ts) or, for a backend that cannot leave the page, on the
 * page's main thread (demo/src/trainer.ts serves both the same way). The page only draws: it sends
 * train settings, a stop request and the drawn digit's pixels; it receives the logs it charts.
 */
import type { BackendName } from '../../src/index.js';
import type { ModelKind } from './model.js';

/** What one training run needs; `url` is the folder of the MNIST files (a worker has no document). */
export interface TrainSettings {
  backend: BackendName;
  kind: ModelKind;
  nTrain: number;
  nTest: number;
  epochs: number;
  batchSize: number;
  url: string;
  /** How many digits of the test set the page shows with their predictions. */
  grid: number;
  /** wasm threads (0 or absent: the backend's default, one per logical core). */
  threads?: number;
}

/** A point on the charts: x in epochs. */
export interface Point { x: number; loss: number; accuracy: number }

/** Page → engine. */
export type ToEngine =
  | { type: 'train'; settings: TrainSettings }
  | { type: 'stop' }
  | { type: 'predict'; id: number; pixels: Float32Array };

/** Engine → page. */
export type FromEngine =
  | { type: 'status'; text: string }
  /** The grid's digits (pixels of `grid` rows, and their labels), once the data has loaded. */
  | { type: 'grid'; pixels: Float32Array; labels: Int32Array }
  /** The untrained model's validation figures. */
  | { type: 'initial'; point: Point }
  /** The grid's predicted labels (after `initial` and after each epoch). */
  | { type: 'gridPredictions'; predictions: Int32Array }
  /**
   * Training begins: where the engine finds itself (a worker has no document) and whether its thread
   * may block in Atomics.wait (so the wasm pool's caller sleeps rather than spins).
   */
  | { type: 'fitStart'; steps: number; threads?: number; thread: 'worker' | 'main'; callerBlocks: boolean; device: Record<string, string | number | boolean> }
  | { type: 'batch'; epoch: number; batch: number; point: Point }
  | { type: 'epoch'; point: Point }
  | { type: 'done' }
  /** A failed run ('training') or a failed prediction of the drawn digit ('prediction'). */
  | { type: 'error'; context: 'training' | 'prediction'; message: string }
  /** The drawn digit's ten probabilities, or null before any model exists. */
  | { type: 'predicted'; id: number; probabilities: number[] | null };
