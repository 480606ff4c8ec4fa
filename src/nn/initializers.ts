/**
 * Weight initializers (Keras names and defaults). Every random one is seeded: its own `seed` wins,
 * else the layer passes a seed derived from the model's, so the same seed gives the same weights
 * on every backend (the random kernel is counter-based).
 */
import * as ops from '../ops/index.js';
import { tidy } from '../memory.js';
import { fmt, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { freshSeed, hostRandom, mixSeed } from './seed.js';

/** A serialisable recipe for a weight tensor's starting values. */
export interface Initializer {
  /** The TensorFlow.js / Keras class name written to model.json. */
  readonly className: string;
  /** A new tensor of `shape`; `seed` is used when the initializer has no seed of its own. */
  apply(shape: Shape, seed?: number): Tensor;
  /** The Keras config (snake_case keys) written to model.json. */
  getConfig(): Record<string, unknown>;
}

/** The seed option every random initializer takes. */
export interface SeedOption {
  /** Fixes the values (else the model's seed, mixed with the layer and weight, decides). */
  seed?: number;
}

function checkSeed(op: string, seed: unknown): number | undefined {
  if (seed === undefined || seed === null) return undefined;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new Error(`${op}: seed must be an integer, got ${String(seed)}`);
  return seed;
}

function positive(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new Error(`${op}: ${name} must be a positive number, got ${String(v)}`);
  return v;
}

/** All zeros (Keras's default for biases). */
export function zeros(): Initializer {
  return { className: 'Zeros', apply: (shape) => ops.zeros(shape), getConfig: () => ({}) };
}

/** All ones. */
export function ones(): Initializer {
  return { className: 'Ones', apply: (shape) => ops.ones(shape), getConfig: () => ({}) };
}

/** Normal draws with `mean` (default 0) and `stddev` (default 0.05, as in Keras). */
export function randomNormal(opts: SeedOption & { mean?: number; stddev?: number } = {}): Initializer {
  const mean = opts.mean ?? 0;
  const stddev = opts.stddev ?? 0.05;
  if (typeof mean !== 'number' || !Number.isFinite(mean)) throw new Error(`randomNormal: mean must be a number, got ${String(mean)}`);
  positive('randomNormal', 'stddev', stddev);
  const own = checkSeed('randomNormal', opts.seed);
  return {
    className: 'RandomNormal',
    apply: (shape, seed) => ops.randn(shape, { mean, std: stddev, seed: own ?? seed ?? freshSeed() }),
    getConfig: () => ({ mean, stddev, seed: own ?? null }),
  };
}

/** Uniform draws in [minval, maxval) (defaults -0.05, 0.05, as in Keras). */
export function randomUniform(opts: SeedOption & { minval?: number; maxval?: number } = {}): Initializer {
  const minval = opts.minval ?? -0.05;
  const maxval = opts.maxval ?? 0.05;
  if (!(minval < maxval)) throw new Error(`randomUniform: minval (${minval}) must be below maxval (${maxval})`);
  const own = checkSeed('randomUniform', opts.seed);
  return {
    className: 'RandomUniform',
    apply: (shape, seed) => ops.rand(shape, { lo: minval, hi: maxval, seed: own ?? seed ?? freshSeed() }),
    getConfig: () => ({ minval, maxval, seed: own ?? null }),
  };
}

/** Fan-in and fan-out of a weight shape: [in, out] for a dense kernel, receptive field times channels beyond. */
export function fans(shape: Shape): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  const field = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [field * shape[shape.length - 2]!, field * shape[shape.length - 1]!];
}

/** A normal draw cut at two standard deviations: out-of-range values are redrawn, then clipped. */
function truncatedNormal(shape: Shape, seed: number, stddev: number): Tensor {
  return tidy(() => {
    let z = ops.randn(shape, { seed });
    for (let round = 1; round <= 4; round++) {
      const again = ops.randn(shape, { seed: mixSeed(seed, round) });
      z = ops.where(ops.greater(ops.abs(z), 2), again, z);
    }
    return ops.mul(ops.clip(z, -2, 2), stddev);
  });
}

/** Which fan varianceScaling divides by: inputs, outputs, or their mean. */
export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
/** The distribution varianceScaling draws from. */
export type Distribution = 'uniform' | 'normal' | 'truncated_normal';

/** Options of varianceScaling (Keras's names). */
export interface VarianceScalingConfig extends SeedOption {
  /** The variance's numerator (default 1); a positive number. */
  scale?: number;
  /** The fan (default 'fan_in'). */
  mode?: FanMode;
  /** The distribution (default 'truncated_normal'). */
  distribution?: Distribution;
}

/**
 * Keras's VarianceScaling: variance = scale / n with n the chosen fan. 'uniform' draws in
 * [-sqrt(3 variance), sqrt(3 variance)); 'normal' and 'truncated_normal' draw a normal cut at two
 * standard deviations, widened by 1/0.8796 so the variance is kept (as Keras does).
 */
export function varianceScaling(opts: VarianceScalingConfig = {}, className = 'VarianceScaling'): Initializer {
  const op = 'varianceScaling';
  const scale = positive(op, 'scale', opts.scale ?? 1);
  const mode = opts.mode ?? 'fan_in';
  const distribution = opts.distribution ?? 'truncated_normal';
  if (!['fan_in', 'fan_out', 'fan_avg'].includes(mode)) throw new Error(`${op}: unknown mode '${String(mode)}' (expected fan_in, fan_out or fan_avg)`);
  if (!['uniform', 'normal', 'truncated_normal'].includes(distribution)) {
    throw new Error(`${op}: unknown distribution '${String(distribution)}' (expected uniform, normal or truncated_normal)`);
  }
  const own = checkSeed(op, opts.seed);
  return {
    className,
    apply: (shape, seed) => {
      const [fanIn, fanOut] = fans(shape);
      const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
      if (!(n > 0)) throw new Error(`${op}: cannot initialise a weight of shape ${fmt(shape)} (its fan is 0)`);
      const variance = scale / n;
      const s = own ?? seed ?? freshSeed();
      if (distribution === 'uniform') {
        const limit = Math.sqrt(3 * variance);
        return ops.rand(shape, { lo: -limit, hi: limit, seed: s });
      }
      return truncatedNormal(shape, s, Math.sqrt(variance) / 0.8796256610342398);
    },
    getConfig: () => ({ scale, mode, distribution, seed: own ?? null }),
  };
}

/** Glorot (Xavier) uniform: limit sqrt(6 / (fanIn + fanOut)). Keras's default for dense kernels. */
export function glorotUniform(opts: SeedOption = {}): Initializer {
  return varianceScaling({ scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: opts.seed }, 'VarianceScaling');
}

/** Glorot (Xavier) normal: stddev sqrt(2 / (fanIn + fanOut)), truncated. */
export function glorotNormal(opts: SeedOption = {}): Initializer {
  return varianceScaling({ scale: 1, mode: 'fan_avg', distribution: 'truncated_normal', seed: opts.seed });
}

/** He normal: stddev sqrt(2 / fanIn), truncated (for relu layers). */
export function heNormal(opts: SeedOption = {}): Initializer {
  return varianceScaling({ scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: opts.seed });
}

/** He uniform: limit sqrt(6 / fanIn). */
export function heUniform(opts: SeedOption = {}): Initializer {
  return varianceScaling({ scale: 2, mode: 'fan_in', distribution: 'uniform', seed: opts.seed });
}

/**
 * Keras's Orthogonal (the default for recurrent kernels): the rows-by-columns matrix (the last axis
 * is the columns, the rest flattened into rows) with orthonormal rows or columns, whichever are
 * fewer, times `gain`. Drawn on the host (Gram-Schmidt over seeded normal draws), so every backend
 * starts from the same values; the values are not those of Keras's QR draw.
 */
export function orthogonal(opts: SeedOption & { gain?: number } = {}): Initializer {
  const gain = opts.gain ?? 1;
  if (typeof gain !== 'number' || !Number.isFinite(gain)) throw new Error(`orthogonal: gain must be a number, got ${String(gain)}`);
  const own = checkSeed('orthogonal', opts.seed);
  return {
    className: 'Orthogonal',
    apply: (shape, seed) => {
      if (shape.length < 2) throw new Error(`orthogonal: needs a weight of at least 2 dimensions, got ${fmt(shape)}`);
      const cols = shape[shape.length - 1]!;
      const rows = shape.reduce((a, b) => a * b, 1) / cols;
      // Orthonormalise the shorter side: n vectors of length m.
      const n = Math.min(rows, cols), m = Math.max(rows, cols);
      const r = hostRandom(own ?? seed ?? freshSeed());
      const v = new Float64Array(n * m);
      for (let i = 0; i < v.length; i++) v[i] = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) {
          let d = 0;
          for (let k = 0; k < m; k++) d += v[i * m + k]! * v[j * m + k]!;
          for (let k = 0; k < m; k++) v[i * m + k]! -= d * v[j * m + k]!;
        }
        let len = 0;
        for (let k = 0; k < m; k++) len += v[i * m + k]! ** 2;
        len = Math.sqrt(len) || 1;
        for (let k = 0; k < m; k++) v[i * m + k]! /= len;
      }
      const out = new Float32Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (rows <= cols ? v[i * m + j]! : v[j * m + i]!);
      return ops.tensor(out, shape);
    },
    getConfig: () => ({ gain, seed: own ?? null }),
  };
}

/** Initializers by the names layers accept as strings. */
const BY_NAME: Record<string, () => Initializer> = {
  zeros, ones, randomNormal, randomUniform, glorotUniform, glorotNormal, heNormal, heUniform, varianceScaling, orthogonal,
};

export type InitializerIdentifier = 'zeros' | 'ones' | 'randomNormal' | 'randomUniform' | 'glorotUniform' | 'glorotNormal' | 'heNormal' | 'heUniform' | 'varianceScaling' | 'orthogonal';

/** An initializer from a name or an Initializer object; `op` names the caller in errors. */
export function getInitializer(op: string, x: InitializerIdentifier | Initializer | undefined, fallback: InitializerIdentifier): Initializer {
  if (x === undefined || x === null) return BY_NAME[fallback]!();
  if (typeof x === 'string') {
    const make = BY_NAME[x];
    if (!make) throw new Error(`${op}: unknown initializer '${x}' (expected one of ${Object.keys(BY_NAME).join(', ')})`);
    return make();
  }
  if (typeof x === 'object' && typeof x.apply === 'function') return x;
  throw new Error(`${op}: expected an initializer name or object, got ${typeof x}`);
}

/** Rebuild an initializer from its model.json form ({class_name, config}). Unknown ones fall back to zeros (the weights are loaded anyway). */
export function initializerFromConfig(json: unknown): Initializer | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const { class_name: cls, config = {} } = json as { class_name?: string; config?: Record<string, unknown> };
  const seed = typeof config.seed === 'number' ? config.seed : undefined;
  switch (cls) {
    case 'Zeros': return zeros();
    case 'Ones': return ones();
    case 'RandomNormal': return randomNormal({ mean: config.mean as number, stddev: config.stddev as number, seed });
    case 'RandomUniform': return randomUniform({ minval: config.minval as number, maxval: config.maxval as number, seed });
    case 'VarianceScaling': return varianceScaling({ scale: config.scale as number, mode: config.mode as FanMode, distribution: config.distribution as Distribution, seed });
    case 'GlorotUniform': return glorotUniform({ seed });
    case 'GlorotNormal': return glorotNormal({ seed });
    case 'HeNormal': return heNormal({ seed });
    case 'HeUniform': return heUniform({ seed });
    case 'Orthogonal': return orthogonal({ gain: typeof config.gain === 'number' ? config.gain : undefined, seed });
    default: return undefined;
  }
}
