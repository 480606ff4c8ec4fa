/**
 * Recurrent layers, their cells, the wrappers and attention from their Keras configs (Keras 2,
 * Keras 3 and TF.js spellings): SimpleRNN, LSTM, GRU, RNN over cells, Bidirectional,
 * TimeDistributed, MultiHeadAttention.
 */
import type { Layer, LayerArgs } from '../layers/layer.js';
import { GRUCell, LSTMCell, type RNNCellBase, SimpleRNNCell } from '../layers/recurrent-cells.js';
import { StackedRNNCells } from '../layers/stacked-cells.js';
import { GRU, LSTM, RNN, SimpleRNN } from '../layers/recurrent.js';
import { ConvLSTM2D } from '../layers/conv-recurrent.js';
import { MultiHeadAttention } from '../layers/attention.js';
import { Masking } from '../layers/masking.js';
import { Bidirectional, type MergeMode, TimeDistributed } from '../layers/wrappers.js';
import { activationOf, type Config, init, reg } from './layer-configs.js';

/** The classes this file reads. */
export const RECURRENT_CLASSES = ['SimpleRNN', 'LSTM', 'GRU', 'RNN', 'Bidirectional', 'TimeDistributed', 'MultiHeadAttention', 'Masking', 'ConvLSTM2D'] as const;

/** The options a cell's config holds (the same keys in a layer's config). */
function cellArgs(c: Config) {
  const rate = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return {
    units: c.units as number,
    activation: activationOf(c.activation ?? 'tanh'),
    useBias: c.use_bias as boolean | undefined,
    kernelInitializer: init(c.kernel_initializer),
    recurrentInitializer: init(c.recurrent_initializer),
    biasInitializer: init(c.bias_initializer),
    kernelRegularizer: reg(c.kernel_regularizer),
    recurrentRegularizer: reg(c.recurrent_regularizer),
    biasRegularizer: reg(c.bias_regularizer),
    dropout: rate(c.dropout),
    recurrentDropout: rate(c.recurrent_dropout),
  };
}

function gated(c: Config) {
  return {
    ...cellArgs(c),
    recurrentActivation: c.recurrent_activation === undefined || c.recurrent_activation === null ? undefined : activationOf(c.recurrent_activation),
    implementation: typeof c.implementation === 'number' ? c.implementation : undefined,
  };
}

function rnnFlags(c: Config) {
  const flag = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
  return { returnSequences: flag(c.return_sequences), returnState: flag(c.return_state), goBackwards: flag(c.go_backwards), stateful: flag(c.stateful), unroll: flag(c.unroll) };
}

/** TF.js writes unit_forget_bias null for "default": Keras's default is true. */
function forgetBias(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

function cellFromConfig(entry: Config): RNNCellBase {
  const cls = entry?.class_name;
  const c = (entry?.config ?? {}) as Config;
  const name = typeof c.name === 'string' ? c.name : undefined;
  switch (cls) {
    case 'SimpleRNNCell': return new SimpleRNNCell({ name, ...cellArgs(c) });
    case 'LSTMCell': return new LSTMCell({ name, ...gated(c), unitForgetBias: forgetBias(c.unit_forget_bias) });
    case 'GRUCell': return new GRUCell({ name, ...gated(c), resetAfter: typeof c.reset_after === 'boolean' ? c.reset_after : undefined });
    case 'StackedRNNCells': return new StackedRNNCells({ name, cells: ((c.cells ?? []) as Config[]).map(cellFromConfig) });
    default: throw new Error(`loadModel: recurrent cell class '${String(cls)}' is not supported (supported: SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells)`);
  }
}

/** A recurrent layer or wrapper from its config; `inner` reads a wrapped layer's {class_name, config}. */
export function recurrentFromConfig(cls: string, c: Config, base: LayerArgs, inner: (e: Config) => Layer): Layer {
  switch (cls) {
    case 'SimpleRNN': return new SimpleRNN({ ...base, ...cellArgs(c), ...rnnFlags(c) });
    case 'LSTM': return new LSTM({ ...base, ...gated(c), unitForgetBias: forgetBias(c.unit_forget_bias), ...rnnFlags(c) });
    case 'GRU': return new GRU({ ...base, ...gated(c), resetAfter: typeof c.reset_after === 'boolean' ? c.reset_after : undefined, ...rnnFlags(c) });
    case 'RNN': {
      const cell = c.cell as Config | Config[];
      return new RNN({ ...base, cell: Array.isArray(cell) ? cell.map(cellFromConfig) : cellFromConfig(cell), ...rnnFlags(c) });
    }
    case 'Bidirectional': {
      const layer = inner(c.layer as Config);
      if (!(layer instanceof RNN)) throw new Error(`loadModel: Bidirectional '${String(c.name)}' wraps a ${layer.getClassName()}; only recurrent layers are supported`);
      if (c.backward_layer) throw new Error(`loadModel: Bidirectional '${String(c.name)}' has its own backward_layer; only copies of the forward layer are supported`);
      return new Bidirectional({ ...base, layer, mergeMode: (c.merge_mode === undefined ? undefined : c.merge_mode) as MergeMode | undefined });
    }
    case 'TimeDistributed': return new TimeDistributed({ ...base, layer: inner(c.layer as Config) });
    case 'ConvLSTM2D': return new ConvLSTM2D({
      ...base, ...gated(c), unitForgetBias: forgetBias(c.unit_forget_bias), ...rnnFlags(c),
      filters: c.filters as number,
      kernelSize: c.kernel_size as [number, number],
      strides: (c.strides ?? undefined) as [number, number] | undefined,
      padding: (c.padding ?? undefined) as 'valid' | 'same' | undefined,
      dataFormat: (c.data_format ?? undefined) as 'channelsLast' | undefined,
      dilationRate: (c.dilation_rate ?? undefined) as [number, number] | undefined,
    });
    case 'Masking': return new Masking({ ...base, maskValue: typeof c.mask_value === 'number' ? c.mask_value : undefined });
    case 'MultiHeadAttention': {
      const o = c.output_shape;
      return new MultiHeadAttention({
        ...base,
        numHeads: c.num_heads as number,
        keyDim: c.key_dim as number,
        valueDim: (c.value_dim ?? undefined) as number | undefined,
        dropout: typeof c.dropout === 'number' ? c.dropout : undefined,
        useBias: c.use_bias as boolean | undefined,
        outputShape: (o === null || o === undefined ? undefined : Array.isArray(o) ? o : o) as number | [number] | undefined,
        attentionAxes: (c.attention_axes ?? undefined) as number[] | undefined,
        kernelInitializer: init(c.kernel_initializer),
        biasInitializer: init(c.bias_initializer),
        kernelRegularizer: reg(c.kernel_regularizer),
        biasRegularizer: reg(c.bias_regularizer),
      });
    }
    default: throw new Error(`loadModel: layer class '${cls}' is not a recurrent layer`);
  }
}
