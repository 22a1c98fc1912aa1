import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { VegaLiteSpec } from '../../contracts/plot-spec.ts';


/**
 * Render a vega-lite spec to an SVG string without a browser (docs/reference/ecosystem.md §6): compile to vega,
 * run a headless View (renderer 'none') and serialize its scenegraph. Text widths are estimated (no canvas
 * package), which only affects label layout, not the data drawn.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
