/** `wt.losses`: the loss functions alone (the lookup tables and helpers behind compile stay private). */
export {
  meanSquaredError, mse, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy,
  type LossFn, type LossIdentifier, type CrossentropyOptions,
} from '../losses.js';
