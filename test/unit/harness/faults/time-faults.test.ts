import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVersion, DEPLOY_CHANGES } from '../../../../harness/agent/deploy.js';
import { OrdealError } from '../../../../harness/errors.js';
import { FakeClock } from '../../../../harness/faults/fake-clock.js';
import { faketimePreload } from '../../../../harness/engines/faketime.js';
import { registerAdapter } from '../../../../adapters/index.js';
import { enginesRoot } from '../../../../harness/engines/index.js';
import { faults, parseFaultFlag, type FaultContext } from '../../../../harness/faults/index.js';
import { singleFaultPoints, scheduleArbitrary } from '../../../../harness/schedule/index.js';
import { resolveScenario } from '../../../../harness/scenario/index.js';
import { checkTimeFaults } from '../../../../harness/run/time-checks.js';
import fc from 'fast-check';

/** A fault context that records what a fault does to the case. */
function recorder() {
  const did: string[] = [];
  const ctx: FaultContext = {
    killWorker: async () => void did.push('killWorker'),
    startWorker: async () => void did.push('startWorker'),
    pauseWorker: () => void did.push('pauseWorker'),
    resumeWorker: () => void did.push('resumeWorker'),
    setResource: () => undefined,
    sleep: async (ms) => void did.push(`sleep ${ms}`),
    startExtraWorker: async () => void did.push('startExtraWorker'),
    redeployWorkers: async (env) => void did.push(`redeploy ${JSON.stringify(env)}`),
    deployBeside: async (env) => void did.push(`beside ${JSON.stringify(env)}`),
    jumpClock: async (target, ms) => void did.push(`jump ${target} ${ms}`),
  };
  return { did, ctx };
}

async function fire(text: string, ctx: FaultContext) {
  const spec = parseFaultFlag(text);
  const firing = await faults[spec.fault]!.fire(ctx, spec, { kind: 'step', n: 1 });
  await firing.after?.();
  return firing;
}

/** The exit-2 error `fn` throws, with its code. */
function refusal(fn: () => unknown): OrdealError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OrdealError);
    expect((e as OrdealError).exitCode).toBe(2);
    return e as OrdealError;
  }
  throw new Error('it was accepted');
}

describe('time and change faults', () => {
  it('extra-worker starts one more worker and lets the held request go on', async () => {
    const { did, ctx } = recorder();
    const firing = await fire('extra-worker@step:1', ctx);
    expect(firing.release).toEqual({ type: 'continue' });
    expect(did).toEqual(['startExtraWorker']);
    expect(() => parseFaultFlag('extra-worker@step:1,n=2')).toThrow(/unknown parameter 'n'.*no parameters/);
  });

  it('deploy restarts the workers on version 2 with the change, extra-step by default', async () => {
    const { did, ctx } = recorder();
    await fire('deploy@step:3', ctx);
    await fire('deploy@step:3,change=rename-tool', ctx);
    await fire('deploy@step:3,change=changed-arg,rollout=blue-green', ctx);
    expect(did).toEqual([
      'redeploy {"ORDEAL_AGENT_VERSION":"2","ORDEAL_DEPLOY_CHANGE":"extra-step"}',
      'redeploy {"ORDEAL_AGENT_VERSION":"2","ORDEAL_DEPLOY_CHANGE":"rename-tool"}',
      // blue-green: version 2 beside version 1, nothing stopped
      'beside {"ORDEAL_AGENT_VERSION":"2","ORDEAL_DEPLOY_CHANGE":"changed-arg"}',
    ]);
    expect(() => parseFaultFlag('deploy@step:3,change=new-model')).toThrow(/change.*one of extra-step, rename-tool, changed-arg, system-prompt/);
    expect(() => parseFaultFlag('deploy@step:3,rollout=canary')).toThrow(/rollout.*one of rolling, blue-green/);
  });

  it('clock-jump moves the target clock, forward or back, and holds until the target re-reads it', async () => {
    const { did, ctx } = recorder();
    await fire('clock-jump@step:1', ctx);
    await fire('clock-jump@step:1,target=engine,ms=-5000', ctx);
    expect(did).toEqual(['jump worker 60000', 'sleep 1200', 'jump engine -5000', 'sleep 1200']);
    expect(() => parseFaultFlag('clock-jump@step:1,target=world')).toThrow(/target.*one of worker, engine/);
    expect(() => parseFaultFlag('clock-jump@step:1,ms=1.5')).toThrow(/ms.*whole number/);
  });

  it("a fake clock writes libfaketime's relative offset, summing the jumps, and preloads the library", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ordeal-clock-')), 'clock', 'worker.faketime');
    const clock = new FakeClock(file);
    expect(readFileSync(file, 'utf8')).toBe('+0.000\n');
    clock.jump(90_500);
    expect(readFileSync(file, 'utf8')).toBe('+90.500\n');
    clock.jump(-100_000);
    expect([clock.offset, readFileSync(file, 'utf8')]).toEqual([-9500, '-9.500\n']);
    const env = clock.env({ LD_PRELOAD: '/lib/other.so' }, ['/opt/faketime/ordeal-monotonic-sleep.so', '/opt/faketime/libfaketime.so.1']);
    // ordeal's monotonic-sleep preload goes ahead of libfaketime, so that its clock_nanosleep is the one called
    expect(env.LD_PRELOAD).toBe('/lib/other.so:/opt/faketime/ordeal-monotonic-sleep.so:/opt/faketime/libfaketime.so.1');
    expect(env).toMatchObject({ FAKETIME_TIMESTAMP_FILE: file, FAKETIME_DONT_FAKE_MONOTONIC: '1' });
  });

  it('a worker learns its version from its environment; a bad change is an error', () => {
    expect(agentVersion({})).toEqual({ version: 1, versioning: false });
    expect(agentVersion({ ORDEAL_AGENT_VERSION: '2', ORDEAL_DEPLOY_CHANGE: 'changed-arg' }, { versioning: 'on' })).toEqual({
      version: 2,
      change: 'changed-arg',
      versioning: true,
    });
    expect(() => agentVersion({ ORDEAL_AGENT_VERSION: '2', ORDEAL_DEPLOY_CHANGE: 'x' })).toThrow(/ORDEAL_DEPLOY_CHANGE must be one of/);
  });

  it('refuses deploy on an adapter that does not declare it or a change it does not carry, and clock-jump on an engine libfaketime cannot move', () => {
    // a team's adapter with no deploy declaration in its manifest: every built-in one declares it
    const undeclared = registerAdapter({
      name: 'no-deploy',
      worker: () => ({ command: 'true', args: [] }),
      submit: async () => ({ id: 'x' }),
      approve: async () => undefined,
      outcome: async () => ({ status: 'running' }),
    });
    const noDeploy = refusal(() => checkTimeFaults([{ fault: 'deploy', at: 'step:3' }], undeclared.name));
    expect([noDeploy.code, noDeploy.message]).toEqual([
      'ORD-113',
      expect.stringMatching(
        /^fault deploy is not supported by adapter 'no-deploy': its manifest declares no deploy support.*adapters that do: reference, .*\bdapr-agents\b/,
      ),
    ]);
    expect(noDeploy.message).not.toMatch(/adapters that do: .*no-deploy/);
    // dapr-agents carries three of the four changes (DurableAgent has no per-tool activity to rename)
    for (const change of ['extra-step', 'changed-arg', 'system-prompt']) checkTimeFaults([{ fault: 'deploy', at: 'step:3', change }], 'dapr-agents');
    const unlisted = refusal(() => checkTimeFaults([{ fault: 'deploy', at: 'step:3', change: 'rename-tool' }], 'dapr-agents'));
    expect([unlisted.code, unlisted.message]).toEqual([
      'ORD-114',
      "fault deploy change=rename-tool is not supported by adapter 'dapr-agents': expected one of extra-step, changed-arg, system-prompt",
    ]);
    expect(refusal(() => checkTimeFaults([{ fault: 'clock-jump', at: 'step:1', target: 'engine' }], 'temporal')).message).toMatch(
      /cannot skew adapter 'temporal''s engine: the Temporal CLI dev server is a statically linked Go binary/,
    );
    for (const dapr of ['dapr', 'dapr-agents'])
      expect(refusal(() => checkTimeFaults([{ fault: 'clock-jump', at: 'step:1', target: 'engine' }], dapr)).message).toMatch(
        new RegExp(`cannot skew adapter '${dapr}''s engine: .*daprd.*statically linked Go binary`),
      );
    expect(refusal(() => checkTimeFaults([{ fault: 'clock-jump', at: 'step:1', target: 'engine' }], 'reference')).message).toMatch(
      /adapter 'reference' has no engine process/,
    );
    // a worker its adapter declares out of reach (say, a static binary): refused with the adapter's reason
    const unreachable = registerAdapter({
      name: 'static-worker',
      workerClock: { libc: false, why: 'a statically linked binary' },
      worker: () => ({ command: 'true', args: [] }),
      submit: async () => ({ id: 'x' }),
      approve: async () => undefined,
      outcome: async () => ({ status: 'running' }),
    });
    expect(refusal(() => checkTimeFaults([{ fault: 'clock-jump', at: 'step:1' }], unreachable.name)).message).toMatch(
      /cannot skew adapter 'static-worker''s worker: a statically linked binary.*/,
    );
    for (const change of DEPLOY_CHANGES) checkTimeFaults([{ fault: 'deploy', at: 'step:3', change }], 'temporal');
    // blue-green only where the manifest says how version 2 runs beside version 1
    for (const a of ['temporal', 'pydantic-ai', 'restate', 'dbos']) checkTimeFaults([{ fault: 'deploy', at: 'step:3', rollout: 'blue-green' }], a);
    const blueGreen = refusal(() => checkTimeFaults([{ fault: 'deploy', at: 'step:3', rollout: 'blue-green' }], 'langgraph'));
    expect([blueGreen.code, blueGreen.message]).toEqual([
      'ORD-119',
      expect.stringMatching(
        /^fault deploy rollout=blue-green is not supported by adapter 'langgraph': .*use rollout=rolling, or an adapter that does: restate, temporal, dbos, pydantic-ai$/,
      ),
    ]);
    // accepted where libfaketime is installed (on Python workers too), else refused saying how to install it
    if (faketimePreload(enginesRoot()))
      for (const a of ['temporal', 'langgraph-py', 'dapr-agents']) checkTimeFaults([{ fault: 'clock-jump', at: 'step:1' }], a);
    else
      expect(refusal(() => checkTimeFaults([{ fault: 'clock-jump', at: 'step:1' }], 'temporal')).message).toMatch(/ordeal engines install faketime/);
  });

  it('ordeal check draws all three, with their parameters', () => {
    const scenario = resolveScenario('refund-agent');
    const space = { scenario, faults: ['extra-worker', 'clock-jump', 'deploy'], hasEngine: true, maxFaults: 1 };
    expect(new Set(singleFaultPoints(space).map((s) => s[0]!.fault))).toEqual(new Set(['extra-worker', 'clock-jump', 'deploy']));
    const drawn = fc.sample(scheduleArbitrary(space), { numRuns: 300, seed: 5 }).flat();
    expect(new Set(drawn.filter((f) => f.fault === 'deploy').map((f) => f.change ?? 'extra-step'))).toEqual(new Set(DEPLOY_CHANGES));
    const jumps = drawn.filter((f) => f.fault === 'clock-jump' && typeof f.ms === 'number').map((f) => f.ms as number);
    expect(jumps.some((ms) => ms < 0) && jumps.some((ms) => ms > 0)).toBe(true);
    // the target is not drawn: only the workers' clock can be skewed on every built-in adapter
    expect(drawn.some((f) => f.fault === 'clock-jump' && f.target !== undefined)).toBe(false);
  });

  it('ordeal check draws only the deploy changes the adapter carries, and always names one when the default is not among them', () => {
    const scenario = resolveScenario('refund-agent');
    const changes = (deployChanges: readonly string[]) =>
      fc
        .sample(scheduleArbitrary({ scenario, faults: ['deploy'], hasEngine: true, maxFaults: 1, deployChanges }), { numRuns: 200, seed: 5 })
        .flat()
        .map((f) => f.change);
    // dapr-agents' three: left out, the change is the default (extra-step), one of them
    expect(new Set(changes(['extra-step', 'changed-arg', 'system-prompt']).map((c) => c ?? 'extra-step'))).toEqual(
      new Set(['extra-step', 'changed-arg', 'system-prompt']),
    );
    expect(new Set(changes(['changed-arg', 'system-prompt']))).toEqual(new Set(['changed-arg', 'system-prompt']));
    expect(new Set(changes(['system-prompt']))).toEqual(new Set(['system-prompt']));
  });

  it('ordeal check draws a blue-green rollout only on an adapter that declares one', () => {
    const scenario = resolveScenario('refund-agent');
    const rollouts = (deployRollouts: readonly string[]) =>
      new Set(
        fc
          .sample(scheduleArbitrary({ scenario, faults: ['deploy'], hasEngine: true, maxFaults: 1, deployRollouts }), { numRuns: 200, seed: 7 })
          .flat()
          .map((f) => f.rollout ?? 'rolling'),
      );
    expect(rollouts(['rolling', 'blue-green'])).toEqual(new Set(['rolling', 'blue-green']));
    expect(rollouts(['rolling'])).toEqual(new Set(['rolling']));
  });
});
