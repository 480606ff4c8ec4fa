/** The fused, in-place optimizer update kernel as an op for src/nn (not differentiable). */
import type { KernelAttrs } from '../backend/backend.js';
import { fmt, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * Update `param` (and its optimizer state tensors) in place from `grad`, in one kernel.
 * See KernelAttrs.optimizer for the formulas and which state each kind takes.
 */
export function applyUpdate(param: Tensor, grad: Tensor, state: readonly Tensor[], attrs: KernelAttrs['optimizer']): void {
  const want = { sgd: 0, momentum: 1, rmsprop: 1, adam: 2 }[attrs.kind];
  if (want === undefined) throw new Error(`applyUpdate: unknown optimizer '${String(attrs.kind)}'`);
  if (state.length !== want) throw new Error(`applyUpdate: ${attrs.kind} needs ${want} state tensors, got ${state.length}`);
  for (const t of [grad, ...state]) {
    if (!sameShape(t.shape, param.shape)) throw new Error(`applyUpdate: ${fmt(t.shape)} does not match parameter ${fmt(param.shape)}`);
    if (t.backend !== param.backend) throw new Error(`applyUpdate: tensors live on different backends (${param.backend.name} and ${t.backend.name})`);
  }
  param.backend.run('optimizer', [grad.handle], [param.handle, ...state.map((s) => s.handle)], attrs);
}
