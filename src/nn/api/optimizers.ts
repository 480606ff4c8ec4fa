/** `wt.optimizers`: the optimizer classes and their Keras-style factories (the name lookup stays private). */
export { Optimizer, SGD, RMSprop, Adam, sgd, rmsprop, adam, type SGDArgs, type RMSpropArgs, type AdamArgs } from '../optimizers.js';
