/**
 * TensorFlow.js's variables and its gradient helpers over them: `variable`, `Variable.assign`,
 * `variableGrads`, `disposeVariables`, and `grads`, `valueAndGrads`, `customGrad` beside our own
 * grad / valueAndGrad.
 */
import { engine } from './engine.js';
import type { DType } from './dtype.js';
import { fmt, sameShape } from './shape.js';
import { Tensor } from './tensor.js';
import { grad, valueAndGrad } from './autograd.js';
import { record, toTensor, untaped, type TensorLike } from './ops/core.js';
import { cast, clone } from './ops/movement.js';

const registry = new Map<string, Variable>();
let unnamed = 0;

/** A mutable tensor: its values change with assign; tidy never disposes it. */
export class Variable extends Tensor {
  /** Its name, unique among live variables. */
  readonly name: string;
  /** Whether variableGrads differentiates with respect to it by default. */
  trainable: boolean;

  /** @internal Use wt.variable. */
  constructor(initial: Tensor, trainable: boolean, name: string) {
    super(initial.shape, initial.dtype, initial.backend, initial.liveStorage());
    this.kept = true;
    this.trainable = trainable;
    this.name = name;
  }

  /** Replace the values with `newValue`'s (same shape and dtype); returns this variable. */
  assign(newValue: TensorLike): this {
    const v = toTensor('assign', newValue, this.backend, this.dtype);
    if (!sameShape(v.shape, this.shape) || v.dtype !== this.dtype) {
      throw new Error(`assign: variable '${this.name}' is ${this.dtype} ${fmt(this.shape)}, got ${v.dtype} ${fmt(v.shape)}`);
    }
    const c = clone(v);
    this.adoptStorage(c);
    c.dispose();
    if (v !== newValue) v.dispose();
    return this;
  }

  /** Free the buffer and the name. */
  override dispose(): void {
    registry.delete(this.name);
    super.dispose();
  }
}

/** A Variable holding a copy of `initialValue` (TensorFlow.js's tf.variable). */
export function variable(initialValue: Tensor, trainable = true, name?: string, dtype?: DType): Variable {
  if (!(initialValue instanceof Tensor)) throw new Error(`variable: initialValue must be a Tensor, got ${typeof initialValue}`);
  const n = name ?? `Variable_${unnamed++}`;
  if (registry.has(n)) throw new Error(`variable: a variable named '${n}' already exists`);
  const init = dtype && dtype !== initialValue.dtype ? cast(initialValue, dtype) : clone(initialValue);
  const v = new Variable(init, trainable, n);
  init.dispose();
  registry.set(n, v);
  return v;
}

/** @internal The live variable named `name`, if any (optimizers resolve TF.js's named gradients with it). */
export function findVariable(name: string): Variable | undefined {
  return registry.get(name);
}

/** @internal The live trainable float32 variables, in creation order (minimize's default varList). */
export function trainableVariables(): Variable[] {
  return [...registry.values()].filter((v) => v.trainable && v.dtype === 'float32');
}

/** Dispose every live variable. */
export function disposeVariables(): void {
  for (const v of [...registry.values()]) v.dispose();
}

/** What variableGrads returns. */
export interface VariableGradsResult {
  /** f's value. */
  value: Tensor;
  /** The gradient of each variable, by name. */
  grads: Record<string, Tensor>;
}

/** What valueAndGrads' function returns. */
export interface ValueAndGradsResult {
  /** f's value. */
  value: Tensor;
  /** One gradient per argument. */
  grads: Tensor[];
}

/**
 * The value of f() and its gradients with respect to `varList` (default: every trainable
 * variable), keyed by variable name: { value, grads }.
 */
export function variableGrads(f: () => Tensor, varList?: readonly Variable[]): VariableGradsResult {
  const vars = varList ?? trainableVariables();
  if (vars.length === 0) throw new Error('variableGrads: no trainable variables to differentiate with respect to');
  const [value, gs] = valueAndGrad(() => f())(vars);
  const grads: Record<string, Tensor> = {};
  vars.forEach((v, i) => (grads[v.name] = gs[i]!));
  return { value, grads };
}

/** TensorFlow.js's grads: f of several tensors, its gradients with respect to each (our grad on an array). */
export function grads(f: (...args: Tensor[]) => Tensor): (args: readonly Tensor[], dy?: Tensor) => Tensor[] {
  const g = grad<readonly Tensor[]>(f) as (xs: readonly Tensor[], dy?: Tensor) => Tensor[];
  return (args, dy) => g(args, dy);
}

/** TensorFlow.js's valueAndGrads: { value, grads } of f with respect to each of its arguments. */
export function valueAndGrads(f: (...args: Tensor[]) => Tensor): (args: readonly Tensor[], dy?: Tensor) => ValueAndGradsResult {
  const vg = valueAndGrad<readonly Tensor[]>(f) as (xs: readonly Tensor[], dy?: Tensor) => [Tensor, Tensor[]];
  return (args, dy) => {
    const [value, g] = vg(args, dy);
    return { value, grads: g };
  };
}

/** What a customGrad function returns: its value and how to turn dy into the inputs' gradients. */
export interface CustomGradientResult {
  /** The forward value. */
  value: Tensor;
  /** dy (and the tensors given to `save`) to one gradient per input. */
  gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[];
}

/**
 * An op with a gradient of your own (TensorFlow.js's customGrad): f(...inputs, save) computes the
 * value untaped and returns { value, gradFunc }; `save` keeps tensors for gradFunc.
 */
export function customGrad(f: (...args: [...Tensor[], (ts: Tensor[]) => void] | Tensor[]) => CustomGradientResult): (...inputs: Tensor[]) => Tensor {
  return (...inputs: Tensor[]): Tensor => {
    let saved: Tensor[] = [];
    const save = (ts: Tensor[]): void => { saved = ts; };
    const { value, gradFunc } = untaped(() => f(...inputs, save));
    if (!(value instanceof Tensor)) throw new Error(`customGrad: f must return { value: Tensor, gradFunc }, got a value of type ${typeof value}`);
    return record('customGrad', inputs, value, (dy) => {
      const g = gradFunc(dy, saved);
      const list = Array.isArray(g) ? g : [g];
      if (list.length !== inputs.length) throw new Error(`customGrad: gradFunc gave ${list.length} gradients for ${inputs.length} inputs`);
      return list;
    });
  };
}
