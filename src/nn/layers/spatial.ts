/**
 * Image-shape layers over [batch, height, width, channels]: zeroPadding2d, cropping2D and
 * upSampling2d (nearest by a broadcast, bilinear by two gathers and a blend per axis, as
 * TensorFlow.js's resizeBilinear without aligned corners). Weightless, composed from existing ops.
 */
import * as ops from '../../ops/index.js';
import { fromData } from '../../ops/core.js';
import type { Tensor } from '../../tensor.js';
import { Layer, type LayerArgs } from './layer.js';
import { fmtSymbolic, type SymbolicShape } from './symbolic.js';

/** [[top, bottom], [left, right]] from an integer, a [height, width] pair, or the full form. */
function pairs(op: string, v: unknown, fallback: number): [[number, number], [number, number]] {
  const ok = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
  if (v === undefined) return [[fallback, fallback], [fallback, fallback]];
  if (ok(v)) return [[v, v], [v, v]];
  if (Array.isArray(v) && v.length === 2 && v.every(ok)) {
    const [h, w] = v as [number, number];
    return [[h, h], [w, w]];
  }
  if (Array.isArray(v) && v.length === 2 && v.every((p) => Array.isArray(p) && p.length === 2 && p.every(ok))) return v as [[number, number], [number, number]];
  throw new Error(`${op}: expected a non-negative integer, [height, width] or [[top, bottom], [left, right]], got ${JSON.stringify(v)}`);
}

function images(name: string, s: SymbolicShape): void {
  if (s.length !== 4) throw new Error(`${name}: expects images [batch, height, width, channels], got ${fmtSymbolic(s)}`);
}

const plus = (d: number | null, n: number): number | null => (d === null ? null : d + n);

function checkFormat(op: string, f: unknown): void {
  if (f !== undefined && f !== 'channelsLast') throw new Error(`${op}: dataFormat must be 'channelsLast', got ${JSON.stringify(f)}`);
}

/** Options of zeroPadding2d. */
export interface ZeroPadding2DArgs extends LayerArgs {
  /** Rows and columns of zeros: n, [height, width] or [[top, bottom], [left, right]] (default 1). */
  padding?: number | [number, number] | [[number, number], [number, number]];
  /** Only 'channelsLast'. */
  dataFormat?: 'channelsLast';
}

/** Adds rows and columns of zeros around each image. */
export class ZeroPadding2D extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'ZeroPadding2D';
  /** [[top, bottom], [left, right]]. */
  readonly padding: [[number, number], [number, number]];

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    checkFormat('zeroPadding2d', args.dataFormat);
    this.padding = pairs('zeroPadding2d: padding', args.padding, 1);
  }

  getClassName(): string {
    return ZeroPadding2D.className;
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    images(this.name, s);
    const [[t, b], [l, r]] = this.padding;
    return [s[0]!, plus(s[1]!, t + b), plus(s[2]!, l + r), s[3]!];
  }

  call(x: Tensor): Tensor {
    const [[t, b], [l, r]] = this.padding;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    return ops.pad(x, [n, h + t + b, w + l + r, c], [0, t, l, 0]);
  }

  override getConfig(): Record<string, unknown> {
    return { padding: this.padding.map((p) => p.slice()), data_format: 'channels_last', ...super.getConfig() };
  }
}

/** Options of cropping2D. */
export interface Cropping2DArgs extends LayerArgs {
  /** Rows and columns cut: n, [height, width] or [[top, bottom], [left, right]] (default 0). */
  cropping?: number | [number, number] | [[number, number], [number, number]];
  /** Only 'channelsLast'. */
  dataFormat?: 'channelsLast';
}

/** Cuts rows and columns off the edges of each image. */
export class Cropping2D extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Cropping2D';
  /** [[top, bottom], [left, right]]. */
  readonly cropping: [[number, number], [number, number]];

  constructor(args: Cropping2DArgs = {}) {
    super(args);
    checkFormat('cropping2D', args.dataFormat);
    this.cropping = pairs('cropping2D: cropping', args.cropping, 0);
  }

  getClassName(): string {
    return Cropping2D.className;
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    images(this.name, s);
    const [[t, b], [l, r]] = this.cropping;
    const cut = (d: number | null, n: number): number | null => {
      if (d !== null && d - n < 1) throw new Error(`${this.name}: cropping ${JSON.stringify(this.cropping)} leaves nothing of an input ${fmtSymbolic(s)}`);
      return plus(d, -n);
    };
    return [s[0]!, cut(s[1]!, t + b), cut(s[2]!, l + r), s[3]!];
  }

  call(x: Tensor): Tensor {
    const [[t, b], [l, r]] = this.cropping;
    this.computeOutputShape([null, ...x.shape.slice(1)]);
    return ops.slice(x, [0, t, l, 0], [-1, x.shape[1]! - t - b, x.shape[2]! - l - r, -1]);
  }

  override getConfig(): Record<string, unknown> {
    return { cropping: this.cropping.map((p) => p.slice()), data_format: 'channels_last', ...super.getConfig() };
  }
}

/** Options of upSampling2d. */
export interface UpSampling2DArgs extends LayerArgs {
  /** The factors for height and width (default [2, 2]). */
  size?: number | [number, number];
  /** 'nearest' (default) repeats pixels; 'bilinear' blends the nearest four. */
  interpolation?: 'nearest' | 'bilinear';
  /** Only 'channelsLast'. */
  dataFormat?: 'channelsLast';
}

/** Enlarges each image by whole factors. */
export class UpSampling2D extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'UpSampling2D';
  /** [height factor, width factor]. */
  readonly size: [number, number];
  /** How new pixels are made. */
  readonly interpolation: 'nearest' | 'bilinear';

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    checkFormat('upSampling2d', args.dataFormat);
    const s = args.size ?? [2, 2];
    const pair = typeof s === 'number' ? [s, s] : s;
    if (!Array.isArray(pair) || pair.length !== 2 || pair.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`upSampling2d: size must be a positive integer or a pair of them, got ${JSON.stringify(args.size)}`);
    this.size = [pair[0]!, pair[1]!];
    this.interpolation = args.interpolation ?? 'nearest';
    if (this.interpolation !== 'nearest' && this.interpolation !== 'bilinear') throw new Error(`upSampling2d: interpolation must be 'nearest' or 'bilinear', got ${JSON.stringify(args.interpolation)}`);
  }

  getClassName(): string {
    return UpSampling2D.className;
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    images(this.name, s);
    const [a, b] = this.size;
    return [s[0]!, s[1] === null ? null : s[1]! * a, s[2] === null ? null : s[2]! * b, s[3]!];
  }

  call(x: Tensor): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [a, b] = this.size;
    if (this.interpolation === 'nearest') {
      const big = ops.broadcastTo(ops.reshape(x, [n, h, 1, w, 1, c]), [n, h, a, w, b, c]);
      return ops.reshape(big, [n, h * a, w * b, c]);
    }
    return resize(resize(x, 1, h * a), 2, w * b);
  }

  override getConfig(): Record<string, unknown> {
    return { size: this.size.slice(), interpolation: this.interpolation, data_format: 'channels_last', ...super.getConfig() };
  }
}

/** Linear resampling of `axis` to `out` entries: source position i * (in / out), blended between its two neighbours. */
function resize(x: Tensor, axis: 1 | 2, out: number): Tensor {
  const len = x.shape[axis]!;
  const lo = new Int32Array(out), hi = new Int32Array(out), frac = new Float32Array(out);
  for (let i = 0; i < out; i++) {
    const src = (i * len) / out;
    lo[i] = Math.floor(src);
    hi[i] = Math.min(lo[i]! + 1, len - 1);
    frac[i] = src - lo[i]!;
  }
  const shape = axis === 1 ? [1, out, 1, 1] : [1, 1, out, 1];
  const f = fromData(frac, shape, 'float32', x.backend);
  const a = ops.gather(x, fromData(lo, [out], 'int32', x.backend), axis);
  const b = ops.gather(x, fromData(hi, [out], 'int32', x.backend), axis);
  return ops.add(a, ops.mul(ops.sub(b, a), f));
}
