import { NamedRegistry } from '../../util/named-registry.ts';
import { dataLossKinds } from './data/data-terms.ts';
import { elasticInitialTerm, elasticResidualTerm } from './elastic/elastic-terms.ts';
import { residualTerm, solutionErrorTerm } from './equations/equation-terms.ts';
import type { LossKindDefinition } from './loss-kind.ts';
import { poissonNllTerm } from './ptycho/ptycho-terms.ts';
import { rolloutTerm } from './rollout/rollout-term.ts';

/**
 * Every loss kind a config's `train.loss.<term>.kind` may name, in one list, the way src/plugins/index.ts lists
 * the plugins. To add a kind: write its LossKindDefinition in the family's folder here and append it below (one
 * import, one line); the config schema, the training run, parity and a checkpoint rebuild find it by name.
 */
export const builtinLossKinds: readonly LossKindDefinition[] = [
  ...dataLossKinds,
  rolloutTerm,
  residualTerm,
  solutionErrorTerm,
  elasticResidualTerm,
  elasticInitialTerm,
  poissonNllTerm,
];

export const lossKinds = new NamedRegistry('loss kind', builtinLossKinds);
