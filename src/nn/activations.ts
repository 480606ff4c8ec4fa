/**
 * Activation functions by their Keras names. The ones the matmul epilogue knows (linear, step,
 * sigmoid, tanh, relu, leakyRelu) run fused inside dense and conv kernels; the rest run as their
 * own ops after the product, composed from public ops so autograd differentiates them everywhere.
 */
import type { Activation } from '../backend/backend.js';
import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor.js';

/** Every activation a layer accepts by name (TensorFlow.js spellings; Keras's snake_case forms are read too). */
export type ActivationIdentifier =
  | Activation | 'softmax' | 'relu6' | 'elu' | 'selu' | 'softplus' | 'softsign' | 'hardSigmoid'
  | 'swish' | 'mish' | 'gelu' | 'exponential';

export const ACTIVATION_NAMES: readonly ActivationIdentifier[] = [
  'linear', 'step', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax',
  'relu6', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'mish', 'gelu', 'exponential',
];

/** Keras 2/3 and TF.js spellings that name one of ours. */
const ALIASES: Record<string, ActivationIdentifier> = {
  leaky_relu: 'leakyRelu', hard_sigmoid: 'hardSigmoid', silu: 'swish',
};

const KERNEL: readonly string[] = ['linear', 'step', 'sigmoid', 'tanh', 'relu', 'leakyRelu'];

/** Validate an activation name (undefined and null mean linear); `op` names the caller in errors. */
export function checkActivation(op: string, name: unknown): ActivationIdentifier {
  if (name === undefined || name === null) return 'linear';
  const n = typeof name === 'string' ? (ALIASES[name] ?? name) : name;
  if (typeof n !== 'string' || !ACTIVATION_NAMES.includes(n as ActivationIdentifier)) {
    throw new Error(`${op}: unknown activation '${String(name)}' (expected one of ${ACTIVATION_NAMES.join(', ')})`);
  }
  return n as ActivationIdentifier;
}

/** The part of `name` a fused kernel epilogue can run ('linear' when it cannot). */
export function fusedPart(name: ActivationIdentifier): Activation {
  return KERNEL.includes(name) ? (name as Activation) : 'linear';
}

/** Apply what fusedPart left out (identity when the kernel ran it all). */
export function applyRest(name: ActivationIdentifier, y: Tensor): Tensor {
  return KERNEL.includes(name) ? y : applyActivation(name, y);
}

/**
 * Apply an activation as a standalone op (softmax along the last axis). hardSigmoid is
 * clip(0.2 x + 0.5, 0, 1) and gelu the exact erf form, as TensorFlow.js layers computes them.
 */
export function applyActivation(name: ActivationIdentifier, x: Tensor, alpha = 0.2): Tensor {
  switch (name) {
    case 'linear': return x;
    case 'step': return ops.step(x);
    case 'sigmoid': return ops.sigmoid(x);
    case 'tanh': return ops.tanh(x);
    case 'relu': return ops.relu(x);
    case 'leakyRelu': return ops.leakyRelu(x, alpha);
    case 'softmax': return ops.softmax(x, -1);
    case 'relu6': return ops.relu6(x);
    case 'elu': return ops.elu(x);
    case 'selu': return ops.selu(x);
    case 'softplus': return ops.softplus(x);
    case 'softsign': return ops.softsign(x);
    case 'hardSigmoid': return ops.clip(ops.add(ops.mul(x, 0.2), 0.5), 0, 1);
    case 'swish': return ops.mul(x, ops.sigmoid(x));
    case 'mish': return ops.mul(x, ops.tanh(ops.softplus(x)));
    case 'gelu': return ops.mul(ops.mul(x, 0.5), ops.add(ops.erf(ops.mul(x, Math.SQRT1_2)), 1));
    case 'exponential': return ops.exp(x);
  }
}
