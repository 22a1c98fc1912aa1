import type { RuleRegistry } from '../autodiff/rule-registry.ts';
import { grad } from '../autodiff/vjp.ts';
import { GraphBuilder, type Value } from '../graph/builder.ts';
import { isFloat, type DType } from '../graph/dtype.ts';
import type { Graph, ValueInfo } from '../graph/ir.ts';
import { inferenceMode } from '../graph/inference-mode.ts';
import { fmtShape } from '../graph/shape-utils.ts';
import { simplifyGraph } from '../graph/simplify/index.ts';
import { tensor, type Shape, type Tensor } from '../graph/tensor.ts';
import type { Model } from '../contracts/model.ts';
import { ParameterSet } from '../contracts/parameters.ts';
import type { DropoutMask } from '../contracts/dropout-masks.ts';
import type { GraphOptimizer } from './optimizers/graph-optimizer.ts';
import { emitOptimizerStep, GRAD_NORM_OUTPUT, LR_INPUT, nextName, slotInputName, STEP_INPUT } from './optimizers/optimizer-step.ts';
import { LossScope, type DerivativeRecord, type LossBuilder } from './loss-scope.ts';
import { selectOutputs } from './select-outputs.ts';

/**
 * The train-step program: every graph a backend and the parity stages need, cut from one graph built once.
 *
 * Naming contract (specs/backend.md "Graph names"), stable across runs and backends:
 *   inputs   <param>                  a trainable parameter, e.g. `layers.0.weight`
 *            <param>/<slot>           an optimizer slot, e.g. `layers.0.weight/exp_avg`
 *            <buffer>                 a buffer: state the step updates but does not train, e.g. `bn.running_mean`
 *            lr, step                 rank-0, the parameters' dtype; step is 1-based (torch's state['step'])
 *            <data key>               a batch tensor (leading batch axis) or a constant data tensor
 *            <node>/mask              a training-mode Dropout's mask (contracts/dropout-masks.ts), ones when not fed
 *   outputs  <model output>           forward graph
 *            loss, loss:<term>        total (Σ weight·term) and each term UNweighted
 *            <buffer>/next            loss graph and step graph: the buffer after this batch
 *            grad:<param>             gradients graph
 *            <param>/next, <param>/<slot>/next, [grad_norm]   step graph (grad_norm only when clipping)
 *
 * The forward and evaluation graphs run in inference mode (graph/inference-mode.ts: BatchNormalization with its
 * running statistics, as torch's model.eval()); the loss, gradients and step graphs in training mode.
 */
export interface DataInputSpec {
  readonly dtype: DType;
  /** Shape of one sample (per-sample keys) or of the whole tensor (constants). */
  readonly shape: Shape;
  /** Per-sample keys get a leading batch axis; constants are fed whole every step. */
  readonly perSample: boolean;
}

export interface ProgramSpec {
  readonly name: string;
  readonly model: Model;
  readonly seed: number;
  /** The float dtype of parameters, slots, lr, step and every float data input (data is cast on the host). */
  readonly dtype: 'float32' | 'float64';
  readonly inputs: Readonly<Record<string, DataInputSpec>>;
  readonly loss: LossBuilder;
  readonly optimizer: GraphOptimizer;
  readonly clip?: { readonly max_norm: number };
  /**
   * Gradient rules for the input derivatives a loss takes (LossScope.derivative) and for the gradients and step
   * graphs (default: tandem's); parity's mutation suite injects wrong ones.
   */
  readonly rules?: RuleRegistry;
  /**
   * Run the graph simplifier (src/graph/simplify/) over the gradients and step graphs (default true). The forward
   * and loss graphs stay as built: parity compares their intermediate values by node name.
   */
  readonly simplify?: boolean;
}

export interface ProgramGraphs {
  /** (params, buffers, batch) → model outputs, in inference mode. */
  readonly forward: Graph;
  /** (params, buffers, batch) → loss, loss:<term>, in inference mode: validation, evaluation. */
  readonly evaluation: Graph;
  /** (params, buffers, batch) → loss, loss:<term>, <buffer>/next, in training mode: what the gradients differentiate. */
  readonly loss: Graph;
  /** (params, buffers, batch) → loss, loss:<term>, grad:<param>. */
  readonly gradients: Graph;
  /** (params, slots, buffers, lr, step, batch) → <param>/next, <param>/<slot>/next, <buffer>/next, loss, loss:<term> [, grad_norm]. */
  readonly step: Graph;
}

export interface TrainingProgram {
  readonly spec: ProgramSpec;
  readonly batchSize: number;
  readonly graphs: ProgramGraphs;
  /** Parameter names, in declaration order. */
  readonly params: readonly ValueInfo[];
  /** Buffers (state the step updates but does not train, e.g. BatchNormalization running statistics), in declaration order. */
  readonly buffers: readonly ValueInfo[];
  /** State input names (params, then each param's slots, then the buffers) in the order getState/setState use. */
  readonly stateNames: readonly string[];
  readonly outputs: readonly string[];
  readonly terms: readonly string[];
  /** The input derivatives (PINN) the loss graph computes, as the loss builder asked for them. */
  readonly derivatives: readonly DerivativeRecord[];
  /** Data inputs as the graphs declare them (batch axis included, dtype as fed). */
  readonly dataInputs: readonly ValueInfo[];
  /** The masks of the model's training-mode Dropouts, fed per step by the trainer and parity (none for most models). */
  readonly dropoutMasks: readonly DropoutMask[];
  /** Parameters as drawn from the seed, slots as zeros, buffers as the model declared them: the state before step 1. */
  initialState(): Map<string, Tensor>;
}

export type StateKind = 'param' | 'slot' | 'buffer';

/** Which kind of state each state name of `program` is: a parameter, a buffer, or else an optimizer slot. */
export function stateKinds(program: Pick<TrainingProgram, 'params' | 'buffers'>): (name: string) => StateKind {
  const params = new Set(program.params.map((p) => p.name));
  const buffers = new Set(program.buffers.map((b) => b.name));
  return (name) => (params.has(name) ? 'param' : buffers.has(name) ? 'buffer' : 'slot');
}

export const LOSS_OUTPUT = 'loss';
export const termOutput = (term: string): string => `loss:${term}`;
export const gradOutput = (param: string): string => `grad:${param}`;
export { GRAD_NORM_OUTPUT, LR_INPUT, nextName, slotInputName, STEP_INPUT };

/** The model's forward pass on a fresh builder at `batchSize`: its data inputs, parameter set and outputs. */
function buildForward(spec: ProgramSpec, batchSize: number) {
  const b = new GraphBuilder(spec.name);
  const inputs: Record<string, Value> = {};
  for (const [key, s] of Object.entries(spec.inputs)) {
    const shape = s.perSample ? [batchSize, ...s.shape] : [...s.shape];
    inputs[key] = b.input(key, isFloat(s.dtype) ? spec.dtype : s.dtype, shape);
  }
  const paramSet = new ParameterSet(b, spec.seed, spec.dtype);
  const outputs = spec.model.forward(b, inputs, paramSet);
  return { b, inputs, paramSet, outputs };
}

/**
 * The model's forward pass, then the loss terms on the same builder: everything before autodiff by the
 * parameters. A loss may apply the model again (a rollout feeds it its own predictions), adding parameters'
 * uses and Dropout masks (one per application) that the forward pass alone does not have.
 */
function buildLoss(spec: ProgramSpec, batchSize: number) {
  const { b, inputs, paramSet, outputs } = buildForward(spec, batchSize);
  for (const name of Object.keys(outputs)) {
    if (name in inputs) {
      throw new Error(`the model output "${name}" has the same name as the data key "${name}"; rename the model output (e.g. model.params.output) so the two stay distinguishable`);
    }
  }
  const params: Record<string, Value> = Object.fromEntries(paramSet.names().map((n) => [n, b.value(n)]));
  const scope = new LossScope(b, inputs, outputs, params, { seed: spec.seed, dtype: spec.dtype }, (g, ins) => spec.model.forward(g, ins, paramSet), spec.rules);
  const terms = spec.loss(scope);
  return { inputs, paramSet, outputs, params, scope, terms };
}

/**
 * The training-mode Dropout masks of the program at `batchSize` (what `buildTrainingProgram(…).dropoutMasks`
 * lists, without building the gradient and step graphs): the forward pass's and those of every application of
 * the model inside the loss, each its own mask, as torch draws a fresh one per call.
 */
export function programDropoutMasks(spec: ProgramSpec, batchSize: number): DropoutMask[] {
  // Every application of a model with training-mode Dropout has a mask, the forward pass's too: a model whose
  // forward pass has none needs no loss built (a PINN loss takes input derivatives, not free to build).
  if (!buildForward(spec, batchSize).paramSet.dropoutMasks().length) return [];
  return buildLoss(spec, batchSize).paramSet.dropoutMasks();
}

export function buildTrainingProgram(spec: ProgramSpec, batchSize: number): TrainingProgram {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`the batch size must be a positive integer, got ${batchSize}`);
  const { inputs, paramSet, outputs, params, scope, terms } = buildLoss(spec, batchSize);
  const termNames = Object.keys(terms);
  if (termNames.length === 0) throw new Error('the loss has no terms: configure at least one under train.loss');
  const g = scope.g;
  let total: Value | undefined;
  for (const [name, t] of Object.entries(terms)) {
    if (t.value.rank !== 0 || t.value.dtype !== spec.dtype) {
      throw new Error(`loss term "${name}" is ${t.value.dtype}${fmtShape(t.value.shape)}; a loss term must be a ${spec.dtype} scalar (reduce it with a mean)`);
    }
    const weighted = t.weight === 1 ? t.value : g.mul(g.scalar(t.weight, spec.dtype), t.value);
    total = total ? g.add(total, weighted) : weighted;
  }
  for (const [name, v] of Object.entries(outputs)) g.output(v, name);
  g.output(total!, LOSS_OUTPUT);
  for (const [name, t] of Object.entries(terms)) g.output(t.value, termOutput(name));
  const bufferUpdates = paramSet.bufferUpdates();
  const bufferNames = [...bufferUpdates.keys()];
  for (const [name, next] of bufferUpdates) g.output(next, nextName(name));
  const lossGraph = g.build();

  // The model's parameters, then any the loss declared (an inverse problem's material constants).
  const paramNames = [...Object.keys(params), ...scope.declaredParameters.keys()];
  const lossOutputs = [LOSS_OUTPUT, ...termNames.map(termOutput)];
  const gradGraph = grad(lossGraph, { of: LOSS_OUTPUT, wrt: paramNames, names: paramNames.map(gradOutput) }, spec.rules);
  const sb = GraphBuilder.extend(gradGraph);
  // Adds the lr, step and slot inputs (named by the contract above) and the `/next` outputs.
  emitOptimizerStep(
    sb,
    spec.optimizer,
    paramNames.map((name) => ({ name, value: sb.value(name), grad: sb.value(gradOutput(name)) })),
    spec.clip,
  );
  const stateNames = [...paramNames, ...paramNames.flatMap((p) => spec.optimizer.slots.map((s) => slotInputName(p, s))), ...bufferNames];
  const stepOutputs = [...stateNames.map(nextName), ...lossOutputs, ...(spec.clip ? [GRAD_NORM_OUTPUT] : [])];
  const simplified = (g: Graph): Graph => (spec.simplify === false ? g : simplifyGraph(g));
  const stepGraph = simplified(selectOutputs(sb.build(), stepOutputs, `${spec.name}.step`));

  const trainingLoss = selectOutputs(lossGraph, [...lossOutputs, ...bufferNames.map(nextName)], `${spec.name}.loss`);
  const graphs: ProgramGraphs = {
    forward: inferenceMode(selectOutputs(lossGraph, Object.keys(outputs), `${spec.name}.forward`)),
    // Without buffers the loss graph has no outputs evaluation must drop, so it is the same graph (compiled once).
    evaluation: inferenceMode(bufferNames.length ? selectOutputs(lossGraph, lossOutputs, `${spec.name}.evaluation`) : trainingLoss),
    loss: trainingLoss,
    gradients: simplified(selectOutputs(gradGraph, [...lossOutputs, ...paramNames.map(gradOutput)], `${spec.name}.gradients`)),
    step: stepGraph,
  };
  const initial = new Map([...paramSet.initialValues(), ...scope.declaredParameters]);
  return {
    spec,
    batchSize,
    graphs,
    params: paramNames.map((n) => lossGraph.value(n)),
    buffers: bufferNames.map((n) => lossGraph.value(n)),
    stateNames,
    outputs: Object.keys(outputs),
    terms: termNames,
    derivatives: scope.derivatives,
    dataInputs: Object.keys(inputs).map((k) => lossGraph.value(k)),
    dropoutMasks: paramSet.dropoutMasks(),
    initialState() {
      const state = new Map<string, Tensor>();
      for (const [n, t] of initial) state.set(n, tensor(t.dtype, t.shape, t.data as Float64Array));
      for (const p of paramNames) {
        const { dtype, shape } = initial.get(p)!;
        for (const s of spec.optimizer.slots) state.set(slotInputName(p, s), tensor(dtype, shape));
      }
      for (const [n, t] of paramSet.initialBuffers()) state.set(n, tensor(t.dtype, t.shape, t.data as Float64Array));
      return state;
    },
  };
}
