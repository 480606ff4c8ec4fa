/**
 * Logical ops on bool tensors (TensorFlow.js's logicalAnd/Or/Xor/Not), with broadcasting. They
 * take bool only, as TensorFlow.js does, and are composed from the comparisons, whose bool
 * results are stored as int32 0/1.
 */
import type { Tensor } from '../tensor.js';
import { backendOf, defineOp, toTensor, type TensorLike } from './core.js';
import { equal, greater, maximum, minimum, notEqual } from './elementwise.js';

function boolArg(op: string, name: string, v: TensorLike, backend: ReturnType<typeof backendOf>): Tensor {
  const t = toTensor(op, v, backend, typeof v === 'boolean' || Array.isArray(v) ? 'bool' : undefined);
  if (t.dtype !== 'bool') throw new Error(`${op}: ${name} must be a bool tensor, got ${t.dtype} (compare, or cast with .cast('bool'))`);
  return t;
}

function binaryLogical(op: string, f: (a: Tensor, b: Tensor) => Tensor) {
  return defineOp(op, (a: TensorLike, b: TensorLike): Tensor => {
    const backend = backendOf(op, [a, b]);
    return f(boolArg(op, 'a', a, backend), boolArg(op, 'b', b, backend));
  });
}

/** a AND b elementwise, bool with broadcasting. @function */
export const logicalAnd = binaryLogical('logicalAnd', (a, b) => greater(minimum(a, b), 0));
/** a OR b elementwise, bool with broadcasting. @function */
export const logicalOr = binaryLogical('logicalOr', (a, b) => greater(maximum(a, b), 0));
/** a XOR b elementwise, bool with broadcasting. @function */
export const logicalXor = binaryLogical('logicalXor', (a, b) => notEqual(a, b));
/** NOT x elementwise, bool. @function */
export const logicalNot = defineOp('logicalNot', (x: TensorLike): Tensor => equal(boolArg('logicalNot', 'x', x, backendOf('logicalNot', [x])), 0));
