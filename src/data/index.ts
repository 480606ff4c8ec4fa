/** Datasets and loaders, gathered under `wt.datasets`. */
import { mnist, loadMnistImages } from './mnist.js';
import { fashionMnist, idxDataset, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR } from './fashion.js';
import { iris } from './iris.js';
import { makeClassification, makeMoons, makeCircles } from './synthetic.js';
import { fromImages } from './images.js';
import { loadIdx, loadIdxFile, parseIdx } from './idx.js';
import { loadCsv, parseCsv } from './csv.js';

export type { Dataset, LabeledImages, SplitOptions } from './images.js';
export type { MnistOptions } from './mnist.js';
export type { IdxDatasetOptions } from './fashion.js';
export type { IrisData } from './iris.js';
export type { Tabular, ClassificationOptions, ShapeOptions } from './synthetic.js';
export type { IdxArray } from './idx.js';
export type { CsvOptions } from './csv.js';
export { permutation } from './rng.js';
export * as data from './dataset.js';
export { loadIdx, loadIdxFile, parseIdx, loadCsv, parseCsv, fromImages, makeClassification, makeMoons, makeCircles };

/** Ready-made datasets: `await wt.datasets.mnist({ train: 8000, test: 2000 })`. */
export const datasets = {
  mnist,
  fashionMnist,
  idx: idxDataset,
  iris,
  makeClassification,
  makeMoons,
  makeCircles,
  fromImages,
  loadMnistImages,
  loadIdx,
  loadCsv,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR,
};
