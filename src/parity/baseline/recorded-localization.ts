import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph } from '../../graph/ir.ts';
import { toOnnx } from '../../graph/onnx/to-onnx.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { BatchFeed } from '../../contracts/backend.ts';
import { cutDerivatives } from '../../contracts/derivative-terms.ts';
import type { DerivativeRecord } from '../../train/loss-scope.ts';
import type { TrainingProgram } from '../../train/program.ts';
import { LocalizationUnavailable } from '../errors.ts';
import { intermediateNames } from '../first-divergence.ts';
import { allPlans } from '../probe-plans.ts';
import type { ReferenceRun } from '../../contracts/reference.ts';
import { initialFeeds } from '../side-graph.ts';
import { dataHash, readTensors, writeTensors } from './baseline-files.ts';

/**
 * What loss and gradient localization ask the reference, recorded with a baseline so they work without torch
 * (forward localization reads forward.npz). Each request is keyed by a hash of everything its answer depends
 * on: the graph (ONNX bytes), its derivative holes, its feeds, and for gradients the target and the probes.
 * At parity time the same request is rebuilt from the side's program (stages.ts, probe-plans.ts); when its key
 * was recorded the recorded answer is served, otherwise localization says why it is unavailable. Keys match
 * whenever the side's graphs are the reference's (a wrong gradient rule, a backend bug); a side whose loss
 * graph differs has no recorded counterpart, which is itself the finding of the forward and loss stages.
 *
 *   localization/<key>.npz   one file per request: every value of the reference's loss graph (loss stage,
 *                            input derivatives), or torch's adjoint at every probe of one probed graph
 */
export const LOCALIZATION_DIR = 'localization';

type Kind = 'execute' | 'autograd';

export function requestKey(kind: Kind, graph: Graph, feeds: BatchFeed, derivatives: readonly DerivativeRecord[], of = '', wrt: readonly string[] = []): string {
  const h = createHash('sha256');
  h.update(`${kind}\n${JSON.stringify([derivatives.map((d) => [d.name, d.of, d.wrt]), of, wrt])}\n`);
  for (const d of derivatives) if (d.seed) h.update(new Uint8Array(d.seed.data.buffer, d.seed.data.byteOffset, d.seed.data.byteLength));
  h.update(dataHash([feeds]));
  h.update(toOnnx(graph));
  return h.digest('hex').slice(0, 32);
}

/** Asks the live reference every localization request for `program` on `batch` and stores the answers in `dir`. */
export async function recordLocalization(live: ReferenceRun, program: TrainingProgram, batch: BatchFeed, dir: string): Promise<string[]> {
  const out = join(dir, LOCALIZATION_DIR);
  mkdirSync(out, { recursive: true });
  const keys: string[] = [];
  // Deflated: adjoints are mostly incompressible floats, but zeros (edges the target barely reaches) are common.
  const store = (key: string, values: ReadonlyMap<string, Tensor>) => {
    writeTensors(join(out, `${key}.npz`), values, { compress: true });
    keys.push(key);
  };
  const terms = program.derivatives;
  const cut = cutDerivatives(program.graphs.loss, terms);
  const feeds = initialFeeds(program, batch);
  const holes = cut.inputs.filter((i) => terms.some((t) => t.name === i.name)).map((i) => i.name);
  const fetch = [...new Set([...intermediateNames(cut), ...cut.outputs.map((o) => o.name), ...holes])];
  store(requestKey('execute', cut, feeds, terms), await live.execute!(cut, feeds, fetch, terms));
  for (const plan of allPlans(program, batch)) {
    const probes = plan.edges.map((e) => e.probe);
    store(requestKey('autograd', plan.ref, plan.feeds, plan.derivatives, plan.target, probes), await live.autograd!(plan.ref, plan.feeds, plan.target, probes, plan.derivatives));
  }
  return keys;
}

/** The recorded answers, served as a ReferenceRun's `execute` and `autograd`. */
export class RecordedLocalization {
  constructor(
    private readonly baseline: string,
    private readonly dir: string,
    /** The recorded keys; undefined for a baseline recorded before localization was (tandem.baseline/1). */
    private readonly keys: readonly string[] | undefined,
  ) {}

  readonly execute = async (graph: Graph, feeds: ReadonlyMap<string, Tensor>, fetch: readonly string[], derivatives: readonly DerivativeRecord[] = []) => {
    const values = this.lookup(requestKey('execute', graph, feeds, derivatives), `the values of graph "${graph.name}"`);
    return new Map(fetch.filter((n) => values.has(n)).map((n) => [n, values.get(n)!]));
  };

  readonly autograd = async (graph: Graph, feeds: ReadonlyMap<string, Tensor>, of: string, wrt: readonly string[], derivatives: readonly DerivativeRecord[] = []) => {
    const values = this.lookup(requestKey('autograd', graph, feeds, derivatives, of, wrt), `torch's adjoints on graph "${graph.name}"`);
    return new Map(wrt.map((w) => [w, values.get(w)!]));
  };

  private lookup(key: string, what: string): Map<string, Tensor> {
    const again = `re-record the baseline to get localization (tandem baseline record … --name ${this.baseline} --force)`;
    if (!this.keys) throw new LocalizationUnavailable(`baseline "${this.baseline}" was recorded by an older tandem (tandem.baseline/1) without the values localization needs; ${again}`);
    if (!this.keys.includes(key)) {
      throw new LocalizationUnavailable(
        `baseline "${this.baseline}" recorded no ${what} for this request: it holds them for the reference's own graphs and initial state, and this one differs (the side's loss graph or initial state is not the reference's, or tandem changed how it builds localization graphs since the recording); compare against the live reference (parity.reference=torch), or ${again}`,
      );
    }
    return readTensors(join(this.dir, LOCALIZATION_DIR, `${key}.npz`));
  }
}
