/**
 * The Keras pooling layers beyond the 2-D ones: MaxPooling1D and AveragePooling1D over [batch,
 * steps, channels] (a 2-D pool of width 1), MaxPooling3D and AveragePooling3D over [batch, depth,
 * height, width, channels], and the global pools GlobalMaxPooling1D, GlobalAveragePooling1D and
 * GlobalMaxPooling2D. Keras defaults: poolSize 2, strides = poolSize, padding 'valid'.
 */
import * as ops from '../../ops/index.js';
import { convOutputSize } from '../../ops/conv.js';
import type { Tensor } from '../../tensor.js';
import { checkDataFormat, checkPadding } from './conv.js';
import { Layer, type LayerArgs, type SymbolicShape, fmtSymbolic } from './layer.js';

/** The options of the 1-D and 3-D pooling layers. */
export interface PoolingNDArgs extends LayerArgs {
  /** The window: one number for every spatial dim, or one per dim (default 2). */
  poolSize?: number | readonly number[];
  /** Default: poolSize. */
  strides?: number | readonly number[] | null;
  /** Default 'valid'; with 'same', padded positions are ignored. */
  padding?: 'valid' | 'same';
  /** Only 'channelsLast'. */
  dataFormat?: 'channelsLast';
}

function sizes(op: string, name: string, v: unknown, n: number): number[] {
  const p = typeof v === 'number' ? new Array<number>(n).fill(v) : Array.isArray(v) && v.length === n ? v : null;
  if (!p || !p.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a list of ${n}, got ${JSON.stringify(v)}`);
  }
  return p.slice() as number[];
}

abstract class PoolingND extends Layer {
  /** The window per spatial dim. */
  readonly poolSize: number[];
  /** Steps between neighbouring windows per spatial dim. */
  readonly strides: number[];
  /** 'valid' or 'same'. */
  readonly padding: 'valid' | 'same';

  constructor(protected readonly op: string, protected readonly rank: 1 | 3, args: PoolingNDArgs) {
    super(args);
    this.poolSize = sizes(op, 'poolSize', args.poolSize ?? 2, rank);
    this.strides = sizes(op, 'strides', args.strides ?? this.poolSize, rank);
    this.padding = checkPadding(op, args.padding, args.dataFormat);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== this.rank + 2) throw new Error(`${this.name}: expects inputs of rank ${this.rank + 2}, got input shape ${fmtSymbolic(inputShape)}`);
    const space = inputShape.slice(1, this.rank + 1).map((n, i) => {
      if (n === null || n === undefined) return null;
      const out = convOutputSize(n, this.poolSize[i]!, this.strides[i]!, 1, this.padding);
      if (out < 1) throw new Error(`${this.name}: the window ${this.poolSize.join('x')} does not fit the input ${fmtSymbolic(inputShape)} with padding 'valid'`);
      return out;
    });
    return [inputShape[0] ?? null, ...space, inputShape[this.rank + 1] ?? null];
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape, seed);
  }

  /** The pool of x, by the subclass's kind. */
  protected pool(x: Tensor, kind: 'max' | 'avg'): Tensor {
    if (this.rank === 3) {
      const f = kind === 'max' ? ops.maxPool3d : ops.avgPool3d;
      return f(x, this.poolSize as [number, number, number], this.strides as [number, number, number], this.padding);
    }
    const [b, n, c] = x.shape as [number, number, number];
    const f = kind === 'max' ? ops.maxPool : ops.avgPool;
    const y = f(ops.reshape(x, [b, n, 1, c]), [this.poolSize[0]!, 1], [this.strides[0]!, 1], this.padding);
    return ops.reshape(y, [b, y.shape[1]!, c]);
  }

  override getConfig(): Record<string, unknown> {
    return { pool_size: this.poolSize.slice(), padding: this.padding, strides: this.strides.slice(), data_format: 'channels_last', ...super.getConfig() };
  }
}

/** The largest value of each poolSize window of [batch, steps, channels]. */
export class MaxPooling1D extends PoolingND {
  /** Keras's class name, as in model.json. */
  static readonly className = 'MaxPooling1D';
  constructor(args: PoolingNDArgs = {}) { super('maxPooling1d', 1, args); }
  getClassName(): string { return MaxPooling1D.className; }
  call(x: Tensor): Tensor { return this.pool(x, 'max'); }
}

/** The mean of each poolSize window of [batch, steps, channels]. */
export class AveragePooling1D extends PoolingND {
  /** Keras's class name, as in model.json. */
  static readonly className = 'AveragePooling1D';
  constructor(args: PoolingNDArgs = {}) { super('averagePooling1d', 1, args); }
  getClassName(): string { return AveragePooling1D.className; }
  call(x: Tensor): Tensor { return this.pool(x, 'avg'); }
}

/** The largest value of each poolSize window of [batch, depth, height, width, channels]. */
export class MaxPooling3D extends PoolingND {
  /** Keras's class name, as in model.json. */
  static readonly className = 'MaxPooling3D';
  constructor(args: PoolingNDArgs = {}) { super('maxPooling3d', 3, args); }
  getClassName(): string { return MaxPooling3D.className; }
  call(x: Tensor): Tensor { return this.pool(x, 'max'); }
}

/** The mean of each poolSize window of [batch, depth, height, width, channels]. */
export class AveragePooling3D extends PoolingND {
  /** Keras's class name, as in model.json. */
  static readonly className = 'AveragePooling3D';
  constructor(args: PoolingNDArgs = {}) { super('averagePooling3d', 3, args); }
  getClassName(): string { return AveragePooling3D.className; }
  call(x: Tensor): Tensor { return this.pool(x, 'avg'); }
}

/** The max or mean over every position: [batch, ...space, channels] -> [batch, channels]. */
abstract class GlobalPooling extends Layer {
  constructor(protected readonly op: string, protected readonly rank: 1 | 2, protected readonly kind: 'max' | 'avg', args: LayerArgs & { dataFormat?: 'channelsLast' }) {
    super(args);
    checkDataFormat(op, args.dataFormat);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length !== this.rank + 2) throw new Error(`${this.name}: expects inputs of rank ${this.rank + 2}, got input shape ${fmtSymbolic(inputShape)}`);
    return [inputShape[0] ?? null, inputShape[this.rank + 1] ?? null];
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape, seed);
  }

  call(x: Tensor): Tensor {
    const axes = this.rank === 1 ? [1] : [1, 2];
    return this.kind === 'max' ? ops.max(x, axes) : ops.mean(x, axes);
  }

  override getConfig(): Record<string, unknown> {
    return this.rank === 2 ? { data_format: 'channels_last', ...super.getConfig() } : super.getConfig();
  }
}

/** The largest value over the steps: [batch, steps, channels] -> [batch, channels]. */
export class GlobalMaxPooling1D extends GlobalPooling {
  /** Keras's class name, as in model.json. */
  static readonly className = 'GlobalMaxPooling1D';
  constructor(args: LayerArgs = {}) { super('globalMaxPooling1d', 1, 'max', args); }
  getClassName(): string { return GlobalMaxPooling1D.className; }
}

/** The mean over the steps: [batch, steps, channels] -> [batch, channels]. */
export class GlobalAveragePooling1D extends GlobalPooling {
  /** Keras's class name, as in model.json. */
  static readonly className = 'GlobalAveragePooling1D';
  constructor(args: LayerArgs = {}) { super('globalAveragePooling1d', 1, 'avg', args); }
  getClassName(): string { return GlobalAveragePooling1D.className; }
}

/** The largest value over height and width: [batch, h, w, c] -> [batch, c]. */
export class GlobalMaxPooling2D extends GlobalPooling {
  /** Keras's class name, as in model.json. */
  static readonly className = 'GlobalMaxPooling2D';
  constructor(args: LayerArgs & { dataFormat?: 'channelsLast' } = {}) { super('globalMaxPooling2d', 2, 'max', args); }
  getClassName(): string { return GlobalMaxPooling2D.className; }
}
