import type { DType } from '../graph/dtype.ts';
import { Graph, type Node, type ValueInfo } from '../graph/ir.ts';
import { sizeOf, tensor, type Shape, type Tensor } from '../graph/tensor.ts';
import { nextName } from './optimizers/optimizer-step.ts';
import type { TrainingProgram } from './program.ts';

/** The packed step's one state input; its output is `nextName(PACKED_STATE)`. */
export const PACKED_STATE = 'packed_state';

/** Where one state tensor lies in the packed vector. */
export interface StateSlice {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly shape: Shape;
}

export interface PackedStep {
  /** The step graph reading `packed_state` [size] instead of the state inputs, writing `packed_state/next` [size] instead of their `/next` outputs. */
  readonly graph: Graph;
  readonly size: number;
  /** In `stateNames` order, back to back. */
  readonly slices: readonly StateSlice[];
}

/**
 * The program's step graph with all of its state (parameters, optimizer slots, buffers) as ONE flat input and
 * ONE flat output, in `stateNames` order: a Split and a Reshape per tensor unpack it, a Reshape per tensor and a
 * Concat pack the new state. Every other input and output is kept, and every value the step computes is computed
 * by the same nodes, so the result is bit for bit the step's. Why: onnxruntime-node binds each feed and fetch of
 * a run on its own, measured at about 2.5 µs per input and 4 µs per output, so the bench MLP's 24 state tensors
 * in and 24 out cost more than its whole Adam arithmetic (specs/bench.md, "Where the ORT step time goes").
 */
export function packStepState(program: TrainingProgram): PackedStep {
  const step = program.graphs.step;
  const clash = [...step.values.keys(), ...step.initializers.keys()].find((v) => v === PACKED_STATE || v.startsWith(`${PACKED_STATE}/`));
  if (clash) throw new Error(`graph "${step.name}" already has a value "${clash}"; the packed step reserves the "${PACKED_STATE}" names`);
  const dtype = program.spec.dtype;
  let offset = 0;
  const slices = program.stateNames.map((name): StateSlice => {
    const { shape } = step.value(name);
    const slice = { name, offset, size: sizeOf(shape), shape };
    offset += slice.size;
    return slice;
  });
  const size = offset;
  const packedNext = nextName(PACKED_STATE);
  const part = (s: StateSlice) => `${PACKED_STATE}/part:${s.name}`;
  const flatNext = (s: StateSlice) => `${PACKED_STATE}/flat:${nextName(s.name)}`;
  const shapeOf = (s: StateSlice) => `${PACKED_STATE}/shape:${s.name}`;
  const FLAT = `${PACKED_STATE}/flat_shape`;
  const SIZES = `${PACKED_STATE}/sizes`;

  const initializers = new Map<string, Tensor>(step.initializers);
  initializers.set(SIZES, tensor('int64', [slices.length], slices.map((s) => s.size)));
  initializers.set(FLAT, tensor('int64', [1], [-1]));
  for (const s of slices) initializers.set(shapeOf(s), tensor('int64', [s.shape.length], s.shape));

  const unpack: Node[] = [
    { name: `${PACKED_STATE}/split`, op: 'Split', inputs: [PACKED_STATE, SIZES], outputs: slices.map(part), attrs: { axis: 0 } },
    ...slices.map((s): Node => ({ name: `${PACKED_STATE}/unpack:${s.name}`, op: 'Reshape', inputs: [part(s), shapeOf(s)], outputs: [s.name], attrs: {} })),
  ];
  const pack: Node[] = [
    ...slices.map((s): Node => ({ name: `${PACKED_STATE}/pack:${s.name}`, op: 'Reshape', inputs: [nextName(s.name), FLAT], outputs: [flatNext(s)], attrs: {} })),
    { name: `${PACKED_STATE}/concat`, op: 'Concat', inputs: slices.map(flatNext), outputs: [packedNext], attrs: { axis: 0 } },
  ];

  const values = new Map<string, ValueInfo>(step.values);
  const info = (name: string, shape: Shape, dt: DType = dtype): ValueInfo => ({ name, dtype: dt, shape });
  const added = [info(PACKED_STATE, [size]), info(packedNext, [size]), info(SIZES, [slices.length], 'int64'), info(FLAT, [1], 'int64')];
  for (const s of slices) added.push(info(part(s), [s.size]), info(flatNext(s), [s.size]), info(shapeOf(s), [s.shape.length], 'int64'));
  for (const v of added) values.set(v.name, v);

  const state = new Set(program.stateNames);
  const nexts = new Set(program.stateNames.map(nextName));
  const graph = new Graph(
    `${step.name}.packed`,
    [...step.inputs.filter((i) => !state.has(i.name)), values.get(PACKED_STATE)!],
    [...step.outputs.filter((o) => !nexts.has(o.name)), values.get(packedNext)!],
    initializers,
    [...unpack, ...step.nodes, ...pack],
    values,
  );
  return { graph, size, slices };
}
