/** The worker↔engine link of one case: the one place that decides which address the worker (or the engine) dials. */
import { UsageError } from '../errors.js';
import { faults, type NetProxy } from '../faults/index.js';
import type { HistoryWriter, Schedule } from '../store/index.js';
import type { Adapter, AdapterContext, EngineHandle, EngineSpec } from './adapter.js';
import { now } from '../store/index.js';

/**
 * The adapter's engine for these options (and, given, this case), or undefined when it has none: every harness read of
 * the engine spec goes through here.
 */
export const engineOf = (adapter: Adapter, options: Record<string, string>, ctx?: Readonly<AdapterContext>): EngineSpec | undefined =>
  adapter.engine?.(options, ctx);

/** Whether the schedule has a network fault with target=engine, i.e. the link must run through Toxiproxy. */
export const linkProxied = (schedule: Schedule): boolean => schedule.some((f) => faults[f.fault]?.proxyTarget?.(f) === 'engine');

/**
 * The engine as the adapter and its worker see it: the handle of its last start, with `linkAddress` replaced by a
 * Toxiproxy in front of it once `throughProxy` has put one there (net faults with target=engine). A `kill-engine`
 * restart keeps the same upstream port, so the proxy stays valid and the worker keeps dialing it.
 */
export class EngineLink {
  private started: EngineHandle | undefined;
  private via: string | undefined;

  /** The engine as dialed, or undefined before it first started. */
  get engine(): EngineHandle | undefined {
    const h = this.started;
    return h && this.via && h.linkAddress ? { ...h, linkAddress: this.via } : h;
  }

  /** Records the handle of an engine (re)start. */
  startedAs(handle: EngineHandle): void {
    this.started = handle;
  }

  /** Puts a Toxiproxy in front of the started engine's linkAddress (a `net-proxy` op); exit 2 when the adapter has no such link. */
  async throughProxy(adapter: { name: string; engineLink?: boolean }, net: NetProxy, history: HistoryWriter): Promise<void> {
    const upstream = this.started?.linkAddress;
    if (!adapter.engineLink || !upstream)
      throw new UsageError(
        `network faults with target=engine are not supported by adapter '${adapter.name}': its engine gives no worker↔engine address to proxy`,
        'ORD-105',
      );
    this.via = await net.linkEngine(upstream);
    history.append({ time: now(), process: 'orchestrator', type: 'info', f: 'net-proxy', value: { target: 'engine', listen: this.via, upstream } });
  }
}
