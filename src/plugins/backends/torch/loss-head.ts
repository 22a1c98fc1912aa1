import { cutDerivatives } from '../../../contracts/derivative-terms.ts';
import { Graph, type ValueInfo } from '../../../graph/ir.ts';
import { liveNodes } from '../../../graph/live-nodes.ts';
import type { Tensor } from '../../../graph/tensor.ts';
import type { TrainingProgram } from '../../../train/program.ts';

/**
 * tandem's loss graph cut at the model outputs: what turns the outputs of the user's nn.Module into the loss
 * (the torch-module reference). The model outputs become inputs (`outputValues`: the value each output names in
 * the loss graph), and so stay the module's; input derivatives
 * stay holes torch fills by autograd through the module (derivative-terms.ts). A loss that reaches a parameter
 * past the outputs (the model run again on collocation points, a second rollout step) cannot be expressed over
 * the module's outputs alone, and is refused.
 */
export function lossHead(program: TrainingProgram): { graph: Graph; outputValues: string[] } {
  // The evaluation graph: the loss without the training-mode extras (`<buffer>/next`), which the module keeps itself.
  const cut = cutDerivatives(program.graphs.evaluation, program.derivatives);
  // A model output is an Identity of the value the loss reads (the program names it): cut at that value.
  const producers = program.graphs.forward.producers();
  const outputValues = program.outputs.map((o) => (producers.get(o)?.op === 'Identity' ? producers.get(o)!.inputs[0] : o));
  const outputs = new Set(outputValues);
  const params = new Set([...program.params, ...program.buffers].map((p) => p.name));
  const needed = new Set<string>([...cut.outputs.map((o) => o.name), ...program.derivatives.flatMap((d) => [d.of, d.wrt])]);
  const nodes = liveNodes(cut.nodes, needed, outputs);
  const reached = [...needed].filter((n) => params.has(n));
  if (reached.length) {
    throw new Error(
      `the loss reads the parameter(s) ${reached.join(', ')} besides the model outputs ${program.outputs.join(', ')} (it runs the model again, e.g. on collocation points or a rollout), ` +
        'which the torch-module reference cannot express over one call of the module; use parity.reference: torch',
    );
  }
  const initializers = new Map<string, Tensor>([...cut.initializers].filter(([k]) => needed.has(k)));
  const inputs: ValueInfo[] = [...cut.inputs.filter((i) => needed.has(i.name) && !outputs.has(i.name) && !params.has(i.name)), ...outputValues.map((o) => cut.value(o))];
  const values = new Map<string, ValueInfo>([...cut.values].filter(([k]) => needed.has(k)));
  return { graph: new Graph(`${cut.name}.head`, inputs, cut.outputs, initializers, nodes, values), outputValues };
}
