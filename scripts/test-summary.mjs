#!/usr/bin/env node
// Prints vitest's JSON report as the plain closing line CI tooling reads: "tests: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.cache/vitest.json';
const r = JSON.parse(readFileSync(file, 'utf8'));
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
