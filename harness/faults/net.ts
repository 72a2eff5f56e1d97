/** Network faults through a real Toxiproxy between worker and world (or, with target=engine, worker and engine): a toxic is added at the trigger and removed after ms. */
import type { FaultSpec } from '../store/types.js';
import { choiceParam, intParam, onlyParams } from './params.js';
import type { Fault, FaultContext, Firing, NetTarget } from './types.js';
import { HarnessError } from '../errors.js';

const TARGETS: readonly NetTarget[] = ['world', 'engine'];
const target = (spec: FaultSpec): NetTarget => choiceParam(spec, 'target', TARGETS, 'world');
/** What `ordeal check` may draw besides the duration: the link, `engine` only where the adapter's engine link can be proxied. */
const targetParam = { target: { type: 'choice', values: TARGETS, engineLinkOnly: ['engine'] } } as const;

async function withToxic(ctx: FaultContext, spec: FaultSpec, ms: number, type: 'latency' | 'reset_peer' | 'timeout', attributes: Record<string, number>): Promise<Firing> {
  if (!ctx.net) throw new HarnessError('network faults need the Toxiproxy proxy, but the case runs without it', 'ORD-306');
  const net = ctx.net;
  const on = target(spec);
  const names = await net.addToxic(type, attributes, on);
  return {
    release: { type: 'continue' },
    after: async () => {
      await ctx.sleep(ms);
      await net.removeToxics(names, on);
    },
  };
}

const durationMs = (spec: FaultSpec) => intParam(spec, 'ms', 1000, 1);

/** A fault that takes only the link and how long (net-reset, net-partition). */
function validateLinkFault(spec: FaultSpec): void {
  onlyParams(spec, ['ms', 'target']);
  durationMs(spec);
  target(spec);
}

export const netLatency: Fault = {
  name: 'net-latency',
  description: 'Toxiproxy adds latency (default 300 ms, jitter=…) between worker and world (target=engine: worker and engine) for ms (default 1000)',
  needsProxy: true,
  proxyTarget: target,
  params: targetParam,
  validate(spec) {
    onlyParams(spec, ['ms', 'latency', 'jitter', 'target']);
    durationMs(spec);
    intParam(spec, 'latency', 300, 0);
    intParam(spec, 'jitter', 0, 0);
    target(spec);
  },
  fire: (ctx, spec) => withToxic(ctx, spec, durationMs(spec), 'latency', { latency: intParam(spec, 'latency', 300, 0), jitter: intParam(spec, 'jitter', 0, 0) }),
};

export const netReset: Fault = {
  name: 'net-reset',
  description: 'Toxiproxy resets every connection between worker and world (target=engine: worker and engine) with TCP RST for ms (default 1000)',
  needsProxy: true,
  proxyTarget: target,
  params: targetParam,
  validate: validateLinkFault,
  fire: (ctx, spec) => withToxic(ctx, spec, durationMs(spec), 'reset_peer', { timeout: 0 }),
};

export const netPartition: Fault = {
  name: 'net-partition',
  description: 'Toxiproxy lets no data through between worker and world (target=engine: worker and engine) for ms (default 1000); stalled connections close when it heals',
  needsProxy: true,
  proxyTarget: target,
  params: targetParam,
  validate: validateLinkFault,
  fire: (ctx, spec) => withToxic(ctx, spec, durationMs(spec), 'timeout', { timeout: durationMs(spec) }),
};
