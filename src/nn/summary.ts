/** model.summary(): the Keras table of layers, output shapes and parameter counts. */
import type { Sequential } from './model.js';
import type { SymbolicShape } from './layers/layer.js';

/** Options of model.summary. */
export interface SummaryOptions {
  /** Print the table (default true). */
  print?: boolean;
  /** Where to print (default console.log). */
  printFn?: (text: string) => void;
  /** Total width (default 65, as in Keras). */
  lineLength?: number;
}

/** Keras prints shapes as Python tuples: (None, 512). */
function tuple(s: SymbolicShape): string {
  const parts = s.map((d) => (d === null ? 'None' : String(d)));
  return `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})`;
}

function cells(values: string[], stops: number[]): string {
  let line = '';
  values.forEach((v, i) => {
    line += v;
    line = line.slice(0, stops[i]!);
    line += ' '.repeat(Math.max(0, stops[i]! - line.length));
  });
  return line;
}

/** 407050 -> '407,050'. */
function commas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function summaryText(model: Sequential, opts: SummaryOptions = {}): string {
  if (!model.built) throw new Error(`summary: ${model.name} is not built yet: give the first layer an inputShape, or call fit/predict once`);
  const width = opts.lineLength ?? 65;
  const stops = [0.45, 0.85, 1].map((p) => Math.floor(width * p));
  const lines = [`Model: "${model.name}"`, '_'.repeat(width), cells(['Layer (type)', 'Output Shape', 'Param #'], stops), '='.repeat(width)];
  let shape = model.inputShape;
  model.layers.forEach((l, i) => {
    shape = l.computeOutputShape(shape);
    lines.push(cells([`${l.name} (${l.getClassName()})`, tuple(shape), String(l.countParams())], stops));
    lines.push(i === model.layers.length - 1 ? '='.repeat(width) : '_'.repeat(width));
  });
  const total = model.countParams();
  const trainable = model.trainableWeights.reduce((n, v) => n + v.value.size, 0);
  lines.push(`Total params: ${commas(total)}`, `Trainable params: ${commas(trainable)}`, `Non-trainable params: ${commas(total - trainable)}`, '_'.repeat(width));
  return lines.join('\n');
}
