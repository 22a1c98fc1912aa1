#!/usr/bin/env node
// Architecture lint: the dependency rules of ARCHITECTURE.md and STYLE.md that tsc cannot see.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const problems = [];

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'generated') continue;
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|mts)$/.test(name)) out.push(p);
  }
  return out;
}

const importRe = /^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gm;
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(importRe)].map((m) => m[1]);
}

const srcFiles = walk(join(root, 'src'));
for (const file of srcFiles) {
  const rel = relative(root, file);
  const text = readFileSync(file, 'utf8');
  for (const spec of importsOf(file)) {
    if (!spec.startsWith('.')) continue;
    const target = relative(root, resolve(dirname(file), spec));
    // graph/ imports nothing of ours.
    if (rel.startsWith('src/graph/') && !target.startsWith('src/graph/')) {
      problems.push(`${rel}: src/graph must not import ${target} (the graph IR depends on nothing of ours)`);
    }
    // Dependencies point one way: nothing below the orchestrator reaches up into it or the CLI.
    const low = ['src/graph/', 'src/autodiff/', 'src/train/', 'src/physics/', 'src/data/', 'src/plugins/', 'src/parity/'];
    if (low.some((p) => rel.startsWith(p)) && (target.startsWith('src/orchestrator/') || target.startsWith('src/cli/'))) {
      problems.push(`${rel}: imports ${target}; dependencies point cli → orchestrator → {plugins, train, parity}`);
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
