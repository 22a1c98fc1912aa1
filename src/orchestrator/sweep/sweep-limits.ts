/** Hydra's own guard against an accidental combinatorial explosion is the user's patience; ours is a number. */
export const MAX_SWEEP_JOBS = 1000;
