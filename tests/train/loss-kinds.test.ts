// spec: specs/training.md §4 (loss kinds), docs/architecture.md (registries)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { PluginCatalog } from '../../src/orchestrator/plugins/catalog.ts';
import { builtinPlugins } from '../../src/orchestrator/composition-root.ts';
import { LossScope } from '../../src/train/loss-scope.ts';
import { lossBuilder } from '../../src/train/losses/loss-builder.ts';
import { builtinLossKinds, lossKinds } from '../../src/train/losses/loss-kinds.ts';
import { lossTermSchema } from '../../src/train/losses/term-schema.ts';
import { NamedRegistry } from '../../src/util/named-registry.ts';

describe('loss kinds: one list, looked up by name like the plugins', () => {
  it('lists every kind a config may name, each with a description and a schema', () => {
    expect(lossKinds.names()).toEqual(['mse', 'l1', 'rel_l2', 'rollout_mse', 'residual', 'solution_error', 'elastic_residual', 'elastic_initial', 'poisson_nll']);
    for (const kind of builtinLossKinds) {
      expect(kind.description.length, kind.name).toBeGreaterThan(10);
      expect(typeof kind.params.safeParse, kind.name).toBe('function');
    }
  });

  it('are the kinds the README lists', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const listed = /\(`train\.loss\.<term>\.kind`: ([^)]*)\)/.exec(readme.replace(/\n/g, ' '))?.[1];
    expect(listed?.split(', ').map((k) => k.replace(/`/g, ''))).toStrictEqual(lossKinds.names());
  });

  it('needs no registration call: the config schema knows every kind on import', () => {
    const parsed = lossTermSchema.safeParse({ kind: 'poisson_nll', output: 'intensity', target: 'counts' });
    expect(parsed.success && parsed.data).toEqual({ kind: 'poisson_nll', output: 'intensity', target: 'counts', eps: 1e-8, weight: 1 });
  });

  it('refuses an unknown kind in the config with the wording of an unknown plugin', () => {
    const issue = lossTermSchema.safeParse({ kind: 'rel_l3', output: 'y', target: 'y' }).error?.issues[0];
    expect(issue?.path).toEqual(['kind']);
    expect(issue?.message).toBe(`unknown loss kind 'rel_l3'. Registered loss kinds: ${lossKinds.names().join(', ')}. Did you mean 'rel_l2'?`);
    // The same sentence shape as an unknown plugin (specs/config-handshake.md §5.3).
    const plugins = new PluginCatalog(builtinPlugins);
    expect(() => plugins.resolve('backend', 'onnxruntim', {})).toThrow(/unknown backend plugin 'onnxruntim'.*Registered backend plugins: .*onnxruntime.*\. Did you mean 'onnxruntime'\?/);
  });

  it('refuses an unknown kind handed to the builder directly, naming the config path', () => {
    const g = new GraphBuilder('loss');
    const y = g.input('y', 'float32', [2, 1]);
    const scope = new LossScope(g, { y }, { y }, {});
    const build = lossBuilder({ fit: { kind: 'msee', weight: 1 } });
    expect(() => build(scope)).toThrow("train.loss.fit.kind: unknown loss kind 'msee'. Registered loss kinds: mse, l1");
    expect(() => build(scope)).toThrow("Did you mean 'mse'?");
  });

  it('refuses two kinds of one name (a registry, not a last-one-wins map)', () => {
    expect(() => new NamedRegistry('loss kind', [...builtinLossKinds, builtinLossKinds[0]!])).toThrow("two loss kinds are named 'mse'; names must be unique");
  });
});
