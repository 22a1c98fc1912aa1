import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify, type ScalarTag, type Tags } from 'yaml';
import { writeFileAtomic } from '../../../../util/atomic-write.ts';

/**
 * `meta.yaml` as MLflow writes it: `yaml.dump(data, default_flow_style=False, allow_unicode=True, sort_keys=True,
 * Dumper=SafeDumper)`. PyYAML speaks YAML 1.1, so strings such as `'0'`, `'yes'` or `'1e3'` must be quoted or
 * MLflow reads them back as numbers and booleans; single quotes and no line folding match its output byte for byte
 * (tests/trackers/folder-store-layout.test.ts re-dumps our files with PyYAML and compares).
 */
// One resolver differs: the `yaml` package's YAML 1.1 exponent float accepts `1e3`, PyYAML's needs a dot and a sign
// (`1.0e+3`), so PyYAML writes and reads `1e3` as a plain string. Both directions use PyYAML's rule.
const PYYAML_EXPONENT_FLOAT = /^[-+]?[0-9][0-9_]*\.[0-9_]*[eE][-+][0-9]+$/;
const pyyamlTags = (tags: Tags): Tags =>
  tags.map((tag) => (typeof tag === 'object' && tag.tag === 'tag:yaml.org,2002:float' && tag.format === 'EXP' ? ({ ...tag, test: PYYAML_EXPONENT_FLOAT } as ScalarTag) : tag));
const PYYAML_SCHEMA = { version: '1.1', customTags: pyyamlTags } as const;
const PYYAML_STYLE = { ...PYYAML_SCHEMA, sortMapEntries: true, singleQuote: true, lineWidth: 0 } as const;

export const META_FILE = 'meta.yaml';

export function writeMeta(dir: string, data: Record<string, unknown>): void {
  writeFileAtomic(join(dir, META_FILE), stringify(data, PYYAML_STYLE));
}

export function readMeta(dir: string): Record<string, unknown> | undefined {
  try {
    const data: unknown = parse(readFileSync(join(dir, META_FILE), 'utf8'), PYYAML_SCHEMA);
    return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Experiment meta (§1.3): `dict(Experiment)` without tags, which live in files. */
export function experimentMeta(id: string, name: string, artifactLocation: string, now: number): Record<string, unknown> {
  return { artifact_location: artifactLocation, creation_time: now, experiment_id: id, last_update_time: now, lifecycle_stage: 'active', name };
}

export interface RunMetaFields {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly artifactUri: string;
  readonly userId: string;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly status: number;
}

/** Run meta (§1.4): RunInfo plus the legacy padding `_make_persisted_run_info_dict` still writes for old readers. */
export function runMeta(f: RunMetaFields): Record<string, unknown> {
  return {
    artifact_uri: f.artifactUri,
    deleted_time: null,
    end_time: f.endTime,
    entry_point_name: '',
    experiment_id: f.experimentId,
    lifecycle_stage: 'active',
    run_id: f.runId,
    run_name: f.runName,
    run_uuid: f.runId,
    source_name: '',
    source_type: 4,
    source_version: '',
    start_time: f.startTime,
    status: f.status,
    tags: [],
    user_id: f.userId,
  };
}
