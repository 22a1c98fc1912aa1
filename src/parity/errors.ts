/** A parity request the user must fix (a selector matching nothing, a stale baseline, no reference): exit 2. */
export class ParityUsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ParityUsageError';
  }
}

/**
 * First-divergence localization cannot run against this reference (a recorded baseline without the values it
 * needs); the stage's verdict stands and its record says why, with the message.
 */
export class LocalizationUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalizationUnavailable';
  }
}
