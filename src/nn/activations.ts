/**
 * Activation functions by their Keras names. Everything but softmax also exists as the fused matmul
 * epilogue, so a dense layer can apply it inside its matmul kernel.
 */
import type { Activation } from '../backend/backend.js';
import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor.js';

/** Every activation a layer accepts by name. */
export type ActivationIdentifier = Activation | 'softmax';

export const ACTIVATION_NAMES: readonly ActivationIdentifier[] = ['linear', 'step', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'];

/** Validate an activation name (undefined and null mean linear); `op` names the caller in errors. */
export function checkActivation(op: string, name: unknown): ActivationIdentifier {
  if (name === undefined || name === null) return 'linear';
  if (typeof name !== 'string' || !ACTIVATION_NAMES.includes(name as ActivationIdentifier)) {
    throw new Error(`${op}: unknown activation '${String(name)}' (expected one of ${ACTIVATION_NAMES.join(', ')})`);
  }
  return name as ActivationIdentifier;
}

/** Apply an activation as a standalone op (softmax along the last axis). */
export function applyActivation(name: ActivationIdentifier, x: Tensor, alpha = 0.2): Tensor {
  switch (name) {
    case 'linear': return x;
    case 'step': return ops.step(x);
    case 'sigmoid': return ops.sigmoid(x);
    case 'tanh': return ops.tanh(x);
    case 'relu': return ops.relu(x);
    case 'leakyRelu': return ops.leakyRelu(x, alpha);
    case 'softmax': return ops.softmax(x, -1);
  }
}
