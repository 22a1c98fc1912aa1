// spec: specs/archive-and-plans.md §1 (layout, atomic publish, never overwrite) and §2 (manifest)
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { ArchiveError } from '../../src/orchestrator/archive/archive-error.ts';
import { collectProvenance } from '../../src/orchestrator/archive/provenance.ts';
import { listEntries, readEntry, verifyEntry } from '../../src/orchestrator/archive/read-archive.ts';
import { archiveStamp, checksum, writeArchiveEntry } from '../../src/orchestrator/archive/write-entry.ts';
import { fixtureReport } from '../reports/parity-fixture.ts';
import { archiveReport, manifestInput } from './entries.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'tandem-archive-'));
const NOW = new Date('2026-11-23T04:15:02.345Z');

describe('writing an archive entry', () => {
  it('lays out reports/<initiative>/<phase>/<YYYYMMDDTHHMMSSZ>/ with the reports, config, logs and manifest', async () => {
    const root = fresh();
    const { dir, manifest } = await archiveReport(root, fixtureReport(), { now: NOW });
    expect(dir).toBe(join(root, 'QUICKSTART-ORT-TO-TFJS', 'tfjs-port', '20261123T041502Z'));
    expect(Object.keys(manifest.files).sort()).toStrictEqual([
      'config/1-quickstart.yaml', 'logs/parity-1.txt', 'parity.json', 'parity.md',
      'plots/quickstart-divergence.vl.json', 'plots/quickstart-loss.vl.json', 'plots/quickstart-stage-error.vl.json', 'report.html',
    ]);
    expect(manifest).toMatchObject({ format: 'tandem.report-archive', version: 1, createdAt: '2026-11-23T04:15:02.345Z', verdict: 'fail' });
    // Every checksum is the sha256 of the bytes on disk.
    for (const [path, record] of Object.entries(manifest.files)) expect(checksum(readFileSync(join(dir, path)))).toStrictEqual(record);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toStrictEqual(manifest);
  });

  it('never overwrites: a second entry in the same second gets -1, a third -2', async () => {
    const root = fresh();
    const dirs = [];
    for (let i = 0; i < 3; i++) dirs.push((await archiveReport(root, fixtureReport(), { now: NOW })).dir.split('/').at(-1));
    expect(dirs).toStrictEqual(['20261123T041502Z', '20261123T041502Z-1', '20261123T041502Z-2']);
    expect(listEntries(root).entries.map((e) => e.stamp)).toStrictEqual(dirs);
  });

  it('sorts -10 after -9 when listing', () => {
    const root = fresh();
    for (let i = 0; i < 11; i++) writeArchiveEntry({ reportsRoot: root, files: [{ path: 'x.txt', data: String(i) }], manifest: manifestInput(), now: NOW });
    const stamps = listEntries(root).entries.map((e) => e.stamp);
    expect(stamps.at(-2)).toBe('20261123T041502Z-9');
    expect(stamps.at(-1)).toBe('20261123T041502Z-10');
  });

  it('leaves nothing behind when writing fails halfway (no entry, no temp dir)', () => {
    const root = fresh();
    const files = [{ path: 'a.txt', data: 'a' }, { path: 'b/../a.txt', data: 'again' }];
    expect(() => writeArchiveEntry({ reportsRoot: root, files, manifest: manifestInput(), now: NOW })).toThrow(/was given the file "a.txt" twice/);
    expect(readdirSync(join(root, 'QUICKSTART-ORT-TO-TFJS', 'tfjs-port'))).toStrictEqual([]);
  });

  it('refuses paths that leave the entry or replace the manifest', () => {
    for (const path of ['../escape.txt', '/abs.txt', 'manifest.json']) {
      expect(() => writeArchiveEntry({ reportsRoot: fresh(), files: [{ path, data: '' }], manifest: manifestInput() })).toThrow(/must be relative, stay inside the entry/);
    }
  });

  it('an unwritable reports directory is a clear error with exit code 2', () => {
    const root = fresh();
    const file = join(root, 'not-a-dir');
    writeFileSync(file, '');
    let error: unknown;
    try {
      writeArchiveEntry({ reportsRoot: file, files: [], manifest: manifestInput() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(new RegExp(`cannot create the report archive ${file}/.*: ${file} is a file, not a directory; .*\\. Make .* writable`));
    if (process.getuid?.() !== 0) {
      // Permission bits do not stop root, so this half only runs for other users.
      const locked = fresh();
      chmodSync(locked, 0o500);
      expect(() => writeArchiveEntry({ reportsRoot: locked, files: [], manifest: manifestInput() })).toThrow(/\(EACCES\)/);
    }
  });

  it('refuses initiative and phase names that are not one directory', () => {
    expect(() => writeArchiveEntry({ reportsRoot: fresh(), files: [], manifest: manifestInput({ phase: '../up' }) })).toThrow(/the phase name "..\/up" cannot be a directory/);
  });

  it('names the instant in UTC whatever the local zone', () => {
    expect(archiveStamp(new Date('2026-01-02T03:04:05.999Z'))).toBe('20260102T030405Z');
  });
});

describe('verifying an entry', () => {
  it('passes untouched, and names each changed, missing and added file', async () => {
    const { dir } = await archiveReport(fresh(), fixtureReport());
    expect(verifyEntry(readEntry(dir))).toStrictEqual({ ok: true, changed: [], missing: [], unlisted: [] });
    writeFileSync(join(dir, 'parity.md'), 'edited\n');
    writeFileSync(join(dir, 'logs', 'parity-1.txt'), 'quickstart/tfjs/init: pass\n'); // same bytes: not a change
    writeFileSync(join(dir, 'extra.txt'), 'added later');
    readdirSync(join(dir, 'plots')).forEach((f) => f.includes('loss') && writeFileSync(join(dir, 'plots', f), ''));
    const v = verifyEntry(readEntry(dir));
    expect(v).toStrictEqual({ ok: false, changed: ['parity.md', 'plots/quickstart-loss.vl.json'], missing: [], unlisted: ['extra.txt'] });
  });

  it('lists entries whose manifest is broken as damaged instead of failing the listing', async () => {
    const root = fresh();
    const good = await archiveReport(root, fixtureReport(), { now: NOW });
    const bad = await archiveReport(root, fixtureReport(), { now: NOW });
    writeFileSync(join(bad.dir, 'manifest.json'), '{"format": "something else"}');
    const listing = listEntries(root);
    expect(listing.entries.map((e) => e.dir)).toStrictEqual([good.dir]);
    expect(listing.damaged).toStrictEqual([{ dir: bad.dir, reason: expect.stringMatching(/manifest\.json is not a valid archive manifest: .* at key format/) }]);
  });
});

describe('provenance', () => {
  it('records the git commit of this checkout, node and the backend versions', async () => {
    const p = await collectProvenance({ cwd: process.cwd(), python: '/nonexistent/python' });
    expect(p.git.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(p.versions).toMatchObject({ node: process.version, onnxruntime: expect.stringMatching(/^1\./), tfjs: expect.stringMatching(/^4\./), torch: null });
    expect(existsSync('/nonexistent/python')).toBe(false);
  });
});

describe('an entry in the repository', () => {
  // Regression: logs were written as *.log, which .gitignore drops, so a committed entry lost its logs and
  // failed `tandem report show` in every clone.
  it('has no file that git would ignore: the whole entry survives a commit and a clone', async () => {
    const { manifest } = await archiveReport(fresh(), fixtureReport(), { now: NOW });
    const paths = Object.keys(manifest.files).map((p) => `reports/QUICKSTART-ORT-TO-TFJS/tfjs-port/20261123T041502Z/${p}`);
    const ignored = execaSync('git', ['check-ignore', '--stdin'], { input: [...paths, 'reports/x/manifest.json'].join('\n'), reject: false });
    expect(ignored.stdout).toBe('');
    // The check can see an ignored path: a .log file next to them is reported.
    expect(execaSync('git', ['check-ignore', 'reports/x/y/z/logs/a.log'], { reject: false }).stdout).toBe('reports/x/y/z/logs/a.log');
  });
});
