// specs/backend.md "Graph names" and specs/training.md (buffers): state the step updates but does not train.
import { describe, expect, it } from 'vitest';
import type { GraphBuilder, Value } from '../../src/graph/builder.ts';
import { tensor } from '../../src/graph/tensor.ts';
import type { Model } from '../../src/contracts/model.ts';
import type { ParameterSet } from '../../src/contracts/parameters.ts';
import { lossBuilder } from '../../src/train/losses/loss-builder.ts';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram } from '../../src/train/program.ts';

/** x [n, 2, 3] → BatchNormalization in training mode (running statistics as buffers) → y; `update` decides what the model declares. */
function batchNormModel(update: (params: ParameterSet, outs: Value[]) => void): Model {
  return {
    effectiveSettings: () => ({}),
    forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet) {
      const scale = params.declareValues('bn.weight', tensor('float32', [2], [1, 2]));
      const bias = params.declareValues('bn.bias', tensor('float32', [2], [0, 1]));
      const mean = params.declareBuffer('bn.running_mean', tensor('float32', [2], [0.5, -0.5]));
      const variance = params.declareBuffer('bn.running_var', tensor('float32', [2], [2, 3]));
      const outs = g.op('BatchNormalization', [inputs.x, scale, bias, mean, variance], { momentum: 0.9, training_mode: 1 });
      update(params, outs);
      return { y: outs[0] };
    },
  };
}

const build = (update: (params: ParameterSet, outs: Value[]) => void) =>
  buildTrainingProgram(
    {
      name: 'bn',
      model: batchNormModel(update),
      seed: 0,
      dtype: 'float32',
      inputs: { x: { dtype: 'float32', shape: [2, 3], perSample: true }, u: { dtype: 'float32', shape: [2, 3], perSample: true } },
      loss: lossBuilder({ fit: { kind: 'mse', output: 'y', target: 'u', weight: 1 } }),
      optimizer: createOptimizer({ name: 'sgd', lr: 0.1 }),
    },
    4,
  );

const names = (vs: readonly { name: string }[]) => vs.map((v) => v.name);

describe('buffers in the training program', () => {
  const both = (params: ParameterSet, outs: Value[]) => {
    params.updateBuffer('bn.running_mean', outs[1]);
    params.updateBuffer('bn.running_var', outs[2]);
  };

  it('are state after the parameters and slots, fed to every graph that reads them, and step outputs <buffer>/next', () => {
    const p = build(both);
    expect(names(p.buffers)).toEqual(['bn.running_mean', 'bn.running_var']);
    expect(names(p.params)).toEqual(['bn.weight', 'bn.bias']);
    expect(p.stateNames).toEqual(['bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var']);
    expect(Array.from(p.initialState().get('bn.running_var')!.data as Float32Array)).toEqual([2, 3]);
    expect(names(p.graphs.step.outputs)).toEqual(['bn.weight/next', 'bn.bias/next', 'bn.running_mean/next', 'bn.running_var/next', 'loss', 'loss:fit']);
    expect(names(p.graphs.loss.outputs)).toEqual(['loss', 'loss:fit', 'bn.running_mean/next', 'bn.running_var/next']);
    expect(names(p.graphs.gradients.outputs)).toEqual(['loss', 'loss:fit', 'grad:bn.weight', 'grad:bn.bias']);
  });

  it('forward and evaluation run in inference mode (the running statistics), loss and gradients in training mode', () => {
    const p = build(both);
    const modes = (g: typeof p.graphs.forward) => g.nodes.filter((n) => n.op === 'BatchNormalization').map((n) => [n.attrs.training_mode, n.outputs.length]);
    expect(modes(p.graphs.forward)).toEqual([[0, 1]]);
    expect(modes(p.graphs.evaluation)).toEqual([[0, 1]]);
    expect(names(p.graphs.evaluation.outputs)).toEqual(['loss', 'loss:fit']);
    expect(modes(p.graphs.loss)).toEqual([[1, 3]]);
    expect(modes(p.graphs.gradients)).toEqual([[1, 3]]);
  });

  it('a buffer the model never updates, or updates twice, is refused naming it', () => {
    expect(() => build((params, outs) => params.updateBuffer('bn.running_mean', outs[1]))).toThrow(/buffer "bn.running_var" is declared but the model never says what it becomes after a step/);
    expect(() =>
      build((params, outs) => {
        both(params, outs);
        params.updateBuffer('bn.running_var', outs[2]);
      }),
    ).toThrow(/buffer "bn.running_var" is updated twice/);
    expect(() => build((params, outs) => params.updateBuffer('bn.running_mean', outs[0]))).toThrow(/buffer "bn.running_mean" is float32\[2\] but its update .* is float32\[4, 2, 3\]/);
    expect(() => build((params) => params.updateBuffer('bn.nope', params.declareBuffer('bn.weight', tensor('float32', [1], [0]))))).toThrow(/"bn.weight" is declared twice/);
  });
});
