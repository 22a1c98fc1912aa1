import { shortPath } from '../../orchestrator/archive/describe.ts';
import { ConfigError } from '../../orchestrator/errors.ts';
import { loadPlan } from '../../orchestrator/plans/load-plan.ts';
import { PhaseFailedError } from '../../orchestrator/plans/phase-failed-error.ts';
import { engineParityRunner } from '../../orchestrator/plans/parity-runner.ts';
import { findPlanFiles, planStatus } from '../../orchestrator/plans/plan-status.ts';
import { runPhase } from '../../orchestrator/plans/run-phase.ts';
import { VERDICT_MARK } from '../../reports/format.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

/**
 * `tandem plan run <plan> --phase <id>` and `tandem plan status <plan>` (spec: specs/archive-and-plans.md §4):
 * run a phase's selected parity cases and tests, archive the evidence, exit 1 when an exit criterion fails.
 */
export const planCommand: CliCommand = {
  register(program, io) {
    const plan = program.command('plan').description('Initiatives and their phases (plans/<status>/<INITIATIVE>/plan.yaml): run a phase, show progress.');
    plan
      .command('run')
      .description("Run one phase: its parity selectors and vitest files; archive the evidence under reports/<initiative>/<phase>/<timestamp>/. Exits 1 when the phase's exit criteria fail.")
      .argument('<plan>', 'a plan file, e.g. plans/active/QUICKSTART-ORT-TO-TFJS/plan.yaml')
      .requiredOption('--phase <id>', 'the phase to run')
      .option('--reports <dir>', 'root of the report archive', 'reports')
      .option('--outputs <dir>', 'root of the parity engine run directories', 'outputs')
      .option('--json', 'print the verdict, criteria and archive entry as JSON')
      .action(async (file: string, o: { phase: string; reports: string; outputs: string; json?: boolean }) => {
        const loaded = loadPlan(file);
        const result = await runPhase({
          plan: loaded,
          phaseId: o.phase,
          reportsRoot: o.reports,
          cwd: process.cwd(),
          runParity: engineParityRunner(o.outputs),
          progress: (line) => io.err(`${line}\n`),
        });
        const where = shortPath(result.dir);
        if (o.json) io.out(toJson({ verdict: result.verdict, dir: result.dir, criteria: result.manifest.criteria }));
        else {
          io.out(`${loaded.document.initiative} / ${o.phase}: ${VERDICT_MARK[result.verdict]}\n`);
          for (const c of result.manifest.criteria) io.out(`  ${c.passed ? '✓' : '✗'} ${c.description}: ${c.detail}\n`);
          io.out(`evidence: ${where} (open report.html)\n`);
        }
        if (result.verdict !== 'pass') {
          throw new PhaseFailedError(`phase ${o.phase} did not pass (${result.verdict}); the evidence is archived in ${where}`);
        }
      });
    plan
      .command('ls')
      .description('Every plan under plans/<status>/<INITIATIVE>/plan.yaml with the newest verdict of each phase.')
      .option('--plans <dir>', 'root of the plans', 'plans')
      .option('--reports <dir>', 'root of the report archive', 'reports')
      .option('--json', 'print the plans as JSON')
      .action((o: { plans: string; reports: string; json?: boolean }) => {
        const plans = [];
        const invalid: string[] = [];
        for (const file of findPlanFiles(o.plans)) {
          try {
            const loaded = loadPlan(file);
            plans.push({ file, initiative: loaded.document.initiative, status: loaded.status, title: loaded.document.title, phases: planStatus(loaded, o.reports) });
          } catch (error) {
            // One broken plan must not hide the others: list it, and fail at the end.
            if (!(error instanceof ConfigError)) throw error;
            invalid.push(error.message);
          }
        }
        if (o.json) io.out(toJson({ plans, invalid }));
        else {
          if (plans.length + invalid.length === 0) io.out(`no plans under ${o.plans}/\n`);
          for (const p of plans) {
            const phases = p.phases.map((ph) => `${ph.id} ${ph.verdict === 'never run' ? '·' : VERDICT_MARK[ph.verdict].split(' ')[0]}`).join(', ');
            io.out(`${p.status.padEnd(9)} ${p.initiative}: ${p.title}\n          ${phases}\n`);
          }
          for (const message of invalid) io.out(`INVALID   ${message}\n`);
        }
        if (invalid.length) throw new ConfigError(`${invalid.length} plan file(s) under ${o.plans}/ are invalid (listed above)`);
      });
    plan
      .command('status')
      .description("Each phase of a plan with its newest archived verdict.")
      .argument('<plan>', 'a plan file')
      .option('--reports <dir>', 'root of the report archive', 'reports')
      .option('--json', 'print the phases as JSON')
      .action((file: string, o: { reports: string; json?: boolean }) => {
        const loaded = loadPlan(file);
        const phases = planStatus(loaded, o.reports);
        if (o.json) {
          io.out(toJson({ initiative: loaded.document.initiative, status: loaded.status, phases }));
          return;
        }
        io.out(`${loaded.document.initiative} (${loaded.status}): ${loaded.document.title}\n`);
        const idWidth = Math.max(...phases.map((p) => p.id.length));
        for (const p of phases) {
          const verdict = p.verdict === 'never run' ? 'never run' : VERDICT_MARK[p.verdict];
          const when = p.latest ? `${p.latest.stamp} (${p.runs} run${p.runs === 1 ? '' : 's'})` : '';
          io.out(`  ${p.id.padEnd(idWidth)}  ${verdict.padEnd(10)} ${when.padEnd(28)} ${p.title}\n`);
        }
      });
  },
};
