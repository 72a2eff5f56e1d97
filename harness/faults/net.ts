/** Network faults through a real Toxiproxy between worker and world (or, with target=engine, worker and engine): a toxic is added at the trigger and removed after ms. */
import { HarnessError } from '../errors.js';
import { defineFault } from './schema.js';
import { MAX_DELAY_MS, type FaultContext, type Firing, type NetTarget } from './types.js';

/** The parameters every network fault takes: the link (`engine` drawn only where the adapter's engine link can be proxied), and how long. */
const linkParams = {
  target: {
    type: 'choice',
    values: ['world', 'engine'],
    default: 'world',
    draw: { engineLinkOnly: ['engine'] },
    doc: 'the link: worker↔world, or worker↔engine',
  },
  ms: { type: 'integer', min: 1, max: MAX_DELAY_MS, default: 1000, unit: 'ms', doc: 'how long the toxic stays' },
} as const;

async function withToxic(
  ctx: FaultContext,
  on: NetTarget,
  ms: number,
  type: 'latency' | 'reset_peer' | 'timeout',
  attributes: Record<string, number>,
): Promise<Firing> {
  if (!ctx.net) throw new HarnessError('network faults need the Toxiproxy proxy, but the case runs without it', 'ORD-306');
  const net = ctx.net;
  const names = await net.addToxic(type, attributes, on);
  return {
    release: { type: 'continue' },
    after: async () => {
      await ctx.sleep(ms);
      await net.removeToxics(names, on);
    },
  };
}

export const netLatency = defineFault({
  name: 'net-latency',
  description: 'Toxiproxy adds latency between worker and world (target=engine: worker and engine) for ms',
  needsProxy: true,
  params: {
    ...linkParams,
    latency: { type: 'integer', min: 0, max: MAX_DELAY_MS, default: 300, unit: 'ms', doc: 'the latency added in each direction' },
    jitter: { type: 'integer', min: 0, max: MAX_DELAY_MS, default: 0, unit: 'ms', doc: 'the jitter around it' },
  },
  proxyTarget: (p) => p.target,
  fire: (ctx, p) => withToxic(ctx, p.target, p.ms, 'latency', { latency: p.latency, jitter: p.jitter }),
});

export const netReset = defineFault({
  name: 'net-reset',
  description: 'Toxiproxy resets every connection between worker and world (target=engine: worker and engine) with TCP RST for ms',
  needsProxy: true,
  params: linkParams,
  proxyTarget: (p) => p.target,
  fire: (ctx, p) => withToxic(ctx, p.target, p.ms, 'reset_peer', { timeout: 0 }),
});

export const netPartition = defineFault({
  name: 'net-partition',
  description:
    'Toxiproxy lets no data through between worker and world (target=engine: worker and engine) for ms; stalled connections close when it heals',
  needsProxy: true,
  params: linkParams,
  proxyTarget: (p) => p.target,
  fire: (ctx, p) => withToxic(ctx, p.target, p.ms, 'timeout', { timeout: p.ms }),
});
