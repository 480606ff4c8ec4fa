/**
 * The ONNX project's node conformance cases (Debian's libonnx-testdata): loading one case, running
 * it on the active backend and comparing with its expected outputs, and sorting the cases we do not
 * run by why.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as wt from '../src/index.js';
import { decodeModel, decodeTensorFile } from '../src/graph/onnx/model.js';
import { toDevice } from '../src/graph/host.js';
import type { HostTensor } from '../src/graph/types.js';

export const DATA_DIR = '/usr/share/libonnx-testdata/data';
/** The node cases, and the PyTorch-exported modules and operators, and the simple graphs. */
const SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'];

export interface Case {
  name: string;
  dir: string;
  /** Why it is not run (a group name and detail), or undefined when it is. */
  skip?: { group: string; detail: string };
}

const TRAINING_OPS = new Set(['Adagrad', 'Adam', 'Momentum', 'Gradient']);

/** Every case folder, classified by whether we can run it. */
export function listCases(): Case[] {
  if (!existsSync(DATA_DIR)) return [];
  return SUITES.flatMap((suite) => readdirSync(join(DATA_DIR, suite)).sort().map((n) => [suite, n] as const)).map(([suite, n]) => {
    const dir = join(DATA_DIR, suite, n);
    const name = suite === 'node' ? n : `${suite}/${n}`;
    const c: Case = { name, dir };
    let model;
    try {
      model = decodeModel(new Uint8Array(readFileSync(join(dir, 'model.onnx'))));
    } catch (e) {
      c.skip = { group: 'not yet', detail: `decode: ${(e as Error).message}` };
      return c;
    }
    const g = model.graph;
    const values = [...g.inputs, ...g.outputs];
    if (g.nodes.some((n) => n.domain === 'ai.onnx.preview.training' || TRAINING_OPS.has(n.op)) || name.startsWith('test_training_dropout')) {
      c.skip = { group: 'training-only', detail: g.nodes.map((n) => n.op).join(',') };
    } else if (values.some((v) => v.kind === 'sequence') || g.nodes.some((n) => n.op.startsWith('Sequence') || n.op === 'SplitToSequence' || n.op === 'ConcatFromSequence')) {
      c.skip = { group: 'sequence', detail: g.nodes.map((n) => n.op).join(',') };
    } else if (values.some((v) => v.kind === 'optional') || g.nodes.some((n) => n.op.startsWith('Optional'))) {
      c.skip = { group: 'optional', detail: g.nodes.map((n) => n.op).join(',') };
    } else if (values.some((v) => v.dtype === 'string') || model.unsupportedConstants.size > 0 && [...model.unsupportedConstants.values()].includes('string')) {
      c.skip = { group: 'string', detail: g.nodes.map((n) => n.op).join(',') };
    } else {
      const unsupported = [...new Set(g.nodes.map((n) => (n.domain === '' ? n.op : `${n.domain}:${n.op}`)).filter((op) => !wt.onnx.supportedOps().includes(op)))];
      if (unsupported.length) c.skip = { group: 'not yet', detail: unsupported.join(',') };
      else if (values.some((v) => v.dtype && !['float32', 'float64', 'float16', 'int32', 'int64', 'int8', 'uint8', 'int16', 'uint16', 'bool'].includes(v.dtype))) {
        c.skip = { group: 'not yet', detail: `dtype:${[...new Set(values.map((v) => v.dtype))].join('/')}` };
      }
    }
    return c;
  });
}

function readPb(dir: string, prefix: string): HostTensor[] {
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.pb')).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  return files.map((f) => {
    const d = decodeTensorFile(new Uint8Array(readFileSync(join(dir, f))), f);
    if (!d.value) throw new Error(`${f}: dtype ${d.dtype} is not supported`);
    return d.value;
  });
}

/** Run one case on the active backend; resolves to undefined when every output matches, else what differs. */
export async function runCase(c: Case): Promise<string | undefined> {
  const model = await wt.loadGraphModel(join(c.dir, 'model.onnx'));
  try {
    const set = join(c.dir, 'test_data_set_0');
    const inputs = readPb(set, 'input_');
    const expected = readPb(set, 'output_');
    const feeds: Record<string, wt.Tensor> = {};
    // Inputs the model lists in order; an initializer-backed input may be left out.
    model.inputNames.forEach((n, i) => { if (inputs[i]) feeds[n] = toDevice(inputs[i]!, n); });
    let out: Record<string, wt.Tensor>;
    try {
      out = await model.executeAsync(feeds);
    } finally {
      for (const t of Object.values(feeds)) t.dispose();
    }
    try {
      const names = model.outputNames;
      for (let i = 0; i < expected.length; i++) {
        const e = expected[i]!, t = out[names[i]!]!;
        if (t.shape.join(',') !== e.shape.join(',')) return `output ${names[i]}: shape [${t.shape}] vs expected [${e.shape}]`;
        const got = await t.data();
        const float = e.dtype === 'float32';
        for (let k = 0; k < got.length; k++) {
          const a = got[k]!, b = Number(e.data[k]);
          if (Number.isNaN(b) && Number.isNaN(a)) continue;
          if (a === b) continue;
          const tol = float ? 1e-4 + 1e-3 * Math.abs(b) : 0;
          if (!(Math.abs(a - b) <= tol)) return `output ${names[i]}[${k}]: ${a} vs expected ${b}`;
        }
      }
    } finally {
      for (const t of Object.values(out)) t.dispose();
    }
    return undefined;
  } finally {
    model.dispose();
  }
}
