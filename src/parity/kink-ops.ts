import { Graph, type Node, type ValueInfo } from '../graph/ir.ts';
import { tensor, type Tensor } from '../graph/tensor.ts';

/**
 * The piecewise-linear ops whose kinks the float64 arbiter's kink rule knows (specs/parity.md "Kinks"): on each
 * element such an op is one linear piece, y = slope·x + offset, and which piece is decided by the side of a kink
 * its input lies on. Relu (slope 1 or 0), LeakyRelu (1 or α), Abs (1, −1, or 0 at 0) and Clip with constant bounds
 * (1 between them, inclusive as torch.clamp's gradient; 0 with the bound as offset outside). The slope at the kink
 * itself is the one tandem's and torch's gradient rules use there. Max/Min and MaxPool are not among them: their
 * piece is a choice between inputs, which one slope per element cannot say.
 */
export const KINK_OPS = ['Relu', 'LeakyRelu', 'Abs', 'Clip'] as const;

/** Each element's linear piece: y = slope·x + offset (offset absent: 0 everywhere). */
export interface Pieces {
  readonly slope: Float64Array;
  readonly offset?: Float64Array;
}

/** The nodes of `graph` whose pieces `pieces` can tell: every KINK_OPS node, and a Clip only with constant bounds. */
export function kinkNodes(graph: Graph): Node[] {
  return graph.nodes.filter((n) => (KINK_OPS as readonly string[]).includes(n.op) && (n.op !== 'Clip' || clipBounds(graph, n) !== undefined));
}

/** The piece each element of `x` (the node's input) lies on. */
export function pieces(graph: Graph, node: Node, x: Tensor): Pieces {
  const n = x.data.length;
  const slope = new Float64Array(n);
  const at = (i: number) => Number(x.data[i]);
  switch (node.op) {
    case 'Relu':
      for (let i = 0; i < n; i++) slope[i] = at(i) > 0 ? 1 : 0;
      return { slope };
    case 'LeakyRelu': {
      const alpha = (node.attrs.alpha as number | undefined) ?? 0.01;
      for (let i = 0; i < n; i++) slope[i] = at(i) > 0 ? 1 : alpha;
      return { slope };
    }
    case 'Abs':
      for (let i = 0; i < n; i++) slope[i] = Math.sign(at(i));
      return { slope };
    case 'Clip': {
      const { lo, hi } = clipBounds(graph, node)!;
      const offset = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        // min > max gives max everywhere (ONNX); otherwise the bound the input lies beyond, or the input itself.
        const bound = lo > hi ? hi : at(i) < lo ? lo : at(i) > hi ? hi : undefined;
        slope[i] = bound === undefined ? 1 : 0;
        offset[i] = bound ?? 0;
      }
      return { slope, offset };
    }
    default:
      throw new Error(`"${node.name}" is a ${node.op}, which has no kink the kink rule knows (it knows ${KINK_OPS.join(', ')})`);
  }
}

/** The indices where two piece assignments of one node differ: the elements that flipped across a kink. */
export function flippedElements(a: Pieces, b: Pieces): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.slope.length; i++) if (a.slope[i] !== b.slope[i] || (a.offset?.[i] ?? 0) !== (b.offset?.[i] ?? 0)) out.push(i);
  return out;
}

/** The graph inputs that carry node `name`'s forced pieces. */
export const slopeInput = (node: string) => `${node}/kink-slope`;
export const offsetInput = (node: string) => `${node}/kink-offset`;

/**
 * `graph` with each node of `forced` computing its pieces as given instead of choosing them from its input:
 * y = x·slope (+ offset), the slope and offset fed as inputs. Differentiated, x's gradient is g·slope, what the op's
 * rule gives on that piece, so a run of this graph is the same function on the other side of the forced kinks.
 */
export function forceKinks(graph: Graph, forced: ReadonlyMap<string, Pieces>): { graph: Graph; inputs: ValueInfo[] } {
  const values = new Map(graph.values);
  const inputs: ValueInfo[] = [];
  const nodes = graph.nodes.flatMap((n): Node[] => {
    const p = forced.get(n.name);
    if (!p) return [n];
    const x = graph.value(n.inputs[0]);
    const declare = (name: string) => {
      const v = { name, dtype: x.dtype, shape: x.shape };
      values.set(name, v);
      inputs.push(v);
      return name;
    };
    const y = n.outputs[0];
    if (!p.offset) return [{ name: `${n.name}/forced`, op: 'Mul', inputs: [x.name, declare(slopeInput(n.name))], outputs: [y], attrs: {} }];
    const scaled = `${n.name}/forced-scaled`;
    values.set(scaled, { name: scaled, dtype: x.dtype, shape: x.shape });
    return [
      { name: `${n.name}/forced`, op: 'Mul', inputs: [x.name, declare(slopeInput(n.name))], outputs: [scaled], attrs: {} },
      { name: `${n.name}/forced-offset`, op: 'Add', inputs: [scaled, declare(offsetInput(n.name))], outputs: [y], attrs: {} },
    ];
  });
  const rewritten = new Graph(`${graph.name}.forced-kinks`, [...graph.inputs, ...inputs], graph.outputs, graph.initializers, nodes, values);
  return { graph: rewritten, inputs };
}

/** The feeds of forceKinks' inputs for `forced` (float64: every executor casts a feed to the dtype its graph declares). */
export function kinkFeeds(graph: Graph, forced: ReadonlyMap<string, Pieces>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, p] of forced) {
    const shape = graph.value(graph.nodes.find((n) => n.name === name)!.inputs[0]).shape;
    out.set(slopeInput(name), tensor('float64', shape, p.slope));
    if (p.offset) out.set(offsetInput(name), tensor('float64', shape, p.offset));
  }
  return out;
}

/** A Clip's bounds when both are constants (absent: ±∞); undefined when one is computed or fed. */
function clipBounds(graph: Graph, node: Node): { lo: number; hi: number } | undefined {
  const bound = (name: string | undefined, missing: number) => (name ? constantScalar(graph, name) : missing);
  const lo = bound(node.inputs[1], -Infinity);
  const hi = bound(node.inputs[2], Infinity);
  return lo === undefined || hi === undefined ? undefined : { lo, hi };
}

function constantScalar(graph: Graph, name: string): number | undefined {
  const init = graph.initializers.get(name);
  if (init) return init.data.length === 1 ? Number(init.data[0]) : undefined;
  const producer = graph.nodes.find((n) => n.op === 'Constant' && n.outputs[0] === name);
  const value = producer?.attrs.value as Tensor | undefined;
  return value && value.data.length === 1 ? Number(value.data[0]) : undefined;
}
