/** `wt.regularizers`: weight penalties added to the loss (the lookup stays private). */
export { l1, l2, l1l2, type Regularizer, type RegularizerIdentifier, type L1L2Config } from '../regularizers.js';
