import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

/** One event of ORT's profile (Chrome trace format); `dur` and `ts` in µs. */
interface ProfileEvent {
  readonly cat: string;
  readonly name: string;
  readonly ts: number;
  readonly dur: number;
  readonly args?: { readonly op_name?: string };
}

/**
 * Runs a model twice in a fresh session with ORT's own profiler on (`enableProfiling`) and reports each kernel of
 * the second run: its op type as ORT ran it (after ORT's fusions, e.g. FusedGemm, FusedMatMul) and its time in ms.
 * The first run is left out because it grows the memory arena. A fresh session because ORT profiles a session
 * from its creation to `endProfiling`, and the cached ones serve every other run. The trace file goes to a
 * scratch folder that is removed.
 */
export async function profiledRun(
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  feeds: Record<string, ort.Tensor>,
  profile: (op: string, ms: number) => void,
): Promise<ort.InferenceSession.ReturnType> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-ort-profile-'));
  try {
    const session = await ort.InferenceSession.create(model, { ...options, enableProfiling: true, profileFilePrefix: join(dir, 'ort') });
    await session.run(feeds);
    const results = await session.run(feeds);
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error(`onnxruntime wrote no profile into ${dir} (profiling was on); its build may lack the profiler`);
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[];
    const last = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').at(-1);
    if (!last) throw new Error(`onnxruntime's profile ${file} has no model_run event`);
    for (const e of events) {
      if (e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.ts >= last.ts && e.ts <= last.ts + last.dur) profile(e.args?.op_name ?? e.name, e.dur / 1000);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
