import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on CI: more workers than that only thrash the ORT and torch threads.
    maxWorkers: 2,
    setupFiles: ['tests/setup.ts'],
  },
});
