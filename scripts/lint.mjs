#!/usr/bin/env node
// Architecture lint: the dependency rules of docs/architecture.md that tsc cannot see.
// Usage: node scripts/lint.mjs [repository root]  (default: the repository holding this script).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(new URL(import.meta.url).pathname), '..');
const problems = [];

/**
 * Which top-level folders of src/ each one may import (besides itself). This is the layering of
 * docs/architecture.md: graph is a leaf; contracts hold the shared interfaces; only the composition root
 * (and the plugin index, inside plugins/) imports plugins; nothing below the orchestrator reaches up into it.
 */
const ALLOWED = {
  graph: [],
  util: [],
  data: ['graph', 'util'],
  autodiff: ['graph', 'data', 'util'],
  contracts: ['graph', 'data', 'util', 'train'],
  physics: ['contracts', 'graph', 'autodiff', 'data', 'util'],
  train: ['contracts', 'graph', 'autodiff', 'data', 'util', 'physics', 'reports'],
  parity: ['contracts', 'graph', 'autodiff', 'data', 'util', 'train', 'physics'],
  reports: ['contracts', 'graph', 'data', 'util', 'train', 'parity'],
  conformance: ['contracts', 'graph', 'data', 'util'],
  plugins: ['contracts', 'graph', 'autodiff', 'data', 'util', 'train', 'physics', 'reports'],
  orchestrator: ['contracts', 'graph', 'autodiff', 'data', 'util', 'train', 'physics', 'parity', 'reports', 'conformance', 'plugins'],
  bench: ['contracts', 'graph', 'autodiff', 'data', 'util', 'train', 'physics', 'parity', 'orchestrator'],
  cli: ['contracts', 'graph', 'autodiff', 'data', 'util', 'train', 'physics', 'parity', 'reports', 'conformance', 'orchestrator', 'bench'],
};
/** The one module outside src/plugins/ that may import plugins: it wires them (and re-exports the registry). */
const COMPOSITION_ROOT = 'src/orchestrator/composition-root.ts';
/** Contracts may name train's types (TrainingProgram, DerivativeRecord) but never run train code. */
const TYPE_ONLY = { contracts: ['train'] };

function walk(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'generated') continue;
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|mts)$/.test(name)) out.push(p);
  }
  return out;
}

const importRe = /^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gm;
const dynamicImportRe = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  return [
    ...[...text.matchAll(importRe)].map((m) => ({ spec: m[1], typeOnly: /^\s*(?:import|export)\s+type\s/.test(m[0]) })),
    ...[...text.matchAll(dynamicImportRe)].map((m) => ({ spec: m[1], typeOnly: false })),
  ];
}

const layerOf = (path) => (path.startsWith('src/') ? path.split('/')[1] : undefined);

const srcFiles = walk(join(root, 'src'));
for (const file of srcFiles) {
  const rel = relative(root, file);
  const text = readFileSync(file, 'utf8');
  const from = layerOf(rel);
  for (const { spec, typeOnly } of importsOf(file)) {
    if (!spec.startsWith('.')) continue;
    const target = relative(root, resolve(dirname(file), spec));
    const to = layerOf(target);
    if (!from || !to || to === from) continue;
    const allowed = ALLOWED[from];
    if (!allowed) {
      problems.push(`${rel}: src/${from}/ has no place in the layering; add it to ALLOWED in scripts/lint.mjs and to docs/architecture.md`);
      break;
    }
    if (!allowed.includes(to)) {
      const may = allowed.length ? allowed.map((l) => `src/${l}/`).join(', ') : 'nothing of ours';
      problems.push(`${rel}: imports '${spec}' (${target}); src/${from}/ may import only ${may}`);
    } else if (to === 'plugins' && rel !== COMPOSITION_ROOT) {
      problems.push(`${rel}: imports '${spec}' (${target}); only ${COMPOSITION_ROOT} imports plugins — use the contracts in src/contracts/ and the registry it exports`);
    } else if (TYPE_ONLY[from]?.includes(to) && !typeOnly) {
      problems.push(`${rel}: imports '${spec}' (${target}) for its code; src/${from}/ may import src/${to}/ only with \`import type\``);
    }
  }
  // Only the composition root touches the DI container.
  if (/new Container\(/.test(text) && !rel.endsWith('composition-root.ts')) {
    problems.push(`${rel}: creates a DI container; only src/orchestrator/composition-root.ts may`);
  }
}

for (const file of walk(join(root, 'tests'))) {
  const text = readFileSync(file, 'utf8');
  if (/\b(it|test|describe)\.only\(/.test(text)) problems.push(`${relative(root, file)}: a focused test (.only) hides the rest of the suite`);
}

if (problems.length) {
  console.error(`lint: ${problems.length} problem(s)\n` + problems.map((p) => `  - ${p}`).join('\n'));
  process.exit(1);
}
console.log(`lint: ${srcFiles.length} source files, architecture rules hold`);
