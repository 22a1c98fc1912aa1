import { GraphError } from '../../../graph/errors.ts';
import { onnx } from '../../../graph/onnx/generated/onnx.js';
import { int64ToNumber } from '../../../graph/onnx/proto-ints.ts';
import { fromTensorProto, toTensorProto } from '../../../graph/onnx/tensor-proto.ts';
import { registeredOps } from '../../../graph/op-registry.ts';
import { ONNX_OPSET } from '../../../graph/onnx/to-onnx.ts';
import type { Shape } from '../../../graph/tensor.ts';
import { tensor, toNumbers } from '../../../graph/tensor.ts';
import { importOps } from './import-ops.ts';
import { splitTies, type Tie } from './tied-initializers.ts';

/** The oldest opset we upgrade from; older models are refused with a re-export hint. */
export const OLDEST_OPSET = 11;
/** The newest opset read: its changes to ops of the set are undone into their opset-17 forms (readOpset18). */
export const NEWEST_OPSET = 18;
/**
 * Attributes that became input 1 at opset 13: Squeeze, Unsqueeze and ReduceSum `axes`, and Split's `split`
 * (the part sizes; without it, equal parts, one per output, in both opsets).
 */
const MOVED_TO_INPUT_AT_13: Readonly<Record<string, string>> = { Squeeze: 'axes', Unsqueeze: 'axes', ReduceSum: 'axes', Split: 'split' };

/**
 * Rewrites a user's ModelProto (as torch.onnx.export writes it) into one the importer (import-graph.ts) reads:
 * - every op outside tandem's set and the import-time ops is listed at once;
 * - initializers the exporter shared between modules (`ties`, tied-initializers.ts) get one copy per module;
 * - graph inputs get the shapes of the data they are bound to (a dynamic or exported batch axis becomes the
 *   training batch), and declared output shapes are dropped so inference recomputes them;
 * - Flatten (emitted by torch.flatten / nn.Flatten) becomes Reshape, which tandem has;
 * - an opset 11/12 model has Squeeze/Unsqueeze/ReduceSum axes and Split sizes moved from attribute to input and is then read
 *   as opset 13 (the other ops of our set that changed between 11 and 13 only gained dtypes, except Softmax,
 *   whose opset-11 meaning (flatten to 2-D) differs and is refused);
 * - an opset 18 model (Mish, GroupNormalization) has ReduceMean/ReduceMax axes moved back to the attribute and
 *   Split's num_outputs dropped (readOpset18).
 * `file` is only used in messages.
 */
export function prepareOnnx(bytes: Uint8Array, inputShapes: ReadonlyMap<string, Shape>, file: string, ties: readonly Tie[]): PreparedModel {
  const model = decodeOnnx(bytes, file);
  const graph = model.graph as onnx.GraphProto;
  refuseUnknownOps(graph, file);
  splitTies(graph, ties);
  bindInputShapes(graph, inputShapes, file);
  for (const o of graph.output) o.type = null;
  lowerFlatten(graph, file);
  return { graph, opset: upgradeOpset(model, file) };
}

export interface PreparedModel {
  readonly graph: onnx.GraphProto;
  /** The default-domain opset the graph is now read as (11 and 12 are upgraded to 13). */
  readonly opset: number;
}

export function decodeOnnx(bytes: Uint8Array, file: string): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`model onnx: ${file} is not an ONNX model (${(e as Error).message}); export one with torch.onnx.export(model, example, "${file}", opset_version=17)`);
  }
  if (!model.graph) throw new Error(`model onnx: ${file} has no graph`);
  return model;
}

/** Ops tandem can read: its op set, Flatten (lowered below) and the ops folded or rewritten at import. */
function readableOps(): Set<string> {
  return new Set([...registeredOps(), 'Flatten', ...Object.keys(importOps)]);
}

function refuseUnknownOps(graph: onnx.GraphProto, file: string): void {
  const ok = readableOps();
  const unknown = new Map<string, string[]>();
  for (const [i, n] of nodesOf(graph).entries()) {
    const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
    if (ok.has(key)) continue;
    unknown.set(key, [...(unknown.get(key) ?? []), n.name || `#${i}`]);
  }
  if (!unknown.size) return;
  const list = [...unknown].map(([op, nodes]) => `${op} (${nodes.length} node${nodes.length > 1 ? 's' : ''}: ${nodes.slice(0, 3).join(', ')}${nodes.length > 3 ? ', …' : ''})`);
  throw new Error(
    `model onnx: ${file} uses ${unknown.size} op type${unknown.size > 1 ? 's' : ''} outside tandem's op set: ${list.join('; ')}. ` +
      `tandem trains with its own autodiff, so every op needs a gradient rule; rewrite those layers in supported ops ` +
      `(${[...readableOps()].sort().join(', ')}) and export again`,
  );
}

function bindInputShapes(graph: onnx.GraphProto, shapes: ReadonlyMap<string, Shape>, file: string): void {
  for (const v of graph.input as onnx.ValueInfoProto[]) {
    const want = shapes.get(v.name);
    if (!want) continue; // an initializer listed as input (IR < 4), or an unbound input the caller reports
    const dims = v.type?.tensorType?.shape?.dim ?? [];
    if (dims.length !== want.length) {
      throw new Error(`model onnx: graph input "${v.name}" of ${file} has rank ${dims.length}, but the data bound to it has shape [${want.join(', ')}]`);
    }
    dims.forEach((d, k) => {
      const fixed = d.dimValue !== null && d.dimValue !== undefined && !d.dimParam ? int64ToNumber(d.dimValue) : undefined;
      // Axis 0 is the batch: the exported example's batch size is not a property of the model.
      if (fixed !== undefined && k > 0 && fixed !== want[k]) {
        throw new Error(`model onnx: graph input "${v.name}" of ${file} has size ${fixed} on axis ${k}, but the data bound to it has shape [${want.join(', ')}]`);
      }
      d.dimParam = null;
      d.dimValue = want[k];
    });
  }
}

/**
 * The batch size a static export computes only: `x.view(x.size(0), -1)` exported without `dynamic_axes`
 * reshapes to a constant `[exportBatch, -1]`, which at another batch size would regroup samples. Returns the
 * export's batch size when a graph input has a fixed axis 0 and a Reshape's constant shape starts with it.
 */
export function bakedBatch(graph: onnx.IGraphProto): number | undefined {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const batches = (graph.input ?? []).filter((v) => !inits.has(v.name)).map((v) => v.type?.tensorType?.shape?.dim?.[0]).filter((d) => d && !d.dimParam && d.dimValue !== null && d.dimValue !== undefined);
  if (!batches.length) return undefined;
  const batch = int64ToNumber(batches[0]!.dimValue!);
  const constants = new Map<string, onnx.ITensorProto>();
  for (const t of graph.initializer ?? []) constants.set(t.name ?? '', t);
  for (const n of graph.node ?? []) {
    const value = n.opType === 'Constant' ? (n.attribute ?? []).find((a) => a.name === 'value')?.t : undefined;
    if (value) constants.set(n.output![0], value);
  }
  const baked = (graph.node ?? []).some((n, i) => {
    const shape = n.opType === 'Reshape' ? constants.get(n.input![1]) : undefined;
    return shape && toNumbers(fromTensorProto(shape, `shape of ${n.name || `Reshape_${i}`}`))[0] === batch;
  });
  return baked ? batch : undefined;
}

/** Flatten(axis) with axis 0 or 1 is Reshape([1, -1]) or Reshape([0, -1]) (0 copies the batch size). */
function lowerFlatten(graph: onnx.GraphProto, file: string): void {
  for (const [i, n] of nodesOf(graph).entries()) {
    if (n.opType !== 'Flatten') continue;
    const axisAttr = (n.attribute as onnx.AttributeProto[]).find((a) => a.name === 'axis');
    const axis = axisAttr ? int64ToNumber(axisAttr.i ?? 1) : 1;
    if (axis !== 0 && axis !== 1) {
      throw new GraphError(n.name || `Flatten_${i}`, 'Flatten', `Flatten with axis ${axis} in ${file} is not supported (axis 0 and 1 are); use torch.reshape with explicit sizes`);
    }
    const shapeName = `${n.name || `Flatten_${i}`}/shape`;
    graph.initializer.push(toTensorProto(tensor('int64', [2], [axis === 0 ? 1 : 0, -1]), shapeName));
    n.opType = 'Reshape';
    n.input = [n.input[0], shapeName];
    n.attribute = [];
  }
}

/** Returns the opset the graph is read as. */
function upgradeOpset(model: onnx.ModelProto, file: string): number {
  const imp = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const version = imp ? int64ToNumber(imp.version ?? 1) : 1;
  if (version < OLDEST_OPSET || version > NEWEST_OPSET) {
    throw new Error(`model onnx: ${file} imports ONNX opset ${version}; tandem reads opset ${OLDEST_OPSET} to ${NEWEST_OPSET}: export again with opset_version=${ONNX_OPSET}`);
  }
  if (version === 18) return readOpset18(model.graph as onnx.GraphProto, file);
  if (version >= 13) return version;
  const graph = model.graph as onnx.GraphProto;
  for (const [i, n] of nodesOf(graph).entries()) {
    const name = n.name || `${n.opType}_${i}`;
    if (n.opType === 'Softmax') {
      throw new GraphError(name, 'Softmax', `${file} imports opset ${version}, where Softmax flattens its input to 2-D; export again with opset_version ≥ 13`);
    }
    const moved = MOVED_TO_INPUT_AT_13[n.opType];
    if (!moved) continue;
    const attr = (n.attribute as onnx.AttributeProto[]).find((a) => a.name === moved);
    n.attribute = (n.attribute as onnx.AttributeProto[]).filter((a) => a.name !== moved);
    if (!attr) continue; // absent: all axes (Squeeze: every unit axis; Split: equal parts) in both opsets
    const inputName = `${name}/${moved}`;
    graph.initializer.push(toTensorProto(tensor('int64', [attr.ints.length], attr.ints.map((a) => int64ToNumber(a))), inputName));
    n.input = [n.input[0], inputName];
  }
  imp!.version = 13;
  return 13;
}

/**
 * Opset 18 changed four ops of the set: ReduceMean and ReduceMax take `axes` as an input (read here as the opset-17
 * attribute, so it must be a constant), Split gained `num_outputs` (dropped: the parts follow from the outputs, and
 * unequal parts are refused by the shape rule), and Pad an optional `axes` input (refused). Resize's and the scatters'
 * additions are refused by their attribute checks. The graph is then read as opset 18 (Mish, GroupNormalization).
 */
function readOpset18(graph: onnx.GraphProto, file: string): number {
  const constants = new Map<string, onnx.ITensorProto>(graph.initializer.map((t) => [t.name ?? '', t]));
  for (const n of nodesOf(graph)) {
    const value = n.opType === 'Constant' ? (n.attribute as onnx.AttributeProto[]).find((a) => a.name === 'value')?.t : undefined;
    if (value) constants.set(n.output[0], value);
  }
  for (const [i, n] of nodesOf(graph).entries()) {
    const name = n.name || `${n.opType}_${i}`;
    const attrs = n.attribute as onnx.AttributeProto[];
    if (n.opType === 'ReduceMean' || n.opType === 'ReduceMax') {
      const axesName = n.input[1];
      const noop = attrs.find((a) => a.name === 'noop_with_empty_axes');
      if (!axesName && noop && int64ToNumber(noop.i ?? 0) === 1) {
        throw new GraphError(name, n.opType, `noop_with_empty_axes = 1 without axes makes ${n.opType} the identity; remove the node and export again`);
      }
      const axes = axesName ? constants.get(axesName) : undefined;
      if (axesName && !axes) throw new GraphError(name, n.opType, `its axes input "${axesName}" is not a constant in ${file}; tandem reads reduction axes at import, so export them as constants`);
      n.attribute = attrs.filter((a) => a.name !== 'noop_with_empty_axes');
      if (axes) n.attribute.push(onnx.AttributeProto.create({ name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: toNumbers(fromTensorProto(axes, `axes of ${name}`)) }));
      n.input = [n.input[0]];
    } else if (n.opType === 'Split') {
      n.attribute = attrs.filter((a) => a.name !== 'num_outputs');
    } else if (n.opType === 'Pad' && n.input[3]) {
      throw new GraphError(name, 'Pad', `its axes input (opset 18) is not read by tandem; give pads for every axis and export again`);
    }
  }
  return 18;
}

/** Decoded messages carry every field (defaults live on the prototype), so the class types apply. */
function nodesOf(graph: onnx.GraphProto): onnx.NodeProto[] {
  return graph.node as onnx.NodeProto[];
}
