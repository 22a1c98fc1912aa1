import { grad } from '../autodiff/vjp.ts';
import type { BatchFeed } from '../contracts/backend.ts';
import { castFeeds } from '../contracts/data-feeds.ts';
import type { SubmoduleRecord } from '../contracts/reference.ts';
import type { Graph, Node } from '../graph/ir.ts';
import { sameShape } from '../graph/shape-utils.ts';
import { tensor, type Tensor } from '../graph/tensor.ts';
import { LOSS_OUTPUT } from '../train/program.ts';
import { selectOutputs } from '../train/select-outputs.ts';
import { compareTensors } from './compare-tensors.ts';
import { intermediateNames } from './first-divergence.ts';
import type { FirstDivergence, Tolerance, ValueError } from './report.ts';
import { initialFeeds } from './side-graph.ts';
import type { StageContext } from './stage-context.ts';

/**
 * First divergence against the user's own nn.Module (the torch-module reference), by submodule: torch's exporter
 * names a node of submodule `layer1.0.conv1` `/layer1/layer1.0/conv1/<Op>`, so the graph value leaving that scope
 * with the shape of the submodule's output is what the submodule's forward hook saw, and the values entering it
 * are its inputs. Walking the submodules in the order they finished (a leaf before its container), the first whose
 * output leaves the tolerance while its inputs match is where the port and the graph part. With `gradient`, the
 * backward hooks' output gradients are compared with d loss / d value by tandem's autodiff, walking back from
 * the loss.
 */
export async function firstSubmoduleDivergence(ctx: StageContext, batch: BatchFeed, tolerance: Tolerance, kind: 'forward' | 'gradient'): Promise<FirstDivergence> {
  const records = await ctx.reference.submodules!(batch, kind === 'gradient');
  // The graph the compared values come from: forward (inference mode) or loss (training mode, what gradients differentiate).
  const graph = kind === 'forward' ? ctx.program.graphs.forward : ctx.program.graphs.loss;
  const params = new Set(ctx.program.params.map((p) => p.name));
  const matched = records.map((r) => ({ record: r, scope: scopeValues(graph, r, params) }));
  const unmatched = matched.filter((m) => !m.scope).map((m) => `${m.record.path} (${m.record.className})`);
  const usable = matched.filter((m): m is { record: SubmoduleRecord; scope: ScopeValues } => m.scope !== undefined);
  const ours = await ctx.session.forward(batch, { extraOutputs: intermediateNames(ctx.program.graphs.forward) });
  const adjoints = kind === 'gradient' ? await lossAdjoints(ctx, batch, usable.map((u) => u.scope.exit)) : new Map<string, Tensor>();
  const check = (name: string, actual: Tensor | undefined, expected: Tensor | undefined): ValueError => {
    const c = compareTensors(name, 'intermediate', actual, expected, tolerance);
    return { name, producer: graph.producers().get(name)?.name ?? null, withinTolerance: c.verdict === 'pass', maxAbs: c.metrics?.maxAbs ?? 'NaN', relL2: c.metrics?.relL2 ?? 'NaN' };
  };
  const method = kind === 'forward' ? `${ctx.backend} Session.forward(extraOutputs) vs the module's forward hooks` : "tandem autodiff on onnxruntime (d loss / d value) vs the module's backward hooks, each adjoint relative to its largest element";
  const unmatchedNote = unmatched.length ? `. No graph value matched: ${unmatched.join(', ')}` : '';
  const limits = `rtol ${tolerance.rtol}, atol ${tolerance.atol}`;
  const base = { kind, ...(unmatched.length ? { unmatchedSubmodules: unmatched } : {}), method };
  let compared = 0;
  if (kind === 'forward') {
    const feeds = castFeeds(ctx.program, batch);
    for (const { record, scope } of usable) {
      const output = check(scope.exit, ours.get(scope.exit), record.output);
      compared++;
      if (output.withinTolerance) continue;
      const inputs = scope.entries.map((e) => check(e.name, ours.get(e.name) ?? feeds.get(e.name), record.inputs[e.index]));
      const verdict = inputs.length === 0
        ? 'no graph value entering its scope has the shape of its inputs (the graph prepares them outside the scope, e.g. explicit padding), so they were not compared'
        : inputs.every((i) => i.withinTolerance)
          ? `its inputs match (${inputs.map((i) => `${i.name} max abs ${i.maxAbs}`).join(', ')}), so the submodule itself computes differently from the graph's nodes in its scope`
          : `its inputs already differ (${inputs.filter((i) => !i.withinTolerance).map((i) => `${i.name} max abs ${i.maxAbs}`).join(', ')}): code outside every submodule (a parent's forward) parts first`;
      const node = graph.producers().get(scope.exit)!;
      return {
        ...base,
        node: { name: node.name, op: node.op, diverging: [output], upstream: inputs },
        compared,
        submodule: { path: record.path, className: record.className, value: scope.exit, inputs, output },
        message: `submodule "${record.path}" (${record.className}) is the first whose output leaves the tolerance (${limits}) against graph value "${scope.exit}": max abs ${output.maxAbs}; ${verdict}${unmatchedNote}.`,
      };
    }
  } else {
    // Walking back from the loss: the last submodule whose output gradient still matches, fed into the first
    // whose output gradient diverges, has the backward that differs (a custom autograd.Function, a detach).
    let matching: { record: SubmoduleRecord; scope: ScopeValues; error: ValueError } | undefined;
    // A submodule whose output the loss does not use gets no backward hook call: nothing to compare there.
    for (const { record, scope } of usable.filter((u) => u.record.gradOutput).reverse()) {
      const error = check(`d loss/d ${scope.exit}`, ...relative(adjoints.get(scope.exit), record.gradOutput));
      compared++;
      if (error.withinTolerance) {
        matching = { record, scope, error };
        continue;
      }
      const culprit = matching ?? { record, scope, error };
      const node = graph.producers().get(culprit.scope.exit)!;
      const message = matching
        ? `submodule "${matching.record.path}" (${matching.record.className}) turns a matching output gradient (d loss/d ${matching.scope.exit}, max abs ${matching.error.maxAbs}) into a diverging gradient of "${record.path}"'s output (d loss/d ${scope.exit}, max abs ${error.maxAbs}, outside ${limits}): its backward (or code between the two) differs from the graph's gradient (errors relative to each gradient's largest element)`
        : `the output gradient of the last submodule "${record.path}" (${record.className}) already diverges (d loss/d ${scope.exit}, max abs ${error.maxAbs}, outside ${limits}): the loss head or code after every submodule differs`;
      return {
        ...base,
        node: { name: node.name, op: node.op, diverging: [error], upstream: matching ? [matching.error] : [] },
        compared,
        submodule: { path: culprit.record.path, className: culprit.record.className, value: culprit.scope.exit, inputs: matching ? [error] : [], output: culprit.error },
        message: `${message}${unmatchedNote}.`,
      };
    }
  }
  return {
    ...base,
    node: null,
    compared,
    message:
      `all ${compared} submodule ${kind === 'forward' ? 'outputs' : 'output gradients'} with a matching graph value agree within ${limits}` +
      `${unmatched.length ? `; no graph value matched ${unmatched.join(', ')}, so the difference lies there or in the module's own code between submodules` : '; the difference lies in code outside every submodule (the top-level forward)'}.`,
  };
}

/**
 * Both adjoints divided by the reference's largest |element|: a batch-mean loss makes every adjoint ~1/n small,
 * where the absolute tolerance alone would pass any of them. Relative to its own scale a wrong backward shows
 * (measured: a GELU backward of the tanh approximation moves d loss/d input by 4e-4 relative L2, 6.7e-6 absolute).
 */
function relative(actual: Tensor | undefined, expected: Tensor | undefined): [Tensor | undefined, Tensor | undefined] {
  if (!actual || !expected) return [actual, expected];
  let scale = 0;
  for (const v of expected.data as Float32Array) scale = Math.max(scale, Math.abs(v));
  if (!(scale > 0) || !Number.isFinite(scale)) return [actual, expected];
  const div = (t: Tensor) => tensor(t.dtype, t.shape, (t.data as Float32Array).map((v) => v / scale));
  return [div(actual), div(expected)];
}

interface ScopeValues {
  /** The value leaving the submodule's scope with its output's shape. */
  readonly exit: string;
  /** Values entering the scope, each with the index of the hook input of the same shape. */
  readonly entries: readonly { readonly name: string; readonly index: number }[];
}

/**
 * The export scope of a module path, as torch 1.13's exporter names it: one level per prefix of the path, each
 * the prefix's last atom, extended back past purely numeric atoms (torch.onnx.utils `_unqualified_variable_name`).
 * `layer1.0.conv1` → `/layer1/layer1.0/conv1/`, `layer1.0.sub.0` → `/layer1/layer1.0/sub/sub.0/`.
 */
export function exportScope(path: string): string {
  const atoms = path.split('.');
  const level = (end: number) => {
    let start = end;
    while (start > 0 && /^\d+$/.test(atoms[start])) start--;
    return atoms.slice(start, end + 1).join('.');
  };
  return `/${atoms.map((_, i) => level(i)).join('/')}/`;
}

function scopeValues(graph: Graph, record: SubmoduleRecord, params: ReadonlySet<string>): ScopeValues | undefined {
  if (!record.output) return undefined;
  const scope = exportScope(record.path);
  const inScope = (n: Node) => n.name.startsWith(scope);
  const nodes = graph.nodes.filter(inScope);
  if (nodes.length === 0) return undefined;
  const produced = new Set(nodes.flatMap((n) => n.outputs));
  const outside = graph.nodes.filter((n) => !inScope(n));
  const usedOutside = new Set([...outside.flatMap((n) => n.inputs), ...graph.outputs.map((o) => o.name)]);
  const exits = [...produced].filter((v) => v && usedOutside.has(v) && sameShape(graph.value(v).shape, record.output!.shape));
  if (exits.length === 0) return undefined;
  // What enters the scope, parameters and constants aside: the values the hook saw as the submodule's inputs.
  const entering = [...new Set(nodes.flatMap((n) => n.inputs))].filter((v) => v && !produced.has(v) && !params.has(v) && !graph.initializers.has(v));
  const entries = entering.map((name) => ({ name, index: record.inputs.findIndex((t) => sameShape(t.shape, graph.value(name).shape)) })).filter((e) => e.index >= 0);
  return { exit: exits[exits.length - 1], entries };
}

/** d loss / d value for each value, by tandem's autodiff over the side's loss graph, run on the localizer. */
async function lossAdjoints(ctx: StageContext, batch: BatchFeed, values: readonly string[]): Promise<Map<string, Tensor>> {
  const wrt = [...new Set(values)];
  if (wrt.length === 0) return new Map();
  const names = wrt.map((v) => `adjoint:${v}`);
  const g = grad(ctx.program.graphs.loss, { of: LOSS_OUTPUT, wrt, names }, ctx.program.spec.rules);
  const out = await ctx.localizer.run(selectOutputs(g, names, `${g.name}.adjoints`), initialFeeds(ctx.program, batch));
  return new Map(wrt.map((v, i) => [v, out.get(names[i])!]));
}
