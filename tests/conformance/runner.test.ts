import { describe, expect, it } from 'vitest';
import { runConformance, type ImportTimeReader } from '../../src/conformance/run-conformance.ts';
import { onnx } from '../../src/graph/onnx/generated/onnx.js';
import type { Tensor } from '../../src/graph/tensor.ts';
import { importTimeNodeTests } from '../../src/orchestrator/composition-root.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { missingNodeTestData } from './node-test-data.ts';

const noData = missingNodeTestData('conformance/runner');

describe.skipIf(!!noData)('runConformance', () => {
  it('reports a wrong executor as failing, with the place and size of the difference', async () => {
    const offByOne = async (...args: Parameters<typeof runOnOrt>) => {
      const out = await runOnOrt(...args);
      const bumped = (t: Tensor): Tensor => ({ ...t, data: (t.data as Float32Array).map((v) => v + 1) });
      return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, bumped(t)]));
    };
    const rows = await runConformance(offByOne, { ops: ['Relu', 'Sigmoid'] });
    expect(rows.map((r) => r.test)).toEqual(['test_relu', 'test_sigmoid', 'test_sigmoid_example']);
    expect(rows.every((r) => r.status === 'fail')).toBe(true);
    expect(rows[0].reason).toMatch(/^test_data_set_0 output "y": 60 of 60 values differ; worst at flat index \d+: got/);
  });

  it('reports an executor that throws as an error', async () => {
    const rows = await runConformance(async () => {
      throw new Error('backend exploded');
    }, { ops: ['Relu'] });
    expect(rows).toEqual([{ op: 'Relu', test: 'test_relu', status: 'error', reason: 'backend exploded' }]);
  });

  it('runs the node tests of the import-time ops through the importer: GRU passes as read, and fails when its gate activation is misread', async () => {
    const ort = (...args: Parameters<typeof runOnOrt>) => runOnOrt(...args);
    const tests = ['test_gru_batchwise', 'test_gru_defaults', 'test_gru_seq_length', 'test_gru_with_initial_bias'];
    const good = await runConformance(ort, { ops: ['GRU'], importTime: importTimeNodeTests });
    expect(good.map((r) => [r.test, r.status])).toEqual(tests.map((t) => [t, 'pass']));
    // The importer handed a GRU whose update and reset gates are tanh instead of the default sigmoid: another
    // recurrence, as if the activations were read wrong. (A misread linear_before_reset would pass three of the
    // four: their weights are uniform, so the reset gate commutes with the recurrent product.)
    const misread: ImportTimeReader = {
      ops: importTimeNodeTests.ops,
      read(file, bytes, feeds) {
        const model = onnx.ModelProto.decode(bytes);
        for (const n of model.graph!.node!) n.attribute!.push(onnx.AttributeProto.create({ name: 'activations', type: onnx.AttributeProto.AttributeType.STRINGS, strings: ['Tanh', 'Tanh'].map((a) => new TextEncoder().encode(a)) }));
        return importTimeNodeTests.read(file, onnx.ModelProto.encode(model).finish(), feeds);
      },
    };
    const bad = await runConformance(ort, { ops: ['GRU'], importTime: misread });
    expect(bad.map((r) => [r.test, r.status])).toEqual(tests.map((t) => [t, 'fail']));
    expect(bad[1].reason).toMatch(/^test_data_set_0 output "Y_h": \d+ of 15 values differ/);
  });

  it('leaves the import-time ops out without an importer, and says why the importer refuses one', async () => {
    expect(await runConformance(async () => ({}), { ops: ['LSTM'] })).toEqual([]);
    const [peepholes] = (await runConformance((...args: Parameters<typeof runOnOrt>) => runOnOrt(...args), { ops: ['LSTM'], importTime: importTimeNodeTests })).filter((r) => r.test === 'test_lstm_with_peepholes');
    expect(peepholes.status).toBe('unsupported');
    expect(peepholes.reason).toMatch(/node "LSTM_0" \(LSTM\): sequence_lens is given/);
  });
});
