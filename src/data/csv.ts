/**
 * The CSV layout of mnist_train.csv / mnist_test.csv: one image per line, the label first, then the
 * pixel values 0-255 row-major (784 of them for 28x28). An optional header line is skipped.
 * Parsing runs over the bytes, not split strings, so a 60,000-line file reads in about a second.
 */
import { readBytes } from './files.js';
import type { LabeledImages } from './images.js';

/** The image size and class count of a CSV file in the label-then-pixels layout. */
export interface CsvOptions {
  /** Image height (default 28). */
  rows?: number;
  /** Image width (default 28). */
  cols?: number;
  /** Labels must lie in 0..numClasses-1 (default 10). */
  numClasses?: number;
}

const COMMA = 44, LF = 10, CR = 13, ZERO = 48, NINE = 57, SPACE = 32, TAB = 9;

/** Parse CSV bytes (or text) in the label-then-pixels layout; `name` (the file) is used in errors. */
export function parseCsv(input: Uint8Array | string, name = 'csv data', opts: CsvOptions = {}): LabeledImages {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (!(bytes instanceof Uint8Array)) throw new Error(`parseCsv: expected a Uint8Array or a string, got ${typeof input}`);
  const rows = opts.rows ?? 28;
  const cols = opts.cols ?? 28;
  const numClasses = opts.numClasses ?? 10;
  for (const [k, v] of [['rows', rows], ['cols', cols], ['numClasses', numClasses]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`parseCsv: ${k} must be a positive integer, got ${v}`);
  }
  const f = rows * cols;
  const fields = f + 1;
  // Upper bound on lines, to size the buffers once.
  let maxLines = 1;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === LF) maxLines++;
  let pixels = new Uint8Array(maxLines * f);
  let labels = new Int32Array(maxLines);
  const decoder = new TextDecoder();

  let n = 0;
  let line = 0;
  let pos = 0;
  const end = bytes.length;
  const row = new Float64Array(fields);
  while (pos < end) {
    line++;
    let lineEnd = pos;
    while (lineEnd < end && bytes[lineEnd] !== LF) lineEnd++;
    let stop = lineEnd;
    while (stop > pos && (bytes[stop - 1] === CR || bytes[stop - 1] === SPACE || bytes[stop - 1] === TAB)) stop--;
    const start = pos;
    pos = lineEnd + 1;
    if (stop === start) continue; // blank line
    // Split and convert the fields of this line.
    let count = 0;
    let p = start;
    let bad: string | null = null;
    while (p <= stop) {
      let q = p;
      let v = 0;
      let digits = true;
      while (q < stop && bytes[q] !== COMMA) {
        const c = bytes[q]!;
        if (c >= ZERO && c <= NINE) v = v * 10 + (c - ZERO);
        else digits = false;
        q++;
      }
      if (!digits || q === p) {
        const text = decoder.decode(bytes.subarray(p, q)).trim();
        v = text === '' ? NaN : Number(text);
        if (!Number.isFinite(v) && bad === null) bad = text;
      }
      if (count < fields) row[count] = v;
      count++;
      p = q + 1;
    }
    if (bad !== null) {
      // A non-numeric first line is a header ("label,1x1,1x2,...").
      if (n === 0 && line === 1) continue;
      throw new Error(`${name}: line ${line}: '${bad.slice(0, 20)}' is not a number`);
    }
    if (count !== fields) {
      throw new Error(`${name}: line ${line} has ${count - 1} pixel values, expected ${f} (${rows}x${cols}) after the label`);
    }
    const label = row[0]!;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new Error(`${name}: line ${line}: label ${label} is out of range (expected an integer in 0..${numClasses - 1})`);
    }
    labels[n] = label;
    const o = n * f;
    for (let j = 0; j < f; j++) {
      const v = row[j + 1]!;
      if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
        throw new Error(`${name}: line ${line}: pixel ${j} is ${v}, expected an integer in 0..255`);
      }
      pixels[o + j] = v;
    }
    n++;
  }
  if (n === 0) throw new Error(`${name}: no data lines (expected one image per line: label, then ${f} pixel values)`);
  pixels = pixels.slice(0, n * f);
  labels = labels.slice(0, n);
  return { pixels, maxValue: 255, labels, n, rows, cols, source: name };
}

/** Read a CSV file (optionally gzipped) in the mnist_train.csv layout (Node). */
export async function loadCsv(path: string, opts: CsvOptions = {}): Promise<LabeledImages> {
  return parseCsv(await readBytes('loadCsv', path), path, opts);
}
