// spec: specs/checkpoints.md §2 (atomic writes)
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pointLink, writeDirAtomic } from '../../src/train/checkpoint/atomic-dir.ts';
import { resolveCheckpoint } from '../../src/train/checkpoint/resolve-checkpoint.ts';

const files = (text: string) => new Map([['a.txt', new TextEncoder().encode(text)]]);

describe('atomic checkpoint directories', () => {
  it('a directory appears whole under its name, replaces an older one of the same name, and leaves no temporary behind', () => {
    const parent = mkdtempSync(join(tmpdir(), 'tandem-atomic-'));
    writeDirAtomic(parent, 'epoch=0-step=4', files('one'));
    writeDirAtomic(parent, 'epoch=0-step=4', files('two'));
    expect(readdirSync(parent)).toEqual(['epoch=0-step=4']);
    expect(readFileSync(join(parent, 'epoch=0-step=4', 'a.txt'), 'utf8')).toBe('two');
  });

  it('the last link is swapped in one rename and reports the target it replaced', () => {
    const parent = mkdtempSync(join(tmpdir(), 'tandem-link-'));
    writeDirAtomic(parent, 'last.step=4', files('4'));
    writeDirAtomic(parent, 'last.step=8', files('8'));
    expect(pointLink(parent, 'last', 'last.step=4')).toBeUndefined();
    expect(pointLink(parent, 'last', 'last.step=8')).toBe('last.step=4');
    expect(readlinkSync(join(parent, 'last'))).toBe('last.step=8');
    expect(readdirSync(parent).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('what a kill in the middle of a write leaves (a .tmp directory) is never taken for a checkpoint', () => {
    const run = mkdtempSync(join(tmpdir(), 'tandem-killed-write-'));
    const folder = join(run, 'checkpoints');
    mkdirSync(join(folder, '.tmp-epoch=3-step=16-123-abcd'), { recursive: true });
    writeFileSync(join(folder, '.tmp-epoch=3-step=16-123-abcd', 'params.npz'), 'half');
    expect(() => resolveCheckpoint(run, 'outputs')).toThrow(/holds no checkpoint|no checkpoint found/);
  });
});
