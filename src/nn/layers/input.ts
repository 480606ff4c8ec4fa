/** The input layer and wt.input(): where a functional graph starts. */
import { Tensor } from '../../tensor.js';
import { Layer, type LayerArgs } from './layer.js';
import { Node, type SymbolicShape, type SymbolicTensor } from './symbolic.js';

/** Options of wt.input (TensorFlow.js's names). */
export interface InputArgs {
  /** The shape of one example, without the batch dimension; null where any size goes (an image of free height and width). */
  shape?: readonly (number | null)[];
  /** The full shape, batch dimension first (null when free). */
  batchShape?: readonly (number | null)[];
  /** 'float32' (default) or 'int32' (indices for an embedding). */
  dtype?: 'float32' | 'int32';
  /** The input layer's name (default input_1, input_2, ...). */
  name?: string;
}

/** Options of the input layer (Keras's InputLayer). */
export interface InputLayerArgs extends Omit<LayerArgs, 'inputShape' | 'batchInputShape' | 'dtype'> {
  /** The shape of one example, without the batch dimension. */
  inputShape?: readonly (number | null)[];
  /** The full shape, batch dimension first. */
  batchInputShape?: readonly (number | null)[];
  /** 'float32' (default) or 'int32'. */
  dtype?: 'float32' | 'int32';
  /** Only false: sparse inputs do not exist here. */
  sparse?: boolean;
}

function checkShape(op: string, s: unknown, batch: boolean): SymbolicShape {
  if (!Array.isArray(s) || s.some((d, i) => !(d === null || (Number.isInteger(d) && (d > 0 || (d === 0 && !(batch && i === 0)))))) || (batch && s.length === 0)) {
    throw new Error(`${op}: expected a shape of positive integers or null, got ${JSON.stringify(s)}`);
  }
  return s as SymbolicShape;
}

/** Keras's InputLayer: no weights, one output placeholder, the start of a graph. */
export class InputLayer extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'InputLayer';
  /** The input's shape, batch dimension first. */
  readonly inputBatchShape: SymbolicShape;
  /** The dtype it accepts. */
  readonly dtype: 'float32' | 'int32';
  /** The placeholder it produces. */
  readonly output: SymbolicTensor;

  constructor(args: InputLayerArgs) {
    const op = 'inputLayer';
    if (args === null || typeof args !== 'object') throw new Error(`${op}: expected { inputShape } or { batchInputShape }, got ${String(args)}`);
    const shape = args.batchInputShape !== undefined
      ? checkShape(op, args.batchInputShape, true)
      : args.inputShape !== undefined ? [args.batchSize ?? null, ...checkShape(op, args.inputShape, false)] : undefined;
    if (!shape) throw new Error(`${op}: needs inputShape or batchInputShape`);
    const dtype = args.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`${op}: dtype must be float32 or int32, got ${String(args.dtype)}`);
    if (args.sparse) throw new Error(`${op}: sparse inputs are not supported`);
    super({ name: args.name, trainable: args.trainable });
    this.inputBatchShape = shape;
    this.dtype = dtype;
    this.builtInputShape = shape;
    this.output = new Node(this, [], [shape], dtype).outputs[0]!;
  }

  getClassName(): string {
    return InputLayer.className;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor): Tensor {
    return x;
  }

  /** Throws unless `x` fits the declared shape (null dimensions take any size). */
  override checkInput(shape: readonly number[]): void {
    const want = this.inputBatchShape;
    if (shape.length !== want.length || want.some((d, i) => d !== null && d !== shape[i])) {
      throw new Error(`${this.name}: expected input shape ${`[${want.map((d) => (d === null ? 'null' : d)).join(',')}]`}, got [${shape.join(',')}]`);
    }
  }

  override getConfig(): Record<string, unknown> {
    return { batch_input_shape: this.inputBatchShape.slice(), dtype: this.dtype, sparse: false, name: this.name };
  }
}

/**
 * A placeholder for a model's input: `wt.input({ shape: [28, 28, 1] })`. Apply layers to it, then
 * make a model with `wt.model({ inputs, outputs })`.
 */
export function input(args: InputArgs): SymbolicTensor {
  if (args === null || typeof args !== 'object') throw new Error(`input: expected { shape } or { batchShape }, got ${String(args)}`);
  if (args.shape === undefined && args.batchShape === undefined) throw new Error('input: needs shape or batchShape');
  return new InputLayer({ inputShape: args.shape, batchInputShape: args.batchShape, dtype: args.dtype, name: args.name ?? nextInputName() }).output;
}

let inputs = 0;
function nextInputName(): string {
  return `input_${++inputs}`;
}

/** @internal Whether `t` is a concrete tensor (for error messages). */
export function isTensor(t: unknown): t is Tensor {
  return t instanceof Tensor;
}
