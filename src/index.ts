/**
 * webgpu-tensor: tensors whose kernels run as WebGPU compute shaders, with a plain TypeScript cpu
 * reference and a gpu.js fallback, reverse-mode autodiff, and a Keras-style neural-network layer.
 */
import { engine, registerBackend } from './engine.js';
import { CpuBackend } from './backend/cpu/index.js';
import { wasmSettings } from './wasm.js';

const cpu = new CpuBackend();
engine.instances.set('cpu', cpu);
registerBackend('cpu', async () => cpu);
// Heavy backends load only when asked for, so a bundle never pulls in what it does not use.
registerBackend(
  'webgpu',
  async () => new (await import('./backend/webgpu/index.js')).WebGPUBackend(),
  async () => (await import('./backend/webgpu/device.js')).probeNode(),
);
registerBackend('wasm', async () => new (await import('./backend/wasm/index.js')).WasmBackend({ threads: wasmSettings.threads, simd: wasmSettings.simd }));
registerBackend('gpujs', async () => new (await import('./backend/gpujs/index.js')).GpuJsBackend());

export { Tensor, type NestedArray } from './tensor.js';
import './tensor-methods.js';
import './tensor-methods-scan.js';
export type { DType, DataType, TypedArray, StorageDType, StorageArray } from './dtype.js';
export { isComplex } from './dtype.js';
export type { Shape } from './shape.js';
export type {
  Backend, BackendName, BufferLimit, Activation, KernelName, KernelAttrs, Handle, AxisAttrs, WindowAttrs, PoolAttrs, Conv2dAttrs, DepthwiseAttrs, ConvMode, BinaryOp, UnaryOp, ActivationGradOp, ReduceOp, OptimizerKind,
} from './backend/backend.js';
export { setBackend, getBackend, init, backendInfo, registerBackend, type BackendAttempt, type BackendInfo, type BackendFactory, type BackendProbe } from './engine.js';
export { setWasmThreads, getWasmThreads, setWasmSimd, type WasmSimd } from './wasm.js';
export { tidy, keep, dispose, memory, type MemoryInfo } from './memory.js';
export { Reduction } from './ops/losses.js';
export { setMemoryLimit, getMemoryLimit } from './limits.js';
export { grad, valueAndGrad, type GradFunction, type ValueAndGradFunction, type GradResult } from './autograd.js';
export { nextFrame } from './next-frame.js';
export { Variable, variable, disposeVariables, variableGrads, grads, valueAndGrads, customGrad, type CustomGradientResult, type VariableGradsResult, type ValueAndGradsResult } from './variable.js';
export { TensorBuffer, buffer } from './buffer.js';
export * from './ops/index.js';
export type { TensorLike, Axis } from './ops/core.js';
export * from './data/index.js';
export * from './nn/index.js';
// Imported inference graphs (ONNX).
export { loadGraphModel, onnx, GraphModel, type GraphTensorInfo, type GraphInputs, type GraphArtifacts, OnnxGraphModel, InferenceSession, type GraphModelOptions, type GraphValueInfo, type InferenceSessionOptions, type OnnxSource, type ExecuteOptions } from './graph/index.js';
