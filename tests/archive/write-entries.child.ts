// Child process of tests/archive/concurrency.test.ts: write N entries, all stamped the same instant, as fast as possible.
import { writeArchiveEntry } from '../../src/orchestrator/archive/write-entry.ts';
import { manifestInput } from './entries.ts';

const [root, count, tag] = process.argv.slice(2);
for (let i = 0; i < Number(count); i++) {
  writeArchiveEntry({ reportsRoot: root, files: [{ path: 'writer.txt', data: `${tag} ${i}` }], manifest: manifestInput(), now: new Date('2026-11-23T04:15:02Z') });
}
