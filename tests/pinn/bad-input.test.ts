// Bad input to an equation-written PINN (specs/pinn.md §6), refused before training: each case runs the real CLI
// in-process on conf/heat_pinn.yaml with tiny overrides and checks exit code 2, ONE error line naming the config
// key, and that no epoch ran.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, runStatuses } from '../cli/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'tandem-pinn-bad-input-'));
const TINY = ['adapter.params.points.interior=20', 'adapter.params.points.boundary=4', 'adapter.params.points.initial=4', 'adapter.params.test_grid={x: 4, t: 3}', 'train.epochs=1', '~train.lbfgs'];

async function refused(name: string, override: string) {
  const outputs = join(root, name);
  const r = await cli('run', 'conf/heat_pinn.yaml', ...TINY, override, '--outputs', outputs);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(r.code, r.stderr).toBe(2);
  expect(errors, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/epoch 1/);
  expect(runStatuses(outputs).every((s) => s === 'failed')).toBe(true);
  return { error: errors[0], stderr: r.stderr };
}

describe('an equation-written PINN refuses bad input before training, with one message and exit 2', () => {
  it('an unknown name lists the names there are', async () => {
    const { error } = await refused('unknown', 'train.loss.pde.equation="u_t - beta * u_xx"');
    expect(error).toBe('error: train.loss.pde.equation: "beta" in "u_t - beta * u_xx" is not a name here; the names are outputs u; coordinates x, t; constants alpha; pi; derivatives such as u_xx or d(u, x, 2)');
  });

  it('a derivative by a name that is not a coordinate names the coordinates, in both spellings', async () => {
    expect((await refused('by-subscript', 'train.loss.pde.equation="u_t - alpha * u_yy"')).error).toMatch(/^error: train\.loss\.pde\.equation: "u_yy" in .* differentiates by "y", which is not a coordinate; the coordinates are x, t$/);
    expect((await refused('by-d', 'train.loss.bc.equation="d(u, y, 2)"')).error).toMatch(/^error: train\.loss\.bc\.equation: "d\(u, y, 2\)" in .* differentiates by "y", which is not a coordinate/);
  });

  it('a derivative of a constant says it is one', async () => {
    const { error } = await refused('constant', 'train.loss.pde.equation="u_t - alpha_x"');
    expect(error).toMatch(/^error: train\.loss\.pde\.equation: "alpha_x" in "u_t - alpha_x" differentiates the constant "alpha" \(its derivative is 0\)/);
  });

  it('a syntax error gives the column and echoes the equation with a caret under it', async () => {
    const { error, stderr } = await refused('syntax', 'train.loss.pde.equation="u_t - alpha * (u_xx"');
    expect(error).toMatch(/train\.loss\.pde\.equation.*syntax error at column 20: Parenthesis \) expected/);
    expect(stderr).toContain(`\n  u_t - alpha * (u_xx\n  ${' '.repeat(19)}^`);
  });

  it('an empty domain interval names the coordinate', async () => {
    const { error } = await refused('interval', 'adapter.params.domain.t=[0.5, 0.5]');
    expect(error).toMatch(/adapter\.params\.domain\.t is \[0\.5, 0\.5\], an empty interval; give \[low, high\] with low < high$/);
  });

  it('a solution that is not finite names the key and the point', async () => {
    const { error } = await refused('solution', 'adapter.params.solution.u="sin(pi * x) / x"');
    expect(error).toMatch(/adapter\.params\.solution\.u = "sin\(pi \* x\) \/ x" is NaN at \(x=0, t=[\d.e-]+\); an exact solution must be finite on every point, the test grid included$/);
  });

  it('`on:` naming a point set that does not exist lists the sets', async () => {
    const { error } = await refused('on', 'train.loss.ic.on=start');
    expect(error).toBe('error: train.loss.ic.on is "start", which is not a point set with points; the sets are: interior, boundary, initial, test (adapter.params.points)');
  });
});
