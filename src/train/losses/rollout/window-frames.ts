import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { parseLayout } from '../../../data/layout.ts';
import { fmtShape } from '../../../graph/shape-utils.ts';
import { SetupError } from '../../../util/setup-error.ts';

/** The dim a rollout window runs along. */
export const TIME_DIM = 'time';

/**
 * A window of consecutive states (batch, …dims with `time`) cut into its frames (batch, …dims without `time`),
 * by dim NAME: the one place a rollout's data layout changes. `layout` names the dims of one sample, e.g.
 * "(time, x, vector)"; each frame keeps the remaining dims in order, which is the layout the model is configured with.
 */
export function windowFrames(g: GraphBuilder, window: Value, layout: string, where: string): Value[] {
  let dims: string[];
  try {
    dims = parseLayout(layout).filter((d) => d !== 'batch');
  } catch (e) {
    throw new SetupError(`${where}.window: ${(e as Error).message}`);
  }
  if (dims.length !== window.rank - 1) {
    throw new SetupError(`${where}.window "${layout}" names ${dims.length} dims per sample but "${window.name}" ${fmtShape(window.shape)} has ${window.rank - 1} after batch; give one name per axis`);
  }
  const t = dims.indexOf(TIME_DIM);
  if (t < 0) throw new SetupError(`${where}.window "${layout}" has no "${TIME_DIM}" dim; a rollout window is a sequence of states along time`);
  const axis = t + 1;
  const frames = window.shape[axis];
  return Array.from({ length: frames }, (_, k) => g.squeeze(g.slice(window, [k], [k + 1], [axis]), [axis]));
}

/** The per-frame layout: the window's dims without `time` (what the model's `layout` must say). */
export function frameLayout(layout: string): string {
  return `(${parseLayout(layout).filter((d) => d !== 'batch' && d !== TIME_DIM).join(', ')})`;
}
