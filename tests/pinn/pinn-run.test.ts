import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.ts';

// specs/pinn.md §1, §3: a tiny run of the heat preset with a trained α writes the test-grid evaluation
// (solution-metrics.json), a report with prediction | exact | error on one colour scale, and α's estimate in
// results.json.
describe('an equation-written PINN run', () => {
  it('reports the field on the test grid and the trained constant', async () => {
    const outputs = mkdtempSync(join(tmpdir(), 'tandem-pinn-run-'));
    const r = await cli(
      'run', 'conf/heat_pinn.yaml',
      'adapter.params.points.interior=30', 'adapter.params.points.boundary=6', 'adapter.params.points.initial=6', 'adapter.params.test_grid={x: 6, t: 4}',
      'adapter.params.constants.alpha={init: 0.05, trainable: true, positive: true}', 'adapter.params.solution.u="exp(-pi^2 * 0.1 * t) * sin(pi * x)"',
      'train.epochs=3', 'train.lbfgs.steps=2', '--outputs', outputs,
    );
    expect(r.code, r.stderr).toBe(0);
    const [day] = readdirSync(outputs);
    const dir = join(outputs, day, readdirSync(join(outputs, day))[0]);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { estimates: Record<string, number>; final: { validation: { terms: Record<string, number> } } };
    expect(results.estimates['pde.alpha']).toBeGreaterThan(0);
    expect(results.estimates['pde.alpha']).not.toBe(0.05);
    expect(r.stdout).toContain(`estimated by the loss: pde.alpha = ${results.estimates['pde.alpha'].toPrecision(6)}`);
    const metrics = JSON.parse(readFileSync(join(dir, 'solution-metrics.json'), 'utf8')) as { points: number; grid: Record<string, number>; fields: { u: { rel_l2: number } } };
    expect(metrics).toMatchObject({ points: 24, grid: { x: 6, t: 4 } });
    // The report's number is the loss term's: the same relative L2 on the same rows.
    expect(metrics.fields.u.rel_l2).toBeCloseTo(results.final.validation.terms.test, 5);
    const spec = JSON.parse(readFileSync(join(dir, 'plots', 'heat-pinn-u.vl.json'), 'utf8')) as { hconcat: { title: string; encoding: { color: { scale: { domain?: number[] } } } }[] };
    expect(spec.hconcat.map((p) => p.title)).toEqual(['u (predicted)', 'u (exact)', 'error (predicted − exact)']);
    expect(spec.hconcat[0].encoding.color.scale.domain).toEqual(spec.hconcat[1].encoding.color.scale.domain);
    expect(existsSync(join(dir, 'plots', 'heat-pinn-u.svg'))).toBe(true);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('u vs exact on the test grid');
  }, 120_000);
});
