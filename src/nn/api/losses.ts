/**
 * `wt.losses`: the loss functions alone (the lookup tables and helpers behind compile stay private).
 * meanSquaredError is TensorFlow.js's (labels, predictions, weights?, reduction?), which with two
 * arguments is the Keras loss's mean; the other tfjs-core losses sit beside the Keras ones.
 */
export {
  mse, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy,
  type LossFn, type LossIdentifier, type CrossentropyOptions,
} from '../losses.js';
export { meanSquaredError, absoluteDifference, computeWeightedLoss, huberLoss, hingeLoss, logLoss, Reduction } from '../../ops/losses.js';
