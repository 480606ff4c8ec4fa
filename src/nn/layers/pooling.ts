/**
 * Pooling layers over NHWC images: maxPooling2d and averagePooling2d (Keras defaults: poolSize 2,
 * strides = poolSize, padding 'valid'; with 'same', padded positions are ignored), and
 * globalAveragePooling2d, the mean over height and width ([batch, h, w, c] -> [batch, c]).
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { checkDataFormat, checkPadding, pair2d, type Size2D, windowOutputShape } from './conv.js';
import { Layer, type LayerArgs, type SymbolicShape, fmtSymbolic } from './layer.js';

export interface Pooling2DArgs extends LayerArgs {
  /** [height, width] of the window, or one number for both (default 2). */
  poolSize?: Size2D;
  /** Default: poolSize. */
  strides?: Size2D;
  /** Default 'valid'. */
  padding?: 'valid' | 'same';
  /** Only 'channelsLast'. */
  dataFormat?: 'channelsLast';
}

abstract class Pooling2D extends Layer {
  /** [height, width] of the window. */
  readonly poolSize: [number, number];
  /** [rows, columns] between neighbouring windows. */
  readonly strides: [number, number];
  /** 'valid' (windows inside the image) or 'same' (padded positions ignored). */
  readonly padding: 'valid' | 'same';

  constructor(args: Pooling2DArgs = {}) {
    super(args);
    const op = this.getClassName() === 'MaxPooling2D' ? 'maxPooling2d' : 'averagePooling2d';
    this.poolSize = pair2d(op, 'poolSize', args.poolSize, [2, 2]);
    // a null stride (as model.json may hold) means the window's size, as undefined does
    this.strides = pair2d(op, 'strides', args.strides ?? undefined, this.poolSize);
    this.padding = checkPadding(op, args.padding, args.dataFormat);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return windowOutputShape(this.name, inputShape, this.poolSize, this.strides, [1, 1], this.padding, inputShape[3] ?? null);
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape, seed);
  }

  override getConfig(): Record<string, unknown> {
    return { pool_size: this.poolSize.slice(), padding: this.padding, strides: this.strides.slice(), data_format: 'channels_last', ...super.getConfig() };
  }
}

/** The largest value of each poolSize window, per channel. */
export class MaxPooling2D extends Pooling2D {
  /** Keras's class name, as in model.json. */
  static readonly className = 'MaxPooling2D';

  getClassName(): string {
    return MaxPooling2D.className;
  }

  call(x: Tensor): Tensor {
    return ops.maxPool(x, this.poolSize, this.strides, this.padding);
  }
}

/** The mean of each poolSize window, per channel. */
export class AveragePooling2D extends Pooling2D {
  /** Keras's class name, as in model.json. */
  static readonly className = 'AveragePooling2D';

  getClassName(): string {
    return AveragePooling2D.className;
  }

  call(x: Tensor): Tensor {
    return ops.avgPool(x, this.poolSize, this.strides, this.padding);
  }
}

/** The mean over height and width: [batch, h, w, c] -> [batch, c]. */
export class GlobalAveragePooling2D extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'GlobalAveragePooling2D';

  constructor(args: LayerArgs & { dataFormat?: 'channelsLast' } = {}) {
    super(args);
    checkDataFormat('globalAveragePooling2d', args.dataFormat);
  }

  getClassName(): string {
    return GlobalAveragePooling2D.className;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== 4) throw new Error(`${this.name}: expects images [batch, height, width, channels], got input shape ${fmtSymbolic(inputShape)}`);
    return [inputShape[0] ?? null, inputShape[3] ?? null];
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape, seed);
  }

  call(x: Tensor): Tensor {
    return ops.mean(x, [1, 2]);
  }

  override getConfig(): Record<string, unknown> {
    return { data_format: 'channels_last', ...super.getConfig() };
  }
}
