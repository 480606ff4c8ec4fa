/**
 * TensorFlow.js's optimizer classes, with its names, positional constructor arguments, defaults and
 * update formulas (what `wt.train.*` returns). SGD and Momentum run the fused update kernel (the
 * same arithmetic as TF.js's); the others are composed from ops, since their formulas differ from
 * the Keras ones the kernel computes (TF.js's RMSProp takes sqrt(ms + epsilon), Adam divides by
 * sqrt(v̂) + epsilon after bias correction). All of them work in model.compile, minimize and
 * applyGradients, on the parameters' own backend.
 */
import { tidy } from '../memory.js';
import { abs, add, div, maximum, mul, sqrt, square, sub } from '../ops/index.js';
import { fromData } from '../ops/core.js';
import type { Tensor } from '../tensor.js';
import { Optimizer, SGD } from './optimizers.js';

/** TF.js's epsilon where none is given: its float32 backends' 1e-7. */
const EPSILON = 1e-7;

/** Replace `target`'s values with `value`'s (same shape), keeping the tensor object. */
function set(target: Tensor, value: Tensor): void {
  target.adoptStorage(value);
}

function finite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/** TF.js's SGDOptimizer: p -= learningRate * g. */
export class SGDOptimizer extends SGD {
  /** A learning rate that is not a positive number throws. */
  constructor(learningRate: number) {
    super({ learningRate });
  }
  /** TensorFlow.js's config: { learningRate }. */
  override getConfig(): Record<string, number | boolean> { return { learningRate: this.learningRate }; }
  /** Sets the learning rate (TF.js's setLearningRate). */
  setLearningRate(learningRate: number): void { this.learningRate = learningRate; }
}

/**
 * TF.js's MomentumOptimizer: accumulation = momentum * accumulation + g, p -= learningRate *
 * accumulation (with useNesterov, p -= learningRate * (g + momentum * accumulation)).
 */
export class MomentumOptimizer extends SGD {
  constructor(learningRate: number, momentum: number, useNesterov = false) {
    super({ learningRate, momentum, nesterov: useNesterov });
  }
  /** Whether the Nesterov step is taken (TF.js's name). */
  get useNesterov(): boolean { return this.nesterov; }
  override getClassName(): string { return 'Momentum'; }
  /** TensorFlow.js's config: { learningRate, momentum, useNesterov }. */
  override getConfig(): Record<string, number | boolean> { return { learningRate: this.learningRate, momentum: this.momentum, useNesterov: this.nesterov }; }
  /** Sets the learning rate (TF.js's setLearningRate). */
  setLearningRate(learningRate: number): void { this.learningRate = learningRate; }
  protected override get stateCount(): number { return 1; }
  protected override get stateNames(): readonly string[] { return ['momentum']; }
  protected override attrs() {
    // momentum 0 still keeps (zero) accumulation state, as TF.js does.
    return { ...super.attrs(), kind: 'momentum' as const };
  }
}

/**
 * TF.js's RMSPropOptimizer: ms = decay * ms + (1 - decay) g², mom = momentum * mom +
 * learningRate * g / sqrt(ms + epsilon), p -= mom; centered subtracts the square of the mean
 * gradient mg = decay * mg + (1 - decay) g under the root.
 */
export class RMSPropOptimizer extends Optimizer {
  /** The step size; may be changed between steps. */
  learningRate: number;
  /** The decay of the averages (RMSProp: of the mean square; Adamax: of the learning rate per step). */
  readonly decay: number;
  /** The decay of the accumulated update. */
  readonly momentum: number;
  /** Added for numerical stability. */
  readonly epsilon: number;
  /** Whether the mean gradient is subtracted under the root. */
  readonly centered: boolean;

  constructor(learningRate: number, decay = 0.9, momentum = 0, epsilon: number | null = null, centered = false) {
    super();
    this.learningRate = finite('RMSPropOptimizer', 'learningRate', learningRate);
    this.decay = finite('RMSPropOptimizer', 'decay', decay);
    this.momentum = finite('RMSPropOptimizer', 'momentum', momentum);
    this.epsilon = epsilon === null ? EPSILON : finite('RMSPropOptimizer', 'epsilon', epsilon);
    this.centered = centered;
  }
  getClassName(): string { return 'RMSProp'; }
  /** TensorFlow.js's config: { learningRate, decay, momentum, epsilon, centered }. */
  getConfig(): Record<string, number | boolean> {
    return { learningRate: this.learningRate, decay: this.decay, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
  protected get stateCount(): number { return this.centered ? 3 : 2; }
  protected override get stateNames(): readonly string[] { return this.centered ? ['rms', 'momentum', 'mg'] : ['rms', 'momentum']; }
  protected override update(p: Tensor, g: Tensor, [ms, mom, mg]: Tensor[]): void {
    tidy(() => {
      const ms1 = add(mul(ms!, this.decay), mul(square(g), 1 - this.decay));
      let denom: Tensor;
      if (this.centered) {
        const mg1 = add(mul(mg!, this.decay), mul(g, 1 - this.decay));
        denom = sqrt(sub(ms1, add(square(mg1), this.epsilon)));
        set(mg!, mg1);
      } else {
        denom = sqrt(add(ms1, this.epsilon));
      }
      const mom1 = add(mul(mom!, this.momentum), div(mul(g, this.learningRate), denom));
      set(ms!, ms1);
      set(mom!, mom1);
      set(p, sub(p, mom1));
    });
  }
}

/**
 * TF.js's AdamOptimizer: m = β1 m + (1 - β1) g, v = β2 v + (1 - β2) g², p -= learningRate *
 * m̂ / (sqrt(v̂) + epsilon) with m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t).
 */
export class AdamOptimizer extends Optimizer {
  /** The step size; may be changed between steps. */
  learningRate: number;
  /** The first moment's decay. */
  readonly beta1: number;
  /** The second moment's (Adamax: the infinity norm's) decay. */
  readonly beta2: number;
  /** Added for numerical stability. */
  readonly epsilon: number;

  constructor(learningRate: number, beta1: number, beta2: number, epsilon: number | null = null) {
    super();
    this.learningRate = finite('AdamOptimizer', 'learningRate', learningRate);
    this.beta1 = finite('AdamOptimizer', 'beta1', beta1);
    this.beta2 = finite('AdamOptimizer', 'beta2', beta2);
    this.epsilon = epsilon === null ? EPSILON : finite('AdamOptimizer', 'epsilon', epsilon);
  }
  getClassName(): string { return 'Adam'; }
  /** TensorFlow.js's config: { learningRate, beta1, beta2, epsilon }. */
  getConfig(): Record<string, number | boolean> { return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon }; }
  protected get stateCount(): number { return 2; }
  protected override get stateNames(): readonly string[] { return ['m', 'v']; }
  protected override update(p: Tensor, g: Tensor, [m, v]: Tensor[], t: number): void {
    tidy(() => {
      const m1 = add(mul(m!, this.beta1), mul(g, 1 - this.beta1));
      const v1 = add(mul(v!, this.beta2), mul(square(g), 1 - this.beta2));
      const mHat = div(m1, 1 - Math.pow(this.beta1, t));
      const vHat = div(v1, 1 - Math.pow(this.beta2, t));
      set(m!, m1);
      set(v!, v1);
      set(p, add(mul(div(mHat, add(sqrt(vHat), this.epsilon)), -this.learningRate), p));
    });
  }
}

/**
 * TF.js's AdamaxOptimizer: m = β1 m + (1 - β1) g, u = max(β2 u, |g|), p -= lr_t / (1 - β1^t) *
 * m / (u + epsilon), where lr_t = learningRate / (1 + decay * (t - 1)).
 */
export class AdamaxOptimizer extends Optimizer {
  /** The step size; may be changed between steps. */
  learningRate: number;
  /** The first moment's decay. */
  readonly beta1: number;
  /** The second moment's (Adamax: the infinity norm's) decay. */
  readonly beta2: number;
  /** Added for numerical stability. */
  readonly epsilon: number;
  /** The decay of the averages (RMSProp: of the mean square; Adamax: of the learning rate per step). */
  readonly decay: number;

  constructor(learningRate: number, beta1: number, beta2: number, epsilon: number | null = null, decay = 0) {
    super();
    this.learningRate = finite('AdamaxOptimizer', 'learningRate', learningRate);
    this.beta1 = finite('AdamaxOptimizer', 'beta1', beta1);
    this.beta2 = finite('AdamaxOptimizer', 'beta2', beta2);
    this.epsilon = epsilon === null ? EPSILON : finite('AdamaxOptimizer', 'epsilon', epsilon);
    this.decay = finite('AdamaxOptimizer', 'decay', decay);
  }
  getClassName(): string { return 'Adamax'; }
  /** TensorFlow.js's config: { learningRate, beta1, beta2, epsilon, decay }. */
  getConfig(): Record<string, number | boolean> {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, decay: this.decay };
  }
  protected get stateCount(): number { return 2; }
  protected override get stateNames(): readonly string[] { return ['m', 'v']; }
  protected override update(p: Tensor, g: Tensor, [m, u]: Tensor[], t: number): void {
    tidy(() => {
      const lr = -this.learningRate / ((t - 1) * this.decay + 1);
      const m1 = add(mul(m!, this.beta1), mul(g, 1 - this.beta1));
      const u1 = maximum(mul(u!, this.beta2), abs(g));
      set(m!, m1);
      set(u!, u1);
      set(p, add(mul(div(m1, add(u1, this.epsilon)), lr / (1 - Math.pow(this.beta1, t))), p));
    });
  }
}

/** TF.js's AdagradOptimizer: accumulator += g² (starting at initialAccumulatorValue), p -= learningRate * g / sqrt(accumulator + 1e-7). */
export class AdagradOptimizer extends Optimizer {
  /** The step size; may be changed between steps. */
  learningRate: number;
  /** Where the accumulated squared gradient starts. */
  readonly initialAccumulatorValue: number;

  constructor(learningRate: number, initialAccumulatorValue = 0.1) {
    super();
    this.learningRate = finite('AdagradOptimizer', 'learningRate', learningRate);
    this.initialAccumulatorValue = finite('AdagradOptimizer', 'initialAccumulatorValue', initialAccumulatorValue);
  }
  getClassName(): string { return 'Adagrad'; }
  /** TensorFlow.js's config: { learningRate, initialAccumulatorValue }. */
  getConfig(): Record<string, number | boolean> { return { learningRate: this.learningRate, initialAccumulatorValue: this.initialAccumulatorValue }; }
  protected get stateCount(): number { return 1; }
  protected override get stateNames(): readonly string[] { return ['accumulator']; }
  protected override initState(param: Tensor): Tensor[] {
    return [fromData(new Float32Array(param.size).fill(this.initialAccumulatorValue), param.shape, 'float32', param.backend)];
  }
  protected override update(p: Tensor, g: Tensor, [acc]: Tensor[]): void {
    tidy(() => {
      const acc1 = add(acc!, square(g));
      set(acc!, acc1);
      set(p, add(mul(div(g, sqrt(add(acc1, EPSILON))), -this.learningRate), p));
    });
  }
}

/**
 * TF.js's AdadeltaOptimizer: update = sqrt(accUpdate + ε) / sqrt(accGrad + ε) * g (with the
 * accumulated squared gradient from before this step, as TF.js computes it), accGrad = ρ accGrad +
 * (1 - ρ) g², accUpdate = ρ accUpdate + (1 - ρ) update², p -= learningRate * update.
 */
export class AdadeltaOptimizer extends Optimizer {
  /** The step size; may be changed between steps. */
  learningRate: number;
  /** The decay of the accumulated squared gradients and updates. */
  readonly rho: number;
  /** Added for numerical stability. */
  readonly epsilon: number;

  constructor(learningRate: number, rho: number, epsilon: number | null = null) {
    super();
    this.learningRate = finite('AdadeltaOptimizer', 'learningRate', learningRate);
    this.rho = finite('AdadeltaOptimizer', 'rho', rho);
    this.epsilon = epsilon === null ? EPSILON : finite('AdadeltaOptimizer', 'epsilon', epsilon);
  }
  getClassName(): string { return 'Adadelta'; }
  /** TensorFlow.js's config: { learningRate, rho, epsilon }. */
  getConfig(): Record<string, number | boolean> { return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon }; }
  protected get stateCount(): number { return 2; }
  protected override get stateNames(): readonly string[] { return ['accum_grad', 'accum_var']; }
  protected override update(p: Tensor, g: Tensor, [ag, au]: Tensor[]): void {
    tidy(() => {
      const ag1 = add(mul(ag!, this.rho), mul(square(g), 1 - this.rho));
      const upd = mul(div(sqrt(add(au!, this.epsilon)), sqrt(add(ag!, this.epsilon))), g);
      const au1 = add(mul(au!, this.rho), mul(square(upd), 1 - this.rho));
      set(ag!, ag1);
      set(au!, au1);
      set(p, add(mul(upd, -this.learningRate), p));
    });
  }
}
