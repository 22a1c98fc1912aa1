import { heatmaps, type HeatmapPanel } from '../../../reports/run-plots/run-plots.ts';
import type { PlotSpec } from '../../../contracts/plot-spec.ts';

/** The stitched reconstruction beside the true object, each as rows × cols planes; `mask` marks the covered pixels. */
export interface ReconstructionFields {
  readonly rows: number;
  readonly cols: number;
  readonly mask: Uint8Array;
  readonly amplitude: { readonly predicted: Float64Array; readonly truth: Float64Array };
  /** Phases in radians, the predicted one with the global offset removed; `error` is wrapped into (−π, π]. */
  readonly phase: { readonly predicted: Float64Array; readonly truth: Float64Array; readonly error: Float64Array };
}

/**
 * report.html's view of the reconstruction: amplitude and phase, each as predicted | true (one shared colour scale)
 * | error, over the pixels the scan covered (the rest is blank: nothing was measured there).
 */
export function reconstructionPlots(experiment: string, f: ReconstructionFields): PlotSpec[] {
  const covered = (v: Float64Array) => v.map((x, i) => (f.mask[i] ? x : NaN));
  const panel = (title: string, values: Float64Array, group: string | undefined): HeatmapPanel => ({ title, rows: f.rows, cols: f.cols, values: covered(values), ...(group ? { scaleGroup: group } : { diverging: true }) });
  const amplitudeError = f.amplitude.predicted.map((v, i) => v - f.amplitude.truth[i]);
  const shared = 'Predicted and true share one colour scale; the error is on a scale centred on 0. Only pixels under at least one stitched patch are drawn.';
  return [
    heatmaps(`${experiment}-amplitude`, `${experiment}: object amplitude, stitched reconstruction vs truth`, `|O| of the stitched reconstruction and of the true object. ${shared}`, { x: 'x', y: 'y' }, [
      panel('amplitude, predicted', f.amplitude.predicted, 'amplitude'),
      panel('amplitude, true', f.amplitude.truth, 'amplitude'),
      panel('amplitude error (predicted − true)', amplitudeError, undefined),
    ]),
    heatmaps(`${experiment}-phase`, `${experiment}: object phase (rad), stitched reconstruction vs truth`, `arg O in radians, the global phase offset removed (ptychography cannot determine it); the error is wrapped into (−π, π]. ${shared}`, { x: 'x', y: 'y' }, [
      panel('phase, predicted (rad)', f.phase.predicted, 'phase'),
      panel('phase, true (rad)', f.phase.truth, 'phase'),
      panel('phase error (rad, wrapped)', f.phase.error, undefined),
    ]),
  ];
}
