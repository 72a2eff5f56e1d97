import { DEPLOY_CHANGE_HELP, DEPLOY_CHANGES } from '../agent/deploy.js';
import { HarnessError } from '../errors.js';
import { defineFault } from './schema.js';

/** The environment a worker of version 2 starts with (read by `agentVersion`, harness/agent/deploy.ts). */
export const deployEnv = (change: string): Record<string, string> => ({ ORDEAL_AGENT_VERSION: '2', ORDEAL_DEPLOY_CHANGE: change });

/** A rollout at the trigger: every worker stopped as Kubernetes stops a pod, and started again on version 2 of the agent. */
export const deploy = defineFault({
  name: 'deploy',
  description:
    'roll out version 2 of the agent at the trigger: the workers get SIGTERM (SIGKILL after 3 s) and restart on version 2, which differs by `change`; ' +
    "`--opt versioning=on` makes version 2 use the framework's own versioning tool",
  params: {
    change: {
      type: 'choice',
      values: DEPLOY_CHANGES,
      default: 'extra-step',
      draw: true,
      doc: `what version 2 changes: ${DEPLOY_CHANGES.map((c) => `${c} (${DEPLOY_CHANGE_HELP[c]})`).join('; ')}`,
    },
  },
  async fire(ctx, p) {
    if (!ctx.redeployWorkers) throw new HarnessError('deploy: this case cannot restart its workers', 'ORD-331');
    const redeploy = ctx.redeployWorkers.bind(ctx);
    // the held request goes on: a rollout stops a worker gracefully, whatever it is doing
    return { release: { type: 'continue' }, after: () => redeploy(deployEnv(p.change)) };
  },
});
