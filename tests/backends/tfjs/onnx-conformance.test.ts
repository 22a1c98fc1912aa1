import { beforeAll, describe, expect, it } from 'vitest';
import { expectedNotPassing, OPS_WITHOUT_NODE_TESTS } from '../../../src/conformance/exclusions.ts';
import { TFJS_NODE_TEST_GAPS as TFJS_GAPS, TFJS_NO_RUNNABLE_NODE_TEST } from '../../../src/plugins/backends/tfjs/node-test-gaps.ts';
import { COMPOSITE } from '../../../src/conformance/onnx-node-suite.ts';
import { runConformance, summarize, type ConformanceRow } from '../../../src/conformance/run-conformance.ts';
import { registeredOps } from '../../../src/graph/op-registry.ts';
import { importTimeNodeTests } from '../../../src/orchestrator/composition-root.ts';
import { execute } from '../../../src/plugins/backends/tfjs/interpreter.ts';
import { activateTfjs } from '../../../src/plugins/backends/tfjs/runtime.ts';
import { missingNodeTestData } from '../../conformance/node-test-data.ts';

const EXCLUDED = expectedNotPassing(TFJS_GAPS);

const noData = missingNodeTestData('conformance/tfjs');

describe.skipIf(!!noData)('ONNX backend node tests through our reader and writer, on the tfjs interpreter (wasm)', () => {
  let rows: ConformanceRow[];
  beforeAll(async () => {
    await activateTfjs('wasm');
    rows = await runConformance(async (graph, feeds) => execute(graph, feeds), { importTime: importTimeNodeTests });
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
    expect([...registeredOps(), COMPOSITE].filter((op) => !passing.has(op) && !(op in TFJS_NO_RUNNABLE_NODE_TEST) && !(op in OPS_WITHOUT_NODE_TESTS))).toEqual([]);
    // The recurrent layers and Dropout, unrolled / rewritten by the onnx model's importer, run on tfjs too.
    expect(['LSTM', 'GRU', 'RNN', 'Dropout'].filter((op) => !passing.has(op))).toEqual([]);
    expect(Object.keys(TFJS_NO_RUNNABLE_NODE_TEST).filter((op) => passing.has(op))).toEqual([]);
  });
});
