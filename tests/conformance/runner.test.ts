import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/run-conformance.ts';
import type { Tensor } from '../../src/graph/tensor.ts';
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
});
