import { beforeAll, describe, expect, it } from 'vitest';
import { REFUSED_BY_DESIGN, type Exclusion } from '../../../src/conformance/exclusions.ts';
import { COMPOSITE } from '../../../src/conformance/onnx-node-suite.ts';
import { runConformance, summarize, type ConformanceRow } from '../../../src/conformance/run-conformance.ts';
import { registeredOps } from '../../../src/graph/op-registry.ts';
import { execute } from '../../../src/plugins/backends/tfjs/interpreter.ts';
import { activateTfjs } from '../../../src/plugins/backends/tfjs/runtime.ts';

const each = (tests: string[], status: Exclusion['status'], reason: string): [string, Exclusion][] => tests.map((t) => [t, { status, reason }]);

/** Where the tfjs backend does not pass, and why. Each entry must still fail (see the stale-exclusion test). */
const TFJS_GAPS: ReadonlyMap<string, Exclusion> = new Map([
  ...each(['test_cast_DOUBLE_to_FLOAT', 'test_cast_FLOAT_to_DOUBLE', 'test_castlike_DOUBLE_to_FLOAT_expanded', 'test_castlike_FLOAT_to_DOUBLE_expanded', 'test_max_float64', 'test_min_float64'],
    'error', 'float64: TensorFlow.js has no float64 type, so the interpreter refuses the graph'),
  ['test_resize_downsample_scales_linear_align_corners', {
    status: 'fail',
    reason: 'the ONNX reference divides by in·scale (1.4) where ORT and tandem use the integer output size; tfjs matches ORT (the ORT conformance test lists the same deviation)',
  }],
]);

const EXCLUDED = new Map([...REFUSED_BY_DESIGN, ...TFJS_GAPS]);

/** Ops with no ONNX node test tfjs can run; the per-op table (ops.test.ts) checks them against ORT instead. */
const NO_RUNNABLE_NODE_TEST: Readonly<Record<string, string>> = {
  Cast: 'every Cast node test involves float64, float16, bfloat16 or string',
};

describe('ONNX backend node tests through our reader and writer, on the tfjs interpreter (wasm)', () => {
  let rows: ConformanceRow[];
  beforeAll(async () => {
    await activateTfjs('wasm');
    rows = await runConformance(async (graph, feeds) => execute(graph, feeds));
    const table = [...summarize(rows)].map(([op, c]) => `${op.padEnd(20)} pass ${String(c.pass).padStart(3)}  fail ${c.fail}  unsupported ${c.unsupported}  error ${c.error}`);
    console.log(`ONNX node conformance on tfjs/wasm (${rows.length} tests)\n${table.join('\n')}`);
  });

  it('passes every test of our op set except the listed, reasoned exclusions', () => {
    const unexpected = rows.filter((r) => r.status !== 'pass' && EXCLUDED.get(r.test)?.status !== r.status);
    expect(unexpected.map((r) => `${r.test}: ${r.status}: ${r.reason}`)).toEqual([]);
  });

  it('has no stale exclusion: every tfjs gap exists and still does not pass', () => {
    const byTest = new Map(rows.map((r) => [r.test, r]));
    const stale = [...TFJS_GAPS.keys()].filter((t) => !byTest.has(t) || byTest.get(t)!.status === 'pass');
    expect(stale).toEqual([]);
  });

  it('has at least one passing test for every op in the set, and for multi-op composites', () => {
    const passing = new Set(rows.filter((r) => r.status === 'pass').map((r) => r.op));
    expect([...registeredOps(), COMPOSITE].filter((op) => !passing.has(op) && !(op in NO_RUNNABLE_NODE_TEST))).toEqual([]);
    expect(Object.keys(NO_RUNNABLE_NODE_TEST).filter((op) => passing.has(op))).toEqual([]);
  });
});
