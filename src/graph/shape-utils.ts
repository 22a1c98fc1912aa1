import { InferError } from './op-def.ts';
import type { Shape } from './tensor.ts';

/** Numpy/ONNX multidirectional broadcasting of any number of shapes. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = new Array(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i];
      if (out[j] === 1) out[j] = d;
      else if (d !== 1 && d !== out[j]) {
        throw new InferError(`shapes ${shapes.map(fmtShape).join(' and ')} do not broadcast (axis ${j}: ${out[j]} vs ${d})`);
      }
    }
  }
  return out;
}

export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new InferError(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function fmtShape(s: Shape): string {
  return `[${s.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
