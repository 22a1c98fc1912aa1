import { existsSync } from 'node:fs';
import { execa } from 'execa';

/** Debian's python with torch 1.13 (the `python3` on PATH is a pyenv without torch). */
const PYTHON = '/usr/bin/python3';

/** Why torch cannot be used here, or undefined when it can: tests skip with this reason, visibly. */
export async function torchUnavailable(): Promise<string | undefined> {
  if (!existsSync(PYTHON)) return `${PYTHON} does not exist`;
  const r = await execa(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { reject: false });
  return r.exitCode === 0 ? undefined : `torch is not importable by ${PYTHON}: ${r.stderr.split('\n').at(-1)}`;
}

/**
 * Runs a small Python script with `INPUT` bound to `input` (a JSON value) and returns what it printed as JSON.
 * float64 values survive the round trip exactly: Python's json writes the shortest repr, which JS parses back.
 */
export async function runTorch<T>(script: string, input: unknown): Promise<T> {
  const program = `import json, sys, math\nimport torch\ntorch.set_default_dtype(torch.float64)\nINPUT = json.loads(sys.stdin.read())\n${script}`;
  const r = await execa(PYTHON, ['-c', program], { input: JSON.stringify(input), reject: false });
  if (r.exitCode !== 0) throw new Error(`the torch reference script failed (exit ${r.exitCode}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
