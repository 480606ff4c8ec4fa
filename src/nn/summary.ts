/** model.summary(): the Keras table of layers, output shapes, parameter counts and (graphs) their inbound layers. */
import type { LayersModel } from './model.js';
import type { SymbolicShape } from './layers/layer.js';

/** Options of model.summary. */
export interface SummaryOptions {
  /** Print the table (default true). */
  print?: boolean;
  /** Where to print (default console.log). */
  printFn?: (text: string) => void;
  /** Total width (default 65 for a Sequential, 98 for a graph, as in Keras). */
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

/** @internal The summary of a model: Keras's three columns for a Sequential, four (with "Connected to") for a graph. */
export function summaryText(model: LayersModel, opts: SummaryOptions = {}): string {
  if (!model.built) throw new Error(`summary: ${model.name} is not built yet: give the first layer an inputShape, or call fit/predict once`);
  const chain = model.getClassName() === 'Sequential';
  const width = opts.lineLength ?? (chain ? 65 : 98);
  const stops = (chain ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1]).map((p) => Math.floor(width * p));
  const head = ['Layer (type)', 'Output Shape', 'Param #', ...(chain ? [] : ['Connected to'])];
  const lines = [`Model: "${model.name}"`, '_'.repeat(width), cells(head, stops), '='.repeat(width)];
  const layers = model.layers;
  layers.forEach((l, i) => {
    const shape = model.outputShapeOf(l);
    const row = [`${l.name} (${l.getClassName()})`, typeof shape === 'string' ? shape : tuple(shape), String(l.countParams())];
    if (chain) lines.push(cells(row, stops));
    else {
      const links = model.connections(l);
      lines.push(cells([...row, links[0] ?? ''], stops));
      for (const more of links.slice(1)) lines.push(cells(['', '', '', more], stops));
    }
    lines.push(i === layers.length - 1 ? '='.repeat(width) : '_'.repeat(width));
  });
  const total = model.countParams();
  const trainable = model.trainableWeights.reduce((n, v) => n + v.value.size, 0);
  lines.push(`Total params: ${commas(total)}`, `Trainable params: ${commas(trainable)}`, `Non-trainable params: ${commas(total - trainable)}`, '_'.repeat(width));
  return lines.join('\n');
}
