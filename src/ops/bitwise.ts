/**
 * Integer ops of TensorFlow.js: bitwiseAnd (a member of the binary kernel, int32 only) and
 * wt.math.confusionMatrix (one-hot rows of the labels times those of the predictions).
 */
import { fmt, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { argDType, argShape, backendOf, checkInt, defineOp, toTensor, type TensorLike } from './core.js';
import { binaryRaw } from './elementwise.js';
import { matmul } from './matmul.js';
import { cast, oneHot } from './movement.js';

/**
 * The bitwise AND of two int32 tensors of the same shape (no broadcasting, as TensorFlow.js),
 * exact over the whole int32 range on cpu, wasm and webgpu; gpujs, whose textures hold floats,
 * is exact for |x| < 2^24. No gradient.
 * @function
 */
export const bitwiseAnd = defineOp('bitwiseAnd', (x: TensorLike, y: TensorLike): Tensor => {
  const backend = backendOf('bitwiseAnd', [x, y]);
  const sx = argShape('bitwiseAnd', x), sy = argShape('bitwiseAnd', y);
  if (!sx || !sy) throw new Error(`bitwiseAnd: expected Tensors or arrays, got ${sx ? typeof y : typeof x}`);
  const dx = argDType(x, 'int32'), dy = argDType(y, 'int32');
  if (dx !== 'int32' || dy !== 'int32') throw new Error(`bitwiseAnd: expected int32 tensors, got ${dx} and ${dy}`);
  if (!sameShape(sx, sy)) throw new Error(`bitwiseAnd: expected tensors of the same shape, got ${fmt(sx)} and ${fmt(sy)}`);
  return binaryRaw('bitwiseAnd', toTensor('bitwiseAnd', x, backend, 'int32'), toTensor('bitwiseAnd', y, backend, 'int32'));
});

/**
 * The [numClasses, numClasses] int32 confusion matrix of 1-D labels and predictions: entry (i, j)
 * counts the examples of label i predicted as j. Values outside [0, numClasses) are not counted.
 * @function
 */
export const confusionMatrix = defineOp('confusionMatrix', (labels: TensorLike, predictions: TensorLike, numClasses: number): Tensor => {
  const backend = backendOf('confusionMatrix', [labels, predictions]);
  const sl = argShape('confusionMatrix', labels), sp = argShape('confusionMatrix', predictions);
  if (!sl || !sp) throw new Error(`confusionMatrix: expected Tensors or arrays, got ${sl ? typeof predictions : typeof labels}`);
  if (sl.length !== 1 || sp.length !== 1) throw new Error(`confusionMatrix: expected 1-D labels and predictions, got ${fmt(sl)} and ${fmt(sp)}`);
  if (sl[0] !== sp[0]) throw new Error(`confusionMatrix: labels and predictions differ in length: ${sl[0]} vs ${sp[0]}`);
  checkInt('confusionMatrix', 'numClasses', numClasses, 1);
  const asInt = (v: TensorLike): Tensor => {
    const t = toTensor('confusionMatrix', v, backend);
    return t.dtype === 'int32' ? t : cast(t, 'int32');
  };
  const l = oneHot(asInt(labels), numClasses), p = oneHot(asInt(predictions), numClasses);
  return cast(matmul(l, p, { transposeA: true }), 'int32');
});

/** TensorFlow.js's tf.math namespace. */
export const math = { confusionMatrix };
