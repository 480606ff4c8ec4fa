/**
 * The ONNX op table: every ONNX op (default domain) this executor runs, by family, and the opset
 * each node is read under.
 */
import type { OpTable } from '../context.js';
import type { GraphDef, GraphNode } from '../types.js';
import { MATH_OPS } from './ops-math.js';
import { NN_OPS } from './ops-nn.js';
import { REDUCE_OPS } from './ops-reduce.js';
import { SHAPE_OPS } from './ops-shape.js';
import { INDEX_OPS } from './ops-index.js';
import { LOSS_OPS } from './ops-loss.js';
import { RNN_OPS } from './ops-rnn.js';
import { QUANT_OPS } from './ops-quant.js';
import { CONTROL_OPS, setSubgraphTable } from './ops-control.js';

/** ONNX op name -> implementation (the default ai.onnx domain). */
export const ONNX_OPS: OpTable = { ...MATH_OPS, ...SHAPE_OPS, ...NN_OPS, ...REDUCE_OPS, ...INDEX_OPS, ...LOSS_OPS, ...RNN_OPS, ...QUANT_OPS, ...CONTROL_OPS };
setSubgraphTable(ONNX_OPS);

/** The table key of a node: its op type, prefixed by its domain outside the default one. */
export function onnxKey(n: GraphNode): string {
  return n.domain === '' || n.domain === 'ai.onnx' ? n.op : `${n.domain}:${n.op}`;
}

/** The opset a node is read under (its domain's import in the model). */
export function opsetOf(g: GraphDef): (n: GraphNode) => number {
  return (n) => g.opsets.get(n.domain === 'ai.onnx' ? '' : n.domain) ?? g.opsets.get('') ?? 7;
}

/** The supported ONNX op types, sorted (for documentation and the conformance report). */
export function supportedOnnxOps(): string[] {
  return Object.keys(ONNX_OPS).filter((k) => !k.startsWith('_')).sort();
}
