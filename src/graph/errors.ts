/** An error in a graph, always naming the node (or value) where it was found so a person can find it. */
export class GraphError extends Error {
  constructor(
    readonly node: string,
    readonly op: string,
    detail: string,
  ) {
    super(`node "${node}" (${op}): ${detail}`);
    this.name = 'GraphError';
  }
}
