/** Workflow code bundled once with webpack and cached by content, so a restarted worker starts in well under a second. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { packageRoot } from '../../harness/paths.js';
import type { AgentVersion } from '../../harness/agent/deploy.js';

const here = dirname(fileURLToPath(import.meta.url));
export const workflowsPath = join(here, 'workflows.js');

/**
 * Returns the path of a bundle of `workflows.js` (+ interceptor modules), building it only when the sources changed.
 * For version 2 of the agent (deploy) the bundle's entry exports `agentWorkflowOf(version)` as `agentWorkflow`: new
 * code under the same workflow type, as a user ships it.
 */
export async function workflowBundlePath(interceptorModules: string[] = [], version?: AgentVersion): Promise<string> {
  const require = createRequire(import.meta.url);
  const hash = createHash('sha256');
  // the workflow's own modules (harness/agent's sandbox-safe ones included): a change to any of them rebuilds the bundle
  for (const f of [
    workflowsPath,
    join(here, 'shared.js'),
    ...['conversation.js', 'loop.js', 'deploy.js'].map((m) => join(here, '../../harness/agent', m)),
  ])
    hash.update(readFileSync(f));
  hash.update(JSON.stringify(interceptorModules));
  hash.update(String((require('@temporalio/workflow/package.json') as { version: string }).version));
  const v2 = version?.version === 2 ? version : undefined;
  if (v2) hash.update(JSON.stringify(v2));
  const dir = join(packageRoot, 'node_modules', '.cache', 'ordeal-temporal');
  const name = hash.digest('hex').slice(0, 16);
  const file = join(dir, `workflows-${name}.js`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  let entry = workflowsPath;
  if (v2) {
    // beside workflows.js: the bundler resolves @temporalio/workflow from the entry's folder, and builds none under node_modules
    entry = join(here, `workflows-v2-${name}-${process.pid}.js`);
    const from = JSON.stringify(workflowsPath);
    writeFileSync(
      entry,
      `import { agentWorkflowOf } from ${from};\nexport { approvalSignal } from ${from};\nexport const agentWorkflow = agentWorkflowOf(${JSON.stringify(v2)});\n`,
    );
  }
  const { code } = await bundleWorkflowCode({ workflowsPath: entry, workflowInterceptorModules: interceptorModules }).finally(() => {
    if (entry !== workflowsPath) rmSync(entry, { force: true });
  });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file); // atomic: two workers bundling at once both end with a whole file
  return file;
}
