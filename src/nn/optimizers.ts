/**
 * Optimizers (Keras names and defaults). Each step is one fused `applyUpdate` kernel per parameter,
 * updating the parameter and its state in place: no new tensors, no readback.
 */
import { valueAndGrad } from '../autograd.js';
import type { KernelAttrs, OptimizerKind } from '../backend/backend.js';
import { dispose, keep } from '../memory.js';
import { fromData } from '../ops/core.js';
import { applyUpdate, clone } from '../ops/index.js';
import { Tensor } from '../tensor.js';
import { Variable, findVariable, trainableVariables } from '../variable.js';

type UpdateAttrs = KernelAttrs['optimizer'];

const BASE: UpdateAttrs = { kind: 'sgd', lr: 0.01, momentum: 0, nesterov: false, rho: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, t: 0 };

function num(op: string, name: string, v: unknown, lo: number, hi: number, loOpen = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (loOpen && v === lo)) {
    throw new Error(`${op}: ${name} must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}], got ${String(v)}`);
  }
  return v;
}

/** TensorFlow.js's named tensor: a gradient or an optimizer weight with its name. */
export interface NamedTensor {
  /** A variable's name (for a gradient), or a weight's name such as 'iter' or 'dense/kernel/m'. */
  name: string;
  /** The values. */
  tensor: Tensor;
}

/**
 * What applyGradients takes: [parameter, gradient] pairs, or TensorFlow.js's forms naming live
 * variables: a map from variable name to gradient, or a list of { name, tensor }.
 */
export type GradientList = readonly (readonly [Tensor, Tensor])[] | Readonly<Record<string, Tensor>> | readonly NamedTensor[];

/** The [parameter, gradient] pairs of any GradientList; names must be those of live variables. */
function gradientPairs(grads: GradientList): [Tensor, Tensor | undefined][] {
  const byName = (name: string, g: Tensor | undefined): [Tensor, Tensor | undefined] => {
    const v = findVariable(name);
    if (!v) throw new Error(`applyGradients: no live variable is named '${name}'`);
    return [v, g];
  };
  if (Array.isArray(grads)) {
    return grads.map((e: unknown, i) => {
      if (Array.isArray(e) && e[0] instanceof Tensor && e[1] instanceof Tensor) return [e[0], e[1]];
      const n = e as Partial<NamedTensor> | null;
      if (n && typeof n.name === 'string' && (n.tensor === undefined || n.tensor instanceof Tensor)) return byName(n.name, n.tensor);
      throw new Error(`applyGradients: entry ${i} must be a [parameter, gradient] pair of tensors or a { name, tensor } object`);
    });
  }
  if (grads === null || typeof grads !== 'object') throw new Error(`applyGradients: expected a list of gradients or a map from variable name to gradient, got ${String(grads)}`);
  return Object.entries(grads as Record<string, Tensor>).map(([name, g]) => byName(name, g));
}

/** A weight's name: a variable's own, else one made from the tensor's id. */
const nameOf = (p: Tensor): string => (p instanceof Variable ? p.name : `tensor_${p.id}`);

/** Base class: owns the per-parameter state tensors and counts steps. */
export abstract class Optimizer {
  /** Steps taken so far (Adam's t is iterations + 1 during a step). */
  iterations = 0;
  private readonly state = new Map<Tensor, Tensor[]>();
  /** State given by setWeights for parameters not seen yet, by parameter name. */
  private pending = new Map<string, Tensor[]>();

  /** The Keras class name: 'SGD', 'RMSprop' or 'Adam'. */
  abstract getClassName(): string;
  /** The settings, Keras names (learningRate, momentum, ...). */
  abstract getConfig(): Record<string, number | boolean>;
  /** The learning rate; may be changed between steps. */
  abstract learningRate: number;
  /** The fused kernel's settings (only for optimizers that use the default update). */
  protected attrs(): UpdateAttrs {
    throw new Error(`${this.getClassName()}: has no fused update`);
  }
  protected abstract get stateCount(): number;
  /** The suffixes of each state tensor's weight name (getWeights), in order. */
  protected get stateNames(): readonly string[] {
    return Array.from({ length: this.stateCount }, (_, i) => `s${i}`);
  }

  /** Fresh state for a parameter: zeros, unless an optimizer starts elsewhere (Adagrad). */
  protected initState(param: Tensor): Tensor[] {
    return Array.from({ length: this.stateCount }, () => fromData(new Float32Array(param.size), param.shape, 'float32', param.backend));
  }

  /** One parameter's step, in place; `t` counts steps from 1. The default is one fused kernel. */
  protected update(param: Tensor, grad: Tensor, state: Tensor[], t: number): void {
    applyUpdate(param, grad, state, { ...this.attrs(), t });
  }

  /**
   * Update each parameter in place from its gradient: [parameter, gradient] pairs, or TensorFlow.js's
   * map from variable name to gradient or list of { name, tensor }. Parameters are identified by
   * their tensor, so a parameter replaced by setWeights starts over with fresh state.
   */
  applyGradients(grads: GradientList): void {
    const pairs = gradientPairs(grads);
    this.iterations++;
    const t = this.iterations;
    for (const [param, grad] of pairs) {
      if (!grad) continue;
      let st = this.state.get(param);
      if (!st || st.some((x) => x.isDisposed)) {
        // On the parameter's own backend, whichever backend is active now.
        st = this.pending.get(nameOf(param)) ?? this.initState(param);
        this.pending.delete(nameOf(param));
        for (const x of st) keep(x);
        this.state.set(param, st);
      }
      this.update(param, grad, st, t);
    }
    for (const p of [...this.state.keys()]) {
      if (p.isDisposed) {
        for (const x of this.state.get(p)!) x.dispose();
        this.state.delete(p);
      }
    }
  }

  /**
   * One step: computes f() and its gradient with respect to each tensor of `varList` (default, as
   * in TensorFlow.js: every trainable variable), then applies the gradients. Returns the cost
   * (a scalar the caller disposes) when `returnCost` is true, else null. f must return a scalar
   * float32 tensor; anything else throws an Error.
   */
  minimize(f: () => Tensor, returnCost = false, varList?: readonly Tensor[]): Tensor | null {
    if (typeof f !== 'function') throw new Error(`minimize: expected a function returning the scalar cost, got ${typeof f}`);
    const vars = varList ?? trainableVariables();
    if (!Array.isArray(vars) || vars.length === 0) {
      throw new Error('minimize: pass the tensors to train as varList, as in optimizer.minimize(() => loss(w, b), false, [w, b]) (no trainable variables exist to default to)');
    }
    const [cost, grads] = valueAndGrad<Tensor[]>(() => f())(vars);
    if (cost.size !== 1) {
      cost.dispose();
      dispose(grads);
      throw new Error(`minimize: f must return a scalar cost, got a tensor of shape [${cost.shape.join(', ')}]`);
    }
    this.applyGradients(vars.map((v, i) => [v, grads[i]!] as const));
    dispose(grads);
    if (returnCost) return cost;
    cost.dispose();
    return null;
  }

  /**
   * The optimizer's state as TensorFlow.js lists it: { name: 'iter', tensor: int32 scalar } first,
   * then each kind of state for every parameter ('<parameter name>/<kind>'), as copies.
   */
  async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [{ name: 'iter', tensor: fromData(new Int32Array([this.iterations]), [], 'int32') }];
    const names = this.stateNames;
    for (let k = 0; k < names.length; k++) {
      for (const [p, st] of this.state) out.push({ name: `${nameOf(p)}/${names[k]}`, tensor: clone(st[k]!) });
    }
    return out;
  }

  /**
   * Restore what getWeights gave: the iteration count and each parameter's state, matched by the
   * parameter name in each weight's name (state for a parameter not stepped yet waits for it).
   */
  async setWeights(weights: readonly NamedTensor[]): Promise<void> {
    if (!Array.isArray(weights) || weights.length === 0 || weights[0]?.name !== 'iter') {
      throw new Error("setWeights: expected getWeights()'s list, starting with the { name: 'iter' } entry");
    }
    this.iterations = Number((await weights[0].tensor.data())[0]);
    const names = this.stateNames;
    const byParam = new Map<string, Tensor[]>();
    for (const w of weights.slice(1)) {
      const cut = w.name.lastIndexOf('/');
      const k = names.indexOf(w.name.slice(cut + 1));
      if (cut < 0 || k < 0) throw new Error(`setWeights: ${this.getClassName()} has no weight named '${w.name}' (expected '<parameter>/${names.join("' or '<parameter>/")}')`);
      const p = w.name.slice(0, cut);
      const st = byParam.get(p) ?? new Array<Tensor>(names.length);
      st[k] = w.tensor;
      byParam.set(p, st);
    }
    for (const [p, st] of byParam) {
      if (st.some((x) => !x)) throw new Error(`setWeights: parameter '${p}' lacks some of its state (${names.join(', ')})`);
      const copies = st.map((x) => keep(clone(x)));
      const live = [...this.state.keys()].find((q) => nameOf(q) === p);
      if (live) {
        for (const x of this.state.get(live)!) x.dispose();
        this.state.set(live, copies);
      } else {
        for (const x of this.pending.get(p) ?? []) x.dispose();
        this.pending.set(p, copies);
      }
    }
  }

  /** Free every state tensor. */
  dispose(): void {
    for (const st of [...this.state.values(), ...this.pending.values()]) for (const t of st) t.dispose();
    this.state.clear();
    this.pending.clear();
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
  protected override get stateNames(): readonly string[] { return this.momentum > 0 ? ['momentum'] : []; }
  protected override attrs(): UpdateAttrs {
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
  protected override get stateNames(): readonly string[] { return ['rms']; }
  protected override attrs(): UpdateAttrs {
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
  protected override get stateNames(): readonly string[] { return ['m', 'v']; }
  protected override attrs(): UpdateAttrs {
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
