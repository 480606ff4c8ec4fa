/**
 * Optimizers (Keras names and defaults). Each step is one fused `applyUpdate` kernel per parameter,
 * updating the parameter and its state in place: no new tensors, no readback.
 */
import { valueAndGrad } from '../autograd.js';
import type { KernelAttrs, OptimizerKind } from '../backend/backend.js';
import { dispose, keep } from '../memory.js';
import { fromData } from '../ops/core.js';
import { applyUpdate } from '../ops/index.js';
import type { Tensor } from '../tensor.js';

type UpdateAttrs = KernelAttrs['optimizer'];

const BASE: UpdateAttrs = { kind: 'sgd', lr: 0.01, momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, t: 0 };

function num(op: string, name: string, v: unknown, lo: number, hi: number, loOpen = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (loOpen && v === lo)) {
    throw new Error(`${op}: ${name} must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}], got ${String(v)}`);
  }
  return v;
}

/** Base class: owns the per-parameter state tensors and counts steps. */
export abstract class Optimizer {
  /** Steps taken so far (Adam's t is iterations + 1 during a step). */
  iterations = 0;
  private readonly state = new Map<Tensor, Tensor[]>();

  /** The Keras class name: 'SGD', 'RMSprop' or 'Adam'. */
  abstract getClassName(): string;
  /** The settings, Keras names (learningRate, momentum, ...). */
  abstract getConfig(): Record<string, number | boolean>;
  /** The learning rate; may be changed between steps. */
  abstract learningRate: number;
  protected abstract attrs(): UpdateAttrs;
  protected abstract get stateCount(): number;

  /**
   * Update each parameter in place from its gradient. Parameters are identified by their tensor,
   * so a parameter replaced by setWeights starts over with fresh state.
   */
  applyGradients(pairs: readonly (readonly [Tensor, Tensor])[]): void {
    this.iterations++;
    const attrs = { ...this.attrs(), t: this.iterations };
    for (const [param, grad] of pairs) {
      let st = this.state.get(param);
      if (!st || st.some((t) => t.isDisposed)) {
        // On the parameter's own backend, whichever backend is active now.
        st = Array.from({ length: this.stateCount }, () => keep(fromData(new Float32Array(param.size), param.shape, 'float32', param.backend)));
        this.state.set(param, st);
      }
      applyUpdate(param, grad, st, attrs);
    }
    for (const p of [...this.state.keys()]) {
      if (p.isDisposed) {
        for (const t of this.state.get(p)!) t.dispose();
        this.state.delete(p);
      }
    }
  }

  /**
   * One step on the tensors of `varList` (required: there is no global variable registry): computes
   * f() and its gradient with respect to each of them, then applies the gradients. Returns the cost
   * (a scalar the caller disposes) when `returnCost` is true, else null. f must return a scalar
   * float32 tensor built from the tensors of varList; anything else throws an Error.
   */
  minimize(f: () => Tensor, returnCost = false, varList?: readonly Tensor[]): Tensor | null {
    if (typeof f !== 'function') throw new Error(`minimize: expected a function returning the scalar cost, got ${typeof f}`);
    if (!Array.isArray(varList) || varList.length === 0) {
      throw new Error('minimize: pass the tensors to train as varList, as in optimizer.minimize(() => loss(w, b), false, [w, b])');
    }
    const [cost, grads] = valueAndGrad<Tensor[]>(() => f())(varList);
    if (cost.size !== 1) {
      cost.dispose();
      dispose(grads);
      throw new Error(`minimize: f must return a scalar cost, got a tensor of shape [${cost.shape.join(', ')}]`);
    }
    this.applyGradients(varList.map((v, i) => [v, grads[i]!] as const));
    dispose(grads);
    if (returnCost) return cost;
    cost.dispose();
    return null;
  }

  /** Free every state tensor. */
  dispose(): void {
    for (const st of this.state.values()) for (const t of st) t.dispose();
    this.state.clear();
  }
}

export interface SGDArgs {
  /** Default 0.01. */
  learningRate?: number;
  /** Default 0: plain gradient descent. */
  momentum?: number;
  /** Default false. */
  nesterov?: boolean;
}

/** Gradient descent; with momentum: v = m v - lr g, p += v (nesterov: p += m v - lr g). */
export class SGD extends Optimizer {
  learningRate: number;
  /** The velocity's decay (0: plain gradient descent). */
  readonly momentum: number;
  /** Whether the Nesterov step is taken. */
  readonly nesterov: boolean;

  constructor(args: SGDArgs = {}) {
    super();
    this.learningRate = num('sgd', 'learningRate', args.learningRate ?? 0.01, 0, Infinity, true);
    this.momentum = num('sgd', 'momentum', args.momentum ?? 0, 0, 1);
    this.nesterov = args.nesterov ?? false;
  }
  getClassName(): string { return 'SGD'; }
  getConfig(): Record<string, number | boolean> { return { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov }; }
  protected get stateCount(): number { return this.momentum > 0 ? 1 : 0; }
  protected attrs(): UpdateAttrs {
    const kind: OptimizerKind = this.momentum > 0 ? 'momentum' : 'sgd';
    return { ...BASE, kind, lr: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }
}

export interface RMSpropArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Default 0.9. */
  rho?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/** RMSprop: ms = rho ms + (1 - rho) g^2; p -= lr g / (sqrt(ms) + epsilon). */
export class RMSprop extends Optimizer {
  learningRate: number;
  /** The mean square's decay. */
  readonly rho: number;
  /** Added to the denominator. */
  readonly epsilon: number;

  constructor(args: RMSpropArgs = {}) {
    super();
    this.learningRate = num('rmsprop', 'learningRate', args.learningRate ?? 0.001, 0, Infinity, true);
    this.rho = num('rmsprop', 'rho', args.rho ?? 0.9, 0, 1);
    this.epsilon = num('rmsprop', 'epsilon', args.epsilon ?? 1e-7, 0, Infinity);
  }
  getClassName(): string { return 'RMSprop'; }
  getConfig(): Record<string, number | boolean> { return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon }; }
  protected get stateCount(): number { return 1; }
  protected attrs(): UpdateAttrs {
    return { ...BASE, kind: 'rmsprop', lr: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}

export interface AdamArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/** Adam with Keras's bias correction folded into the step size. */
export class Adam extends Optimizer {
  learningRate: number;
  /** The first moment's decay. */
  readonly beta1: number;
  /** The second moment's decay. */
  readonly beta2: number;
  /** Added to the denominator. */
  readonly epsilon: number;

  constructor(args: AdamArgs = {}) {
    super();
    this.learningRate = num('adam', 'learningRate', args.learningRate ?? 0.001, 0, Infinity, true);
    this.beta1 = num('adam', 'beta1', args.beta1 ?? 0.9, 0, 1);
    this.beta2 = num('adam', 'beta2', args.beta2 ?? 0.999, 0, 1);
    if (this.beta1 === 1 || this.beta2 === 1) throw new Error(`adam: beta1 and beta2 must be below 1, got ${this.beta1} and ${this.beta2}`);
    this.epsilon = num('adam', 'epsilon', args.epsilon ?? 1e-7, 0, Infinity);
  }
  getClassName(): string { return 'Adam'; }
  getConfig(): Record<string, number | boolean> { return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon }; }
  protected get stateCount(): number { return 2; }
  protected attrs(): UpdateAttrs {
    return { ...BASE, kind: 'adam', lr: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

function opts<T extends { learningRate?: number }>(op: string, a: T | number | undefined): T {
  if (typeof a === 'number') return { learningRate: a } as T;
  if (a === undefined) return {} as T;
  if (a === null || typeof a !== 'object') throw new Error(`${op}: expected an options object or a learning rate, got ${String(a)}`);
  return a;
}

/** SGD (Keras defaults: learningRate 0.01, momentum 0). A number is taken as the learning rate. */
export function sgd(args?: SGDArgs | number): SGD { return new SGD(opts('sgd', args)); }
/** RMSprop (Keras defaults: learningRate 0.001, rho 0.9, epsilon 1e-7). */
export function rmsprop(args?: RMSpropArgs | number): RMSprop { return new RMSprop(opts('rmsprop', args)); }
/** Adam (Keras defaults: learningRate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7). */
export function adam(args?: AdamArgs | number): Adam { return new Adam(opts('adam', args)); }

const BY_NAME: Record<string, () => Optimizer> = { sgd, rmsprop, adam };

/** An optimizer from a name ('sgd', 'rmsprop', 'adam') or an Optimizer. */
export function getOptimizer(op: string, x: unknown): Optimizer {
  if (x instanceof Optimizer) return x;
  const make = typeof x === 'string' ? BY_NAME[x.toLowerCase()] : undefined;
  if (!make) throw new Error(`${op}: unknown optimizer '${String(x)}' (expected one of ${Object.keys(BY_NAME).join(', ')}, or an optimizer from wt.optimizers)`);
  return make();
}
