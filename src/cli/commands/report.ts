import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeDiff, describeEntry, describeListing } from '../../orchestrator/archive/describe.ts';
import { diffEntries } from '../../orchestrator/archive/diff-entries.ts';
import { listEntries, readEntry, verifyEntry } from '../../orchestrator/archive/read-archive.ts';
import { sweepUnfinishedWrites } from '../../orchestrator/archive/unfinished-writes.ts';
import { UsageError } from '../../orchestrator/errors.ts';
import { parseParityReport } from '../../parity/report.ts';
import { renderMarkdown } from '../../reports/parity-markdown.ts';
import { renderHtml } from '../../reports/report-html.ts';
import { parityOnlyInput } from '../../reports/report-input.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

/**
 * `tandem report ls | show | diff | render` (spec: specs/archive-and-plans.md §3, specs/parity-report.md §4):
 * browse the report archive, verify an entry's checksums, compare two entries, render a parity.json.
 */
export const reportCommand: CliCommand = {
  register(program, io) {
    const report = program.command('report').description('Browse the report archive (reports/<initiative>/<phase>/<timestamp>/) and render parity reports.');
    report
      .command('ls')
      .description('List archived reports, oldest first per initiative/phase, with their verdict and commit; removes writes a killed process left unfinished.')
      .option('--initiative <name>', 'only this initiative')
      .option('--phase <id>', 'only this phase')
      .option('--reports <dir>', 'root of the report archive', 'reports')
      .option('--json', 'print the entries as JSON')
      .action((o: { initiative?: string; phase?: string; reports: string; json?: boolean }) => {
        const unfinished = sweepUnfinishedWrites(o.reports);
        const { entries, damaged } = listEntries(o.reports, { initiative: o.initiative, phase: o.phase });
        if (o.json) {
          io.out(toJson({ entries: entries.map((e) => ({ dir: e.dir, initiative: e.initiative, phase: e.phase, stamp: e.stamp, verdict: e.manifest.verdict, createdAt: e.manifest.createdAt, commit: e.manifest.git.commit })), damaged, unfinished }));
          return;
        }
        io.out(describeListing(entries, damaged, unfinished));
      });
    report
      .command('show')
      .description('Show an entry: verdicts, exit criteria, provenance; verify every file against its sha256. Exits 1 when a checksum fails.')
      .argument('<dir>', 'an archive entry, e.g. reports/QUICKSTART-ORT-TO-TFJS/ort-forward/20261123T041502Z')
      .option('--json', 'print the manifest and the verification as JSON')
      .action((dir: string, o: { json?: boolean }) => {
        const entry = readEntry(dir);
        const verification = verifyEntry(entry);
        io.out(o.json ? toJson({ dir: entry.dir, manifest: entry.manifest, verification }) : describeEntry(entry, verification));
        if (!verification.ok) throw new Error(`the checksums of ${dir} do not match its manifest; the evidence was changed after it was archived`);
      });
    report
      .command('diff')
      .description('What changed from entry A to entry B: provenance, case verdicts, metrics, test outcomes.')
      .argument('<dirA>', 'the earlier entry')
      .argument('<dirB>', 'the later entry')
      .option('--json', 'print the changes as JSON')
      .action((dirA: string, dirB: string, o: { json?: boolean }) => {
        const a = readEntry(dirA);
        const b = readEntry(dirB);
        const diff = diffEntries(a, b);
        io.out(o.json ? toJson(diff) : describeDiff(a, b, diff));
      });
    report
      .command('render')
      .description('Render a parity.json as parity.md and report.html (inline SVG plots), next to it or into --out.')
      .argument('<parity.json>', 'a report written by `tandem parity`')
      .option('--out <dir>', 'where to write parity.md and report.html (default: the directory of parity.json)')
      .action(async (file: string, o: { out?: string }) => {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (error) {
          throw new UsageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); pass the parity.json a parity run wrote`);
        }
        const input = parityOnlyInput(readParity(text, file));
        const out = o.out ?? dirname(file);
        const { html } = await renderHtml(input);
        writeFileAtomic(join(out, 'parity.md'), renderMarkdown(input));
        writeFileAtomic(join(out, 'report.html'), html);
        io.out(`wrote ${join(out, 'parity.md')} and ${join(out, 'report.html')}\n`);
      });
  },
};

/** A parity.json the user pointed at; a malformed one is bad input (exit 2), not a crash. */
function readParity(text: string, file: string) {
  try {
    return parseParityReport(text, file);
  } catch (error) {
    const message = (error as Error).message;
    throw new UsageError(`${message.includes(file) ? message : `${file} is not valid JSON: ${message}`}. Pass a parity.json written by \`tandem parity\`.`);
  }
}
