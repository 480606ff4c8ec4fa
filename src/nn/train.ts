/**
 * `wt.train`: TensorFlow.js's optimizer factories with their positional arguments and defaults,
 * returning its optimizer classes (src/nn/optimizer-classes.ts), usable in model.compile or in a
 * custom loop through optimizer.minimize or optimizer.applyGradients.
 */
import {
  AdadeltaOptimizer, AdagradOptimizer, AdamaxOptimizer, AdamOptimizer, MomentumOptimizer, RMSPropOptimizer, SGDOptimizer,
} from './optimizer-classes.js';

/** Plain gradient descent: p -= learningRate * g. A learning rate that is not a positive number throws. */
export function sgd(learningRate: number): SGDOptimizer {
  return new SGDOptimizer(learningRate);
}

/**
 * Gradient descent with momentum: accumulation = momentum * accumulation + g, p -= learningRate *
 * accumulation (with `useNesterov`, p -= learningRate * (g + momentum * accumulation)).
 * momentum must lie in [0, 1].
 */
export function momentum(learningRate: number, momentum: number, useNesterov = false): MomentumOptimizer {
  return new MomentumOptimizer(learningRate, momentum, useNesterov);
}

/** RMSProp as TF.js computes it (see RMSPropOptimizer), with its momentum and centered variants. */
export function rmsprop(learningRate: number, decay = 0.9, momentum = 0, epsilon: number | null = null, centered = false): RMSPropOptimizer {
  return new RMSPropOptimizer(learningRate, decay, momentum, epsilon, centered);
}

/** Adam (Kingma and Ba) as TF.js computes it (see AdamOptimizer). */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null): AdamOptimizer {
  return new AdamOptimizer(learningRate, beta1, beta2, epsilon);
}

/** Adamax (Adam with the infinity norm) as TF.js computes it (see AdamaxOptimizer). */
export function adamax(learningRate = 0.002, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null, decay = 0): AdamaxOptimizer {
  return new AdamaxOptimizer(learningRate, beta1, beta2, epsilon, decay);
}

/** Adagrad (see AdagradOptimizer). */
export function adagrad(learningRate: number, initialAccumulatorValue = 0.1): AdagradOptimizer {
  return new AdagradOptimizer(learningRate, initialAccumulatorValue);
}

/** Adadelta as TF.js computes it (see AdadeltaOptimizer). */
export function adadelta(learningRate = 0.001, rho = 0.95, epsilon: number | null = null): AdadeltaOptimizer {
  return new AdadeltaOptimizer(learningRate, rho, epsilon);
}
