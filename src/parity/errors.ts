/** A parity request the user must fix (a selector matching nothing, a stale baseline, no reference): exit 2. */
export class ParityUsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ParityUsageError';
  }
}
