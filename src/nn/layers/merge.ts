/**
 * Merge layers: several inputs in, one out. add / subtract / multiply / average / maximum / minimum
 * combine elementwise (with broadcasting, as Keras); concatenate joins along an axis; dot takes the
 * dot product along chosen axes of two inputs. All are weightless and composed from existing ops.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { Layer, type LayerArgs } from './layer.js';
import { fmtSymbolic, type SymbolicShape } from './symbolic.js';

/** The Keras classes of the elementwise merges. */
export type Elementwise = 'Add' | 'Subtract' | 'Multiply' | 'Average' | 'Maximum' | 'Minimum';

/** Keras's broadcast of two shapes (right-aligned; 1 or null stretch). */
function broadcast(op: string, a: SymbolicShape, b: SymbolicShape): SymbolicShape {
  const n = Math.max(a.length, b.length);
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const ia = a.length - n + i, ib = b.length - n + i;
    const x = ia >= 0 ? a[ia]! : 1;
    const y = ib >= 0 ? b[ib]! : 1;
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === null || y === null) out.push(x ?? y);
    else if (x === y) out.push(x);
    else throw new Error(`${op}: inputs of shapes ${fmtSymbolic(a)} and ${fmtSymbolic(b)} do not broadcast`);
  }
  return out;
}

function list(op: string, s: SymbolicShape | SymbolicShape[], min = 2, max = Infinity): SymbolicShape[] {
  const shapes = Array.isArray(s[0]) || s.length === 0 ? (s as SymbolicShape[]) : [s as SymbolicShape];
  if (shapes.length < min || shapes.length > max) {
    throw new Error(`${op}: expected ${max === min ? `${min}` : `at least ${min}`} inputs, got ${shapes.length}`);
  }
  return shapes;
}

function inputs(op: string, x: Tensor | Tensor[]): Tensor[] {
  if (!Array.isArray(x) || x.length < 2) throw new Error(`${op}: expected an array of at least 2 tensors, got ${Array.isArray(x) ? x.length : 1}`);
  return x;
}

/** The elementwise merges; each subclass is one Keras class. */
export abstract class ElementwiseMerge extends Layer {
  /** The Keras class, which picks the operation. */
  abstract override getClassName(): Elementwise;

  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shapes = list(this.name, inputShape, 2, this.getClassName() === 'Subtract' ? 2 : Infinity);
    return shapes.slice(1).reduce((a, b) => broadcast(this.name, a, b), shapes[0]!);
  }

  call(x: Tensor | Tensor[]): Tensor {
    const xs = inputs(this.name, x);
    const kind = this.getClassName();
    if (kind === 'Subtract' && xs.length !== 2) throw new Error(`${this.name}: subtract takes exactly 2 inputs, got ${xs.length}`);
    const f = { Add: ops.add, Subtract: ops.sub, Multiply: ops.mul, Average: ops.add, Maximum: ops.maximum, Minimum: ops.minimum }[kind];
    const y = xs.slice(1).reduce((a, b) => f(a, b), xs[0]!);
    return kind === 'Average' ? ops.mul(y, 1 / xs.length) : y;
  }
}

/** The sum of its inputs. */
export class Add extends ElementwiseMerge {
  getClassName(): 'Add' { return 'Add'; }
}
/** The first input minus the second. */
export class Subtract extends ElementwiseMerge {
  getClassName(): 'Subtract' { return 'Subtract'; }
}
/** The product of its inputs. */
export class Multiply extends ElementwiseMerge {
  getClassName(): 'Multiply' { return 'Multiply'; }
}
/** The mean of its inputs. */
export class Average extends ElementwiseMerge {
  getClassName(): 'Average' { return 'Average'; }
}
/** The elementwise maximum of its inputs. */
export class Maximum extends ElementwiseMerge {
  getClassName(): 'Maximum' { return 'Maximum'; }
}
/** The elementwise minimum of its inputs. */
export class Minimum extends ElementwiseMerge {
  getClassName(): 'Minimum' { return 'Minimum'; }
}

/** Options of concatenate. */
export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along (default -1, the last). */
  axis?: number;
}

/** Joins its inputs along `axis`; the other dimensions must agree. */
export class Concatenate extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Concatenate';
  /** The axis joined along. */
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis) || this.axis === 0) throw new Error(`concatenate: axis must be a non-zero integer (0 is the batch), got ${String(args.axis)}`);
  }

  getClassName(): string {
    return Concatenate.className;
  }

  private norm(rank: number): number {
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 1 || a >= rank) throw new Error(`${this.name}: axis ${this.axis} is out of range for inputs of rank ${rank}`);
    return a;
  }

  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shapes = list(this.name, inputShape);
    const rank = shapes[0]!.length;
    const a = this.norm(rank);
    for (const s of shapes) {
      if (s.length !== rank || s.some((d, i) => i !== 0 && i !== a && d !== null && shapes[0]![i] !== null && d !== shapes[0]![i])) {
        throw new Error(`${this.name}: inputs ${shapes.map(fmtSymbolic).join(', ')} differ outside axis ${this.axis}`);
      }
    }
    const out = shapes[0]!.slice();
    out[a] = shapes.some((s) => s[a] === null) ? null : shapes.reduce((n, s) => n + (s[a] as number), 0);
    return out;
  }

  call(x: Tensor | Tensor[]): Tensor {
    const xs = inputs(this.name, x);
    return ops.concat(xs, this.norm(xs[0]!.rank));
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, ...super.getConfig() };
  }
}

/** Options of dot. */
export interface DotArgs extends LayerArgs {
  /** The axis of each input to contract: one for both, or one per input (required). */
  axes: number | [number, number];
  /** L2-normalize both inputs along their axes first: the result is the cosine similarity (default false). */
  normalize?: boolean;
}

/** The dot product of two inputs along `axes`: [b, n] . [b, n] -> [b, 1]; [b, n, d] . [b, m, d] (axes 2) -> [b, n, m]. */
export class Dot extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Dot';
  /** The contracted axis of each input. */
  readonly axes: [number, number];
  /** Whether inputs are L2-normalized first. */
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    const ax = Array.isArray(args?.axes) ? args.axes : [args?.axes, args?.axes];
    if (ax.length !== 2 || ax.some((a) => !Number.isInteger(a))) throw new Error(`dot: axes must be an integer or a pair of integers, got ${JSON.stringify(args?.axes)}`);
    this.axes = ax as [number, number];
    this.normalize = args.normalize ?? false;
  }

  getClassName(): string {
    return Dot.className;
  }

  private norm(rank: number, i: 0 | 1): number {
    const a = this.axes[i] < 0 ? this.axes[i] + rank : this.axes[i];
    if (rank < 2 || rank > 3 || a < 1 || a >= rank) throw new Error(`${this.name}: supports inputs of rank 2 or 3 and axes in [1, rank), got rank ${rank} and axis ${this.axes[i]}`);
    return a;
  }

  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const [a, b] = list(this.name, inputShape, 2, 2) as [SymbolicShape, SymbolicShape];
    if (a.length !== b.length) throw new Error(`${this.name}: inputs must have the same rank, got ${fmtSymbolic(a)} and ${fmtSymbolic(b)}`);
    const [i, j] = [this.norm(a.length, 0), this.norm(b.length, 1)];
    if (a[i] !== null && b[j] !== null && a[i] !== b[j]) throw new Error(`${this.name}: axis ${i} of ${fmtSymbolic(a)} and axis ${j} of ${fmtSymbolic(b)} differ`);
    if (a.length === 2) return [a[0] ?? null, 1];
    return [a[0] ?? null, a[3 - i]!, b[3 - j]!];
  }

  call(x: Tensor | Tensor[]): Tensor {
    let [a, b] = inputs(this.name, x) as [Tensor, Tensor];
    const [i, j] = [this.norm(a.rank, 0), this.norm(b.rank, 1)];
    if (this.normalize) {
      const l2 = (t: Tensor, axis: number) => ops.div(t, ops.sqrt(ops.maximum(ops.sum(ops.square(t), axis, true), 1e-12)));
      a = l2(a, i);
      b = l2(b, j);
    }
    if (a.rank === 2) return ops.sum(ops.mul(a, b), 1, true);
    return ops.matmul(a, b, { transposeA: i === 1, transposeB: j === 2 });
  }

  override getConfig(): Record<string, unknown> {
    return { axes: this.axes.slice(), normalize: this.normalize, ...super.getConfig() };
  }
}
