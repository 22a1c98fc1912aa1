import type { RuleRegistry } from '../autodiff/rule-registry.ts';
import { grad } from '../autodiff/vjp.ts';
import { GraphBuilder, type Value } from '../graph/builder.ts';
import type { DType } from '../graph/dtype.ts';
import type { Shape, Tensor } from '../graph/tensor.ts';
import { columnSeed } from './losses/columns.ts';
import { taylorDerivatives } from '../autodiff/taylor.ts';
import type { Init } from '../contracts/init.ts';
import { ParameterSet } from '../contracts/parameters.ts';

/** One named loss term: a rank-0 value and its weight in the total `loss = Σ weight · term`. */
export interface LossTerm {
  readonly value: Value;
  readonly weight: number;
}

/**
 * One input derivative a loss took: `name` holds d Σ(of · seed) / d wrt (seed: ones when absent). Recorded so an
 * independent engine (the PyTorch reference) can recompute it with its own autodiff instead of running ours.
 */
export interface DerivativeRecord {
  readonly name: string;
  readonly of: string;
  readonly wrt: string;
  readonly seed?: Tensor;
}

/**
 * What a loss builder sees: the graph under construction with the model's forward pass already in it.
 *
 * PINN residuals need derivatives of outputs with respect to DATA inputs (u_x, u_xx, ...). Those come from the
 * same reverse-mode transform that later differentiates the loss w.r.t. the parameters: `derivative()` runs
 * `grad` on the graph built so far and continues in a builder extended from the result. That is why `g` is a
 * getter: after `derivative()` it is a NEW builder, so a loss builder must always write `scope.g`, never keep a
 * builder in a local across a `derivative()` call. Value handles stay valid (values keep their names).
 */
export class LossScope {
  private builder: GraphBuilder;
  private count = 0;
  /** Every derivative taken so far, in order. */
  readonly derivatives: DerivativeRecord[] = [];
  private readonly declared = new Map<string, Tensor>();

  constructor(
    builder: GraphBuilder,
    /** Batch inputs by data key (leading axis = batch). */
    readonly inputs: Readonly<Record<string, Value>>,
    /** Model outputs by name. */
    readonly outputs: Readonly<Record<string, Value>>,
    /** Trainable parameters by name. */
    readonly params: Readonly<Record<string, Value>>,
    /** How `parameter()` draws initial values (the experiment seed and the parameters' dtype). */
    private readonly paramDraw?: { readonly seed: number; readonly dtype: DType },
    /** Applies the program's model again, with the same parameters, on the current builder (rollout losses). */
    private readonly applyModel?: (g: GraphBuilder, inputs: Readonly<Record<string, Value>>) => Record<string, Value>,
    /** The program's gradient rules (ProgramSpec.rules), so input derivatives and parameter gradients agree; default: tandem's. */
    private readonly rules?: RuleRegistry,
  ) {
    this.builder = builder;
  }

  get g(): GraphBuilder {
    return this.builder;
  }

  /**
   * Declares a trainable parameter the LOSS owns, e.g. an inverse problem's material constant: a graph input fed
   * every step like the model's parameters, its initial value drawn the same way (ParameterSet: seed + name).
   * The program adds it to the parameters after the model's (`declaredParameters`).
   */
  parameter(name: string, shape: Shape, init: Init): Value {
    if (!this.paramDraw) throw new Error(`loss parameter "${name}": this loss scope was built without a seed and dtype, so it cannot declare parameters`);
    if (name in this.params || this.declared.has(name)) throw new Error(`parameter "${name}" is declared twice; parameter names must be unique`);
    const set = new ParameterSet(this.builder, this.paramDraw.seed, this.paramDraw.dtype);
    const value = set.declare(name, shape, init);
    this.declared.set(name, set.initialValues().get(name)!);
    return value;
  }

  /**
   * The model applied to other inputs than the batch, sharing its weights with the forward pass: an
   * autoregressive rollout feeds the model its own prediction (src/train/losses/rollout/).
   */
  model(inputs: Readonly<Record<string, Value>>): Record<string, Value> {
    if (!this.applyModel) throw new Error('this loss scope was built without its model, so a loss term cannot apply the model again (a rollout loss needs it)');
    return this.applyModel(this.builder, inputs);
  }

  /** Parameters declared by the loss (name → initial value), in declaration order. */
  get declaredParameters(): ReadonlyMap<string, Tensor> {
    return this.declared;
  }

  /**
   * The gradient of Σ(of · seed) w.r.t. each of `wrt` (seed defaults to ones). Because samples of a pointwise
   * network do not interact, with the default seed the row for sample i is that sample's own ∂of/∂wrt.
   * A column of a vector output is selected with a one-hot `seed` (a mask of `of`'s shape).
   */
  derivative(of: Value, wrt: readonly Value[], seed?: Tensor): Value[] {
    const n = this.count++;
    const names = wrt.map((w) => `d${n}:${of.name}/${w.name}`);
    names.forEach((name, i) => this.derivatives.push({ name, of: of.name, wrt: wrt[i].name, ...(seed ? { seed } : {}) }));
    const graph = this.builder.build();
    const extended = grad(graph, { of: of.name, wrt: wrt.map((w) => w.name), names, ...(seed ? { seed } : {}) }, this.rules);
    this.builder = GraphBuilder.extend(extended);
    return names.map((name) => this.builder.value(name));
  }

  /**
   * The gradient of Σ(of · seed) w.r.t. `wrt` [N, D] and, for each r of `rows`, the Hessian row
   * ∂/∂wrt (∂(of · seed)/∂wrt_r): exactly what `derivative(of, [wrt], seed)` and then
   * `derivative(first, [wrt], <one-hot column r>)` per row return, under the same names and records (so the
   * reference recomputes them with torch.autograd.grad as before).
   *
   * `mode: 'taylor'` computes them in Taylor mode (autodiff/taylor.ts: one forward pass carrying the first and
   * the needed second derivatives) when every op between `wrt` and `of` has a Taylor rule, else falls back to
   * the reverse passes. Reverse is the default: for D = 3 coordinates and full Hessian rows, Taylor mode carries
   * 1 + D + (pairs) streams per layer and measured about 2× slower on ORT CPU (specs/graph-and-autodiff.md A7.2).
   */
  hessianRows(of: Value, wrt: Value, seed: Tensor, rows: readonly number[], mode: 'reverse' | 'taylor' = 'reverse'): { first: Value; rows: Value[] } {
    const n = this.count;
    const first = `d${n}:${of.name}/${wrt.name}`;
    const rowNames = rows.map((_, k) => `d${n + 1 + k}:${first}/${wrt.name}`);
    const taylor = mode === 'taylor' ? taylorDerivatives(this.builder.build(), { of: of.name, wrt: wrt.name, seed, rows, names: { first, rows: rowNames } }) : undefined;
    if (!taylor) {
      const [grad1] = this.derivative(of, [wrt], seed);
      return { first: grad1, rows: rows.map((r) => this.derivative(grad1, [wrt], columnSeed(grad1, r))[0]) };
    }
    this.count += 1 + rows.length;
    this.derivatives.push({ name: first, of: of.name, wrt: wrt.name, seed });
    rows.forEach((r, k) => this.derivatives.push({ name: rowNames[k], of: first, wrt: wrt.name, seed: columnSeed(wrt, r) }));
    this.builder = GraphBuilder.extend(taylor);
    return { first: this.builder.value(first), rows: rowNames.map((name) => this.builder.value(name)) };
  }
}


/**
 * Builds the loss terms from a scope. Terms are reported unweighted as `loss:<name>`; `loss` is their weighted
 * sum. Term names must be identifiers-ish (`data`, `pde`, `bc_left`): they become graph output names.
 */
export type LossBuilder = (scope: LossScope) => Readonly<Record<string, LossTerm>>;
