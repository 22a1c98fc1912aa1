import type { TopLevelSpec } from 'vega-lite';

/** A vega-lite spec with its data inlined, so the JSON alone re-renders the plot (altair, vl-convert, the editor). */
export type VegaLiteSpec = TopLevelSpec;

/**
 * One plot of a report: parity plots, a run's loss curve, a workload's fields (an adapter's afterTraining hands
 * its own here). Rendered to SVG by src/reports/plots/vega-svg.ts.
 */
export interface PlotSpec {
  /** A file-name-safe id, unique within one page: `[<n>-]<experiment>-<kind>`. */
  readonly id: string;
  readonly title: string;
  /** What the reader is looking at and any liberty taken with the data (zeros on a log axis). */
  readonly caption: string;
  readonly spec: VegaLiteSpec;
}
