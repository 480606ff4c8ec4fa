/** Matrix multiplication (2-D or batched 3-D) with transposes and the fused bias + activation epilogue. */
import type { Activation } from '../backend/backend.js';
import { checkAlloc } from '../limits.js';
import { fmt, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { argDType, argShape, backendOf, defineOp, record, runKernel, toTensor, type TensorLike } from './core.js';
import { reshape } from './movement.js';
import { mul, reluGrad, sigmoidGrad, tanhGrad, leakyReluGrad } from './elementwise.js';
import { sum } from './reduce.js';
import { elu, prelu, relu6 } from './activations.js';

/**
 * What the epilogue of fusedMatmul (and fused.conv2d) applies: the matmul kernel's own
 * activations, and TensorFlow.js's relu6, elu and prelu, which run as one elementwise op after it.
 */
export type EpilogueActivation = Activation | 'relu6' | 'elu' | 'prelu';

/** Options of matmul. */
export interface MatmulOptions {
  /** Use a's transpose: a is then [k, m] (or [batch, k, m]). Default false. */
  transposeA?: boolean;
  /** Use b's transpose: b is then [n, k] (or [batch, n, k]). Default false. */
  transposeB?: boolean;
}

/** Options of fusedMatmul: matmul's, plus the epilogue applied in the same kernel. */
export interface FusedMatmulOptions extends MatmulOptions {
  /** A [n] vector added to every row of the product. */
  bias?: Tensor;
  /** Applied after the bias (default 'linear': none). */
  activation?: EpilogueActivation;
  /** leakyRelu's slope for negative values (default 0.2). */
  alpha?: number;
  /** prelu's slopes for negative values, broadcast against the output (required with 'prelu'). */
  preluActivationWeights?: TensorLike;
}

const KERNEL_ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'step'];
/** Every activation the epilogue takes. */
export const EPILOGUE_ACTIVATIONS: readonly EpilogueActivation[] = [...KERNEL_ACTIVATIONS, 'relu6', 'elu', 'prelu'];

/** a @ b. 2-D x 2-D, or 3-D (batched) with either side 2-D and shared across the batch. @function */
export const matmul = defineOp('matmul', (a: TensorLike, b: TensorLike, opts: MatmulOptions = {}): Tensor => {
  return product('matmul', a, b, { transposeA: opts.transposeA, transposeB: opts.transposeB });
});

/** a @ b with TensorFlow.js's argument order, matMul(a, b, transposeA?, transposeB?); errors name matMul. @function */
export const matMul = defineOp('matMul', (a: TensorLike, b: TensorLike, transposeA: boolean = false, transposeB: boolean = false): Tensor => {
  return product('matMul', a, b, { transposeA, transposeB });
});

/** act(a @ b + bias) in one kernel: the dense layer's forward pass. @function */
export const fusedMatmul = defineOp('fusedMatmul', (a: TensorLike, b: TensorLike, opts: FusedMatmulOptions = {}): Tensor => {
  return product('fusedMatmul', a, b, opts);
});

/** matmul and fusedMatmul, whose errors name `op`: the one the user called. */
function product(op: string, a: TensorLike, b: TensorLike, opts: FusedMatmulOptions): Tensor {
  const backend = backendOf(op, [a, b, ...(opts.bias ? [opts.bias] : [])]);
  // Every check, the output's size included, comes before numbers or arrays become tensors.
  const sa = argShape(op, a), sb = argShape(op, b);
  if (!sa || !sb) throw new Error(`${op}: expected Tensors or arrays, got ${sa ? typeof b : typeof a}`);
  for (const [v, s] of [[a, sa], [b, sb]] as const) {
    if (argDType(v) !== 'float32') throw new Error(`${op}: expected a float32 tensor, got ${argDType(v)} ${fmt(s)} (use .cast('float32'))`);
  }
  const tA = !!opts.transposeA;
  const tB = !!opts.transposeB;
  const act = opts.activation ?? 'linear';
  const alpha = opts.alpha ?? 0.2;
  if (!EPILOGUE_ACTIVATIONS.includes(act)) throw new Error(`${op}: unknown activation '${String(act)}' (expected one of ${EPILOGUE_ACTIVATIONS.join(', ')})`);
  if (act === 'prelu' && opts.preluActivationWeights === undefined) throw new Error(`${op}: activation 'prelu' needs preluActivationWeights`);
  if (act === 'relu6' || act === 'elu' || act === 'prelu') {
    // Not in the matmul kernel: the product with its bias, then the activation as its own op.
    const z = product(op, a, b, { ...opts, activation: 'linear' });
    return act === 'relu6' ? relu6(z) : act === 'elu' ? elu(z) : prelu(z, opts.preluActivationWeights!);
  }
  const activation: Activation = act;
  if (sa.length < 2 || sa.length > 3 || sb.length < 2 || sb.length > 3) {
    throw new Error(`${op}: expected 2-D or 3-D operands, got ${fmt(sa)} x ${fmt(sb)}`);
  }
  const [m, ka] = tA ? [sa[sa.length - 1]!, sa[sa.length - 2]!] : [sa[sa.length - 2]!, sa[sa.length - 1]!];
  const [kb, n] = tB ? [sb[sb.length - 1]!, sb[sb.length - 2]!] : [sb[sb.length - 2]!, sb[sb.length - 1]!];
  if (ka !== kb) {
    throw new Error(`${op}: inner dimensions differ: ${fmt(sa)}${tA ? 'ᵀ' : ''} x ${fmt(sb)}${tB ? 'ᵀ' : ''} (${ka} vs ${kb})`);
  }
  const aBatched = sa.length === 3;
  const bBatched = sb.length === 3;
  const batch = aBatched ? sa[0]! : bBatched ? sb[0]! : 1;
  if (aBatched && bBatched && sa[0] !== sb[0]) {
    throw new Error(`${op}: batch sizes differ: ${fmt(sa)} x ${fmt(sb)}`);
  }
  const sBias = opts.bias ? argShape(op, opts.bias) : null;
  if (sBias && (sizeOf(sBias) !== n || sBias.length > 2 || (sBias.length === 2 && sBias[0] !== 1))) {
    throw new Error(`${op}: bias must have ${n} elements ([${n}] or [1,${n}]), got ${fmt(sBias)}`);
  }
  const shape = aBatched || bBatched ? [batch, m, n] : [m, n];
  checkAlloc(op, shape, 'float32', backend);
  const x = toTensor(op, a, backend);
  const w = toTensor(op, b, backend);
  const bias = opts.bias ? toTensor(op, opts.bias, backend) : undefined;
  const y = runKernel('matmul', bias ? [x, w, bias] : [x, w], shape, 'float32', {
    batch, m, n, k: ka, transposeA: tA, transposeB: tB, aBatched, bBatched, bias: !!bias, activation, alpha,
  }, backend);
  const inputs = bias ? [x, w, bias] : [x, w];
  return record('matmul', inputs, y, (dyOut, needs) => {
    // Through the activation first (in terms of its output y, or of the pre-activation z for relu).
    let dz: Tensor;
    switch (activation) {
      case 'linear': dz = dyOut; break;
      case 'tanh': dz = tanhGrad(dyOut, y); break;
      case 'sigmoid': dz = sigmoidGrad(dyOut, y); break;
      case 'relu': dz = reluGrad(dyOut, y); break; // y > 0 exactly where z > 0
      case 'leakyRelu': dz = leakyReluGrad(dyOut, y, alpha); break; // sign(y) = sign(z) for alpha > 0
      case 'step': dz = mul(dyOut, 0); break;
    }
    // dA = dZ B^T (or B dZ^T when A was transposed); dB = A^T dZ (or dZ^T A when B was transposed).
    // An input that needs no gradient (a dense layer's data) skips its matmul: a third of the backward pass.
    const gradA = (): Tensor => {
      let da = tA ? matmul(w, dz, { transposeA: tB, transposeB: true }) : matmul(dz, w, { transposeB: !tB });
      if (!aBatched && da.rank === 3) da = sum(da, 0);
      return reshape(da, x.shape);
    };
    const gradB = (): Tensor => {
      let db = tB ? matmul(dz, x, { transposeA: true, transposeB: tA }) : matmul(x, dz, { transposeA: !tA });
      if (!bBatched && db.rank === 3) db = sum(db, 0);
      return reshape(db, w.shape);
    };
    const grads: (Tensor | null)[] = [needs[0] === false ? null : gradA(), needs[1] === false ? null : gradB()];
    if (bias) grads.push(needs[2] === false ? null : reshape(sum(reshape(dz, [-1, n]), 0), bias.shape));
    return grads;
  });
}

