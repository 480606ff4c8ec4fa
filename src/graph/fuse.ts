/**
 * Rewrites of planned nodes into the patterns our kernels fuse: a batch norm folded into the
 * convolution before it (new constant weights and bias), MatMul + constant bias Add into one
 * fused matmul, and a following Relu / Sigmoid / Tanh / LeakyRelu moved into the epilogue of a
 * Conv, Gemm or fused matmul. A value is only fused away when one node reads it and it is not a
 * graph output.
 */
import { host } from './host.js';
import type { GraphNode, HostTensor } from './types.js';

const ACTIVATION: Record<string, string> = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', LeakyRelu: 'leakyRelu' };

function floats(h: HostTensor | undefined): Float32Array | undefined {
  return h && h.dtype === 'float32' ? (h.data as Float32Array) : undefined;
}

function attrFloat(n: GraphNode, name: string, def: number): number {
  const a = n.attrs.get(name);
  return a && (a.type === 'float' || a.type === 'int') ? a.value : def;
}

/** Conv weights and bias with the batch norm that follows folded in, or null where the pattern does not hold. */
function foldBatchNorm(conv: GraphNode, bn: GraphNode, c: Map<string, HostTensor>): [HostTensor, HostTensor] | null {
  const w = c.get(conv.inputs[1] ?? '');
  const wd = floats(w);
  const b = conv.inputs[2] ? floats(c.get(conv.inputs[2])) : undefined;
  if (conv.inputs[2] && !b) return null;
  const [scale, beta, mean, variance] = [1, 2, 3, 4].map((i) => floats(c.get(bn.inputs[i] ?? '')));
  if (!w || !wd || !scale || !beta || !mean || !variance || bn.outputs.filter((o) => o !== '').length !== 1) return null;
  if (attrFloat(bn, 'training_mode', 0) !== 0) return null;
  const m = w.shape[0]!;
  if ([scale, beta, mean, variance].some((v) => v.length !== m) || (b && b.length !== m)) return null;
  const eps = attrFloat(bn, 'epsilon', 1e-5);
  const per = wd.length / m;
  const nw = new Float32Array(wd.length), nb = new Float32Array(m);
  for (let o = 0; o < m; o++) {
    const f = scale[o]! / Math.sqrt(variance[o]! + eps);
    for (let j = 0; j < per; j++) nw[o * per + j] = wd[o * per + j]! * f;
    nb[o] = ((b ? b[o]! : 0) - mean[o]!) * f + beta[o]!;
  }
  return [host('float32', w.shape, nw), host('float32', [m], nb)];
}

/** The constant bias an Add applies to `x`, when it is a vector of `n` values (or [1, n]). */
function biasOf(add: GraphNode, x: string, c: Map<string, HostTensor>, n: number): string | null {
  const other = add.inputs[0] === x ? add.inputs[1] : add.inputs[1] === x ? add.inputs[0] : undefined;
  const h = other === undefined ? undefined : c.get(other);
  if (!h || h.dtype !== 'float32' || h.data.length !== n || h.shape.length > 2 || (h.shape.length === 2 && h.shape[0] !== 1)) return null;
  return other!;
}

/** Apply the rewrites; returns the new node list (nodes are copied, never mutated). */
export function fuse(nodes: GraphNode[], c: Map<string, HostTensor>, outputs: ReadonlySet<string>): GraphNode[] {
  const uses = new Map<string, number>();
  for (const n of nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  const producer = new Map<string, number>();
  const list: (GraphNode | null)[] = nodes.map((n) => ({ ...n, attrs: new Map(n.attrs), inputs: n.inputs.slice(), outputs: n.outputs.slice() }));
  list.forEach((n, i) => n!.outputs.forEach((o) => producer.set(o, i)));
  const single = (v: string): boolean => uses.get(v) === 1 && !outputs.has(v);
  const consumer = (v: string): number => list.findIndex((n) => n !== null && n.inputs.includes(v));
  let fresh = 0;
  for (let i = 0; i < list.length; i++) {
    const n = list[i];
    if (!n || n.domain !== '' || n.outputs.length !== 1) continue;
    const out = n.outputs[0]!;
    if (!single(out)) continue;
    const j = consumer(out);
    const next = j >= 0 ? list[j] : null;
    if (!next || next.domain !== '') continue;
    if (n.op === 'Conv' && next.op === 'BatchNormalization' && next.inputs[0] === out) {
      const folded = foldBatchNorm(n, next, c);
      if (!folded) continue;
      const wName = `${n.name || 'conv'}::bn_w${fresh}`, bName = `${n.name || 'conv'}::bn_b${fresh++}`;
      c.set(wName, folded[0]);
      c.set(bName, folded[1]);
      n.inputs = [n.inputs[0]!, wName, bName];
      n.outputs = [next.outputs[0]!];
      list[j] = null;
      i--; // the fused node may now take an activation
    } else if (n.op === 'MatMul' && next.op === 'Add') {
      const b = c.get(n.inputs[1]!);
      if (!b || b.shape.length !== 2) continue;
      const bias = biasOf(next, out, c, b.shape[1]!);
      if (!bias) continue;
      list[i] = { ...n, op: '_FusedMatMul', inputs: [n.inputs[0]!, n.inputs[1]!, bias], outputs: [next.outputs[0]!] };
      list[j] = null;
      i--;
    } else if ((n.op === 'Conv' || n.op === 'Gemm' || n.op === '_FusedMatMul') && ACTIVATION[next.op] && !n.attrs.has('_activation')) {
      n.attrs.set('_activation', { type: 'string', value: ACTIVATION[next.op]! });
      if (next.op === 'LeakyRelu') n.attrs.set('_alpha', { type: 'float', value: attrFloat(next, 'alpha', 0.01) });
      n.outputs = [next.outputs[0]!];
      list[j] = null;
    }
  }
  return list.filter((n): n is GraphNode => n !== null);
}
