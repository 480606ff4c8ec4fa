/**
 * The functional graph's vocabulary: a SymbolicTensor is a placeholder with a shape and no data; a
 * Node records one application of a layer (its input and output placeholders). A layer applied at
 * several places (a shared layer) has one node per application, as in Keras.
 */
import type { Layer } from './layer.js';

/** A shape whose batch dimension (and possibly others) is unknown: null. */
export type SymbolicShape = readonly (number | null)[];

/** Format a symbolic shape the way errors and summaries print it: [null,784]. */
export function fmtSymbolic(s: SymbolicShape): string {
  return `[${s.map((d) => (d === null ? 'null' : d)).join(',')}]`;
}

let nextId = 0;

/** One application of a layer: which placeholders went in and which came out. */
export class Node {
  /** The placeholders this application produced. */
  readonly outputs: SymbolicTensor[];
  /** The index of this node among the layer's inbound nodes (Keras's node_index). */
  readonly index: number;

  constructor(
    /** The layer applied. */
    readonly layer: Layer,
    /** The placeholders it was applied to (none for an input layer). */
    readonly inputs: readonly SymbolicTensor[],
    outputShapes: readonly SymbolicShape[],
    dtype: 'float32' | 'int32',
  ) {
    this.index = layer.inboundNodes.length;
    layer.inboundNodes.push(this);
    this.outputs = outputShapes.map((s, i) => new SymbolicTensor(s, dtype, this, i));
  }
}

/**
 * A placeholder for a tensor in a model being defined: the shape (batch dimension null), the dtype,
 * and the layer application that produces it. `wt.input()` makes one; `layer.apply(x)` on one
 * returns another; `wt.model({ inputs, outputs })` turns the graph between them into a model.
 */
export class SymbolicTensor {
  /** A process-unique id. */
  readonly id = nextId++;
  /** A readable name: the layer's name, the node index and the output index, as dense_1/0:0. */
  readonly name: string;

  constructor(
    /** The shape; null where any size is allowed (always the batch dimension, unless fixed). */
    readonly shape: SymbolicShape,
    /** The dtype of the tensors it stands for. */
    readonly dtype: 'float32' | 'int32',
    /** The layer application that produces it. */
    readonly node: Node,
    /** Its position among that node's outputs. */
    readonly outputIndex: number,
  ) {
    this.name = `${node.layer.name}/${node.index}:${outputIndex}`;
  }

  /** The layer that produces it. */
  get sourceLayer(): Layer {
    return this.node.layer;
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }
}
