import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // removes a passing file's temporary directories (test/helpers/cli.ts tempDir)
    setupFiles: ['test/cleanup.ts'],
    // end-to-end cases start real processes: give them room, and keep two cores from thrashing
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
