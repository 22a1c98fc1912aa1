import { z } from 'zod';

/**
 * `manifest.json` of one report-archive entry (spec: specs/archive-and-plans.md §2). It is written last, after
 * every other file of the entry, and lists each file's sha256, so `tandem report show` can prove the evidence
 * is what the run wrote.
 */
export const MANIFEST_FORMAT = 'tandem.report-archive';
export const MANIFEST_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

/** pass: every exit criterion held; fail: a criterion failed; error: the phase could not be evaluated at all. */
export const VERDICTS = ['pass', 'fail', 'error'] as const;
export type ArchiveVerdict = (typeof VERDICTS)[number];

const criterionSchema = z.strictObject({
  /** What was required, as a sentence ("all 3 selected parity cases pass"). */
  description: z.string(),
  passed: z.boolean(),
  /** Why it failed, or what it counted. */
  detail: z.string(),
});
export type CriterionResult = z.infer<typeof criterionSchema>;

const fileRecordSchema = z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() });
export type FileRecord = z.infer<typeof fileRecordSchema>;

export const manifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(MANIFEST_VERSION),
  initiative: z.string().min(1),
  phase: z.string().min(1),
  /** ISO-8601 UTC; the entry's directory name is the same instant as YYYYMMDDTHHMMSSZ. */
  createdAt: z.string(),
  /** null outside a git checkout. `dirty` = uncommitted changes existed, so the commit alone does not reproduce it. */
  git: z.strictObject({ commit: z.string().nullable(), dirty: z.boolean().nullable() }),
  /** Each experiment config the entry used: the file as given, its overrides and the resolved config's hash. */
  configs: z.array(z.strictObject({ file: z.string(), overrides: z.array(z.string()), hash: z.string() })),
  /** Tool versions; null where the tool could not be found (torch without python, say). */
  versions: z.record(z.string(), z.string().nullable()),
  host: z.strictObject({ hostname: z.string(), platform: z.string(), arch: z.string(), cpus: z.number().int(), cpuModel: z.string() }),
  /** The selectors that chose what ran, as the plan wrote them. */
  selectors: z.array(z.string()),
  verdict: z.enum(VERDICTS),
  criteria: z.array(criterionSchema),
  /** Every file of the entry except the manifest itself, by path relative to the entry, with '/' separators. */
  files: z.record(z.string(), fileRecordSchema),
});
export type ArchiveManifest = z.infer<typeof manifestSchema>;

/** The fields a caller provides; the writer adds format, version, createdAt and the file checksums. */
export type ManifestInput = Omit<ArchiveManifest, 'format' | 'version' | 'createdAt' | 'files'>;
