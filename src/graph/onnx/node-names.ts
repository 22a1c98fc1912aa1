/**
 * The names tandem gives an ONNX file's nodes: each node's own name, or `<op>_<index>` for an unnamed one
 * (exporters and hand-made rewrites often leave names empty). A generated name never takes a name the file
 * already uses (torch names its nodes `Constant_61` too), so only a file that repeats a name of its own is refused.
 */
export function onnxNodeNames(nodes: readonly { readonly name?: string | null; readonly opType?: string | null }[]): string[] {
  const taken = new Set(nodes.map((n) => n.name).filter((n): n is string => !!n));
  return nodes.map((n, i) => {
    if (n.name) return n.name;
    let name = `${n.opType}_${i}`;
    for (let k = 1; taken.has(name); k++) name = `${n.opType}_${i}_${k}`;
    taken.add(name);
    return name;
  });
}
