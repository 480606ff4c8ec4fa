/**
 * The idx-ubyte format of MNIST and Fashion-MNIST (optionally gzipped): a 4-byte magic number
 * (0, 0, type code, rank), one big-endian uint32 per dimension, then the bytes row-major.
 */
import { readBytes, listDir, joinPath } from './files.js';
import { type LabeledImages, type TrainTestImages, checkLabels } from './images.js';

/** An idx array: its dimensions and its unsigned bytes. */
export interface IdxArray {
  /** The dimensions the header gives. */
  shape: number[];
  /** The values, row-major. */
  data: Uint8Array;
}

const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x08: 'ubyte', 0x09: 'byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

/** Parse idx bytes; `name` (the file) is used in error messages. Only unsigned-byte data is supported. */
export function parseIdx(bytes: Uint8Array, name = 'idx data'): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new Error(`parseIdx: expected a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 4) throw new Error(`${name}: not an idx file: ${bytes.length} bytes is shorter than the 4-byte magic number`);
  const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${name}: wrong magic number 0x${magic} (an idx file starts with 0x0000, then a type code and a rank)`);
  }
  const type = bytes[2]!;
  const rank = bytes[3]!;
  if (type !== UBYTE) {
    const what = TYPE_NAMES[type] ? `'${TYPE_NAMES[type]}'` : 'unknown';
    throw new Error(`${name}: wrong magic number 0x${magic}: data type 0x${type.toString(16)} (${what}) is not supported, expected 0x08 (unsigned bytes)`);
  }
  if (rank === 0) throw new Error(`${name}: wrong magic number 0x${magic}: rank 0`);
  const header = 4 + 4 * rank;
  if (bytes.length < header) throw new Error(`${name}: truncated header: rank ${rank} needs ${header} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let size = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    size *= d;
  }
  const have = bytes.length - header;
  if (have < size) {
    throw new Error(`${name}: truncated: shape [${shape.join(', ')}] needs ${size} data bytes, the file has ${have}`);
  }
  if (have > size) {
    throw new Error(`${name}: ${have - size} unexpected bytes after the data of shape [${shape.join(', ')}]`);
  }
  return { shape, data: bytes.subarray(header) };
}

/** Read one idx-ubyte or idx-ubyte.gz file (Node). */
export async function loadIdxFile(path: string): Promise<IdxArray> {
  return parseIdx(await readBytes('loadIdxFile', path), path);
}

/** Pair an images array [n, rows, cols] with a labels array [n]. */
export function idxToImages(images: IdxArray, labels: IdxArray, names: { images: string; labels: string }, numClasses = 10): LabeledImages {
  if (images.shape.length !== 3) {
    throw new Error(`${names.images}: expected images of rank 3 [n, rows, cols], got shape [${images.shape.join(', ')}]`);
  }
  if (labels.shape.length !== 1) {
    throw new Error(`${names.labels}: expected labels of rank 1 [n], got shape [${labels.shape.join(', ')}]`);
  }
  const [n, rows, cols] = images.shape as [number, number, number];
  if (labels.shape[0] !== n) {
    throw new Error(`${names.labels}: holds ${labels.shape[0]} labels but ${names.images} holds ${n} images`);
  }
  checkLabels(labels.data, numClasses, names.labels);
  return { pixels: images.data, maxValue: 255, labels: labels.data, n, rows, cols, source: names.images };
}

const PATTERN = /^(train|t10k|test)-(images|labels)[-.]idx([13])-ubyte(\.gz)?$/;

/**
 * Load the four MNIST-layout files of a directory: train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each possibly .gz, or with '.' before 'idx').
 */
export async function loadIdx(dir: string, opts: { numClasses?: number } = {}): Promise<TrainTestImages> {
  const names = await listDir('loadIdx', dir);
  const found = new Map<string, string>();
  for (const f of names.sort()) {
    const m = PATTERN.exec(f);
    if (!m) continue;
    const key = `${m[1] === 'train' ? 'train' : 'test'}-${m[2]}`;
    // Prefer the uncompressed file when both are present: it reads faster.
    if (!found.has(key) || !m[4]) found.set(key, f);
  }
  const file = async (key: string, expected: string): Promise<string> => {
    const f = found.get(key);
    if (!f) throw new Error(`loadIdx: no ${key.replace('-', ' ')} file in '${dir}' (expected ${expected} or ${expected}.gz)`);
    return joinPath(dir, f);
  };
  const split = async (part: 'train' | 'test', prefix: string): Promise<LabeledImages> => {
    const imgPath = await file(`${part}-images`, `${prefix}-images-idx3-ubyte`);
    const lblPath = await file(`${part}-labels`, `${prefix}-labels-idx1-ubyte`);
    const [imgs, lbls] = await Promise.all([loadIdxFile(imgPath), loadIdxFile(lblPath)]);
    return idxToImages(imgs, lbls, { images: imgPath, labels: lblPath }, opts.numClasses);
  };
  return { train: await split('train', 'train'), test: await split('test', 't10k') };
}
