#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so a fresh clone needs no build step. tsx is pointed at
// tandem's own tsconfig.json (decorators, module settings): by default it reads the one in the current directory,
// which is someone else's project, or none, when tandem runs anywhere but its own root. The variable (not
// register's option) so that processes tandem forks with tsx (sweep jobs) read the same file.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

process.env.TSX_TSCONFIG_PATH = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
register();
await import('../src/cli/main.ts');
