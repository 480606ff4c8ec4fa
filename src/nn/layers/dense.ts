/**
 * Dense: act(x W + b) on the last axis, in one fused matmul kernel (bias and activation in the
 * epilogue). It can also hand out its pre-activation logits so the model computes
 * softmax/sigmoid cross-entropy from logits, stably.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { type ActivationIdentifier, applyRest, checkActivation, fusedPart } from '../activations.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { type CallContext, Layer, type LayerArgs, type LayerVariable, type SymbolicShape, type WeightPlan, fmtSymbolic } from './layer.js';

export interface DenseArgs extends LayerArgs {
  /** Output features: the layer maps [batch, inputs] to [batch, units]. A positive integer. */
  units: number;
  /** Default 'linear'. */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform', as in Keras. */
  kernelInitializer?: InitializerIdentifier | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | Initializer;
  /** e.g. `{ l2: 1e-4 }`: adds l2 * sum(kernel^2) to the training loss. */
  kernelRegularizer?: RegularizerIdentifier;
  /** A penalty on the bias, as kernelRegularizer (default none). */
  biasRegularizer?: RegularizerIdentifier;
}

export class Dense extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Dense';
  /** Output features. */
  readonly units: number;
  /** Applied after the bias. */
  readonly activation: ActivationIdentifier;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  /** Draws the kernel's initial values. */
  readonly kernelInitializer: Initializer;
  /** Draws the bias's initial values. */
  readonly biasInitializer: Initializer;
  /** The penalty on the kernel, if any. */
  readonly kernelRegularizer?: Regularizer;
  /** The penalty on the bias, if any. */
  readonly biasRegularizer?: Regularizer;
  /** The [inputs, units] weight matrix, once built. */
  kernel?: LayerVariable;
  /** The [units] bias, once built (none without useBias). */
  bias?: LayerVariable;
  override supportsMasking = true;

  constructor(args: DenseArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1) throw new Error(`dense: units must be a positive integer, got ${String(args.units)}`);
    this.units = args.units;
    this.activation = checkActivation(`dense '${this.name}'`, args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer('dense', args.kernelInitializer, 'glorotUniform');
    this.biasInitializer = getInitializer('dense', args.biasInitializer, 'zeros');
    this.kernelRegularizer = getRegularizer('dense', args.kernelRegularizer);
    this.biasRegularizer = getRegularizer('dense', args.biasRegularizer);
  }

  getClassName(): string {
    return Dense.className;
  }

  /** kernel [inputs, units], then bias [units] when useBias. */
  override weightShapes(inputShape: SymbolicShape): WeightPlan[] {
    const inDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || typeof inDim !== 'number') {
      throw new Error(`${this.name}: needs inputs whose last dimension is known, got ${fmtSymbolic(inputShape)}`);
    }
    const plan = [{ name: 'kernel', shape: [inDim, this.units], trainable: true }];
    if (this.useBias) plan.push({ name: 'bias', shape: [this.units], trainable: true });
    return plan;
  }

  override build(inputShape: SymbolicShape, seed: number): void {
    const [kernel, bias] = this.weightShapes(inputShape);
    this.kernel = this.addWeight('kernel', kernel!.shape, this.kernelInitializer, seed, true, this.kernelRegularizer);
    if (bias) this.bias = this.addWeight('bias', bias.shape, this.biasInitializer, seed, true, this.biasRegularizer);
    super.build(inputShape, seed);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape.slice(0, -1), this.units];
  }

  /** x W + b with `activation` fused where the kernel can (the rest, softmax among them, runs after). */
  private affine(x: Tensor, activation: ActivationIdentifier): Tensor {
    if (!this.kernel) throw new Error(`${this.name}: the layer is not built yet`);
    const flat = x.rank === 2 ? x : ops.reshape(x, [-1, x.shape[x.rank - 1]!]);
    const y = applyRest(activation, ops.fusedMatmul(flat, this.kernel.value, { bias: this.bias?.value, activation: fusedPart(activation) }));
    return x.rank === 2 ? y : ops.reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return this.affine(x, this.activation);
  }

  /** The pre-activation x W + b (what cross-entropy from logits needs). */
  callLogits(x: Tensor): Tensor {
    return this.affine(x, 'linear');
  }

  override getConfig(): Record<string, unknown> {
    const ser = (i: Initializer) => ({ class_name: i.className, config: i.getConfig() });
    const reg = (r?: Regularizer) => (r ? { class_name: 'L1L2', config: r.getConfig() } : null);
    return {
      units: this.units,
      activation: this.activation,
      use_bias: this.useBias,
      kernel_initializer: ser(this.kernelInitializer),
      bias_initializer: ser(this.biasInitializer),
      kernel_regularizer: reg(this.kernelRegularizer),
      bias_regularizer: reg(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      ...super.getConfig(),
    };
  }
}
