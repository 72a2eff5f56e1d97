import { describe, expect, it } from 'vitest';
import { adapterManifests } from '../../../../adapters/index.js';
import { checkEngineLink, checkMachineFaults, planCases } from '../../../../harness/run/plan.js';

const killEngine = (target: string) => [{ fault: 'kill-engine', at: 'approval:waiting', target }];
const refused = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as Error & { code?: string; exitCode?: number };
  }
  return undefined;
};

describe('kill-engine target= is checked before any case starts', () => {
  it('accepts the processes of the engine the options select, and `engine`', () => {
    expect(() => checkEngineLink(killEngine('scheduler'), 'dapr', { mode: 'daprd' })).not.toThrow();
    expect(() => checkEngineLink(killEngine('placement'), 'dapr', { mode: 'daprd' })).not.toThrow();
    expect(() => checkEngineLink(killEngine('engine'), 'dapr', {})).not.toThrow();
    expect(() => checkEngineLink(killEngine('restate'), 'restate', {})).not.toThrow();
  });

  it('refuses a process the engine does not have, naming the ones it has (exit 2)', () => {
    const e = refused(() => checkEngineLink(killEngine('scheduler'), 'dapr', {}));
    expect(e?.message).toBe("fault kill-engine target=scheduler is not a process of adapter 'dapr''s engine; expected one of engine, durabletask");
    expect(e?.code).toBe('ORD-105');
    expect(e?.exitCode).toBe(2);
    const t = refused(() => planCases({ adapter: 'temporal', scenarios: ['refund-agent'], faults: ['kill-engine@approval:waiting,target=daprd'] }));
    expect(t?.message).toContain("target=daprd is not a process of adapter 'temporal''s engine; expected one of engine, temporal");
  });
});

describe("machine faults need every durable file of the adapter under the case's data directory", () => {
  it('every shipped adapter declares where its durable state is', () => {
    for (const m of adapterManifests()) expect(m.durableState?.({}).paths, m.name).toBeDefined();
  });

  it('refuses power-loss, disk-full and fsync-error where the state is on a shared server (exit 2), and accepts the rest', () => {
    const e = refused(() => planCases({ adapter: 'dbos', scenarios: ['refund-agent'], faults: ['power-loss@step:3'] }));
    expect(e?.message).toMatch(/^fault power-loss is not supported by adapter 'dbos': .*shared PostgreSQL server/);
    expect(e?.code).toBe('ORD-390');
    expect(e?.exitCode).toBe(2);
    expect(refused(() => checkMachineFaults(['kill-worker', 'disk-full'], 'langgraph', { store: 'postgres' }))?.message).toContain('PostgresSaver');
    expect(() => checkMachineFaults(['kill-worker'], 'dbos')).not.toThrow();
    for (const adapter of ['reference', 'langgraph', 'langgraph-py', 'restate', 'temporal', 'dapr', 'dapr-agents', 'conductor'])
      expect(() => checkMachineFaults(['power-loss', 'fsync-error'], adapter), adapter).not.toThrow();
  });
});
