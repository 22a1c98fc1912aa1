import { describe, expect, it } from 'vitest';
import type { ParityCase } from '../../src/parity/report.ts';
import { rowFromCases, ZOO_SCHEMA, type ZooReport, type ZooRow } from '../../src/orchestrator/zoo/zoo-report.ts';
import { zooTable } from '../../src/orchestrator/zoo/zoo-table.ts';
import { STAGES } from '../../src/parity/report.ts';

/** Parity cases for one model: every stage on both backends, with `overrides` by case id. */
function cases(model: string, overrides: Record<string, Partial<ParityCase>> = {}): ParityCase[] {
  return ['onnxruntime', 'tfjs'].flatMap((backend) =>
    STAGES.map((stage) => {
      const id = `${model}/${backend}/${stage}`;
      return { id, experiment: model, backend, stage, verdict: 'pass', tensors: [], timing: { seconds: 0.1 }, ...overrides[id] } as unknown as ParityCase;
    }),
  );
}

const EXPORT_OK = { onnxruntime: { verdict: 'pass', maxAbs: 1e-7, outputScale: 1 }, tfjs: { verdict: 'pass', maxAbs: 2e-7, outputScale: 1 } } as const;

function report(models: ZooRow[]): ZooReport {
  const passed = models.filter((m) => m.status === 'pass').length;
  return {
    schema: ZOO_SCHEMA,
    torch: '1.13.0',
    settings: { backends: ['onnxruntime', 'tfjs'], batchSize: 4, trajectorySteps: 4 },
    out: '/zoo',
    models,
    summary: { verdict: passed === models.length ? 'pass' : 'fail', passed, models: models.length, seconds: 12.5 },
  };
}

describe('the zoo table: a row per model, a column per stage', () => {
  it('a model passing every case on both backends is a row of pass', () => {
    const row = rowFromCases({ model: 'lstm', what: 'nn.LSTM', parameters: 425 }, EXPORT_OK, cases('lstm'), 'runs/lstm/parity.json', 1.5);
    expect(row.status).toBe('pass');
    expect(row.cases).toEqual([]);
    const text = zooTable(report([row]));
    expect(text).toMatch(/^lstm\s+425(\s+pass){9}$/m);
    expect(text).toContain('PASS: 1/1 model(s) pass every stage (12.5 s)');
  });

  it('a failed case names its backend in the cell and its reason and first divergence under the table', () => {
    const row = rowFromCases(
      { model: 'vit', what: 'ViT' },
      EXPORT_OK,
      cases('vit', { 'vit/tfjs/gradients': { verdict: 'fail', reason: '1 of 12 tensors outside tolerance: head.bias', firstDivergence: { message: 'node /head/Gemm' } as ParityCase['firstDivergence'] } }),
      'runs/vit/parity.json',
      2,
    );
    expect(row.status).toBe('fail');
    expect(row.stages.gradients).toEqual({ onnxruntime: 'pass', tfjs: 'fail' });
    const text = zooTable(report([row]));
    expect(text).toMatch(/^vit\s+pass\s+pass\s+pass\s+pass\s+FAIL tfjs\s+pass\s+pass\s+pass\s+fail$/m);
    expect(text).toContain('FAIL vit/tfjs/gradients: 1 of 12 tensors outside tolerance: head.bias\n  first divergence: node /head/Gemm');
    expect(text).toContain('FAIL: 0/1 model(s) pass');
  });

  it('a pass the float64 arbiter decided shows its measured note; an errored case is ERROR', () => {
    const row = rowFromCases(
      { model: 'mha', what: 'attention' },
      EXPORT_OK,
      cases('mha', {
        'mha/onnxruntime/step': { notes: ['8 elements judged as noise-level gradients (float64 arbiter): att.in_proj_bias[8]–att.in_proj_bias[15]'] },
        'mha/onnxruntime/eval': { verdict: 'error', reason: 'onnxruntime: out of memory' },
      }),
      'runs/mha/parity.json',
      2,
    );
    const text = zooTable(report([row]));
    expect(text).toContain('mha/onnxruntime/step: 8 elements judged as noise-level gradients (float64 arbiter)');
    expect(text).toMatch(/ERROR ort\s+fail$/m);
    expect(text).toContain('ERROR mha/onnxruntime/eval: onnxruntime: out of memory');
  });

  it('a refused model has no stage cells and its refusal under the table', () => {
    const refused: ZooRow = { model: 'resnet18-train', what: 'training export', status: 'refused', export: {}, stages: {}, message: 'model onnx: r.onnx: node "bn" (BatchNormalization): refused', cases: [], seconds: 0.2 };
    const text = zooTable(report([refused]));
    expect(text).toMatch(/^resnet18-train\s+(–\s+){8}refused$/m);
    expect(text).toContain('REFUSED resnet18-train: model onnx: r.onnx: node "bn" (BatchNormalization): refused');
  });

  it('an import that differs from the torch module fails the export column, whatever parity says', () => {
    const exported = { onnxruntime: { verdict: 'pass', maxAbs: 1e-7, outputScale: 1 }, tfjs: { verdict: 'fail', maxAbs: 0.5, outputScale: 1, problem: '3 of 40 outputs differ from the torch module' } } as const;
    const row = rowFromCases({ model: 'gru', what: 'nn.GRU' }, exported, cases('gru'), 'runs/gru/parity.json', 1);
    expect(row.status).toBe('fail');
    const text = zooTable(report([row]));
    expect(text).toMatch(/^gru\s+FAIL tfjs(\s+pass){7}\s+fail$/m);
    expect(text).toContain('FAIL gru/tfjs/export: 3 of 40 outputs differ from the torch module');
  });

  it('many arbiter notes: a passing case shows the first, a failed one four, and the rest are counted', () => {
    const notes = Array.from({ length: 9 }, (_, i) => `grad:w${i}: within the reference's float32 error`);
    const failed = { verdict: 'fail', reason: 'outside tolerance', notes } as const;
    const row = rowFromCases({ model: 'net', what: 'deep' }, EXPORT_OK, cases('net', { 'net/tfjs/gradients': { notes }, 'net/tfjs/step': failed }), 'runs/net/d/t/parity.json', 1);
    const text = zooTable(report([row]));
    expect(text).toContain('net/tfjs/gradients: grad:w0: within');
    expect(text).not.toContain('net/tfjs/gradients: grad:w1:');
    expect(text).toContain('net/tfjs/gradients: … and 8 more (zoo.json; runs/net/d/t/parity.md)');
    expect(text).toContain('FAIL net/tfjs/step: outside tolerance\n  grad:w0: within');
    expect(text).toContain('  grad:w3: within the reference\'s float32 error\n  … and 5 more (zoo.json; runs/net/d/t/parity.md)');
    expect(row.cases[0].notes).toHaveLength(9);
  });
});
