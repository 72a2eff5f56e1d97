// Builds dist/ once before the tests: child worker processes run compiled JS (plain `node` cannot run TS).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  try {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    // Type errors elsewhere still emit JS (noEmitOnError is off); only a missing build is fatal.
    if (!existsSync(`${root}dist/adapters/reference/runtime/index.js`)) throw error;
    process.stderr.write(`global-setup: tsc reported errors:\n${String((error as { stdout?: Buffer }).stdout ?? error)}\n`);
  }
}
