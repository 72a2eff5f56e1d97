/** Workflow code bundled once with webpack and cached by content, so a restarted worker starts in well under a second. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { packageRoot } from '../../harness/paths.js';

const here = dirname(fileURLToPath(import.meta.url));
export const workflowsPath = join(here, 'workflows.js');

/** Returns the path of a bundle of `workflows.js` (+ interceptor modules), building it only when the sources changed. */
export async function workflowBundlePath(interceptorModules: string[] = []): Promise<string> {
  const require = createRequire(import.meta.url);
  const hash = createHash('sha256');
  // the workflow's own modules (harness/agent's sandbox-safe ones included): a change to any of them rebuilds the bundle
  for (const f of [workflowsPath, join(here, 'shared.js'), ...['conversation.js', 'loop.js'].map((m) => join(here, '../../harness/agent', m))])
    hash.update(readFileSync(f));
  hash.update(JSON.stringify(interceptorModules));
  hash.update(String((require('@temporalio/workflow/package.json') as { version: string }).version));
  const dir = join(packageRoot, 'node_modules', '.cache', 'ordeal-temporal');
  const file = join(dir, `workflows-${hash.digest('hex').slice(0, 16)}.js`);
  if (existsSync(file)) return file;
  const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: interceptorModules });
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file); // atomic: two workers bundling at once both end with a whole file
  return file;
}
