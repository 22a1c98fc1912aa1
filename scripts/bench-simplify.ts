/**
 * The graph simplifier's effect on a train step, side by side in one run: the bench MLP and PINN programs
 * (src/bench/train-workloads.ts, 3→64→64→64→2 tanh, batch 1000, Adam) built with `simplify: false` and with the
 * simplifier, both compiled on the same backend and stepped alternately (10 warm-up steps, median of 50).
 *
 *   npx tsx scripts/bench-simplify.ts
 */
import { buildTrainingProgram } from '../src/train/program.ts';
import { benchCase, benchBatches, programSpec } from '../src/bench/train-workloads.ts';
import { builtinPlugins } from '../src/orchestrator/composition-root.ts';
import { constructPlugin } from '../src/orchestrator/plugins/construct-plugin.ts';
import { tensor } from '../src/graph/tensor.ts';
console.log('| backend | case | step nodes | as built ms | simplified ms |\n|---|---|---|---|---|');
for (const backendName of ['onnxruntime', 'tfjs']) for (const kind of ['mlp', 'pinn'] as const) {
  const c = benchCase(kind, [64, 64, 64], 1000);
  const spec = await programSpec(c, 0);
  const { x, target, targetWidth } = benchBatches(c, 1, 0);
  const batch = new Map([['x', tensor('float32', [1000, 3], x)], [kind === 'mlp' ? 'u' : 'f', tensor('float32', [1000, targetWidth], target)]]);
  const backend = await constructPlugin(builtinPlugins, 'backend', backendName, backendName === 'onnxruntime' ? { threads: 1 } : { device: 'wasm' });
  const progs = { 'as built': buildTrainingProgram({ ...spec, simplify: false }, c.batch), simplified: buildTrainingProgram(spec, c.batch) };
  const sessions = Object.fromEntries(await Promise.all(Object.entries(progs).map(async ([k, p]) => [k, await backend.compile(p)] as const)));
  const ms: Record<string, number[]> = { 'as built': [], simplified: [] };
  for (let k = 1; k <= 60; k++) for (const [name, s] of Object.entries(sessions)) { const t0 = performance.now(); await s.step(batch, 1e-3, k); if (k > 10) ms[name].push(performance.now() - t0); }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(`| ${backendName} | ${kind} | ${progs['as built'].graphs.step.nodes.length} → ${progs.simplified.graphs.step.nodes.length} | ${med(ms['as built']).toFixed(2)} | ${med(ms.simplified).toFixed(2)} |`);
  for (const s of Object.values(sessions)) await s.dispose();
}
