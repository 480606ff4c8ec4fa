/**
 * The format-neutral graph: named nodes joined by named values, constants held on the host, and
 * the graph's inputs and outputs with dims that may be symbolic. Parsers (ONNX protobuf, TF.js
 * model.json) produce it; the planner and executor know nothing of any file format.
 */
import type { Tensor } from '../tensor.js';

/**
 * Element types a host constant may carry. int64 data is held as doubles (exact to 2^53) so shape
 * arithmetic and the int64 sentinels of Slice can be read; it becomes an int32 tensor only where it fits.
 */
export type HostDType = 'float32' | 'int32' | 'int64' | 'bool';

/** A constant on the host: initializers, Constant nodes, shapes, and what folding computes from them. */
export interface HostTensor {
  readonly kind: 'host';
  readonly dtype: HostDType;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | Float64Array | Uint8Array;
  /** The element type in the file before widening ('uint8', 'int8', 'float16', ...), where known. */
  readonly source?: string;
}

/** A value flowing through a run: a host constant or a tensor on the active backend. */
export type Value = Tensor | HostTensor;

/** A dimension of a graph input or output: a size, a symbolic name ('batch'), or unknown (null). */
export type Dim = number | string | null;

/** A graph input or output as the file declares it. */
export interface ValueInfo {
  name: string;
  /** The element type as the format names it ('float32', 'int64', 'string', ...); undefined when not declared. */
  dtype?: string;
  /** undefined when the file declares no shape. */
  shape?: Dim[];
  /** 'tensor' for plain tensors; 'sequence', 'map', 'optional' or 'sparse' for the kinds this executor does not run. */
  kind: 'tensor' | 'sequence' | 'map' | 'optional' | 'sparse';
}

/** An attribute value, as decoded (graphs and type protos are kept only as markers). */
export type AttrValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: HostTensor }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'graph'; value: GraphDef }
  | { type: 'unsupported'; value: string };

/** One op application: `inputs` and `outputs` are value names; '' marks an omitted optional input. */
export interface GraphNode {
  name: string;
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, AttrValue>;
}

/** A whole graph. */
export interface GraphDef {
  name: string;
  nodes: GraphNode[];
  /** Initializers, by value name. */
  constants: Map<string, HostTensor>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** The opset version per domain ('' is the default ONNX domain). */
  opsets: Map<string, number>;
}

export function isHost(v: Value | undefined): v is HostTensor {
  return v !== undefined && (v as HostTensor).kind === 'host';
}
