/**
 * `wt.train`: TensorFlow.js's optimizer factories with their positional arguments, returning the
 * same optimizers as `wt.optimizers` (usable in model.compile, or in a custom loop through
 * optimizer.applyGradients or optimizer.minimize).
 */
import { Adam, RMSprop, SGD } from './optimizers.js';

/** Plain gradient descent: p -= learningRate * g. A learning rate that is not a positive number throws. */
export function sgd(learningRate: number): SGD {
  return new SGD({ learningRate });
}

/**
 * Gradient descent with momentum: v = momentum * v - learningRate * g, p += v (with `useNesterov`,
 * p += momentum * v - learningRate * g). momentum must lie in [0, 1].
 */
export function momentum(learningRate: number, momentum: number, useNesterov = false): SGD {
  return new SGD({ learningRate, momentum, nesterov: useNesterov });
}

/**
 * RMSprop: ms = decay * ms + (1 - decay) * g^2, p -= learningRate * g / (sqrt(ms) + epsilon).
 * TensorFlow.js's `momentum` and `centered` variants are not implemented: a non-zero momentum or
 * centered = true throws an Error rather than training differently.
 */
export function rmsprop(learningRate: number, decay = 0.9, momentum = 0, epsilon = 1e-7, centered = false): RMSprop {
  if (momentum !== 0 || centered) {
    throw new Error(`train.rmsprop: momentum and centered are not supported (got momentum ${momentum}, centered ${centered}); use momentum 0 and centered false`);
  }
  return new RMSprop({ learningRate, rho: decay, epsilon });
}

/** Adam (Kingma and Ba), with Keras's bias correction. beta1 and beta2 must lie in [0, 1). */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): Adam {
  return new Adam({ learningRate, beta1, beta2, epsilon });
}
