// spec: specs/parity-report.md §2 (parity.md: verdict table, failing cases, first diverging node)
import { describe, expect, it } from 'vitest';
import { parityReportSchema, summarize } from '../../src/parity/report.ts';
import { formatNumber } from '../../src/reports/format.ts';
import { renderMarkdown } from '../../src/reports/parity-markdown.ts';
import { parityOnlyInput, type ReportInput } from '../../src/reports/report-input.ts';
import { fixtureReport, passingReport } from './parity-fixture.ts';

describe('parity.md', () => {
  const md = renderMarkdown(parityOnlyInput(fixtureReport()));

  it('leads with the overall verdict and a backends × stages table whose cells hold verdict and worst error', () => {
    expect(md.split('\n')[0]).toBe('# quickstart: ✗ FAIL');
    expect(md).toContain('| backend | init | forward | loss | gradients | step | trajectory | eval |');
    expect(md).toContain('| onnxruntime | ✓ pass (0) | ✓ pass (6e-8) | ✓ pass (1.2e-8) | ✓ pass (2e-7) | ✓ pass (1e-8) | ✓ pass (3.42e-8) | · |');
    expect(md).toMatch(/\| tfjs \| ✓ pass \(0\) \| .* \| ✗ FAIL \(0\.0042\) \| .* \| ✗ FAIL \(0\.0162\) \| – skipped \|/);
    expect(md).toContain('- quickstart/tfjs/eval skipped: the config has no validation split');
  });

  it('lists exactly the failing cases, each with its tolerance, metrics and first diverging node', () => {
    const headings = [...md.matchAll(/^#### (.*)$/gm)].map((m) => m[1]);
    expect(headings).toStrictEqual(['quickstart/tfjs/gradients — ✗ FAIL', 'quickstart/tfjs/trajectory — ✗ FAIL']);
    expect(md).toContain('Tolerance: float32: rtol 1e-5, atol 1e-6 (default float32).');
    expect(md).toContain('| grad.l0.weight | grad | fail | float32 · [32, 1] | 0.0042 | 0.0126 | 0.0063 | 0.996 | 5 of 32 (15.6%) | [3, 1]: 0.5042 vs 0.5 |');
    expect(md).toContain('**First diverging gradient node: Tanh_1/grad (Mul, from forward node Tanh_1):');
    expect(md).toContain('| l0/h | MatMul_0 | diverging | no | 0.0041 | 0.002 |');
    expect(md).toMatch(/First divergent step: 7 of 20 \(epoch 1\): loss 0\.\d{7} vs reference 0\.\d{7}/);
  });

  it('has no failing-cases section when everything passes', () => {
    const ok = renderMarkdown(parityOnlyInput(passingReport()));
    expect(ok.split('\n')[0]).toBe('# quickstart: ✓ pass');
    expect(ok).not.toContain('Failing cases');
  });

  it('writes NaN and infinite errors by name instead of dropping them', () => {
    const report = fixtureReport();
    const broken = report.cases.find((c) => c.id === 'quickstart/tfjs/loss')!;
    broken.verdict = 'fail';
    broken.tensors[0] = { ...broken.tensors[0], verdict: 'fail', metrics: { ...broken.tensors[0].metrics!, maxAbs: 'NaN', relL2: 'Infinity' } };
    const text = renderMarkdown(parityOnlyInput(parityReportSchema.parse({ ...report, summary: summarize(report.cases) })));
    expect(text).toContain('✗ FAIL (NaN)');
    expect(text).toMatch(/\| loss \| loss \| fail \| float32 · \[32, 1\] \| NaN \| [^|]+ \| Infinity \|/);
  });

  it('adds exit criteria and test results for a plan phase', () => {
    const input: ReportInput = {
      ...parityOnlyInput(passingReport()),
      title: 'INIT / phase-1',
      context: [['plan', 'plans/active/INIT/plan.yaml (active)']],
      criteria: [{ description: 'every selected test passes', passed: false, detail: '1 passed, 1 failed, 0 skipped' }],
      tests: [{ file: 'tests/x.test.ts', filter: 'adam', tests: [{ name: 'a > b', status: 'failed', durationMs: 12, failure: 'expected 1 to be 2\n  at …' }, { name: 'a > c', status: 'passed', durationMs: 3 }] }],
    };
    const text = renderMarkdown(input);
    expect(text).toContain('- **plan**: plans/active/INIT/plan.yaml (active)');
    expect(text).toContain('## Exit criteria\n\n- ✗ every selected test passes: 1 passed, 1 failed, 0 skipped');
    expect(text).toContain('### tests/x.test.ts -t "adam"');
    expect(text).toContain('- ✗ a > b: expected 1 to be 2');
  });
});

describe('number format', () => {
  it.each([
    [0, '0'],
    [0.0042, '0.0042'],
    [4.2e-7, '4.2e-7'],
    [123456, '1.23e+5'],
    [0.123456, '0.123'],
    ['NaN', 'NaN'],
    ['-Infinity', '-Infinity'],
  ] as const)('%s → %s', (x, text) => expect(formatNumber(x)).toBe(text));
});
