/**
 * A checkpoint that cannot be used: missing, partial, damaged, or written by another config. Exit code 2 (specs/
 * config-handshake.md §9): like a bad data file, it is the user's input that has to change.
 */
export class CheckpointError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}
