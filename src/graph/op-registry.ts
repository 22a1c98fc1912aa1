import type { OpDef } from './op-def.ts';

const defs = new Map<string, OpDef>();

/** Registers an op definition; a second definition under the same name is a programming error. */
export function registerOp(def: OpDef): void {
  if (defs.has(def.op)) throw new Error(`op ${def.op} is registered twice`);
  defs.set(def.op, def);
}

export function findOp(op: string): OpDef | undefined {
  return defs.get(op);
}

export function registeredOps(): string[] {
  return [...defs.keys()].sort();
}
