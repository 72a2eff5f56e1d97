import { DEPLOY_CHANGE_HELP, DEPLOY_CHANGES, DEPLOY_ROLLOUTS } from '../agent/deploy.js';
import { HarnessError } from '../errors.js';
import { defineFault } from './schema.js';

/** The environment a worker of version 2 starts with (read by `agentVersion`, harness/agent/deploy.ts). */
export const deployEnv = (change: string): Record<string, string> => ({ ORDEAL_AGENT_VERSION: '2', ORDEAL_DEPLOY_CHANGE: change });

/**
 * A rollout at the trigger: every worker stopped as Kubernetes stops a pod and started again on version 2 of the agent
 * (`rolling`), or version 2's workers started beside version 1's, which run on (`blue-green`).
 */
export const deploy = defineFault({
  name: 'deploy',
  description:
    'roll out version 2 of the agent at the trigger: the workers get SIGTERM (SIGKILL after 3 s) and restart on version 2, which differs by `change` ' +
    "(`rollout=blue-green`: version 2's workers start beside version 1's, which keep running); " +
    "`--opt versioning=on` makes version 2 use the framework's own versioning tool",
  params: {
    change: {
      type: 'choice',
      values: DEPLOY_CHANGES,
      default: 'extra-step',
      draw: true,
      doc: `what version 2 changes: ${DEPLOY_CHANGES.map((c) => `${c} (${DEPLOY_CHANGE_HELP[c]})`).join('; ')}`,
    },
    rollout: {
      type: 'choice',
      values: DEPLOY_ROLLOUTS,
      default: 'rolling',
      draw: true,
      doc:
        "how version 2 reaches the workers: rolling (every worker stopped and started again on version 2) or blue-green (version 2's " +
        "workers started beside version 1's, which run on until the case ends; only on adapters whose manifest declares `deploy.blueGreen`)",
    },
  },
  async fire(ctx, p) {
    if (!ctx.redeployWorkers || !ctx.deployBeside) throw new HarnessError('deploy: this case cannot restart its workers', 'ORD-331');
    const env = deployEnv(p.change);
    const roll = p.rollout === 'blue-green' ? ctx.deployBeside.bind(ctx, env) : ctx.redeployWorkers.bind(ctx, env);
    // the held request goes on: a rollout stops a worker gracefully, whatever it is doing
    return { release: { type: 'continue' }, after: () => roll() };
  },
});
