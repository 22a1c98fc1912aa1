import { describe, expect, it } from 'vitest';
import { validate } from '../../src/graph/validate.ts';
import { tensor } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { PACKED_STATE, packStepState } from '../../src/train/packed-state.ts';
import { buildTrainingProgram, nextName } from '../../src/train/program.ts';
import { smallSpec } from './helpers.ts';

describe('packed step state', () => {
  it('lays the state out back to back in stateNames order and keeps every other input and output', async () => {
    const program = buildTrainingProgram(await smallSpec(), 4);
    const packed = packStepState(program);
    validate(packed.graph);
    expect(packed.slices.map((s) => s.name)).toEqual(program.stateNames);
    packed.slices.forEach((s, i) => expect(s.offset).toBe(i === 0 ? 0 : packed.slices[i - 1].offset + packed.slices[i - 1].size));
    expect(packed.size).toBe(packed.slices.reduce((acc, s) => acc + s.size, 0));
    const state = new Set(program.stateNames);
    expect(packed.graph.inputs.map((i) => i.name)).toEqual([...program.graphs.step.inputs.map((i) => i.name).filter((n) => !state.has(n)), PACKED_STATE]);
    expect(packed.graph.outputs.map((o) => o.name)).toEqual(['loss', 'loss:data', nextName(PACKED_STATE)]);
  });

  it('computes the step bit for bit: the new packed state holds each /next output of the unpacked step at its slice', async () => {
    const program = buildTrainingProgram(await smallSpec(), 4);
    const packed = packStepState(program);
    const initial = program.initialState();
    const flat = new Float32Array(packed.size);
    for (const s of packed.slices) flat.set(initial.get(s.name)!.data as Float32Array, s.offset);
    const batch = { x: tensor('float32', [4, 2], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]), u: tensor('float32', [4, 1], [1, -1, 0.5, 2]), lr: tensor('float32', [], [0.01]), step: tensor('float32', [], [1]) };
    const unpacked = await runOnOrt(program.graphs.step, { ...Object.fromEntries(initial), ...batch });
    const out = await runOnOrt(packed.graph, { ...batch, [PACKED_STATE]: tensor('float32', [packed.size], flat) });
    const next = out[nextName(PACKED_STATE)].data as Float32Array;
    for (const s of packed.slices) expect(Array.from(next.subarray(s.offset, s.offset + s.size))).toEqual(Array.from(unpacked[nextName(s.name)].data as Float32Array));
    expect(out.loss.data).toEqual(unpacked.loss.data);
    // The step moved the parameters: equal slices of an unchanged vector would prove nothing.
    expect(Array.from(next.subarray(0, packed.slices[0].size))).not.toEqual(Array.from(flat.subarray(0, packed.slices[0].size)));
  });
});
