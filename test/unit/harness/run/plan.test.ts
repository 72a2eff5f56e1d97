import { describe, expect, it } from 'vitest';
import { adapterManifest, adapterManifests } from '../../../../adapters/index.js';
import { caseTimeoutOf } from '../../../../harness/run/manifest.js';
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
    const e = refused(() =>
      planCases({ adapter: 'langgraph', scenarios: ['refund-agent'], faults: ['power-loss@step:3'], options: { store: 'postgres' } }),
    );
    expect(e?.message).toMatch(/^fault power-loss is not supported by adapter 'langgraph' with these options: .*PostgresSaver/);
    expect(e?.code).toBe('ORD-390');
    expect(e?.exitCode).toBe(2);
    expect(refused(() => checkMachineFaults(['kill-worker', 'disk-full'], 'langgraph', { store: 'postgres' }))?.message).toContain('PostgresSaver');
    expect(() => checkMachineFaults(['kill-worker'], 'langgraph', { store: 'postgres' })).not.toThrow();
    // dbos runs a PostgreSQL cluster of the case's own on the data directory for a case with machine faults
    for (const adapter of ['reference', 'langgraph', 'langgraph-py', 'restate', 'temporal', 'dapr', 'dapr-agents', 'conductor', 'dbos'])
      expect(() => checkMachineFaults(['power-loss', 'fsync-error'], adapter), adapter).not.toThrow();
    expect(planCases({ adapter: 'dbos', scenarios: ['refund-agent'], faults: ['power-loss@step:3'] })).toHaveLength(1);
  });
});

describe('a case waits for every engine recovery its schedule causes', () => {
  it("the Durable Task sidecar's 2-minute lock is paid again at each sidecar kill after the first; full Dapr and workers' kills add nothing", () => {
    const dapr = adapterManifest('dapr');
    const cut = (target?: string) => ({ fault: 'power-loss', at: 'step:3', ...(target ? { target } : {}) });
    expect(caseTimeoutOf(dapr, [cut()], {})).toBe(240_000);
    expect(caseTimeoutOf(dapr, [cut(), { fault: 'kill-engine', at: 'step:5' }], {})).toBe(370_000);
    expect(caseTimeoutOf(dapr, [cut(), cut('worker'), { fault: 'kill-worker', at: 'step:5' }], {})).toBe(240_000);
    expect(caseTimeoutOf(dapr, [cut(), cut()], { mode: 'daprd' })).toBe(240_000);
    expect(caseTimeoutOf(adapterManifest('reference'), [cut(), cut()], {})).toBe(60_000);
  });
});
