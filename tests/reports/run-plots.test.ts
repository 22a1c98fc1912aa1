// spec: specs/results.md (report.html) — the run plots: loss axes that show the curve, the L-BFGS phase and weight-0
// monitor terms in the loss curve, legends that fit, and fields compared on one colour scale.
import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/reports/plots/vega-svg.ts';
import { lossAxis } from '../../src/reports/run-plots/loss-axis.ts';
import { lossCurve } from '../../src/reports/run-plots/loss-curve.ts';
import { heatmaps } from '../../src/reports/run-plots/run-plots.ts';
import type { EpochRecord } from '../../src/train/history.ts';

const epoch = (e: number, train: number, validation?: { loss: number; terms: Record<string, number> }): EpochRecord => ({
  epoch: e,
  steps: e + 1,
  train: { loss: train, terms: {} },
  ...(validation ? { validation } : {}),
  lr: 1e-3,
  seconds: 0.1,
});

interface Layer {
  data: { values: { x: number; y: number; loss: number; series: string }[] };
  encoding: { y: { title: string; scale: { type?: string; zero?: boolean } }; color: { legend: { labelLimit: number; orient: string } } };
}
const lineOf = (spec: unknown): Layer => ((spec as { layer?: Layer[] }).layer?.[0] ?? spec) as Layer;

describe('the loss axis', () => {
  it('is log where the loss spans decades, fitted to the data within one, and symlog of loss − min where it is ≤ 0', () => {
    expect(lossAxis([1, 1e-3]).scale).toStrictEqual({ type: 'log' });
    // Within a decade the ticks are close together: four significant digits, so no two read the same.
    expect(lossAxis([1.0214, 1.0095])).toMatchObject({ scale: { zero: false }, format: '.4~g' });
    // A Poisson NLL without its constant: negative, so no log axis; drawn as the distance above its minimum.
    const nll = lossAxis([-1700, -1800, -1849]);
    expect(nll.scale).toStrictEqual({ type: 'symlog', constant: 0.149 });
    expect([-1700, -1849].map(nll.map)).toStrictEqual([149, 0]);
    expect(nll.title).toBe('loss − min(loss), symlog');
    expect(nll.note).toContain('-1.849e+3');
  });

  it('draws a negative loss curve so its fall is visible (not a flat line at the bottom of an axis from 0)', () => {
    const plot = lossCurve('ptycho', [epoch(0, -1600), epoch(1, -1800), epoch(2, -1849)]);
    const line = lineOf(plot.spec);
    expect(line.encoding.y.scale.type).toBe('symlog');
    expect(line.data.values.map((v) => v.y)).toStrictEqual([249, 49, 0]);
    expect(plot.caption).toContain('loss − min');
  });
});

describe('the loss curve', () => {
  const elastic = [0, 1, 2].map((e) => epoch(e, 3 - e, { loss: 0, terms: { pde: 0, test: 0.9 - 0.1 * e } }));

  it('draws the L-BFGS phase after the last epoch, behind a dashed line, one x unit per step', () => {
    const plot = lossCurve('elastic', elastic, { lbfgs: [{ step: 0, loss: 1 }, { step: 1, loss: 0.3 }, { step: 2, loss: 0.1 }] });
    const layers = (plot.spec as { layer: unknown[] }).layer;
    expect(layers).toHaveLength(2);
    const refined = lineOf(plot.spec).data.values.filter((v) => v.series.includes('L-BFGS'));
    expect(refined.map((v) => [v.x, v.loss])).toStrictEqual([[3, 1], [4, 0.3], [5, 0.1]]);
    expect(plot.caption).toContain('After epoch 3 (dashed line), the L-BFGS phase');
  });

  it('leaves out a validation total that is 0 at every epoch and draws the weight-0 monitor terms by name', () => {
    const values = lineOf(lossCurve('elastic', elastic, { monitors: ['test'] }).spec).data.values;
    expect([...new Set(values.map((v) => v.series))]).toStrictEqual(['train (mean over the epoch)', 'validation test (weight 0: measured, not trained)']);
    expect(values.some((v) => v.loss === 0)).toBe(false);
  });

  it('has a legend whose labels are drawn in full', async () => {
    const plot = lossCurve('quickstart', [epoch(0, 1, { loss: 2, terms: {} }), epoch(1, 0.5, { loss: 1, terms: {} })]);
    expect(lineOf(plot.spec).encoding.color.legend).toMatchObject({ labelLimit: 0, orient: 'bottom' });
    const svg = await renderSvg(plot.spec);
    expect(svg).toContain('>train (mean over the epoch)</text>');
    expect(svg).toContain('>validation (after the epoch)</text>');
    expect(svg).not.toContain('…');
  });
});

describe('field heatmaps', () => {
  it('put prediction and truth on one colour scale (their joint range) and the error on a symmetric one', () => {
    const plot = heatmaps('f', 'f', '', { x: 'x', y: 'y' }, [
      { title: 'prediction', rows: 1, cols: 3, values: [0.4, 0.5, 0.6], scaleGroup: 'u' },
      { title: 'truth', rows: 1, cols: 3, values: [-1, 0, 2], scaleGroup: 'u' },
      { title: 'error', rows: 1, cols: 3, values: [1.4, 0.5, -1.4], diverging: true },
    ]);
    const scales = (plot.spec as { hconcat: { encoding: { color: { scale: { domain: number[] } } } }[] }).hconcat.map((p) => p.encoding.color.scale.domain);
    expect(scales).toStrictEqual([[-1, 2], [-1, 2], [-1.4, 1.4]]);
  });

  it('give every cell whole pixels (fractional edges show as a white grid in a browser)', () => {
    const panel = (rows: number, cols: number) => ({ title: 't', rows, cols, values: new Float64Array(rows * cols) });
    const sizes = (heatmaps('f', 'f', '', { x: 'x', y: 'y' }, [panel(41, 41), panel(6, 32), panel(64, 64)]).spec as { hconcat: { width: number; height: number }[] }).hconcat;
    expect(sizes.map((s) => [s.width, s.height])).toStrictEqual([[205, 205], [192, 192], [192, 192]]);
  });

  it('leave NaN cells (pixels nothing measured) blank', () => {
    const plot = heatmaps('f', 'f', '', { x: 'x', y: 'y' }, [{ title: 'a', rows: 1, cols: 3, values: [1, NaN, 2], scaleGroup: 'a' }]);
    const cells = (plot.spec as { hconcat: { data: { values: unknown[] } }[] }).hconcat[0].data.values;
    expect(cells).toStrictEqual([{ r: 0, c: 0, v: 1 }, { r: 0, c: 2, v: 2 }]);
    // The blank column keeps its place: the cells stay on whole pixels.
    const x = (plot.spec as { hconcat: { encoding: { x: { scale: { domain: number[] } } } }[] }).hconcat[0].encoding.x.scale.domain;
    expect(x).toStrictEqual([0, 1, 2]);
  });
});
