import * as tf from '@tensorflow/tfjs';
import { GraphError } from '../../../graph/errors.ts';
import { resolveAttrs } from '../../../graph/infer-node.ts';
import type { AttrValue, Graph, Node } from '../../../graph/ir.ts';
import { findOp } from '../../../graph/op-registry.ts';
import { constantOf } from '../../../graph/ops/constant.ts';
import { fmtShape, sameShape } from '../../../graph/shape-utils.ts';
import { toNumbers, type Tensor } from '../../../graph/tensor.ts';
import { float64Refusal, fromTf, TF_DTYPE, toTf } from './convert.ts';
import { TFJS_KERNELS } from './kernels/index.ts';
import type { Kernel, KernelContext } from './kernels/kernel.ts';

/** A feed is either a tandem tensor (uploaded and freed by the run) or a tfjs tensor the caller keeps owning. */
export type Feed = Tensor | tf.Tensor;

interface PlannedNode {
  readonly node: Node;
  readonly kernel: Kernel;
  readonly attrs: Record<string, AttrValue>;
}

function fail(node: Node, detail: string): never {
  throw new GraphError(node.name, node.op, `${detail} [tfjs backend]`);
}

/**
 * A graph prepared for tfjs: attributes resolved, kernels looked up, float64 refused, constants (initializers and
 * Constant nodes) uploaded lazily once and kept until `dispose`. `run` executes the nodes in order, frees each
 * intermediate after its last consumer, and returns only the requested values, which the caller then owns.
 */
export class CompiledGraph {
  private readonly plan: PlannedNode[];
  private readonly hostConstants = new Map<string, Tensor>();
  private readonly kept = new Map<string, tf.Tensor>();
  /** Index of the last node reading each value; values read by no node have none. */
  private readonly lastUse = new Map<string, number>();
  private disposed = false;

  private constructor(readonly graph: Graph) {
    for (const v of graph.values.values()) {
      if (v.dtype !== 'float64') continue;
      const producer = graph.producers().get(v.name);
      throw float64Refusal(`graph "${graph.name}": value "${v.name}"${producer ? ` (output of node "${producer.name}" (${producer.op}))` : ''}`);
    }
    for (const [k, t] of graph.initializers) this.hostConstants.set(k, t);
    this.plan = [];
    graph.nodes.forEach((node, i) => {
      for (const v of node.inputs) if (v) this.lastUse.set(v, i);
      const def = findOp(node.op);
      if (!def) fail(node, `op "${node.op}" is not in tandem's op set`);
      const attrs = resolveAttrs(def!, node.attrs, (d) => fail(node, d));
      if (node.op === 'Constant') {
        this.hostConstants.set(node.outputs[0], constantOf(attrs));
        return;
      }
      const kernel = TFJS_KERNELS[node.op];
      if (!kernel) {
        fail(node, `the tfjs backend has no kernel for op "${node.op}"; run this graph on backend=onnxruntime, or add a kernel in src/plugins/backends/tfjs/kernels/`);
      }
      this.plan.push({ node, kernel: kernel!, attrs });
    });
  }

  static compile(graph: Graph): CompiledGraph {
    return new CompiledGraph(graph);
  }

  /**
   * Runs the graph. Returns the graph outputs plus `extraOutputs` (any intermediate value by name) as tfjs
   * tensors that the caller must dispose; everything else the run created is freed before it returns or throws.
   */
  run(feeds: Readonly<Record<string, Feed>>, extraOutputs: readonly string[] = [], profile?: (op: string, ms: number) => void): Record<string, tf.Tensor> {
    if (this.disposed) throw new Error(`graph "${this.graph.name}" was disposed; compile it again`);
    const wanted = [...new Set([...this.graph.outputs.map((o) => o.name), ...extraOutputs])];
    for (const w of extraOutputs) this.graph.value(w);
    const keep = new Set(wanted);
    const values = new Map<string, tf.Tensor>();
    const owned = new Set<tf.Tensor>();
    const own = (name: string, t: tf.Tensor): void => {
      values.set(name, t);
      owned.add(t);
    };
    const release = (name: string): void => {
      const t = values.get(name);
      if (!t || !owned.has(t) || keep.has(name)) return;
      values.delete(name);
      owned.delete(t);
      t.dispose();
    };
    try {
      this.bindFeeds(feeds, values, own);
      this.plan.forEach(({ node, kernel, attrs }, i) => {
        // tfjs-wasm kernels run synchronously, so the wall time around one node is that node's cost.
        const t0 = profile ? performance.now() : 0;
        const results = this.runNode(node, kernel, attrs, values);
        if (profile) profile(node.op, performance.now() - t0);
        node.outputs.forEach((o, k) => {
          const t = results[k];
          if (o && t) own(o, t);
          else t?.dispose();
          // An output nobody reads and nobody asked for is freed at once (e.g. LayerNormalization's Mean).
          if (o && !this.lastUse.has(o)) release(o);
        });
        for (const v of node.inputs) if (v && this.lastUse.get(v) === i) release(v);
      });
      const out: Record<string, tf.Tensor> = {};
      for (const name of wanted) {
        const t = values.get(name) ?? this.constant(name);
        if (!t) throw new Error(`graph "${this.graph.name}": output "${name}" was not computed`);
        // The caller owns what it gets: a feed or kept constant is handed out as a new handle.
        out[name] = owned.has(t) ? t : t.clone();
        owned.delete(t);
      }
      return out;
    } finally {
      for (const t of owned) t.dispose();
    }
  }

  /** Runs the graph on tandem tensors and returns tandem tensors of the graph's declared dtypes. */
  execute(feeds: Readonly<Record<string, Feed>>, extraOutputs: readonly string[] = [], profile?: (op: string, ms: number) => void): Record<string, Tensor> {
    const res = this.run(feeds, extraOutputs, profile);
    try {
      return Object.fromEntries(Object.entries(res).map(([k, t]) => [k, fromTf(t, this.graph.value(k).dtype, `value "${k}"`)]));
    } finally {
      for (const t of Object.values(res)) t.dispose();
    }
  }

  /** Frees the kept constants (and any cached bases). */
  dispose(): void {
    for (const t of this.kept.values()) t.dispose();
    this.kept.clear();
    this.disposed = true;
  }

  private bindFeeds(feeds: Readonly<Record<string, Feed>>, values: Map<string, tf.Tensor>, own: (n: string, t: tf.Tensor) => void): void {
    const g = this.graph;
    for (const i of g.inputs) {
      const f = feeds[i.name];
      const want = `${i.dtype}${fmtShape(i.shape)}`;
      if (!f) throw new Error(`graph "${g.name}": no feed for input "${i.name}" (${want})`);
      if (f instanceof tf.Tensor) {
        if (i.dtype === 'float64') throw float64Refusal(`graph "${g.name}": input "${i.name}"`);
        if (f.dtype !== TF_DTYPE[i.dtype] || !sameShape(f.shape, i.shape)) {
          throw new Error(`graph "${g.name}": input "${i.name}" is ${want} but the tfjs feed is ${f.dtype}${fmtShape(f.shape)}`);
        }
        values.set(i.name, f);
      } else {
        if (f.dtype !== i.dtype || !sameShape(f.shape, i.shape)) {
          throw new Error(`graph "${g.name}": input "${i.name}" is ${want} but the feed is ${f.dtype}${fmtShape(f.shape)}`);
        }
        own(i.name, toTf(f, `graph "${g.name}": input "${i.name}"`));
      }
    }
    const extra = Object.keys(feeds).filter((k) => !g.inputs.some((i) => i.name === k));
    if (extra.length) throw new Error(`graph "${g.name}": feeds ${extra.map((k) => `"${k}"`).join(', ')} are not graph inputs (inputs: ${g.inputs.map((i) => i.name).join(', ')})`);
  }

  /** A graph constant as a tfjs tensor, uploaded on first use and kept for the plan's life. */
  private constant(name: string): tf.Tensor | undefined {
    const host = this.hostConstants.get(name);
    if (!host) return undefined;
    return this.cached(`const:${name}`, () => toTf(host, `graph "${this.graph.name}": constant "${name}"`));
  }

  private cached(key: string, make: () => tf.Tensor): tf.Tensor {
    let t = this.kept.get(key);
    if (!t) {
      t = tf.keep(make());
      this.kept.set(key, t);
    }
    return t;
  }

  private runNode(node: Node, kernel: Kernel, attrs: Record<string, AttrValue>, values: Map<string, tf.Tensor>): (tf.Tensor | undefined)[] {
    const g = this.graph;
    const tensorOf = (k: number): tf.Tensor | undefined => {
      const name = node.inputs[k];
      if (!name) return undefined;
      const t = values.get(name) ?? this.constant(name);
      if (!t) fail(node, `input "${name}" has no value (it was freed or never computed)`);
      return t;
    };
    const hostOf = (k: number): number[] | undefined => {
      const name = node.inputs[k];
      if (!name) return undefined;
      const host = this.hostConstants.get(name);
      return host ? toNumbers(host) : Array.from(tensorOf(k)!.dataSync());
    };
    const ctx: KernelContext = {
      node,
      attrs,
      inputInfo: (k) => (node.inputs[k] ? g.value(node.inputs[k]) : undefined),
      outputInfo: (k) => g.value(node.outputs[k]),
      wantsOutput: (k) => !!node.outputs[k],
      input: (k) => tensorOf(k) ?? fail(node, `required input #${k} is missing`),
      optional: tensorOf,
      ints: hostOf,
      floats: hostOf,
      cached: (key, make) => this.cached(`${node.op}:${key}`, make),
      fail: (d) => fail(node, d),
    };
    // Feeds and kept constants included: a kernel handing an input back must not let the run dispose it.
    const inputs = new Set(node.inputs.map((_, k) => tensorOf(k)));
    try {
      // tidy frees every temporary the kernel made; the returned tensors survive it.
      return tf.tidy(() => kernel(ctx).map((t) => (t && inputs.has(t) ? t.clone() : t)));
    } catch (e) {
      if (e instanceof GraphError) throw e;
      const err = new GraphError(node.name, node.op, `${(e as Error).message} [tfjs backend "${tf.getBackend()}"]`);
      err.cause = e;
      throw err;
    }
  }
}

/** One-shot execution: compile, run, free. Sessions keep a CompiledGraph instead, so constants upload once. */
export function execute(graph: Graph, feeds: Readonly<Record<string, Feed>>, opts: { extraOutputs?: readonly string[]; profile?: (op: string, ms: number) => void } = {}): Record<string, Tensor> {
  const compiled = CompiledGraph.compile(graph);
  try {
    return compiled.execute(feeds, opts.extraOutputs, opts.profile);
  } finally {
    compiled.dispose();
  }
}
