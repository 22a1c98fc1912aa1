import { defineConfig } from 'vitest/config';

// vitest 5's reporter calls Map.groupBy, which Node 20 lacks (it arrived in Node 21): without this a failing
// test crashes the reporter and its assertion message is never printed.
if (!(Map as unknown as { groupBy?: unknown }).groupBy) {
  Object.defineProperty(Map, 'groupBy', {
    value<K, T>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
      const out = new Map<K, T[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        const list = out.get(k);
        if (list) list.push(item);
        else out.set(k, [item]);
      }
      return out;
    },
  });
}

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on CI: more workers than that only thrash the ORT and torch threads.
    maxWorkers: 2,
    setupFiles: ['tests/setup.ts'],
    // On CI a JSON report is kept too, so .ci/run can print the counts as one plain closing line.
    ...(process.env.CI ? { reporters: ['default', 'json'], outputFile: { json: '.cache/vitest.json' } } : {}),
  },
});
