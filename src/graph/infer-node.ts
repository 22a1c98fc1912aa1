import { GraphError } from './errors.ts';
import type { AttrValue } from './ir.ts';
import { InferError, type AttrSpec, type InferInput, type InferredOutput, type OpDef } from './op-def.ts';
import { findOp, registeredOps } from './op-registry.ts';
import { fmtShape } from './shape-utils.ts';

/**
 * Checks one node against its op definition (arity, attributes, first-input dtype) and infers its output
 * types. Shared by the builder and the ONNX reader so a graph is checked the same way however it was made.
 * Every failure is a GraphError naming the node.
 */
export function inferNode(
  nodeName: string,
  op: string,
  inputs: readonly (InferInput | undefined)[],
  attrs: Readonly<Record<string, AttrValue>>,
  outputCount?: number,
): InferredOutput[] {
  const def = findOp(op);
  if (!def) {
    throw new GraphError(nodeName, op, `op "${op}" is not in tandem's op set; supported: ${registeredOps().join(', ')}`);
  }
  const fail = (detail: string): never => {
    throw new GraphError(nodeName, op, detail);
  };
  // Trailing omitted optional inputs ('' in ONNX) do not count towards arity.
  let count = inputs.length;
  while (count > 0 && inputs[count - 1] === undefined) count--;
  if (count < def.arity[0] || inputs.length > def.arity[1]) {
    fail(`takes ${def.arity[0]}..${def.arity[1]} inputs, got ${count}`);
  }
  const resolved = resolveAttrs(def, attrs, fail);
  const first = inputs[0];
  if (def.dtypes && first && !def.dtypes.includes(first.dtype)) {
    fail(`input "${first.name}" has dtype ${first.dtype}; ${op} takes ${def.dtypes.join(', ')}`);
  }
  try {
    return def.infer(inputs, resolved, outputCount);
  } catch (e) {
    if (e instanceof InferError) {
      const shapes = inputs.map((v) => (v ? `${v.name}: ${v.dtype}${fmtShape(v.shape)}` : '—')).join(', ');
      fail(`${e.message} (inputs ${shapes})`);
    }
    throw e;
  }
}

/** The node's attributes with the op's defaults filled in; unknown or mistyped attributes are refused. */
export function resolveAttrs(def: OpDef, attrs: Readonly<Record<string, AttrValue>>, fail: (d: string) => never): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(attrs)) {
    const spec = def.attrs[k];
    if (!spec) {
      const known = Object.keys(def.attrs);
      fail(`unsupported attribute "${k}"; ${def.op} takes ${known.length ? known.join(', ') : 'no attributes'}`);
    }
    checkAttrType(k, v, spec!, fail);
    out[k] = v;
  }
  for (const [k, spec] of Object.entries(def.attrs)) {
    if (k in out) continue;
    if (spec.default !== undefined) out[k] = spec.default;
    else if (spec.required) fail(`attribute "${k}" is required`);
  }
  return out;
}

function checkAttrType(key: string, v: AttrValue, spec: AttrSpec, fail: (d: string) => never): void {
  const ok =
    spec.type === 'int' ? Number.isInteger(v)
    : spec.type === 'float' ? typeof v === 'number'
    : spec.type === 'string' ? typeof v === 'string'
    : spec.type === 'ints' ? Array.isArray(v) && v.every((x) => Number.isInteger(x))
    : spec.type === 'floats' ? Array.isArray(v) && v.every((x) => typeof x === 'number')
    : spec.type === 'strings' ? Array.isArray(v) && v.every((x) => typeof x === 'string')
    : typeof v === 'object' && v !== null && 'data' in v;
  if (!ok) fail(`attribute "${key}" must be of type ${spec.type}, got ${JSON.stringify(v)}`);
}
