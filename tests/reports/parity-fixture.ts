import { parityReportSchema, summarize, toJsonFloat, type ParityCase, type ParityReport, type StageName, type TensorComparison } from '../../src/parity/report.ts';

/**
 * A parity report shaped like the engine's output for the quickstart MLP on two backends: onnxruntime passes
 * every stage; tfjs passes up to the loss, fails the gradients (with a first diverging gradient node) and drifts
 * away from the reference trajectory from step 7. The numbers follow a seeded formula so the renderers see
 * realistic magnitudes; the report is validated against the engine's schema, so a schema change breaks here
 * first.
 */
const TOL = { float32: { rtol: 1e-5, atol: 1e-6, source: 'default float32' } };

function metrics(maxAbs: number, count: number, outside: number) {
  return {
    count,
    maxAbs,
    maxRel: maxAbs * 3,
    relL2: maxAbs * 1.5,
    cosine: toJsonFloat(1 - maxAbs),
    allclose: outside === 0,
    outside,
    outsideShare: outside / count,
    worstIndex: [3, 1],
    worstActual: 0.5 + maxAbs,
    worstExpected: 0.5,
    maxUlp: Math.round(maxAbs / 6e-8),
  };
}

function tensor(name: string, role: TensorComparison['role'], maxAbs: number, outside = 0): TensorComparison {
  return {
    name,
    role,
    verdict: outside ? 'fail' : 'pass',
    expected: { dtype: 'float32', shape: [32, 1] },
    actual: { dtype: 'float32', shape: [32, 1] },
    metrics: metrics(maxAbs, 32, outside),
  };
}

function stageCase(backend: string, stage: StageName, tensors: TensorComparison[], extra: Partial<ParityCase> = {}): ParityCase {
  const verdict = tensors.some((t) => t.verdict === 'fail') ? 'fail' : 'pass';
  return { id: `quickstart/${backend}/${stage}`, experiment: 'quickstart', backend, stage, verdict, tolerance: TOL, tensors, timing: { seconds: 0.05 }, ...extra };
}

function trajectoryCase(backend: string, driftFrom: number | null): ParityCase {
  const steps = Array.from({ length: 20 }, (_, i) => {
    const step = i + 1;
    const expected = 0.5 * Math.exp(-0.15 * i) + 0.01;
    const drift = driftFrom !== null && step >= driftFrom ? 2e-4 * 1.8 ** (step - driftFrom) : 3e-8 * (1 + (i % 3));
    const actual = expected * (1 + drift);
    const absDiff = Math.abs(actual - expected);
    return {
      step,
      epoch: Math.floor(i / 4),
      lr: { actual: 0.01, expected: 0.01 },
      loss: { actual, expected },
      absDiff,
      relDiff: absDiff / expected,
      withinTolerance: absDiff <= 1e-6 + 1e-5 * expected,
    };
  });
  const first = steps.find((s) => !s.withinTolerance)?.step ?? null;
  return {
    id: `quickstart/${backend}/trajectory`,
    experiment: 'quickstart',
    backend,
    stage: 'trajectory',
    verdict: first === null ? 'pass' : 'fail',
    ...(first === null ? {} : { reason: `the loss leaves the tolerance at step ${first}` }),
    tolerance: TOL,
    tensors: [],
    trajectory: { steps, firstDivergentStep: first, schedule: 'constant', scheduleInterval: 'epoch' },
    timing: { seconds: 0.4 },
  };
}

export function fixtureReport(): ParityReport {
  const cases: ParityCase[] = [];
  for (const backend of ['onnxruntime', 'tfjs']) {
    const bad = backend === 'tfjs';
    cases.push(stageCase(backend, 'init', [tensor('l0.weight', 'param', 0), tensor('l0.bias', 'param', 0)]));
    cases.push(stageCase(backend, 'forward', [tensor('y_hat', 'output', bad ? 2.4e-7 : 6e-8)]));
    cases.push(stageCase(backend, 'loss', [tensor('loss', 'loss', bad ? 3e-7 : 1.2e-8)]));
    cases.push(
      stageCase(backend, 'gradients', [tensor('grad.l0.weight', 'grad', bad ? 4.2e-3 : 2e-7, bad ? 5 : 0), tensor('grad.l0.bias', 'grad', bad ? 8e-4 : 9e-8, bad ? 2 : 0)], bad
        ? {
            reason: '2 of 4 gradients leave the tolerance',
            firstDivergence: {
              kind: 'gradient',
              node: {
                name: 'Tanh_1/grad',
                op: 'Mul',
                origin: 'Tanh_1',
                diverging: [{ name: 'l0/h', producer: 'MatMul_0', withinTolerance: false, maxAbs: 4.1e-3, relL2: 2e-3 }],
                upstream: [{ name: 'l1/h', producer: 'Tanh_1', withinTolerance: true, maxAbs: 1e-8, relL2: 3e-8 }],
              },
              compared: 14,
              message: 'the adjoint of l0/h diverges while the adjoint of the node output matches',
              method: 'tfjs vs torch.autograd (adjoint probes)',
            },
          }
        : {}),
    );
    cases.push(stageCase(backend, 'step', [tensor('l0.weight', 'param', bad ? 4e-5 : 1e-8), tensor('adam.m.l0.weight', 'slot', bad ? 4e-4 : 2e-9)]));
    cases.push(trajectoryCase(backend, bad ? 7 : null));
  }
  cases.push({
    id: 'quickstart/tfjs/eval',
    experiment: 'quickstart',
    backend: 'tfjs',
    stage: 'eval',
    verdict: 'skipped',
    reason: 'the config has no validation split',
    tolerance: {},
    tensors: [],
    timing: { seconds: 0 },
  });
  return parityReportSchema.parse({
    schema: 'tandem.parity/1',
    createdAt: '2026-11-23T04:00:00.000Z',
    experiment: 'quickstart',
    configFile: 'conf/quickstart.yaml',
    configHash: 'a'.repeat(64),
    overrides: [],
    graphHash: 'b'.repeat(64),
    selectors: ['quickstart/*/*'],
    reference: { kind: 'live', name: 'torch', versions: { torch: '1.13.1', python: '3.11.2' } },
    backends: [
      { name: 'onnxruntime', dtype: 'float32', settings: {} },
      { name: 'tfjs', dtype: 'float32', settings: { device: 'wasm' } },
    ],
    stages: ['init', 'forward', 'loss', 'gradients', 'step', 'trajectory', 'eval'],
    trajectorySteps: 20,
    batchSize: 16,
    seed: 0,
    cases,
    summary: summarize(cases),
    timing: { seconds: 3.2 },
  });
}

/** The same report with every case passing: what a fixed tfjs would produce. */
export function passingReport(): ParityReport {
  const report = fixtureReport();
  const good = report.cases.filter((c) => c.backend === 'onnxruntime').map((c) => ({ ...c, backend: 'tfjs', id: c.id.replace('onnxruntime', 'tfjs') }));
  const cases = [...report.cases.filter((c) => c.backend === 'onnxruntime'), ...good];
  return { ...report, cases, summary: summarize(cases) };
}
