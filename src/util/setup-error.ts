/**
 * A training setup the config asks for cannot be built: the model cannot take the data as configured (a grid a
 * U-Net cannot halve, more Fourier modes than the grid holds) or a loss does not fit the data (a rollout horizon
 * longer than the windows). Found before any step runs and fixed in the config, so the CLI exits 2
 * (specs/config-handshake.md §9), like a config error, not 1 like a run that failed.
 */
export class SetupError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}
