import { beforeAll, describe, expect, it } from 'vitest';
import { expectedNotPassing, OPS_WITHOUT_NODE_TESTS } from '../../src/conformance/exclusions.ts';
import { ORT_NODE_TEST_GAPS } from '../../src/plugins/backends/onnxruntime/node-test-gaps.ts';
import { COMPOSITE } from '../../src/conformance/onnx-node-suite.ts';
import { runConformance, summarize, type ConformanceRow } from '../../src/conformance/run-conformance.ts';
import { ONNX_OPSET } from '../../src/graph/onnx/to-onnx.ts';
import { findOp, registeredOps } from '../../src/graph/op-registry.ts';
import { importTimeNodeTests } from '../../src/orchestrator/composition-root.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { missingNodeTestData } from './node-test-data.ts';

const EXCLUDED = expectedNotPassing(ORT_NODE_TEST_GAPS);

const noData = missingNodeTestData('conformance/onnxruntime');

describe.skipIf(!!noData)('ONNX backend node tests through our reader and writer, on onnxruntime-node', () => {
  let rows: ConformanceRow[];
  beforeAll(async () => {
    rows = await runConformance((graph, feeds) => runOnOrt(graph, feeds, { intraOpNumThreads: 1 }), { importTime: importTimeNodeTests });
    const table = [...summarize(rows)].map(([op, c]) => `${op.padEnd(20)} pass ${String(c.pass).padStart(3)}  fail ${c.fail}  unsupported ${c.unsupported}  error ${c.error}`);
    console.log(`ONNX node conformance on ORT (${rows.length} tests)\n${table.join('\n')}`);
  });

  it('passes every test of our op set except the listed, reasoned exclusions', () => {
    const unexpected = rows.filter((r) => r.status !== 'pass' && EXCLUDED.get(r.test)?.status !== r.status);
    expect(unexpected.map((r) => `${r.test}: ${r.status}: ${r.reason}`)).toEqual([]);
  });

  it('has no stale exclusion: every excluded test exists and still does not pass', () => {
    const byTest = new Map(rows.map((r) => [r.test, r]));
    const stale = [...EXCLUDED.keys()].filter((t) => !byTest.has(t) || byTest.get(t)!.status === 'pass');
    expect(stale).toEqual([]);
  });

  it('has at least one passing test for every op in the set up to opset 17, every import-time op, and multi-op composites', () => {
    const passing = new Set(rows.filter((r) => r.status === 'pass').map((r) => r.op));
    // The test data is ONNX 1.12's (opset 17): exactly the newer ops have no node tests there.
    expect(registeredOps().filter((op) => (findOp(op)!.since ?? 0) > ONNX_OPSET).sort()).toEqual(Object.keys(OPS_WITHOUT_NODE_TESTS).sort());
    // ConstantOfShape's three tests are opset-9 models, which the importer refuses (exclusions.ts).
    const importTime = [...importTimeNodeTests.ops].filter((op) => op !== 'ConstantOfShape');
    expect(importTime).toEqual(expect.arrayContaining(['LSTM', 'GRU', 'RNN', 'Dropout', 'Flatten', 'Shape', 'Size']));
    expect([...registeredOps(), ...importTime, COMPOSITE].filter((op) => !passing.has(op) && !(op in OPS_WITHOUT_NODE_TESTS))).toEqual([]);
  });
});
