/** Network faults through a real Toxiproxy between worker and world: a toxic is added at the trigger and removed after ms. */
import type { FaultSpec } from '../store/types.js';
import { intParam, onlyParams } from './params.js';
import type { Fault, FaultContext, Firing } from './types.js';
import { HarnessError } from '../errors.js';

async function withToxic(ctx: FaultContext, ms: number, type: 'latency' | 'reset_peer' | 'timeout', attributes: Record<string, number>): Promise<Firing> {
  if (!ctx.net) throw new HarnessError('network faults need the Toxiproxy proxy, but the case runs without it', 'ORD-306');
  const net = ctx.net;
  const names = await net.addToxic(type, attributes);
  return {
    release: { type: 'continue' },
    after: async () => {
      await ctx.sleep(ms);
      await net.removeToxics(names);
    },
  };
}

const durationMs = (spec: FaultSpec) => intParam(spec, 'ms', 1000, 1);

export const netLatency: Fault = {
  name: 'net-latency',
  description: 'Toxiproxy adds latency (default 300 ms, jitter=…) between worker and world for ms (default 1000)',
  needsProxy: true,
  validate(spec) {
    onlyParams(spec, ['ms', 'latency', 'jitter']);
    durationMs(spec);
    intParam(spec, 'latency', 300, 0);
    intParam(spec, 'jitter', 0, 0);
  },
  fire: (ctx, spec) => withToxic(ctx, durationMs(spec), 'latency', { latency: intParam(spec, 'latency', 300, 0), jitter: intParam(spec, 'jitter', 0, 0) }),
};

export const netReset: Fault = {
  name: 'net-reset',
  description: 'Toxiproxy resets every connection between worker and world (TCP RST) for ms (default 1000)',
  needsProxy: true,
  validate(spec) {
    onlyParams(spec, ['ms']);
    durationMs(spec);
  },
  fire: (ctx, spec) => withToxic(ctx, durationMs(spec), 'reset_peer', { timeout: 0 }),
};

export const netPartition: Fault = {
  name: 'net-partition',
  description: 'Toxiproxy lets no data through between worker and world for ms (default 1000); stalled connections close when it heals',
  needsProxy: true,
  validate(spec) {
    onlyParams(spec, ['ms']);
    durationMs(spec);
  },
  fire: (ctx, spec) => withToxic(ctx, durationMs(spec), 'timeout', { timeout: durationMs(spec) }),
};
