/** Every op, in one namespace. */
export * from './creation.js';
export * from './movement.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './matmul.js';
export * from './softmax.js';
export * from './optim.js';
export * from './conv.js';
export * from './activations.js';
export * from './logical.js';
export * from './math.js';
export * from './arrange.js';
export * from './reduce-math.js';
export * from './random.js';
export * from './aliases.js';
export * from './engine-api.js';
export * from './unary-math.js';
