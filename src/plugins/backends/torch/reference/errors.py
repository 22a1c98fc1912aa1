"""Errors the reference raises on purpose: each says what went wrong, where, and what to do."""


class RequestError(Exception):
    """A request the reference cannot serve (unknown graph, missing feed, op not in the interpreter)."""


class NodeError(Exception):
    """An op failed inside torch; names the node so the TypeScript side can point at the model."""

    def __init__(self, node_name, op, exc):
        super().__init__(f'node "{node_name}" ({op}) failed in torch: {type(exc).__name__}: {exc}')
        self.node_name = node_name
        self.op = op
