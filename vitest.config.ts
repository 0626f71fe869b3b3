import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each database-backed file gets its own PGlite instance / Postgres database, so files may run in parallel.
    fileParallelism: true,
  },
});
