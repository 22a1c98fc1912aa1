import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { describeSystemError, isSystemError } from '../../util/system-error.ts';
import { ConfigError } from '../errors.ts';
import { OriginMap, type KeyPath } from './origins.ts';

/** A YAML file read together with the line and column of every key, for error messages. */
export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  readonly origins: OriginMap;
}

export function readYamlFile(file: string, role = 'config file'): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`${role} ${file} does not exist`, {}, 'Check the path (configs live under conf/).');
    throw new ConfigError(isSystemError(error) ? describeSystemError(error, `read the ${role}`, file) : `${role} ${file} cannot be read (${String(error)})`, {});
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new ConfigError(`is not valid YAML: ${first.message}`, { file, line, col }, 'Fix the YAML syntax at that position.');
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // The yaml library stops expanding aliases past a limit (an "alias bomb" would take all memory).
    throw new ConfigError(`cannot be read as a config: ${(error as Error).message}`, { file }, 'Write the values out instead of nesting aliases (*name) many levels deep.');
  }
  const origins = new OriginMap();
  recordOrigins(doc.contents, [], file, lineCounter, origins);
  return { file, value, origins };
}

function recordOrigins(node: unknown, path: KeyPath, file: string, lines: LineCounter, out: OriginMap): void {
  const record = (p: KeyPath, at: Node | null | undefined) => {
    if (at?.range) out.set(p, { file, ...lines.linePos(at.range[0]) });
  };
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const childPath = [...path, key];
      record(childPath, pair.key as Node);
      recordOrigins(pair.value, childPath, file, lines, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      record([...path, i], item as Node);
      recordOrigins(item, [...path, i], file, lines, out);
    });
  }
}
