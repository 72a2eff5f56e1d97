import { defineConfig } from 'vitest/config';
import SlowFirst from './test/sequencer.js';

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
    // the files that take minutes start first, so none is left running alone at the end (test/sequencer.ts)
    sequence: { sequencer: SlowFirst },
  },
});
