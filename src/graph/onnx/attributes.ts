import { GraphError } from '../errors.ts';
import type { AttrValue, Node } from '../ir.ts';
import type { AttrType, OpDef } from '../op-def.ts';
import type { Tensor } from '../tensor.ts';
import { onnx } from './generated/onnx.js';
import { int64ToNumber } from './proto-ints.ts';
import { fromTensorProto, toTensorProto } from './tensor-proto.ts';

const A = onnx.AttributeProto.AttributeType;
const PROTO_TYPE: Record<AttrType, onnx.AttributeProto.AttributeType> = {
  int: A.INT,
  float: A.FLOAT,
  string: A.STRING,
  ints: A.INTS,
  floats: A.FLOATS,
  strings: A.STRINGS,
  tensor: A.TENSOR,
};

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** A node's attributes as AttributeProtos, typed by the op's definition (the IR stores bare numbers). */
export function attrsToProto(node: Node, def: OpDef): onnx.IAttributeProto[] {
  return Object.entries(node.attrs).map(([name, v]) => {
    const spec = def.attrs[name];
    if (!spec) throw new GraphError(node.name, node.op, `unsupported attribute "${name}" cannot be written to ONNX`);
    const type = PROTO_TYPE[spec.type];
    switch (spec.type) {
      case 'int': return { name, type, i: v as number };
      case 'float': return { name, type, f: v as number };
      case 'string': return { name, type, s: utf8.encode(v as string) };
      case 'ints': return { name, type, ints: [...(v as number[])] };
      case 'floats': return { name, type, floats: [...(v as number[])] };
      case 'strings': return { name, type, strings: (v as string[]).map((s) => utf8.encode(s)) };
      case 'tensor': return { name, type, t: toTensorProto(v as Tensor, name) };
    }
  });
}

/**
 * A NodeProto's attributes read by the types the op's definition declares. An attribute the definition
 * does not know, or one stored with another type, is a GraphError naming the node.
 */
export function attrsFromProto(nodeName: string, def: OpDef, protos: readonly onnx.IAttributeProto[]): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const a of protos) {
    const name = a.name ?? '';
    const spec = def.attrs[name];
    const fail = (detail: string): never => {
      throw new GraphError(nodeName, def.op, detail);
    };
    if (!spec) {
      const known = Object.keys(def.attrs);
      fail(`unsupported attribute "${name}"; tandem's ${def.op} takes ${known.length ? known.join(', ') : 'no attributes'}`);
    }
    if (a.refAttrName) fail(`attribute "${name}" refers to a function attribute; tandem reads plain graphs only`);
    const want = PROTO_TYPE[spec!.type];
    if (a.type !== want) fail(`attribute "${name}" is stored as ${A[a.type ?? 0]}, expected ${A[want]}`);
    switch (spec!.type) {
      case 'int': out[name] = int64ToNumber(a.i ?? 0); break;
      case 'float': out[name] = a.f ?? 0; break;
      case 'string': out[name] = fromUtf8.decode(a.s ?? new Uint8Array()); break;
      case 'ints': out[name] = (a.ints ?? []).map(int64ToNumber); break;
      case 'floats': out[name] = [...(a.floats ?? [])]; break;
      case 'strings': out[name] = (a.strings ?? []).map((s) => fromUtf8.decode(s)); break;
      case 'tensor':
        try {
          out[name] = fromTensorProto(a.t ?? {}, `attribute "${name}"`);
        } catch (e) {
          fail((e as Error).message);
        }
    }
  }
  return out;
}
