import type { DataContainer } from '../../../data/container.ts';
import type { DType } from '../../../graph/dtype.ts';
import { tensor, type Tensor } from '../../../graph/tensor.ts';
import type { StandingWave } from '../../../physics/elastic/standing-wave.ts';
import { heatmaps } from '../../../reports/run-plots/run-plots.ts';
import type { BatchFeed } from '../../../contracts/backend.ts';
import type { DomainResults } from '../../../contracts/adapter.ts';

/** Grid points per side of the field maps: finer than the 11 × 11 test grid, so the maps show the field's shape. */
const GRID = 41;
const COMPONENTS = ['u_x', 'u_y'] as const;

/**
 * The trained displacement field against the exact standing wave at t = t_max (the end of the window, where a PINN
 * is usually worst): for u_x and u_y, predicted | exact on one colour scale | error, on a GRID × GRID grid; and the
 * relative L2 error of both components there.
 */
export async function elasticFieldMaps(wave: StandingWave, t: number, container: DataContainer, forward: (batch: BatchFeed) => Promise<Map<string, Tensor>>): Promise<DomainResults> {
  const n = GRID * GRID;
  const xyt = new Float64Array(n * 3);
  const exact = new Float64Array(n * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const [x, y, i] = [c / (GRID - 1), r / (GRID - 1), r * GRID + c];
      xyt.set([x, y, t], 3 * i);
      exact.set(wave.displacement(x, y, t), 2 * i);
    }
  }
  // Every per-sample key the graph reads, zero but for the coordinates; only the forward outputs are used.
  const feed = new Map<string, Tensor>([...container.constants].map(([k, a]) => [k, tensor(a.dtype as DType, a.shape, a.data as Float64Array)]));
  for (const [key, a] of container.tensors) {
    const shape = [n, ...a.shape.slice(1)];
    feed.set(key, key === 'xyt' ? tensor(a.dtype as DType, shape, a.dtype === 'float32' ? Float32Array.from(xyt) : xyt) : tensor(a.dtype as DType, shape, new Float64Array(shape.reduce((p, d) => p * d, 1))));
  }
  const outputs = await forward(feed);
  const u = [...outputs.values()].find((o) => o.shape.length === 2 && o.shape[0] === n && o.shape[1] === 2);
  if (!u) throw new Error(`elastic field maps: the model has no [${n}, 2] displacement output (outputs: ${[...outputs].map(([k, o]) => `${k} [${o.shape.join(', ')}]`).join(', ')})`);
  const predicted = u.data as ArrayLike<number>;
  let [num, den] = [0, 0];
  for (let i = 0; i < 2 * n; i++) [num, den] = [num + (predicted[i] - exact[i]) ** 2, den + exact[i] ** 2];
  const relL2 = Math.sqrt(num / den);
  const plots = COMPONENTS.map((name, k) => {
    const of = (v: ArrayLike<number>) => Float64Array.from({ length: n }, (_, i) => Number(v[2 * i + k]));
    const [pred, truth] = [of(predicted), of(exact)];
    return heatmaps(
      `elastic-${name}`,
      `elastic: displacement ${name} at t = ${t}`,
      `The trained network and the exact standing P+S wave on a ${GRID} × ${GRID} grid over [0, 1]² at t = ${t}, the end of the time window. Predicted and exact share one colour scale; the error is on a scale centred on 0.`,
      { x: 'x', y: 'y' },
      [
        { title: `${name}, predicted`, rows: GRID, cols: GRID, values: pred, scaleGroup: name },
        { title: `${name}, exact`, rows: GRID, cols: GRID, values: truth, scaleGroup: name },
        { title: `${name} error (predicted − exact)`, rows: GRID, cols: GRID, values: pred.map((v, i) => v - truth[i]), diverging: true },
      ],
    );
  });
  const line = `elastic field at t = ${t} on a ${GRID}×${GRID} grid: relative L2 error ${relL2.toExponential(3)}`;
  return { line, rows: [[`relative L2 error at t = ${t}`, `${relL2.toExponential(4)} (u_x and u_y, ${GRID}×${GRID} grid)`]], plots };
}
