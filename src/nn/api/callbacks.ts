/** `wt.callbacks`: callbacks for fit and fitDataset (TensorFlow.js's names). */
export { earlyStopping, EarlyStopping, type EarlyStoppingArgs } from '../callbacks.js';
