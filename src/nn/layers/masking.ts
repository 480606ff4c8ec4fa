/**
 * Keras's Masking layer: steps whose every feature equals maskValue are marked as padding. The
 * mask flows through the graph to the recurrent layers, which carry their state across those
 * steps; the layer's own output is its input with the masked steps zeroed.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import { Layer, type LayerArgs, type SymbolicShape, fmtSymbolic } from './layer.js';

/** Options of masking. */
export interface MaskingArgs extends LayerArgs {
  /** The padding value (default 0). */
  maskValue?: number;
}

/** Marks steps of [batch, steps, features] whose features all equal maskValue as padding. */
export class Masking extends Layer {
  /** Keras's class name, as in model.json. */
  static readonly className = 'Masking';
  /** Time steps whose features all equal this are masked. */
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    super(args);
    const v = args.maskValue ?? 0;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`${this.name}: maskValue must be a number, got ${String(args.maskValue)}`);
    this.maskValue = v;
  }

  getClassName(): string {
    return Masking.className;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (inputShape.length < 3) throw new Error(`${this.name}: expected inputs of shape [batch, steps, features], got ${fmtSymbolic(inputShape)}`);
    return inputShape;
  }

  /** The mask [batch, steps]: 1 where some feature differs from maskValue. */
  override computeMask(x: Tensor | Tensor[]): Tensor {
    return ops.max(ops.cast(ops.notEqual(x as Tensor, this.maskValue), 'float32'), -1);
  }

  call(x: Tensor): Tensor {
    return ops.mul(x, ops.expandDims(this.computeMask(x), -1));
  }

  override getConfig(): Record<string, unknown> {
    return { mask_value: this.maskValue, ...super.getConfig() };
  }
}
