/** The neural-network layer: layers, losses, optimizers, initializers, metrics, functional and Sequential models, model I/O. */
export * as layers from './layers/index.js';
export * as losses from './api/losses.js';
export * as metrics from './api/metrics.js';
export * as optimizers from './api/optimizers.js';
export * as train from './train.js';
export * as callbacks from './api/callbacks.js';
export * as initializers from './api/initializers.js';
export * as regularizers from './api/regularizers.js';
export { sequential, Sequential, type SequentialArgs, type SequentialConfig } from './sequential.js';
export { model, LayersModel, LayersModel as Model, type ModelArgs, type EvaluateArgs, type PredictArgs } from './model.js';
export type { CompileArgs, LossSpec, MetricSpec } from './compile.js';
export type { NamedTensors } from './data.js';
export { input, InputLayer, type InputArgs, type InputLayerArgs } from './layers/input.js';
export { SymbolicTensor, Node } from './layers/symbolic.js';
export { Container } from './graph.js';
export type { FitArgs, History, Logs, CustomCallbackArgs } from './training.js';
export type { FitDatasetArgs, EvaluateDatasetArgs, BatchDataset, TensorBatch } from './fit-dataset.js';
export type { SummaryOptions } from './summary.js';
export type { IOHandler, SaveResult } from './io/handlers.js';
export { loadLayersModel, loadLayersModel as loadModel } from './io/load.js';
export { browserFiles, type PickedFile } from './io/browser-files.js';
import { browserFiles } from './io/browser-files.js';
/** TensorFlow.js's tf.io names: `wt.io.browserFiles(files)` is an IOHandler over Files a user picked. */
export const io = {
  /** An IOHandler over Files a user picked: one model.json and the weight files it names. */
  browserFiles,
};
export type { ModelArtifacts, WeightSpec } from './io/artifacts.js';
export { Layer, LayerVariable, type LayerArgs, type SymbolicShape, type WeightPlan, type ApplyArgs, type CallContext } from './layers/layer.js';
export { Optimizer, type NamedTensor, type GradientList } from './optimizers.js';
export { SGDOptimizer, MomentumOptimizer, RMSPropOptimizer, AdamOptimizer, AdamaxOptimizer, AdagradOptimizer, AdadeltaOptimizer } from './optimizer-classes.js';
export type { Initializer } from './initializers.js';
export type { ActivationIdentifier } from './activations.js';
