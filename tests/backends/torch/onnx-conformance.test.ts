import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedNotPassing } from '../../../src/conformance/exclusions.ts';
import { torchBackend } from '../../../src/plugins/backends/torch/torch-backend.ts';
import { ONNX_NODE_TEST_DIR } from '../../../src/conformance/onnx-node-suite.ts';
import { runConformance, summarize } from '../../../src/conformance/run-conformance.ts';
import { importTimeNodeTests } from '../../../src/orchestrator/composition-root.ts';
import { openReference } from './torch-available.ts';

const { ref, skip: noTorch } = await openReference('onnx-conformance');
afterAll(() => ref.dispose());
const skip = noTorch ?? (existsSync(ONNX_NODE_TEST_DIR) ? undefined : `no ONNX node test data at ${ONNX_NODE_TEST_DIR} (apt-get install libonnx-testdata)`);
if (skip && !noTorch) console.log(`[onnx-conformance] skipping: ${skip}`);

describe.skipIf(!!skip)('the torch interpreter on the official ONNX node tests (libonnx-testdata 1.12)', () => {
  it('passes every node test of our op set that tandem\'s reader accepts; the table lists the rest with reasons', { timeout: 120_000 }, async () => {
    // Every case goes through ONE python process: tandem reads and re-writes the model, torch runs it.
    const rows = await runConformance(async (graph, feeds) => {
      const out = await ref.executeGraph(graph, feeds);
      await ref.release(graph);
      return Object.fromEntries(out);
    }, { importTime: importTimeNodeTests });
    const table = [...summarize(rows)].map(([op, n]) => `${op.padEnd(20)} pass ${String(n.pass).padStart(3)}  fail ${n.fail}  error ${n.error}  unsupported ${n.unsupported}`);
    const notPassing = rows.filter((r) => r.status !== 'pass').map((r) => `  ${r.status.padEnd(11)} ${r.test}: ${r.reason.split('\n')[0]}`);
    console.log(`torch reference conformance, per op:\n${table.join('\n')}\nnot passing:\n${notPassing.join('\n')}`);
    expect(rows.length).toBeGreaterThan(300);
    // 'unsupported' = refused by tandem's ONNX reader (float16, uint8 arithmetic, cubic Resize ...): torch never saw them.
    const excluded = expectedNotPassing((await torchBackend.create(torchBackend.params.parse({}))).capabilities().nodeTestGaps);
    expect(rows.filter((r) => r.status !== 'pass' && excluded.get(r.test)?.status !== r.status).map((r) => `${r.test}: ${r.status}: ${r.reason}`)).toEqual([]);
    // The recurrent layers and Dropout, unrolled / rewritten by the onnx model's importer, run on torch too.
    const passing = new Set(rows.filter((r) => r.status === 'pass').map((r) => r.op));
    expect(['LSTM', 'GRU', 'RNN', 'Dropout'].filter((op) => !passing.has(op))).toEqual([]);
  });
});
