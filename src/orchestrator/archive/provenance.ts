import { cpus, hostname } from 'node:os';
import { execa } from 'execa';
import { gitState } from '../../util/git-state.ts';
import { toolVersions } from '../../util/package-version.ts';
import type { ArchiveManifest } from './manifest.ts';

/**
 * Where and with what an archive entry was produced: the git commit, tool versions and host
 * (spec: specs/archive-and-plans.md §2). Every probe degrades to null instead of failing, because an archive
 * of a run outside a git checkout or without python is still evidence worth keeping.
 */
export interface Provenance {
  readonly git: ArchiveManifest['git'];
  readonly versions: Record<string, string | null>;
  readonly host: ArchiveManifest['host'];
}

export interface ProvenanceOptions {
  /** The directory whose git checkout is described (the project root). */
  readonly cwd: string;
  /** The python that runs the torch reference; its torch version is recorded. */
  readonly python?: string;
}

export async function collectProvenance(options: ProvenanceOptions): Promise<Provenance> {
  const [git, torch] = await Promise.all([gitState(options.cwd), torchVersion(options.python ?? '/usr/bin/python3')]);
  return {
    git,
    versions: { ...toolVersions(), torch },
    host: { hostname: hostname(), platform: process.platform, arch: process.arch, cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown' },
  };
}

/** Importing torch takes seconds; a process asks once per python (the installed torch does not change under it). */
const torchVersions = new Map<string, Promise<string | null>>();

function torchVersion(python: string): Promise<string | null> {
  let version = torchVersions.get(python);
  if (!version) {
    version = execa(python, ['-c', 'import torch; print(torch.__version__)'], { reject: false, timeout: 60_000 }).then((probe) =>
      probe.exitCode === 0 ? probe.stdout.trim() : null,
    );
    torchVersions.set(python, version);
  }
  return version;
}
