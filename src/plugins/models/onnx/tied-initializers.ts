import { onnx } from '../../../graph/onnx/generated/onnx.js';

/**
 * Initializers the exporter shared between modules. torch.onnx.export (eval mode) merges initializers that
 * start with equal values, e.g. all-zero biases or two LayerNorm weights of ones, and writes every other use
 * as `Identity(kept) → other_name`; a weight a model really shares is consumed directly by nodes of several
 * module scopes. Trained as one parameter, such a tie changes the model, so it is reported at import and, by
 * default, split: each consumer gets its own copy, which is what the module had.
 */
export interface Tie {
  /** The initializer in the file. */
  readonly initializer: string;
  /** The other names it stands for: an Identity's output (the module's own name), or `<name>@<scope>`. */
  readonly copies: readonly string[];
}

/** The module scope of a node torch named `/encoder/layers.0/norm1/LayerNormalization`: all but the last part. */
function scopeOf(node: string): string {
  return node.slice(0, Math.max(node.lastIndexOf('/'), 0));
}

/** The ties among `initializers` (the float ones that would train), in file order. */
export function findTies(graph: onnx.IGraphProto, initializers: readonly string[]): Tie[] {
  const nodes = graph.node ?? [];
  return initializers.flatMap((init): Tie[] => {
    const users = nodes.filter((n) => (n.input ?? []).includes(init));
    const aliases = users.filter((n) => n.opType === 'Identity').map((n) => n.output![0]);
    const scopes = [...new Set(users.filter((n) => n.opType !== 'Identity').map((n) => scopeOf(n.name ?? '')))];
    const copies = [...scopes.slice(1).map((s) => `${init}@${s}`), ...aliases];
    return copies.length ? [{ initializer: init, copies }] : [];
  });
}

/**
 * Gives each copy its own initializer, equal to the shared one: an Identity alias is replaced by an initializer
 * of its output's name, and the consumers in a further scope read `<name>@<scope>`.
 */
export function splitTies(graph: onnx.GraphProto, ties: readonly Tie[]): void {
  const byName = new Map((graph.initializer as onnx.TensorProto[]).map((t) => [t.name, t]));
  const aliasNodes = new Set<onnx.INodeProto>();
  for (const { initializer, copies } of ties) {
    const source = byName.get(initializer)!;
    for (const copy of copies) {
      const t = onnx.TensorProto.decode(onnx.TensorProto.encode(source).finish());
      t.name = copy;
      graph.initializer.push(t);
      const alias = (graph.node as onnx.NodeProto[]).find((n) => n.opType === 'Identity' && n.input[0] === initializer && n.output[0] === copy);
      if (alias) {
        aliasNodes.add(alias);
        continue;
      }
      const scope = copy.slice(copy.lastIndexOf('@') + 1);
      for (const n of graph.node as onnx.NodeProto[]) {
        if (n.opType !== 'Identity' && scopeOf(n.name) === scope) n.input = n.input.map((i) => (i === initializer ? copy : i));
      }
    }
  }
  graph.node = graph.node.filter((n) => !aliasNodes.has(n));
}
