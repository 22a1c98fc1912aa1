import { relative } from 'node:path';
import { verdictTable } from '../../reports/case-details.ts';
import { formatNumber, VERDICT_MARK } from '../../reports/format.ts';
import { markdownTable } from '../../reports/parity-markdown.ts';
import { countStatuses } from '../../reports/report-input.ts';
import type { EntryDiff } from './diff-entries.ts';
import { entryParityReports, entryTests } from './entry-evidence.ts';
import type { ArchiveEntry, Verification } from './read-archive.ts';
import { STALE_AFTER_MS, type UnfinishedWrite } from './unfinished-writes.ts';

/** The terminal text of `tandem report ls | show | diff` (spec: specs/archive-and-plans.md §3). */

export function describeListing(entries: readonly ArchiveEntry[], damaged: readonly { dir: string; reason: string }[], unfinished: readonly UnfinishedWrite[] = []): string {
  const notes = unfinished.map((u) =>
    u.removed
      ? `REMOVED ${shortPath(u.dir)}: an archive write that never finished (${Math.round(u.ageMs / 60_000)} min old, left by a killed process)`
      : `UNFINISHED ${shortPath(u.dir)}: an archive write in progress, or interrupted less than ${STALE_AFTER_MS / 60_000} min ago (removed once older)`,
  );
  if (entries.length === 0 && damaged.length === 0) return `${['no archived reports', ...notes].join('\n')}\n`;
  const rows = entries.map((e) => [`${e.initiative}/${e.phase}/${e.stamp}`, VERDICT_MARK[e.manifest.verdict], e.manifest.git.commit?.slice(0, 10) ?? '-', shortPath(e.dir)]);
  const width = (i: number) => Math.max(...rows.map((r) => r[i].length));
  const lines = rows.map((r) => r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(width(i)) : cell)).join('  '));
  for (const d of damaged) lines.push(`DAMAGED ${shortPath(d.dir)}: ${d.reason}`);
  return `${[...lines, ...notes].join('\n')}\n`;
}

export function describeEntry(entry: ArchiveEntry, verification: Verification): string {
  const m = entry.manifest;
  const out = [
    `${m.initiative} / ${m.phase} / ${entry.stamp}: ${VERDICT_MARK[m.verdict]}`,
    `  created   ${m.createdAt} on ${m.host.hostname} (${m.host.platform} ${m.host.arch}, ${m.host.cpus} cpus, ${m.host.cpuModel})`,
    `  commit    ${m.git.commit ?? 'not a git checkout'}${m.git.dirty ? ' (with uncommitted changes)' : ''}`,
    `  versions  ${Object.entries(m.versions).map(([k, v]) => `${k} ${v ?? 'unknown'}`).join(', ')}`,
    ...m.configs.map((c) => `  config    ${c.file}${c.overrides.length ? ` ${c.overrides.join(' ')}` : ''} (sha256 ${c.hash.slice(0, 12)})`),
    ...m.selectors.map((s) => `  selector  ${s}`),
  ];
  if (m.criteria.length) out.push('', 'Exit criteria:', ...m.criteria.map((c) => `  ${c.passed ? '✓' : '✗'} ${c.description}: ${c.detail}`));
  for (const report of entryParityReports(entry)) {
    out.push('', `Parity ${report.experiment}: ${VERDICT_MARK[report.summary.verdict]}`, markdownTable(verdictTable(report)));
  }
  const tests = entryTests(entry);
  if (tests.length) {
    out.push('', 'Tests:');
    for (const f of tests) {
      const c = countStatuses(f);
      out.push(`  ${f.file}${f.filter ? ` -t "${f.filter}"` : ''}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${f.error ? ` (${f.error})` : ''}`);
    }
  }
  out.push('', describeVerification(entry, verification));
  return `${out.join('\n')}\n`;
}

export function describeVerification(entry: ArchiveEntry, v: Verification): string {
  const count = Object.keys(entry.manifest.files).length;
  if (v.ok) return `Checksums: all ${count} files match the manifest.`;
  const problems = [
    ...v.changed.map((p) => `  changed since archived: ${p}`),
    ...v.missing.map((p) => `  missing: ${p}`),
    ...v.unlisted.map((p) => `  not in the manifest (added later): ${p}`),
  ];
  return `Checksums: FAILED, this entry is not what the run wrote:\n${problems.join('\n')}`;
}

export function describeDiff(a: ArchiveEntry, b: ArchiveEntry, d: EntryDiff): string {
  const out = [`A ${shortPath(a.dir)}`, `B ${shortPath(b.dir)}`];
  const section = (title: string, lines: string[]) => lines.length && out.push('', `${title}:`, ...lines);
  section('Provenance', d.provenance.map((c) => `  ${c.what}: ${c.a} → ${c.b}`));
  section('Verdicts', d.verdicts.map((c) => `  ${c.what}: ${c.a} → ${c.b}`));
  section('Metrics', d.metrics.map((c) => `  ${c.what}: ${formatNumber(c.a)} → ${formatNumber(c.b)} (×${formatNumber(c.ratio)})`));
  section('Tests', d.tests.map((c) => `  ${c.what}: ${c.a} → ${c.b}`));
  if (out.length === 2) out.push('', 'No differences in provenance, verdicts, metrics or tests.');
  return `${out.join('\n')}\n`;
}

/** Relative to the working directory when inside it (reports/…), absolute otherwise. */
export function shortPath(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
}
