// spec: specs/checkpoints.md §4 (refusals and fallbacks)
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/hash.ts';
import { CheckpointError } from '../../src/train/checkpoint/checkpoint-error.ts';
import { loadCheckpoint } from '../../src/train/checkpoint/read-checkpoint.ts';
import { resolveCheckpoint } from '../../src/train/checkpoint/resolve-checkpoint.ts';
import { openResume } from '../../src/train/checkpoint/resume.ts';
import { configDiff } from '../../src/util/config-diff.ts';
import type { TrainSettings } from '../../src/train/training-run.ts';
import { cli } from '../cli/run-cli.ts';
import { configOf, trainWithCheckpoints } from './helpers.ts';

/** A fresh copy of a run's checkpoints folder (each test damages its own); `last` stays a relative link. */
let source = '';
function copyOfRun(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-refuse-'));
  cpSync(join(source, 'checkpoints'), join(dir, 'checkpoints'), { recursive: true, verbatimSymlinks: true });
  return dir;
}

const ckpt = (run: string, name: string) => join(run, 'checkpoints', name);

beforeAll(async () => {
  // Epoch-end checkpoints at steps 4, 8, 12 (all kept) and last → last.step=12.
  source = (await trainWithCheckpoints({ save_top_k: -1 })).runDir;
});

describe('a damaged or partial checkpoint is refused, and the newest valid one is used instead', () => {
  it('a checksum mismatch (one flipped byte) is refused; last falls back to the newest valid checkpoint, saying so', () => {
    const run = copyOfRun();
    const file = join(ckpt(run, 'last'), 'params.npz');
    const bytes = readFileSync(file);
    bytes[bytes.length - 30] ^= 0xff;
    writeFileSync(file, bytes);
    expect(() => loadCheckpoint(ckpt(run, 'last'))).toThrow(/params\.npz fails its checksum \(sha256 [0-9a-f]{12}…, the manifest recorded [0-9a-f]{12}…\); the file is damaged/);
    const { checkpoint, notices } = resolveCheckpoint(run, 'outputs');
    expect(checkpoint.dir).toBe(ckpt(run, 'epoch=2-step=12'));
    expect(notices[0]).toMatch(/^refusing checkpoint .*last: params\.npz fails its checksum/);
    expect(notices[1]).toMatch(/^using .*epoch=2-step=12 instead, the newest valid checkpoint before it$/);
  });

  it('a missing file makes it partial', () => {
    const run = copyOfRun();
    rmSync(join(ckpt(run, 'epoch=2-step=12'), 'optimizer.npz'));
    expect(() => loadCheckpoint(ckpt(run, 'epoch=2-step=12'))).toThrow(/epoch=2-step=12 is partial: optimizer\.npz is missing/);
    rmSync(join(ckpt(run, 'epoch=1-step=8'), 'manifest.json'));
    expect(() => loadCheckpoint(ckpt(run, 'epoch=1-step=8'))).toThrow(/epoch=1-step=8 is partial: it has no manifest\.json/);
  });

  it('a truncated npz is refused by its size, and by its decoder when the manifest was made to match', () => {
    const run = copyOfRun();
    const dir = ckpt(run, 'epoch=1-step=8');
    const file = join(dir, 'params.npz');
    truncateSync(file, 100);
    expect(() => loadCheckpoint(dir)).toThrow(/params\.npz is 100 bytes, the manifest recorded \d+ \(truncated or replaced\)/);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    manifest.files['params.npz'] = { sha256: sha256Hex(readFileSync(file)), bytes: 100 };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect(() => loadCheckpoint(dir)).toThrow(/params\.npz cannot be decoded/);
  });

  it('a truncated manifest is refused; a checkpoint named explicitly falls back to the one written before it', () => {
    const run = copyOfRun();
    const dir = ckpt(run, 'epoch=2-step=12');
    truncateSync(join(dir, 'manifest.json'), 40);
    expect(() => loadCheckpoint(dir)).toThrow(/manifest\.json is not valid JSON .*damaged or truncated/);
    const { checkpoint, notices } = resolveCheckpoint(dir, 'outputs');
    // The previous good one: written before it in the same folder (last, a newer state, is not a fallback).
    expect(checkpoint.dir).toBe(ckpt(run, 'epoch=1-step=8'));
    expect(notices).toEqual([expect.stringMatching(/^refusing checkpoint .*epoch=2-step=12: manifest\.json is not valid JSON/), expect.stringMatching(/^using .*epoch=1-step=8 instead/)]);
  });

  it('when no checkpoint is valid, the error lists why each was refused', () => {
    const run = copyOfRun();
    for (const name of readdirSync(join(run, 'checkpoints'))) if (name !== 'last') rmSync(join(ckpt(run, name), 'params.npz'), { force: true });
    expect(() => resolveCheckpoint(run, 'outputs')).toThrow(CheckpointError);
    expect(() => resolveCheckpoint(run, 'outputs')).toThrow(/no valid checkpoint at .*: checkpoint .*last is partial: params\.npz is missing; checkpoint .*epoch=2-step=12 is partial/);
    expect(() => resolveCheckpoint(join(run, 'nope'), 'outputs')).toThrow(/does not exist; give a checkpoint directory, a run directory, or "last"/);
    expect(() => resolveCheckpoint('last', join(run, 'empty-outputs'))).toThrow(/resume=last: no run under .* has a checkpoints\/ folder/);
  });
});

describe('a checkpoint from another config', () => {
  it('is refused with the differences listed by key path, unless forced', () => {
    const { manifest } = loadCheckpoint(ckpt(source, 'last'));
    const changed = { ...configOf({ ...(manifest.config.train as TrainSettings), epochs: 5 }), model: { name: 'mlp', params: { ...manifest.model.params, hidden: [4] } } };
    const request = { target: ckpt(source, 'last'), force: false };
    expect(() => openResume(request, 'outputs', { hash: 'b'.repeat(64), config: changed })).toThrow(
      /written by config sha256:aaaaaaaaaaaa…, this run's config is sha256:bbbbbbbbbbbb…; the differences \(checkpoint → this run\):\n {2}model\.params\.hidden: \[8\] → \[4\]\n {2}train\.epochs: 3 → 5\nResume with the checkpoint's config, or pass --force/,
    );
    const forced = openResume({ ...request, force: true }, 'outputs', { hash: 'b'.repeat(64), config: changed });
    expect(forced.notices.join('\n')).toContain('resuming despite a config difference (forced)');
    expect(openResume(request, 'outputs', { hash: manifest.configHash, config: manifest.config }).notices).toEqual([]);
  });

  it('configDiff lists changed, added and removed key paths', () => {
    expect(configDiff({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { b: 2, c: [1, 2], e: null }, f: Infinity })).toEqual([
      'a.b: 1 → 2',
      'a.e: (absent) → null',
      'd: "x" → (absent)',
      'f: (absent) → Infinity',
    ]);
  });

  it('tandem run refuses it (exit 2, no run directory) and --force resumes with the differences printed', async () => {
    const outputs = mkdtempSync(join(tmpdir(), 'tandem-refuse-cli-'));
    const config = 'tests/checkpoint/fixtures/kill-resume.yaml';
    expect((await cli('run', config, '--outputs', outputs, 'train.epochs=1')).code).toBe(0);
    const refused = await cli('run', config, '--outputs', outputs, 'resume=last', 'train.epochs=2');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/error: checkpoint .*last was written by config sha256:.*\n {2}train\.epochs: 1 → 2\n/);
    expect(readdirSync(join(outputs, readdirSync(outputs)[0]))).toHaveLength(1);
    const forced = await cli('run', config, '--outputs', outputs, 'train.epochs=2', 'resume=last', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('note: resuming despite a config difference (forced); checkpoint → this run:\n  train.epochs: 1 → 2');
    expect(forced.stdout).toMatch(/resumed from .* at step 8, 2 epoch\(s\), 8 steps/);
    expect((await cli('run', config, '--outputs', outputs, '--force')).stderr).toContain('--force (resume_force=true) only applies when resuming');
  });
});
