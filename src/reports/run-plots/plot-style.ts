/** What the run plots share: series colours, and a legend whose labels are never cut. */
export const SERIES_COLORS = ['#4c78a8', '#f58518', '#e45756', '#54a24b', '#b279a2'];

/**
 * Below the plot, one entry per line, with no label limit: vega-lite's default (a legend on the right, labels cut
 * at 160 px with an ellipsis) cut every long series name.
 */
export const FITTING_LEGEND = { orient: 'bottom', direction: 'vertical', labelLimit: 0, symbolType: 'stroke' } as const;
