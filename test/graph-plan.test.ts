/**
 * The executor on its own, with a made-up format and op table (as a TF.js table will plug in):
 * nodes in any order run in topological order, constant subgraphs run once at load, host values
 * (shapes) stay on the host, each intermediate is freed after its last use, and errors name the
 * format.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import type { OpFn } from '../src/graph/context.js';
import { GraphExecutor } from '../src/graph/executor.js';
import { host } from '../src/graph/host.js';
import type { GraphDef, GraphNode } from '../src/graph/types.js';

beforeAll(async () => { await wt.setBackend('cpu'); });

const node = (op: string, inputs: string[], outputs: string[]): GraphNode => ({ name: outputs[0]!, op, domain: '', inputs, outputs, attrs: new Map() });

function exec(g: GraphDef, table: Record<string, OpFn>): GraphExecutor {
  return new GraphExecutor(g, table, { table, key: (n) => n.op, opset: () => 1, trainable: false }, 'fmt');
}

describe('the format-neutral executor', () => {
  const calls: Record<string, number> = {};
  const count = (name: string, f: OpFn): OpFn => (c) => { calls[name] = (calls[name] ?? 0) + 1; return f(c); };
  let peak = 0;
  const table: Record<string, OpFn> = {
    Twice: count('Twice', (c) => [wt.mul(c.tensor(0), 2)]),
    Plus: count('Plus', (c) => [wt.add(c.tensor(0), c.tensor(1))]),
    ShapeOf: count('ShapeOf', (c) => [host('int32', [c.shape(0).length], Int32Array.from(c.shape(0)))]),
    ReshapeTo: count('ReshapeTo', (c) => [wt.reshape(c.tensor(0), c.ints(1, 'shape')!)]),
    Watch: (c) => { peak = Math.max(peak, wt.memory().numTensors); return [wt.neg(c.tensor(0))]; },
  };

  it('runs nodes given in any order, folds constants at load, and keeps shapes on the host', async () => {
    const g: GraphDef = {
      name: 'g', opsets: new Map(), inputs: [{ name: 'x', kind: 'tensor', shape: ['n', 2] }], outputs: [{ name: 'y', kind: 'tensor' }],
      constants: new Map([['k', host('float32', [2], Float32Array.of(1, 10))]]),
      nodes: [
        node('ReshapeTo', ['sum', 'shape'], ['y']),
        node('ShapeOf', ['x'], ['shape']),
        node('Plus', ['x', 'k2'], ['sum']),
        node('Twice', ['k'], ['k2']),
      ],
    };
    const e = exec(g, table);
    expect(calls['Twice']).toBe(1); // folded at load
    expect(e.plan.steps.map((s) => s.node.op)).toEqual(['ShapeOf', 'Plus', 'ReshapeTo']);
    for (let run = 0; run < 2; run++) {
      const x = wt.tensor([[1, 2], [3, 4]]);
      const y = e.execute({ x }).y!;
      expect(await y.array()).toEqual([[3, 22], [5, 24]]);
      x.dispose();
      y.dispose();
    }
    expect(calls['Twice']).toBe(1);
    expect(calls['Plus']).toBe(2);
    e.dispose();
  });

  it('frees each intermediate after its last use: a chain of 12 ops never holds more than a few tensors', () => {
    const n = 12;
    const nodes = Array.from({ length: n }, (_, i) => node(i % 3 === 2 ? 'Watch' : 'Twice', [i === 0 ? 'x' : `v${i - 1}`], [i === n - 1 ? 'y' : `v${i}`]));
    const e = exec({ name: 'chain', opsets: new Map(), inputs: [{ name: 'x', kind: 'tensor' }], outputs: [{ name: 'y', kind: 'tensor' }], constants: new Map(), nodes }, table);
    const x = wt.tensor([1, -1]);
    const base = wt.memory().numTensors;
    peak = 0;
    const y = e.execute({ x }).y!;
    // x, the value being read, and nothing older (the output of the op being run is not yet made).
    expect(peak - base).toBeLessThanOrEqual(1);
    expect(wt.memory().numTensors).toBe(base + 1);
    x.dispose();
    y.dispose();
    e.dispose();
  });

  it('names the format in load errors, and lists every unsupported op', () => {
    const g = (nodes: GraphNode[]): GraphDef => ({ name: 'g', opsets: new Map(), inputs: [{ name: 'x', kind: 'tensor' }], outputs: [{ name: 'y', kind: 'tensor' }], constants: new Map(), nodes });
    expect(() => exec(g([node('Nope', ['x'], ['a']), node('AlsoNope', ['a'], ['y'])]), table)).toThrow(/^fmt: the model uses 2 unsupported op types: Nope, AlsoNope$/);
    expect(() => exec(g([node('Twice', ['y'], ['y'])]), table)).toThrow(/^fmt: the graph has a cycle through node y$/);
  });
});
