// spec: specs/parity-report.md §3 (report.html: self-contained, inline SVG plots from vega-lite specs)
import { describe, expect, it } from 'vitest';
import { parityPlots } from '../../src/reports/plots/parity-plots.ts';
import { renderSvg } from '../../src/reports/plots/vega-svg.ts';
import { renderHtml } from '../../src/reports/report-html.ts';
import { parityOnlyInput } from '../../src/reports/report-input.ts';
import { fixtureReport } from './parity-fixture.ts';

describe('report.html', () => {
  it('is one self-contained file: no script, no external resource, inline SVG only', async () => {
    const { html } = await renderHtml(parityOnlyInput(fixtureReport()));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    // SVG namespace declarations name URLs but load nothing; any other http(s) reference would be fetched.
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]).filter((u) => !u.startsWith('http://www.w3.org/'));
    expect(urls).toStrictEqual([]);
  });

  it('draws the loss trajectories, the error per stage and the divergence curve', async () => {
    const { html, plots } = await renderHtml(parityOnlyInput(fixtureReport()));
    expect(plots.map((p) => p.id)).toStrictEqual(['quickstart-loss', 'quickstart-stage-error', 'quickstart-divergence']);
    expect(html.match(/<svg /g)).toHaveLength(3);
    for (const plot of plots) expect(html).toContain(`<figure id="${plot.id}">`);
    // The reference and both backends are series of the loss plot; the first divergent step is marked.
    expect(html).toContain('torch (reference)');
    expect(plots[2].caption).toContain("the dashed line is each backend's first divergent step");
  });

  it('colours matrix cells by verdict and opens every failing case', async () => {
    const { html } = await renderHtml(parityOnlyInput(fixtureReport()));
    expect(html.match(/<td class="cell fail">/g)).toHaveLength(2);
    expect(html.match(/<td class="cell skipped">/g)).toHaveLength(1);
    expect(html.match(/<details class="case fail" open>/g)).toHaveLength(2);
    expect(html).toContain('First diverging gradient node: Tanh_1/grad (Mul, from forward node Tanh_1)');
  });

  it('keeps plot ids unique when one page holds two reports of the same experiment', async () => {
    const { html, plots } = await renderHtml({ ...parityOnlyInput(fixtureReport()), parity: [fixtureReport(), fixtureReport()] });
    expect(plots.map((p) => p.id)).toStrictEqual(['1-quickstart-loss', '1-quickstart-stage-error', '1-quickstart-divergence', '2-quickstart-loss', '2-quickstart-stage-error', '2-quickstart-divergence']);
    expect(html.match(/<svg /g)).toHaveLength(6);
  });

  it('draws a test selector that ran no test as failing, as the exit criterion judges it', async () => {
    const input = { ...parityOnlyInput(fixtureReport()), parity: [], tests: [{ file: 'tests/a.test.ts', filter: 'typo', tests: [{ name: 'x', status: 'skipped' as const, durationMs: 0 }] }] };
    const { html } = await renderHtml(input);
    expect(html).toContain('<details class="case fail" open><summary>tests/a.test.ts <code>-t "typo"</code>');
    expect(html).toContain('No test ran: the filter selects no test of this file.');
  });

  it('escapes names from the report (a node called <script> stays text)', async () => {
    const report = fixtureReport();
    report.cases.find((c) => c.firstDivergence)!.firstDivergence!.node!.name = '<script>alert(1)</script>';
    const { html } = await renderHtml(parityOnlyInput(report));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('each plot spec holds its data, so the archived .vl.json re-renders the same SVG', async () => {
    const [loss] = parityPlots(fixtureReport());
    const again = JSON.parse(JSON.stringify(loss.spec));
    expect(await renderSvg(again)).toBe(await renderSvg(loss.spec));
  });

  it('leaves out plots with nothing to draw instead of drawing empty axes', () => {
    const report = fixtureReport();
    report.cases = report.cases.filter((c) => c.stage === 'init');
    // init compares exact zeros only: the stage plot still shows them (at the floor), the trajectory plots go.
    expect(parityPlots(report).map((p) => p.id)).toStrictEqual(['quickstart-stage-error']);
    expect(parityPlots(report)[0].caption).toContain('exact match(es) (error 0) are drawn at 1e-16');
  });
});
