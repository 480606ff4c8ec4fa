/** Datasets and loaders (`wt.datasets`, with the loaders also at the top level) and `wt.data` pipelines. */
export type { Dataset, LabeledImages, SplitOptions, TrainTestImages } from './images.js';
export type { MnistOptions } from './mnist.js';
export type { IdxDatasetOptions } from './fashion.js';
export type { IrisData } from './iris.js';
export type { Tabular, ClassificationOptions, ShapeOptions } from './synthetic.js';
export type { IdxArray } from './idx.js';
export type { CsvOptions } from './csv.js';
export { permutation } from './rng.js';
export { loadIdx, loadIdxFile, parseIdx } from './idx.js';
export { loadCsv, parseCsv } from './csv.js';
export { fromImages } from './images.js';
export { makeClassification, makeMoons, makeCircles } from './synthetic.js';
export * as datasets from './datasets.js';
export * as data from './dataset.js';
