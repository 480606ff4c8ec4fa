/**
 * Callbacks with TensorFlow.js's names: `wt.callbacks.earlyStopping` ends fit when a monitored
 * figure stops improving. Any object of hooks (onEpochEnd, onBatchEnd, ...) is a callback too; one
 * with setModel is handed the model being trained before the first hook runs.
 */
import type { LayersModel } from './model.js';
import type { CustomCallbackArgs, Logs } from './training.js';

/** Options of earlyStopping (TensorFlow.js's names and defaults). */
export interface EarlyStoppingArgs {
  /** The figure watched (default 'val_loss'). */
  monitor?: string;
  /** A change smaller than this is no improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before training stops (default 0). */
  patience?: number;
  /** 'min', 'max', or 'auto' (default): max for accuracies, min otherwise. */
  mode?: 'auto' | 'min' | 'max';
  /** Stop unless the figure beats this (default none). */
  baseline?: number;
  /** 1: print a line when stopping (default 0). */
  verbose?: number;
}

/** The callback earlyStopping returns. */
export class EarlyStopping implements CustomCallbackArgs {
  /** The figure watched. */
  readonly monitor: string;
  /** The smallest change that counts. */
  readonly minDelta: number;
  /** Epochs of patience. */
  readonly patience: number;
  /** Whether larger is better. */
  readonly higherIsBetter: boolean;
  /** The epoch at which training was stopped, or 0. */
  stoppedEpoch = 0;
  private readonly baseline?: number;
  private readonly verbose: number;
  private model?: LayersModel;
  private best = Infinity;
  private wait = 0;

  constructor(args: EarlyStoppingArgs = {}) {
    if (args === null || typeof args !== 'object') throw new Error(`earlyStopping: expected an options object, got ${String(args)}`);
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new Error(`earlyStopping: patience must be a non-negative integer, got ${String(args.patience)}`);
    const mode = args.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw new Error(`earlyStopping: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(args.mode)}`);
    this.higherIsBetter = mode === 'max' || (mode === 'auto' && /acc/.test(this.monitor));
    this.baseline = args.baseline;
    this.verbose = args.verbose ?? 0;
  }

  /** Called by fit with the model it trains. */
  setModel(model: LayersModel): void {
    this.model = model;
  }

  /** Resets the count. */
  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.baseline !== undefined ? this.sign() * this.baseline : Infinity;
  }

  /** Compares the epoch's figure with the best so far; stops training after `patience` epochs without improvement. */
  onEpochEnd(epoch: number, logs?: Logs): void {
    const v = logs?.[this.monitor];
    if (v === undefined) throw new Error(`earlyStopping: the figure '${this.monitor}' is not among this fit's logs (${Object.keys(logs ?? {}).join(', ')}); pass validationData for val_ figures`);
    const score = this.sign() * v;
    if (score < this.best - this.minDelta) {
      this.best = score;
      this.wait = 0;
      return;
    }
    if (++this.wait > this.patience) {
      this.stoppedEpoch = epoch;
      if (this.model) this.model.stopTraining = true;
      if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: early stopping`);
    }
  }

  private sign(): number {
    return this.higherIsBetter ? -1 : 1;
  }
}

/** Stop fit when `monitor` (default val_loss) has not improved by minDelta for `patience` epochs. */
export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}
