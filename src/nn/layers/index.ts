/** The layer factories (wt.layers.dense, ...) and the class registry model.json loading uses. */
import { ActivationLayer, type ActivationArgs, Dropout, type DropoutArgs, Flatten, Reshape, type ReshapeArgs } from './core.js';
import { Conv2D, type Conv2DArgs } from './conv.js';
import { DepthwiseConv2D, type DepthwiseConv2DArgs } from './depthwise.js';
import { AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D, type Pooling2DArgs } from './pooling.js';
import { Conv1D, Conv2DTranspose, Conv3D, Conv3DTranspose, type ConvNDArgs } from './conv-extra.js';
import { SeparableConv1D, SeparableConv2D, type SeparableConvArgs } from './separable.js';
import { AveragePooling1D, AveragePooling3D, GlobalAveragePooling1D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling3D, type PoolingNDArgs } from './pooling-extra.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batchnorm.js';
import { Dense, type DenseArgs } from './dense.js';
import type { Layer, LayerArgs } from './layer.js';
import { Add, Average, Concatenate, type ConcatenateArgs, Dot, type DotArgs, Maximum, Minimum, Multiply, Subtract } from './merge.js';
import { Cropping2D, type Cropping2DArgs, UpSampling2D, type UpSampling2DArgs, ZeroPadding2D, type ZeroPadding2DArgs } from './spatial.js';
import { ELU, type ELUArgs, LeakyReLU, type LeakyReLUArgs, PReLU, type PReLUArgs, ReLU, type ReLUArgs, SoftmaxLayer, type SoftmaxArgs, ThresholdedReLU, type ThresholdedReLUArgs } from './activation-layers.js';
import { LayerNormalization, type LayerNormalizationArgs } from './layernorm.js';
import { InputLayer, type InputLayerArgs } from './input.js';
import { Embedding, type EmbeddingArgs, Permute, type PermuteArgs, RepeatVector, type RepeatVectorArgs, Rescaling, type RescalingArgs } from './reshaping.js';
import { GRUCell, type GRUCellArgs, LSTMCell, type LSTMCellArgs, type RNNCellArgs, SimpleRNNCell } from './recurrent-cells.js';
import { StackedRNNCells, type StackedRNNCellsArgs } from './stacked-cells.js';
import { GRU, type GRUArgs, LSTM, type LSTMArgs, RNN, type RNNArgs, SimpleRNN, type SimpleRNNArgs } from './recurrent.js';
import { Bidirectional, type BidirectionalArgs, TimeDistributed, type TimeDistributedArgs } from './wrappers.js';
import { MultiHeadAttention, type MultiHeadAttentionArgs } from './attention.js';
import { Masking, type MaskingArgs } from './masking.js';
import { ConvLSTM2D, type ConvLSTM2DArgs, ConvLSTM2DCell, type ConvLSTM2DCellArgs } from './conv-recurrent.js';
import { AlphaDropout, GaussianDropout, GaussianNoise, type GaussianNoiseArgs, type NoiseRateArgs, SpatialDropout1D, SpatialDropout2D } from './noise.js';

export { Layer, LayerVariable, type LayerArgs, type CallContext, type SymbolicShape, type WeightPlan } from './layer.js';
export { Dense, type DenseArgs } from './dense.js';
export { ActivationLayer, type ActivationArgs, Dropout, type DropoutArgs, Flatten, Reshape, type ReshapeArgs } from './core.js';
export { Conv2D, type Conv2DArgs, type Size2D } from './conv.js';
export { DepthwiseConv2D, type DepthwiseConv2DArgs } from './depthwise.js';
export { MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, type Pooling2DArgs } from './pooling.js';
export { Conv1D, Conv3D, Conv2DTranspose, Conv3DTranspose, type ConvNDArgs, type SizeND } from './conv-extra.js';
export { SeparableConv1D, SeparableConv2D, type SeparableConvArgs } from './separable.js';
export { MaxPooling1D, AveragePooling1D, MaxPooling3D, AveragePooling3D, GlobalMaxPooling1D, GlobalAveragePooling1D, GlobalMaxPooling2D, type PoolingNDArgs } from './pooling-extra.js';
export { BatchNormalization, type BatchNormalizationArgs } from './batchnorm.js';
export { ElementwiseMerge, type Elementwise, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, type ConcatenateArgs, Dot, type DotArgs } from './merge.js';
export { ZeroPadding2D, type ZeroPadding2DArgs, Cropping2D, type Cropping2DArgs, UpSampling2D, type UpSampling2DArgs } from './spatial.js';
export { ReLU, type ReLUArgs, PReLU, type PReLUArgs, LeakyReLU, type LeakyReLUArgs, ELU, type ELUArgs, SoftmaxLayer, type SoftmaxArgs, ThresholdedReLU, type ThresholdedReLUArgs } from './activation-layers.js';
export { LayerNormalization, type LayerNormalizationArgs } from './layernorm.js';
export { InputLayer, type InputLayerArgs } from './input.js';
export { Embedding, type EmbeddingArgs, Permute, type PermuteArgs, RepeatVector, type RepeatVectorArgs, Rescaling, type RescalingArgs } from './reshaping.js';
export { GaussianNoise, type GaussianNoiseArgs, GaussianDropout, AlphaDropout, SpatialDropout, SpatialDropout1D, SpatialDropout2D, type NoiseRateArgs } from './noise.js';

/** A densely connected layer: activation(x W + b). */
export function dense(args: DenseArgs): Dense {
  return new Dense(args);
}

/** Applies an activation function (linear, step, sigmoid, tanh, relu, leakyRelu, softmax). */
export function activation(args: ActivationArgs): ActivationLayer {
  return new ActivationLayer(args);
}

/** Randomly zeroes a fraction `rate` of its inputs during training (scaling the rest by 1 / (1 - rate)). */
export function dropout(args: DropoutArgs): Dropout {
  return new Dropout(args);
}

/** Normalises its inputs per feature (batch statistics in training, moving averages at inference). */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}

/** Flattens each example into a vector. */
export function flatten(args: LayerArgs = {}): Flatten {
  return new Flatten(args);
}

/**
 * A 2-D convolution over [batch, height, width, channels] images: activation(conv2d(x, kernel) + bias),
 * kernel [kh, kw, inChannels, filters]. `inputShape` of a first layer is [height, width, channels].
 */
export function conv2d(args: Conv2DArgs): Conv2D {
  return new Conv2D(args);
}

/**
 * A depthwise 2-D convolution (each input channel with its own depthMultiplier filters):
 * activation(depthwiseConv2d(x, depthwiseKernel) + bias), kernel [kh, kw, inChannels, depthMultiplier].
 */
export function depthwiseConv2d(args: DepthwiseConv2DArgs): DepthwiseConv2D {
  return new DepthwiseConv2D(args);
}

/** Max pooling over poolSize windows (default 2x2, strides = poolSize, padding 'valid'). */
export function maxPooling2d(args: Pooling2DArgs = {}): MaxPooling2D {
  return new MaxPooling2D(args);
}

/** Average pooling over poolSize windows (default 2x2, strides = poolSize; 'same' averages only real pixels). */
export function averagePooling2d(args: Pooling2DArgs = {}): AveragePooling2D {
  return new AveragePooling2D(args);
}

/** The mean over height and width of each channel: [batch, h, w, c] -> [batch, c]. */
export function globalAveragePooling2d(args: LayerArgs & { dataFormat?: 'channelsLast' } = {}): GlobalAveragePooling2D {
  return new GlobalAveragePooling2D(args);
}

/** A 1-D convolution over [batch, steps, channels]: kernel [kernelSize, inChannels, filters]; padding 'valid', 'same' or 'causal'. */
export function conv1d(args: ConvNDArgs): Conv1D {
  return new Conv1D(args);
}

/** A 3-D convolution over [batch, depth, height, width, channels]: kernel [kd, kh, kw, inChannels, filters]. */
export function conv3d(args: ConvNDArgs): Conv3D {
  return new Conv3D(args);
}

/** A transposed 2-D convolution over images: kernel [kh, kw, filters, inChannels]; output sides in * stride ('same'). */
export function conv2dTranspose(args: ConvNDArgs): Conv2DTranspose {
  return new Conv2DTranspose(args);
}

/** A transposed 3-D convolution: kernel [kd, kh, kw, filters, inChannels]; output sides in * stride ('same'). */
export function conv3dTranspose(args: ConvNDArgs): Conv3DTranspose {
  return new Conv3DTranspose(args);
}

/** A depthwise then pointwise 2-D convolution: depthwise_kernel, pointwise_kernel, bias. */
export function separableConv2d(args: SeparableConvArgs): SeparableConv2D {
  return new SeparableConv2D(args);
}

/** A depthwise then pointwise 1-D convolution over [batch, steps, channels]. */
export function separableConv1d(args: SeparableConvArgs): SeparableConv1D {
  return new SeparableConv1D(args);
}

/** Max pooling over [batch, steps, channels] (default poolSize 2, strides = poolSize, padding 'valid'). */
export function maxPooling1d(args: PoolingNDArgs = {}): MaxPooling1D {
  return new MaxPooling1D(args);
}

/** Average pooling over [batch, steps, channels] (default poolSize 2, strides = poolSize). */
export function averagePooling1d(args: PoolingNDArgs = {}): AveragePooling1D {
  return new AveragePooling1D(args);
}

/** Max pooling over [batch, depth, height, width, channels] (default poolSize 2 in each dim). */
export function maxPooling3d(args: PoolingNDArgs = {}): MaxPooling3D {
  return new MaxPooling3D(args);
}

/** Average pooling over [batch, depth, height, width, channels] (default poolSize 2 in each dim). */
export function averagePooling3d(args: PoolingNDArgs = {}): AveragePooling3D {
  return new AveragePooling3D(args);
}

/** The largest value over the steps: [batch, steps, channels] -> [batch, channels]. */
export function globalMaxPooling1d(args: LayerArgs = {}): GlobalMaxPooling1D {
  return new GlobalMaxPooling1D(args);
}

/** The mean over the steps: [batch, steps, channels] -> [batch, channels]. */
export function globalAveragePooling1d(args: LayerArgs = {}): GlobalAveragePooling1D {
  return new GlobalAveragePooling1D(args);
}

/** The largest value over height and width: [batch, h, w, c] -> [batch, c]. */
export function globalMaxPooling2d(args: LayerArgs & { dataFormat?: 'channelsLast' } = {}): GlobalMaxPooling2D {
  return new GlobalMaxPooling2D(args);
}

/** Reshapes each example to targetShape (one entry may be -1). */
export function reshape(args: ReshapeArgs): Reshape {
  return new Reshape(args);
}

/** The sum of its inputs (broadcasting as Keras): `wt.layers.add().apply([a, b])`. */
export function add(args: LayerArgs = {}): Add {
  return new Add(args);
}

/** The first input minus the second. */
export function subtract(args: LayerArgs = {}): Subtract {
  return new Subtract(args);
}

/** The elementwise product of its inputs. */
export function multiply(args: LayerArgs = {}): Multiply {
  return new Multiply(args);
}

/** The elementwise mean of its inputs. */
export function average(args: LayerArgs = {}): Average {
  return new Average(args);
}

/** The elementwise maximum of its inputs. */
export function maximum(args: LayerArgs = {}): Maximum {
  return new Maximum(args);
}

/** The elementwise minimum of its inputs. */
export function minimum(args: LayerArgs = {}): Minimum {
  return new Minimum(args);
}

/** Joins its inputs along `axis` (default -1). */
export function concatenate(args: ConcatenateArgs = {}): Concatenate {
  return new Concatenate(args);
}

/** The dot product of two inputs along `axes` (cosine similarity with normalize). */
export function dot(args: DotArgs): Dot {
  return new Dot(args);
}

/** Zeros around each image: padding n, [height, width] or [[top, bottom], [left, right]] (default 1). */
export function zeroPadding2d(args: ZeroPadding2DArgs = {}): ZeroPadding2D {
  return new ZeroPadding2D(args);
}

/** Cuts rows and columns off each image's edges. */
export function cropping2D(args: Cropping2DArgs = {}): Cropping2D {
  return new Cropping2D(args);
}

/** Enlarges images by whole factors (default [2, 2]), 'nearest' or 'bilinear'. */
export function upSampling2d(args: UpSampling2DArgs = {}): UpSampling2D {
  return new UpSampling2D(args);
}

/** relu with maxValue (relu6: 6), negativeSlope and threshold. */
export function reLU(args: ReLUArgs = {}): ReLU {
  return new ReLU(args);
}

/** x for x >= 0, alpha * x below (default alpha 0.3). */
export function leakyReLU(args: LeakyReLUArgs = {}): LeakyReLU {
  return new LeakyReLU(args);
}

/** x for x > 0, alpha * (exp(x) - 1) below (default alpha 1). */
export function elu(args: ELUArgs = {}): ELU {
  return new ELU(args);
}

/** Softmax along `axis` (default -1). */
export function softmax(args: SoftmaxArgs = {}): SoftmaxLayer {
  return new SoftmaxLayer(args);
}

/** x for x > theta (default 1), else 0. */
export function thresholdedReLU(args: ThresholdedReLUArgs = {}): ThresholdedReLU {
  return new ThresholdedReLU(args);
}

/** Normalises each example over its last axis, then scales and shifts (gamma, beta). */
export function layerNormalization(args: LayerNormalizationArgs = {}): LayerNormalization {
  return new LayerNormalization(args);
}

/** An explicit input layer (the first layer of a Sequential, or a graph's start). */
export function inputLayer(args: InputLayerArgs): InputLayer {
  return new InputLayer(args);
}

/** Integer indices to vectors of outputDim from a learnt [inputDim, outputDim] table. */
export function embedding(args: EmbeddingArgs): Embedding {
  return new Embedding(args);
}

/** Reorders the non-batch axes (dims counted from 1). */
export function permute(args: PermuteArgs): Permute {
  return new Permute(args);
}

/** [batch, features] to [batch, n, features]. */
export function repeatVector(args: RepeatVectorArgs): RepeatVector {
  return new RepeatVector(args);
}

/** x * scale + offset. */
export function rescaling(args: RescalingArgs): Rescaling {
  return new Rescaling(args);
}

/** Additive Gaussian noise in training. */
export function gaussianNoise(args: GaussianNoiseArgs): GaussianNoise {
  return new GaussianNoise(args);
}

/** Multiplicative Gaussian noise (mean 1) in training. */
export function gaussianDropout(args: NoiseRateArgs): GaussianDropout {
  return new GaussianDropout(args);
}

/** Dropout that keeps SELU's self-normalisation, in training. */
export function alphaDropout(args: NoiseRateArgs): AlphaDropout {
  return new AlphaDropout(args);
}

/** Drops whole channels of [batch, steps, channels] in training. */
export function spatialDropout1d(args: NoiseRateArgs): SpatialDropout1D {
  return new SpatialDropout1D(args);
}

/** Drops whole channels of images in training. */
export function spatialDropout2d(args: NoiseRateArgs): SpatialDropout2D {
  return new SpatialDropout2D(args);
}

/** leakyReLU with learnt slopes: one per input element, or per channel with sharedAxes (default alpha 0). */
export function prelu(args: PReLUArgs = {}): PReLU {
  return new PReLU(args);
}

export { RNNCellBase, SimpleRNNCell, LSTMCell, GRUCell, type RNNCellArgs, type GatedCellArgs, type LSTMCellArgs, type GRUCellArgs } from './recurrent-cells.js';
export { StackedRNNCells, type StackedRNNCellsArgs } from './stacked-cells.js';
export { RNN, SimpleRNN, LSTM, GRU, type BaseRNNArgs, type RNNArgs, type SimpleRNNArgs, type LSTMArgs, type GRUArgs } from './recurrent.js';
export { Bidirectional, type BidirectionalArgs, type MergeMode, TimeDistributed, type TimeDistributedArgs } from './wrappers.js';

/** A fully connected recurrent layer: h = activation(x W + b + h_prev U) at each step of [batch, steps, features]. */
export function simpleRNN(args: SimpleRNNArgs): SimpleRNN {
  return new SimpleRNN(args);
}

/** Long short-term memory over [batch, steps, features] (gates i, f, c, o; states [h, c]). */
export function lstm(args: LSTMArgs): LSTM {
  return new LSTM(args);
}

/** Gated recurrent unit over [batch, steps, features] (resetAfter true by default, as Keras). */
export function gru(args: GRUArgs): GRU {
  return new GRU(args);
}

/** A recurrent layer over any cell, or a list of cells stacked bottom first. */
export function rnn(args: RNNArgs): RNN {
  return new RNN(args);
}

/** SimpleRNN's cell: one step, applied to [x, h]. */
export function simpleRNNCell(args: RNNCellArgs): SimpleRNNCell {
  return new SimpleRNNCell(args);
}

/** LSTM's cell: one step, applied to [x, h, c]. */
export function lstmCell(args: LSTMCellArgs): LSTMCell {
  return new LSTMCell(args);
}

/** GRU's cell: one step, applied to [x, h]. */
export function gruCell(args: GRUCellArgs): GRUCell {
  return new GRUCell(args);
}

export { ConvLSTM2D, type ConvLSTM2DArgs, ConvLSTM2DCell, type ConvLSTM2DCellArgs } from './conv-recurrent.js';

/** A convolutional LSTM over [batch, steps, height, width, channels]: conv2d input and recurrent transforms (gates i, f, c, o; states [h, c]). */
export function convLstm2d(args: ConvLSTM2DArgs): ConvLSTM2D {
  return new ConvLSTM2D(args);
}

/** ConvLSTM2D's cell: one step, applied to [x, h, c] (x [batch, height, width, channels]). */
export function convLstm2dCell(args: ConvLSTM2DCellArgs): ConvLSTM2DCell {
  return new ConvLSTM2DCell(args);
}

/** Cells run one after another in each step (for rnn). */
export function stackedRNNCells(args: StackedRNNCellsArgs): StackedRNNCells {
  return new StackedRNNCells(args);
}

/** Runs a recurrent layer forwards and backwards and merges the outputs (mergeMode, default 'concat'). */
export function bidirectional(args: BidirectionalArgs): Bidirectional {
  return new Bidirectional(args);
}

/** Applies a layer to every time step of [batch, steps, ...]. */
export function timeDistributed(args: TimeDistributedArgs): TimeDistributed {
  return new TimeDistributed(args);
}

export { MultiHeadAttention, type MultiHeadAttentionArgs, type AttentionCallArgs } from './attention.js';

/**
 * Keras 3's multi-head attention: apply it to [query, value] (or [query, value, key], or with an
 * attention mask [batch, T, S] fourth); `attend(query, value, { key, attentionMask, useCausalMask })`
 * on tensors returns the output and the attention scores.
 */
export function multiHeadAttention(args: MultiHeadAttentionArgs): MultiHeadAttention {
  return new MultiHeadAttention(args);
}

export { Masking, type MaskingArgs } from './masking.js';

/** Marks steps whose features all equal maskValue (default 0) as padding; recurrent layers after it skip them. */
export function masking(args: MaskingArgs = {}): Masking {
  return new Masking(args);
}
