import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { readNpzFile, writeNpzFile } from '../../data/npz.ts';
import { UsageError } from '../../orchestrator/errors.ts';
import { builtinPlugins } from '../../orchestrator/composition-root.ts';
import { buildPlugin } from '../../orchestrator/plugins/construct-plugin.ts';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import type { Backend } from '../../contracts/backend.ts';
import { runInference } from '../../train/checkpoint/inference.ts';
import { resolveCheckpoint } from '../../train/checkpoint/resolve-checkpoint.ts';
import { toJson } from '../io.ts';
import type { CliCommand } from './command.ts';

interface InferOptions {
  checkpoint: string;
  input: string;
  output?: string;
  backend: string;
  rollout?: string;
  feed?: string;
  outputs: string;
  json?: boolean;
}

/**
 * `tandem infer --checkpoint <dir> --input <npz>`: predictions from a checkpoint, with the model rebuilt from its
 * manifest alone (specs/checkpoints.md §5). Writes an .npz with dims metadata; `--rollout N` feeds an output back
 * as the next input N times and stacks the steps along `time`.
 */
export const inferCommand: CliCommand = {
  register(program, io) {
    program
      .command('infer')
      .description('Run a trained model from a checkpoint on an .npz of inputs and write the predictions as .npz.')
      .requiredOption('--checkpoint <dir>', 'a checkpoint directory, a run directory (its last checkpoint), or "last" (newest run under --outputs)')
      .requiredOption('--input <npz>', 'the inputs, one array per model input, batch axis first')
      .option('--output <npz>', 'where to write the predictions (default: <input>.predictions.npz next to the input)')
      .option('--backend <name>', 'backend plugin to run the forward graph on: onnxruntime, tfjs, torch', 'onnxruntime')
      .option('--rollout <N>', 'time-stepping: run N steps, feeding an output back as an input, stacked along time')
      .option('--feed <output:input>', 'with --rollout: which model output becomes which input (default: the only ones)')
      .option('--outputs <dir>', 'root of the run directories, for --checkpoint last', 'outputs')
      .option('--json', 'print a JSON summary')
      .action(async (options: InferOptions) => {
        const rollout = options.rollout === undefined ? undefined : { steps: positiveInt(options.rollout), ...(options.feed ? { feed: parseFeed(options.feed) } : {}) };
        if (options.feed && !rollout) throw new UsageError('--feed only applies with --rollout N');
        const { checkpoint, notices } = resolveCheckpoint(options.checkpoint, options.outputs);
        for (const line of notices) io.err(`note: ${line}\n`);
        const output = options.output ?? join(dirname(options.input), `${basename(options.input).replace(/\.npz$/, '')}.predictions.npz`);
        refuseToOverwriteInputs(output, options.input, checkpoint.dir);
        const input = readNpzFile(options.input);
        const backend = await createBackend(options.backend, checkpoint.manifest.dtype);
        const buildModel = async (definition: PluginDefinition<'model'>, params: unknown) => (await buildPlugin(definition, params)).instance;
        const result = await runInference({ checkpoint, input, backend, models: builtinPlugins, buildModel, ...(rollout ? { rollout } : {}) });
        for (const line of result.notices) io.err(`note: ${line}\n`);
        const { manifest } = checkpoint;
        writeNpzFile(output, result.outputs, {
          attrs: { checkpoint: checkpoint.dir, configHash: manifest.configHash, step: manifest.loop.steps, backend: backend.name, ...(rollout ? { rollout: rollout.steps } : {}) },
        });
        const shapes = Object.fromEntries([...result.outputs].map(([k, a]) => [k, { shape: a.shape, dims: a.dims }]));
        if (options.json) {
          io.out(toJson({ checkpoint: checkpoint.dir, step: manifest.loop.steps, backend: backend.name, batch: result.batch, inputs: result.inputs, output, outputs: shapes }));
          return;
        }
        io.out(`checkpoint ${relative(process.cwd(), checkpoint.dir) || checkpoint.dir}: model ${manifest.model.name} at step ${manifest.loop.steps} (config sha256:${manifest.configHash.slice(0, 12)}…)\n`);
        io.out(`ran ${result.batch} sample(s) on ${backend.name}${rollout ? ` for ${rollout.steps} rollout step(s)` : ''}; wrote ${output}:\n`);
        for (const [k, s] of Object.entries(shapes)) io.out(`  ${k} [${s.shape.join(', ')}] (${s.dims?.join(', ')})\n`);
      });
  },
};

/**
 * The predictions must not replace what they are computed from: the input file (under any spelling of its path)
 * or a file of the checkpoint. Refused before anything is read, so a mistyped --output costs nothing.
 */
function refuseToOverwriteInputs(output: string, input: string, checkpointDir: string): void {
  const real = (path: string) => (existsSync(path) ? realpathSync(path) : resolve(path));
  const target = real(output);
  if (target === real(input)) throw new UsageError(`--output ${output} is the input file ${input}; writing there would replace the inputs with the predictions. Choose another --output path`);
  const checkpoint = real(checkpointDir);
  if (target === checkpoint || target.startsWith(checkpoint + sep)) {
    throw new UsageError(`--output ${output} is inside the checkpoint ${checkpointDir}; writing there would change the checkpoint. Choose a path outside it`);
  }
  if (existsSync(target) && statSync(target).isDirectory()) throw new UsageError(`--output ${output} is a directory; give a file path ending in .npz`);
}

/** The backend plugin by name, in the checkpoint's dtype (a backend that cannot run it refuses at construction). */
async function createBackend(name: string, dtype: string): Promise<Backend> {
  const backends = builtinPlugins.filter((d): d is PluginDefinition<'backend'> => d.kind === 'backend');
  const definition = backends.find((d): d is PluginDefinition<'backend'> => d.name === name);
  if (!definition) throw new UsageError(`--backend ${name} is not a backend; the backends are: ${backends.map((d) => d.name).join(', ')}`);
  const params = definition.params.safeParse({ dtype });
  if (!params.success) throw new UsageError(`backend ${name} cannot run the checkpoint's ${dtype} parameters: ${params.error.issues.map((i) => i.message).join('; ')}`);
  try {
    return (await buildPlugin(definition, params.data)).instance;
  } catch (error) {
    throw new UsageError(`backend ${name} cannot run this checkpoint: ${(error as Error).message}`);
  }
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--rollout takes a positive whole number of steps, got "${text}"`);
  return n;
}

function parseFeed(text: string): { output: string; input: string } {
  const m = /^([^:]+):([^:]+)$/.exec(text);
  if (!m) throw new UsageError(`--feed takes <output>:<input>, e.g. u_next:u, got "${text}"`);
  return { output: m[1], input: m[2] };
}
