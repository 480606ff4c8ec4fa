/** `wt.datasets`: ready-made datasets, as tensors split into train and test sets, and their loaders. */
export { mnist, loadMnistImages } from './mnist.js';
export { fashionMnist, idxDataset as idx, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR } from './fashion.js';
export { iris } from './iris.js';
export { makeClassification, makeMoons, makeCircles } from './synthetic.js';
export { fromImages } from './images.js';
export { loadIdx } from './idx.js';
export { loadCsv } from './csv.js';
