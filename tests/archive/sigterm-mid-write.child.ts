// Child process of tests/archive/signals.test.ts: archive one entry and SIGTERM itself while the second file is
// being written (its data getter sends the signal), the worst moment for a half-written entry.
import { writeArchiveEntry } from '../../src/orchestrator/archive/write-entry.ts';
import { manifestInput } from './entries.ts';

const [root] = process.argv.slice(2);
const interrupted = {
  path: 'second.txt',
  get data() {
    process.kill(process.pid, 'SIGTERM');
    return 'second';
  },
};
writeArchiveEntry({ reportsRoot: root, files: [{ path: 'first.txt', data: 'first' }, interrupted, { path: 'third.txt', data: 'third' }], manifest: manifestInput() });
// The signal must end the process right after the write; reaching this timer would mean it was swallowed.
setTimeout(() => process.stdout.write('the signal was lost\n'), 3000);
