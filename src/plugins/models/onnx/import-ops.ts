import { dropout } from './dropout.ts';
import type { ImportOp } from './import-op.ts';
import { recurrentOps } from './recurrent.ts';
import { shapeSources } from './shape-sources.ts';

/** Every op read at import without being in tandem's op set, by ONNX op type. */
export const importOps: Readonly<Record<string, ImportOp>> = { ...shapeSources, ...recurrentOps, Dropout: dropout };
