/**
 * Each test file's temporary directories (run folders, engines' data: a Dapr case alone keeps 62 MB of etcd WAL) are
 * removed once the file has passed, so that repeated full runs do not fill the disk; a file with a failed test keeps
 * them all, to debug with, and so does ORDEAL_KEEP_TEST_DIRS=1.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeEach } from 'vitest';
import { takeTempDirs } from './helpers/cli.js';

let failed = false;

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    failed = true;
  });
});

afterAll(() => {
  const dirs = takeTempDirs();
  if (failed || process.env.ORDEAL_KEEP_TEST_DIRS) {
    if (failed && dirs.length > 0) process.stderr.write(`kept for debugging: ${dirs.join(' ')}\n`);
    return;
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});
