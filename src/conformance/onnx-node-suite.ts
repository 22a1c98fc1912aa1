import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from '../graph/onnx/generated/onnx.js';

/** Debian libonnx-testdata 1.12: one directory per single-op test (model.onnx + test_data_set_N/). */
export const ONNX_NODE_TEST_DIR = '/usr/share/libonnx-testdata/data/node';

export interface NodeTestCase {
  /** Directory name, e.g. test_conv_with_strides_padding. */
  readonly name: string;
  readonly dir: string;
  /** The op the test is about (see `attributeOp`). */
  readonly op: string;
  /** Every op type the model uses, in node order (expanded tests use several). */
  readonly ops: readonly string[];
}

/** "ReduceSum" → ["reducesum", "reduce_sum"]: the two spellings the test directories use. */
function spellings(op: string): string[] {
  return [op.toLowerCase(), op.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()];
}

/** Test directories whose name does not start with their op's name. */
const ALIASES: Readonly<Record<string, string[]>> = {
  Pad: ['constant_pad', 'edge_pad', 'reflect_pad'],
  Conv: ['basic_conv'],
};

/**
 * The op a test is about: the longest op of `candidates` whose name prefixes the directory name
 * (test_maxpool_* is MaxPool, not Max; test_expand_* is Expand, not Exp; test_softmax_*_expanded is Softmax
 * even though its model spells Softmax out in other ops); else a directory alias; else the model's only op
 * type (test_castlike_*_expanded is a Cast test). Undefined for composites of ops we have but named after
 * one we lack (test_logsoftmax_*_expanded): those are reported under COMPOSITE.
 */
function attributeOp(name: string, ops: readonly string[], candidates: ReadonlySet<string>): string | undefined {
  const stem = name.replace(/^test_/, '');
  let best: string | undefined;
  let bestLen = 0;
  for (const op of candidates) {
    for (const s of [...spellings(op), ...(ALIASES[op] ?? [])]) {
      if ((stem === s || stem.startsWith(`${s}_`)) && s.length > bestLen) {
        best = op;
        bestLen = s.length;
      }
    }
  }
  if (best) return best;
  const distinct = new Set(ops);
  return distinct.size === 1 && candidates.has(ops[0]) ? ops[0] : undefined;
}

/** The row label of multi-op tests named after an op outside tandem's set (logsoftmax, mvn expanded). */
export const COMPOSITE = '(composite)';

/**
 * The node tests that exercise `ops`: every op their model uses is in `supported` (tandem's op set) and
 * the test's own op is one of `ops` (include COMPOSITE for the multi-op tests named after other ops).
 */
export function listNodeTests(ops: ReadonlySet<string>, supported: ReadonlySet<string>, root = ONNX_NODE_TEST_DIR): NodeTestCase[] {
  if (!existsSync(root)) throw new Error(`ONNX node test data not found at ${root}; install the Debian package libonnx-testdata`);
  const out: NodeTestCase[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    const modelPath = join(dir, 'model.onnx');
    if (!existsSync(modelPath)) continue;
    const model = onnx.ModelProto.decode(readFileSync(modelPath));
    const used = (model.graph?.node ?? []).map((n) => n.opType ?? '');
    if (!used.length || !used.every((o) => supported.has(o))) continue;
    const op = attributeOp(name, used, supported);
    if (op && ops.has(op)) out.push({ name, dir, op, ops: used });
    else if (!op && ops.has(COMPOSITE)) out.push({ name, dir, op: COMPOSITE, ops: used });
  }
  return out;
}

/** The test data sets of one case, as [inputs, outputs] TensorProto file lists. */
export function dataSets(dir: string): { inputs: string[]; outputs: string[] }[] {
  return readdirSync(dir)
    .filter((d) => d.startsWith('test_data_set_'))
    .sort()
    .map((d) => {
      const files = readdirSync(join(dir, d)).sort((a, b) => fileIndex(a) - fileIndex(b));
      return {
        inputs: files.filter((f) => f.startsWith('input_')).map((f) => join(dir, d, f)),
        outputs: files.filter((f) => f.startsWith('output_')).map((f) => join(dir, d, f)),
      };
    });
}

function fileIndex(f: string): number {
  return Number(/_(\d+)\.pb$/.exec(f)?.[1] ?? 0);
}
