// spec: specs/bring-your-own-model.md §3.1. The README's list of the ops an ONNX file may use is the code's: tandem's
// op set and the ops the onnx model's importer folds or rewrites (the list the refusal of an unsupported op prints).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registeredOps } from '../../../src/graph/op-registry.ts';
import { IMPORT_TIME_OPS } from '../../../src/plugins/models/onnx/node-test-reader.ts';

describe("the README's supported-ops list", () => {
  it('is the op set, then the import-time ops', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8').replace(/\n/g, ' ');
    const listed = /list equal to the code's\): the op set, ([^;]*); and, folded or rewritten into the set while importing, ([^.]*)\./.exec(readme);
    const names = (text: string | undefined) => (text ?? '').split(', ').map((o) => o.replace(/`/g, ''));
    expect(names(listed?.[1])).toEqual([...registeredOps()].sort());
    expect(names(listed?.[2])).toEqual([...IMPORT_TIME_OPS].sort());
  });
});
