/** A phase that ran and was archived, but whose exit criteria do not all hold: exit 1 (spec: specs/archive-and-plans.md §5). */
export class PhaseFailedError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'PhaseFailedError';
  }
}
