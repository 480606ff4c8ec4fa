/**
 * What an op-table entry sees when it runs one node: its inputs (host constants or tensors), typed
 * attribute access with defaults, and the node's opset. Entries call public ops only, so the same
 * table runs on every backend and under the gradient tape.
 */
import type { Tensor } from '../tensor.js';
import { fmt } from '../shape.js';
import { numbers, toDevice } from './host.js';
import type { AttrValue, GraphNode, HostTensor, Value } from './types.js';
import { isHost } from './types.js';

/** Thrown when an op needs input `index` as values on the host and it is a tensor (an async run reads it back and retries). */
export class NeedsHostValue extends Error {
  constructor(readonly index: number, message: string) {
    super(message);
  }
}

/** The context of one node's run. */
export class OpContext {
  constructor(
    readonly node: GraphNode,
    readonly opset: number,
    readonly inputs: readonly (Value | undefined)[],
    /** Turns a host input into a tensor (cached for constants, so weights upload once). */
    private readonly upload: (index: number, h: HostTensor) => Tensor,
  ) {}

  /** `op (node name)` for Error messages. */
  get where(): string {
    return this.node.name ? `${this.node.op} (node '${this.node.name}')` : this.node.op;
  }

  fail(msg: string): never {
    throw new Error(`${this.where}: ${msg}`);
  }

  /** Whether input i was given (an empty name marks an omitted optional input). */
  has(i: number): boolean {
    return this.inputs[i] !== undefined;
  }

  /** Input i as a tensor on the active backend. */
  tensor(i: number): Tensor {
    const v = this.inputs[i];
    if (v === undefined) this.fail(`input ${i} is required`);
    return isHost(v) ? this.upload(i, v) : v;
  }

  /** Input i as a host constant, when it is one. */
  host(i: number): HostTensor | undefined {
    const v = this.inputs[i];
    return isHost(v) ? v : undefined;
  }

  /** The shape of input i (known for host and tensor inputs alike). */
  shape(i: number): readonly number[] {
    const v = this.inputs[i];
    if (v === undefined) this.fail(`input ${i} is required`);
    return v.shape;
  }

  /**
   * Input i's values as numbers: it must be a constant, or computed from constants and shapes
   * (this executor keeps such inputs, e.g. Reshape's shape, on the host). undefined when omitted.
   */
  ints(i: number, what: string): number[] | undefined {
    const v = this.inputs[i];
    if (v === undefined) return undefined;
    if (!isHost(v)) throw new NeedsHostValue(i, `${this.where}: ${what} (input ${i}) must be a constant or computable from shapes; it is computed from data here (a graph input that holds it can be fed through InferenceSession.run or executeAsync, which read small feeds back)`);
    return numbers(v);
  }

  /** A scalar input's value (Clip's min/max, Pad's value), or `def` when omitted. */
  scalar(i: number, what: string, def: number): number {
    const v = this.ints(i, what);
    if (v === undefined) return def;
    if (v.length !== 1) this.fail(`${what} must hold one value, got ${v.length}`);
    return v[0]!;
  }

  private attr(name: string): AttrValue | undefined {
    return this.node.attrs.get(name);
  }

  int(name: string, def: number): number;
  int(name: string): number | undefined;
  int(name: string, def?: number): number | undefined {
    const a = this.attr(name);
    if (a === undefined) return def;
    if (a.type !== 'int') this.fail(`attribute ${name} must be an int, got ${a.type}`);
    return a.value;
  }

  float(name: string, def: number): number {
    const a = this.attr(name);
    if (a === undefined) return def;
    if (a.type === 'int') return a.value;
    if (a.type !== 'float') this.fail(`attribute ${name} must be a float, got ${a.type}`);
    return a.value;
  }

  intList(name: string): number[] | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.type === 'int') return [a.value];
    if (a.type !== 'ints') this.fail(`attribute ${name} must be a list of ints, got ${a.type}`);
    return a.value;
  }

  floatList(name: string): number[] | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.type !== 'floats') this.fail(`attribute ${name} must be a list of floats, got ${a.type}`);
    return a.value;
  }

  str(name: string, def: string): string {
    const a = this.attr(name);
    if (a === undefined) return def;
    if (a.type !== 'string') this.fail(`attribute ${name} must be a string, got ${a.type}`);
    return a.value;
  }

  tensorAttr(name: string): HostTensor | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.type !== 'tensor') this.fail(`attribute ${name} must be a tensor, got ${a.type === 'unsupported' ? a.value : a.type}`);
    return a.value;
  }

  /** A normalised axis of a rank-`rank` tensor, with a clear Error outside [-rank, rank). */
  axis(axis: number, rank: number): number {
    if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) this.fail(`axis ${axis} is out of range for rank ${rank}`);
    return axis < 0 ? axis + rank : axis;
  }

  /** Shape text for messages. */
  fmt(shape: readonly number[]): string {
    return fmt(shape);
  }
}

/** One op's implementation: outputs in the node's output order (undefined for one not produced). */
export type OpFn = (ctx: OpContext) => (Value | undefined)[];

/** A format's op table: op name -> implementation. */
export type OpTable = Readonly<Record<string, OpFn>>;

export { toDevice };
