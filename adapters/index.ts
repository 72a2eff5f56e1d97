/** The adapter registry: each adapter loads its heavy dependencies only when it is used. */
import type { Adapter } from '../harness/run/adapter.js';

export interface AdapterEntry {
  description: string;
  /** Whether it has an engine process (so `kill-engine` applies). */
  hasEngine: boolean;
  /** Whether the worker↔engine link can run through Toxiproxy (net faults with `target=engine`); mirrors Adapter.engineLink. */
  engineLink?: boolean;
  /** How long a case may take before it counts as stuck, when the user does not say (`--timeout`). */
  caseTimeoutMs?: number;
  load(): Promise<Adapter>;
}

export const adapters: Record<string, AdapterEntry> = {
  reference: {
    description: "ordeal's own durable runtime on SQLite; the embedded default, no external services",
    hasEngine: false,
    load: async () => (await import('./reference/adapter.js')).referenceAdapter(),
  },
  langgraph: {
    description: 'a LangGraph.js agent (ToolNode, interrupt(), Command resume) on SqliteSaver, or PostgresSaver with --opt store=postgres',
    hasEngine: false,
    load: async () => (await import('./langgraph/adapter.js')).langgraphAdapter(),
  },
  'langgraph-py': {
    description: "LangGraph's Python original (StateGraph + ToolNode, interrupt(), Command resume) on SqliteSaver, or PostgresSaver with --opt store=postgres",
    hasEngine: false,
    load: async () => (await import('./langgraph-py/adapter.js')).langgraphPyAdapter(),
  },
  restate: {
    description: 'a Restate workflow on the real restate-server (ctx.run steps, an awakeable for approval)',
    hasEngine: true,
    engineLink: true,
    load: async () => (await import('./restate/adapter.js')).restateAdapter(),
  },
  temporal: {
    description: 'a Temporal workflow on the real Temporal dev server (activities with heartbeats, a signal for approval)',
    hasEngine: true,
    engineLink: true,
    // recovery after a worker kill waits for the heartbeat timeout; long chains need room
    caseTimeoutMs: 120_000,
    load: async () => (await import('./temporal/adapter.js')).temporalAdapter(),
  },
  dapr: {
    description: 'a Dapr workflow on the Durable Task sidecar with SQLite (activities, an external event for approval); --opt mode=daprd for daprd + placement + scheduler',
    hasEngine: true,
    engineLink: true,
    // the sidecar keeps work a killed process had claimed locked for 2 minutes (fixed in durabletask-go)
    caseTimeoutMs: 240_000,
    load: async () => (await import('./dapr/adapter.js')).daprAdapter(),
  },
};

/** Registers an adapter loaded at run time (e.g. a user's module named by `ordeal gate`'s config). */
export function registerAdapter(adapter: Adapter): void {
  adapters[adapter.name] = { description: adapter.description, hasEngine: adapter.engine !== undefined, engineLink: adapter.engineLink === true, load: async () => adapter };
}
