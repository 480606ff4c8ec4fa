/**
 * Fashion-MNIST (Zalando's 28x28 clothing images, 10 classes) from idx-ubyte(.gz) files; by default
 * from /usr/share/datasets/fashion-mnist, where Debian's dataset-fashion-mnist package puts them.
 */
import { type Dataset, type SplitOptions, fromImages } from './images.js';
import { loadIdx } from './idx.js';

/** Where Debian's dataset-fashion-mnist package installs the idx files: fashionMnist's default folder. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The names of Fashion-MNIST's ten classes, by class index. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

/** Which examples fashionMnist and datasets.idx take, and from which folder. */
export interface IdxDatasetOptions extends Omit<SplitOptions, 'numClasses'> {
  /** Folder holding train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-... */
  dir?: string;
}

/** Train and test tensors from an MNIST-layout idx folder: `train`/`test` examples (default all), seeded. */
export async function idxDataset(opts: IdxDatasetOptions & { dir: string }): Promise<Dataset> {
  return fromImages(await loadIdx(opts.dir), opts);
}

/** Fashion-MNIST as tensors (default: all 60,000 train and 10,000 test images). */
export async function fashionMnist(opts: IdxDatasetOptions = {}): Promise<Dataset> {
  return idxDataset({ ...opts, dir: opts.dir ?? FASHION_MNIST_DIR });
}
