/**
 * A model from model.json's topology and weights: Sequential, Functional and Model classes, with or
 * without Keras 2.2's model_config wrapper, inbound nodes in the Keras 2 / TensorFlow.js form and
 * in Keras 3's. The file is untrusted: the graph is wired (placeholders only), every weight's shape
 * is planned from its layer's config and checked against the file and the backend's limits before
 * anything is allocated; a load that fails anyway frees what it made, so wt.memory() is unchanged.
 */
import { activeBackend } from '../../engine.js';
import { checkAlloc } from '../../limits.js';
import { fromData } from '../../ops/core.js';
import { fmt, sameShape } from '../../shape.js';
import { InputLayer } from '../layers/input.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import { LayersModel } from '../model.js';
import { Sequential } from '../sequential.js';
import { concatBuffers, decodeWeight, type ModelArtifacts, type WeightSpec } from './artifacts.js';
import { layerFromConfig, shapeOf, type Config } from './layer-configs.js';
import { checkWeightSpec, specBytes } from './untrusted.js';

/** More layers than any real model has: a file listing more is refused before it is read further. */
const MAX_LAYERS = 10_000;

interface Planned {
  fullName: string;
  shape: number[];
}

/** The weights `layers` will create, each built for `shapes.get(layer)`, in model.weights order; nothing is built. */
function plan(layers: readonly Layer[], shapes: Map<Layer, SymbolicShape>): Planned[] {
  const out: Planned[] = [];
  for (const l of layers) {
    const ws = l.weightShapes(shapes.get(l)!);
    // The order of Layer.weights: trainable first, then the others (all in creation order when frozen).
    const ordered = l.trainable ? [...ws.filter((w) => w.trainable), ...ws.filter((w) => !w.trainable)] : ws;
    for (const w of ordered) out.push({ fullName: `${l.name}/${w.name}`, shape: w.shape });
  }
  return out;
}

/** The layers of a Sequential config, and the shape each is built for. */
function sequentialLayers(cfg: Config, given?: SymbolicShape): { layers: Layer[]; shapes: Map<Layer, SymbolicShape>; input: SymbolicShape } {
  const entries = (Array.isArray(cfg) ? cfg : cfg.layers) as Config[] | undefined;
  if (!Array.isArray(entries) || entries.length === 0) throw new Error('loadModel: the model config lists no layers');
  if (entries.length > MAX_LAYERS) throw new Error(`loadModel: the model config lists ${entries.length} layers (more than ${MAX_LAYERS})`);
  let pending: SymbolicShape | undefined;
  let flowing: SymbolicShape | undefined;
  const layers: Layer[] = [];
  const shapes = new Map<Layer, SymbolicShape>();
  for (const e of entries) {
    if (!e || typeof e !== 'object') throw new Error('loadModel: the model config lists a layer that is not an object');
    if (e.class_name === 'InputLayer') {
      if (layers.length) throw new Error('loadModel: an InputLayer may only come first in a Sequential config');
      pending = shapeOf((e.config ?? {}) as Config);
      continue;
    }
    const layer = layerFromConfig(e, layers.length === 0 ? pending : undefined, flowing);
    const into = layers.length === 0 ? layer.batchInputShape ?? given : flowing;
    if (!into) throw new Error('loadModel: the first layer has no batch_input_shape, so the weights cannot be created');
    const built: SymbolicShape = [null, ...into.slice(1)];
    shapes.set(layer, built);
    layers.push(layer);
    flowing = layer.computeOutputShape(built) as SymbolicShape;
  }
  if (layers.length === 0) throw new Error('loadModel: the model config lists no layers but an InputLayer');
  return { layers, shapes, input: [null, ...(pending ?? layers[0]!.batchInputShape ?? given!).slice(1)] };
}

/** [name, node, tensor] references of one inbound node: Keras 2 / TensorFlow.js lists, or Keras 3's { args } with keras tensors. */
function nodeRefs(where: string, node: unknown): [string, number, number][] {
  const ref = (r: unknown): [string, number, number] => {
    const h = (r as { config?: { keras_history?: unknown } } | null)?.config?.keras_history ?? r;
    if (!Array.isArray(h) || typeof h[0] !== 'string' || !Number.isInteger(h[1]) || !Number.isInteger(h[2]) || h[1] < 0 || h[2] < 0) {
      throw new Error(`loadModel: ${where} has an inbound reference ${JSON.stringify(r)?.slice(0, 120)} (expected [layer name, node index, tensor index])`);
    }
    return [h[0], h[1], h[2]];
  };
  if (Array.isArray(node)) return node.map(ref);
  const args = (node as { args?: unknown } | null)?.args;
  if (Array.isArray(args)) {
    // Keras 3: args holds one keras tensor, or a list of them (merge layers).
    const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
    return (list as unknown[]).map(ref);
  }
  throw new Error(`loadModel: ${where} has an inbound node that is neither a list nor { args } (got ${JSON.stringify(node)?.slice(0, 120)})`);
}

/** input_layers / output_layers: a list of [name, node, tensor], or (Keras 3, one tensor) one such triple. */
function endpoints(what: string, v: unknown): [string, number, number][] {
  if (!Array.isArray(v) || v.length === 0) throw new Error(`loadModel: the model config has no ${what}`);
  const list = typeof v[0] === 'string' ? [v] : v;
  return nodeRefs(what, list);
}

/** The placeholders of a functional config, wired: layers applied in an order where every input exists. */
function functionalGraph(cfg: Config, made: Layer[], depth: number): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
  if (depth > 32) throw new Error('loadModel: models are nested more than 32 deep');
  const entries = cfg.layers as Config[] | undefined;
  if (!Array.isArray(entries) || entries.length === 0) throw new Error('loadModel: the model config lists no layers');
  if (entries.length > MAX_LAYERS) throw new Error(`loadModel: the model config lists ${entries.length} layers (more than ${MAX_LAYERS})`);
  // Layers other than inputs are made at their first application, when the shape reaching them is known.
  const byName = new Map<string, { layer?: Layer; make: (flowing: SymbolicShape) => Layer; nodes: [string, number, number][][]; made: SymbolicTensor[][]; offset: number }>();
  for (const e of entries) {
    if (!e || typeof e !== 'object') throw new Error('loadModel: the model config lists a layer that is not an object');
    const c = (e.config ?? {}) as Config;
    const name = (e.name ?? c.name) as unknown;
    if (typeof name !== 'string' || name === '') throw new Error('loadModel: the model config lists a layer without a name');
    if (byName.has(name)) throw new Error(`loadModel: two layers are named '${name}'`);
    const inbound = e.inbound_nodes ?? [];
    if (!Array.isArray(inbound)) throw new Error(`loadModel: layer '${name}' has inbound_nodes that are not a list`);
    const nodes = inbound.map((n) => nodeRefs(`layer '${name}'`, n));
    if (e.class_name === 'InputLayer') {
      const policy = (c.dtype as { config?: { name?: unknown } } | null)?.config?.name ?? c.dtype;
      const layer = new InputLayer({ batchInputShape: shapeOf(c) ?? [null, ...((c.input_shape ?? []) as number[])], dtype: policy === 'int32' ? 'int32' : 'float32', name });
      byName.set(name, { layer, make: () => layer, nodes: [], made: [[layer.output]], offset: 0 });
      continue;
    }
    const nested = MODEL_CLASSES.includes(e.class_name as string) || e.class_name === 'Sequential';
    const make = e.class_name === 'Sequential'
      ? (flowing: SymbolicShape) => nestedSequential(c, made, name, flowing)
      : nested ? () => nestedModel(c, made, name, depth + 1)
      : (flowing: SymbolicShape) => layerFromConfig({ ...e, config: { ...c, name, batch_input_shape: undefined, batch_shape: undefined } }, undefined, flowing);
    // A nested model's first node is its own construction (Keras and TensorFlow.js count it): references to it start at 1.
    byName.set(name, { make, nodes, made: [], offset: nested ? 1 : 0 });
  }
  for (const [name, { nodes }] of byName) {
    for (const n of nodes) for (const [from] of n) if (!byName.has(from)) throw new Error(`loadModel: layer '${name}' takes its input from layer '${from}', which is not in the model`);
  }
  // Apply each node once all the tensors it reads exist; a pass that applies nothing means a cycle.
  const tensorOf = (where: string, [from, node, idx]: [string, number, number]): SymbolicTensor | undefined => {
    const src = byName.get(from)!;
    const t = src.made[node - src.offset];
    if (!t) return undefined;
    if (!t[idx]) throw new Error(`loadModel: ${where} reads output ${idx} of '${from}', which has ${t.length} outputs`);
    return t[idx];
  };
  let left = [...byName.values()].reduce((n, v) => n + v.nodes.length, 0);
  const maxNode = (from: string) => byName.get(from)!.nodes.length + byName.get(from)!.offset;
  while (left > 0) {
    let progress = false;
    for (const [name, v] of byName) {
      while (v.made.length < v.nodes.length) {
        const refs = v.nodes[v.made.length]!;
        for (const [from, node] of refs) {
          if (node >= Math.max(1, maxNode(from)) || node < byName.get(from)!.offset) throw new Error(`loadModel: layer '${name}' reads node ${node} of '${from}', which has ${maxNode(from)} nodes`);
        }
        const ins = refs.map((r) => tensorOf(`layer '${name}'`, r));
        if (ins.some((t) => !t)) break;
        if (!v.layer) {
          v.layer = v.make((ins[0] as SymbolicTensor).shape);
          made.push(v.layer);
        }
        v.made.push(v.layer.applyAll(ins as SymbolicTensor[]));
        left--;
        progress = true;
      }
    }
    if (!progress) {
      const stuck = [...byName].filter(([, v]) => v.made.length < v.nodes.length).map(([n]) => n);
      throw new Error(`loadModel: the graph has a cycle, or inputs that never arrive: ${stuck.slice(0, 8).join(', ')} cannot be computed`);
    }
  }
  const pick = (what: string) => endpoints(what, cfg[what]).map((r) => {
    if (!byName.has(r[0])) throw new Error(`loadModel: ${what} names '${r[0]}', which is no layer of the model`);
    const t = tensorOf(what, r);
    if (!t) throw new Error(`loadModel: ${what} names node ${r[1]} of '${r[0]}', which does not exist`);
    return t;
  });
  const inputs = pick('input_layers');
  const outputs = pick('output_layers');
  return { inputs, outputs };
}

const MODEL_CLASSES = ['Model', 'Functional'];

/** A Sequential config nested in a functional one, wired for the shape flowing in but not built. */
function nestedSequential(cfg: Config, made: Layer[], name: string, flowing: SymbolicShape): Sequential {
  const { layers, input } = sequentialLayers(cfg, flowing);
  made.push(...layers);
  const s = Sequential.unbuiltChain(layers, name, input);
  made.push(s);
  return s;
}

/** A functional config as a model, wired but not built. */
function nestedModel(cfg: Config, made: Layer[], name: string | undefined, depth = 0): LayersModel {
  const g = functionalGraph(cfg, made, depth);
  const m = LayersModel.unbuilt({ inputs: g.inputs, outputs: g.outputs, name });
  made.push(m);
  return m;
}

/**
 * A model from model.json's topology and weights (ours, or one TensorFlow.js or Keras wrote).
 * Weights are matched by name (falling back to file order for a Sequential whose names differ),
 * and dequantized once here when the file stores them quantized.
 */
export function modelFromArtifacts(a: ModelArtifacts): LayersModel {
  let topo = a.modelTopology as Config | undefined;
  if (!topo || typeof topo !== 'object') throw new Error('loadModel: model.json has no modelTopology');
  if (topo.model_config) topo = topo.model_config as Config;
  const cls = topo.class_name;
  if (cls !== 'Sequential' && cls !== 'Functional' && cls !== 'Model') throw new Error(`loadModel: expected a Sequential, Functional or Model config, got '${String(cls)}'`);
  const cfg = (topo.config ?? {}) as Config;
  const seq = cls === 'Sequential';
  const made: Layer[] = [];
  try {
    let planned: Planned[];
    let seqLayers: Layer[] = [];
    let graph: LayersModel | undefined;
    const name = typeof cfg.name === 'string' ? cfg.name : undefined;
    if (seq) {
      const { layers, shapes } = sequentialLayers(cfg);
      made.push(...layers);
      seqLayers = layers;
      planned = plan(layers, shapes);
    } else {
      graph = nestedModel(cfg, made, name);
      planned = graph.plannedWeights();
    }
    const specs = (a.weightSpecs ?? []).map((s) => checkWeightSpec(s, 'the weight specs'));
    const names = specs.map((s) => s.name.replace(/:0$/, ''));
    const unique = new Set(names).size === names.length;
    const byName = unique && planned.every((w) => names.includes(w.fullName));
    if (!byName && (!seq || specs.length !== planned.length)) {
      const missing = planned.filter((w) => !names.includes(w.fullName)).map((w) => w.fullName);
      throw new Error(`loadModel: the model has ${planned.length} weights (${planned.map((w) => w.fullName).join(', ')}) but the file holds ${specs.length} (${names.join(', ')})${missing.length ? `; missing ${missing.join(', ')}` : ''}`);
    }
    if (byName && specs.length !== planned.length) {
      const extra = names.filter((n) => !planned.some((w) => w.fullName === n));
      throw new Error(`loadModel: the file holds weights that no layer has: ${extra.join(', ')}`);
    }
    const backend = activeBackend();
    const specFor = planned.map((w, i) => {
      const s = byName ? specs[names.indexOf(w.fullName)]! : specs[i]!;
      if (!sameShape(s.shape, w.shape)) throw new Error(`loadModel: weight ${w.fullName} should be ${fmt(w.shape)} by its layer's config, the file has ${fmt(s.shape)}`);
      checkAlloc('loadModel', w.shape, 'float32', backend);
      return s;
    });
    const data = concatBuffers(a.weightData);
    const declared = specs.reduce((n, s) => n + specBytes(s), 0);
    if (data.byteLength !== declared) {
      throw new Error(`loadModel: the weight data holds ${data.byteLength} bytes, but the weight specs declare ${declared}${data.byteLength < declared ? ' (too short)' : ''}`);
    }
    const offsets = new Map<WeightSpec, number>();
    specs.reduce((at, s) => (offsets.set(s, at), at + specBytes(s)), 0);
    let model: LayersModel;
    if (graph) {
      graph.build([], 0);
      model = graph;
    } else model = new Sequential({ layers: seqLayers, name });
    const vars = model.weights;
    if (vars.length !== planned.length || vars.some((v) => !planned.some((w) => w.fullName === v.fullName && sameShape(v.shape, w.shape)))) {
      throw new Error('loadModel: the layers built weights other than they planned (a layer whose weightShapes disagrees with its build)');
    }
    for (const v of vars) {
      const i = planned.findIndex((w) => w.fullName === v.fullName);
      const s = specFor[i]!;
      const bytes = data.slice(offsets.get(s)!, offsets.get(s)! + specBytes(s));
      v.replace(fromData(decodeWeight(s, bytes), v.shape, 'float32', v.value.backend, 'loadModel'));
    }
    return model;
  } catch (e) {
    for (const l of made) l.dispose();
    throw e;
  }
}
