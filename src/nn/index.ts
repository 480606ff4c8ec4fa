/** The neural-network layer: layers, losses, optimizers, initializers, metrics, Sequential and model I/O. */
export * as layers from './layers/index.js';
export * as losses from './api/losses.js';
export * as metrics from './api/metrics.js';
export * as optimizers from './api/optimizers.js';
export * as train from './train.js';
export * as initializers from './api/initializers.js';
export * as regularizers from './api/regularizers.js';
export { sequential, Sequential, Sequential as Model, type SequentialArgs, type SequentialConfig, type CompileArgs, type EvaluateArgs } from './model.js';
export type { FitArgs, History, Logs, CustomCallbackArgs } from './training.js';
export type { FitDatasetArgs, EvaluateDatasetArgs, BatchDataset, TensorBatch } from './fit-dataset.js';
export type { SummaryOptions } from './summary.js';
export { loadModel, loadModel as loadLayersModel, type IOHandler, type SaveResult } from './io/handlers.js';
export type { ModelArtifacts, WeightSpec } from './io/artifacts.js';
export { Layer, LayerVariable, type LayerArgs, type SymbolicShape, type WeightPlan } from './layers/layer.js';
export type { Optimizer } from './optimizers.js';
export type { Initializer } from './initializers.js';
export type { ActivationIdentifier } from './activations.js';
