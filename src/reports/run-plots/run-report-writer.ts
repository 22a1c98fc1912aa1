import type { RunHooks, RunReport } from '../../contracts/run-hooks.ts';
import { writeRunReport } from './write-run-report.ts';

/**
 * The reporter every run has: it writes `report.html` (and its plots/) from the RunReport the evaluate stage
 * hands to the reporters. The one writer of a run's report.html; workloads and adapters contribute its rows and
 * plots (the workload evaluation, an adapter's DomainResults), never the file.
 */
export class RunReportWriter implements RunHooks {
  constructor(private readonly runDir: string) {}

  async onReport(report: RunReport): Promise<void> {
    await writeRunReport(this.runDir, report.title, report.rows, report.plots);
  }
}
