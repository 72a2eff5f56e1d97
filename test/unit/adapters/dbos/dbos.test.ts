// The dbos adapter's parts that need no database: its manifest and options, the case database's name and URLs,
// and the engine link an adapter without an engine process gets from the server it names.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapterManifest, checkAdapterOptions } from '../../../../adapters/index.js';
import { addressOf, caseDatabaseName, withDatabase } from '../../../../adapters/dbos/database.js';
import { STEP_CONFIG } from '../../../../adapters/dbos/agent-workflow.js';
import { WorldHttpError } from '../../../../harness/agent/index.js';
import { UsageError } from '../../../../harness/errors.js';
import type { Adapter, AdapterContext } from '../../../../harness/run/adapter.js';
import { EngineLink } from '../../../../harness/run/engine-link.js';
import { parseAdapterOptions } from '../../../../harness/run/manifest.js';
import { checkEngineLink } from '../../../../harness/run/plan.js';
import { CaseProcesses } from '../../../../harness/run/processes.js';
import { HistoryWriter } from '../../../../harness/store/index.js';

describe('dbos manifest', () => {
  const m = adapterManifest('dbos');

  it('has no engine process, but a worker↔PostgreSQL link that net faults may take with target=engine', () => {
    expect(m.hasEngine).toBe(false);
    expect(() => checkEngineLink([{ fault: 'net-partition', at: 'step:3', target: 'engine' }], 'dbos')).not.toThrow();
  });

  it('takes PostgreSQL from ORDEAL_POSTGRES_URL unless --opt postgresUrl says otherwise, and refuses a URL of another scheme', () => {
    const before = process.env.ORDEAL_POSTGRES_URL;
    process.env.ORDEAL_POSTGRES_URL = 'postgresql://me@db.example:5433/x';
    try {
      expect(parseAdapterOptions(m, {})).toMatchObject({
        postgresUrl: 'postgresql://me@db.example:5433/x',
        keepDatabase: false,
        queueConcurrency: 0,
      });
      expect(parseAdapterOptions(m, { postgresUrl: 'postgres://u@h/d' }).postgresUrl).toBe('postgres://u@h/d');
    } finally {
      if (before === undefined) delete process.env.ORDEAL_POSTGRES_URL;
      else process.env.ORDEAL_POSTGRES_URL = before;
    }
    expect(() => checkAdapterOptions('dbos', { postgresUrl: 'mysql://h/d' })).toThrow(UsageError);
    expect(() => checkAdapterOptions('dbos', { queueConcurrency: '-1' })).toThrow(/queueConcurrency/);
  });
});

describe('the case database', () => {
  it('has a stable name of its own per run, within PostgreSQL’s 63 bytes', () => {
    const a = caseDatabaseName('20261205T022319Z-refund-agent-careful-dbos-ed2f56');
    expect(a).toMatch(/^ordeal_dbos_[0-9a-f]{20}$/);
    expect(caseDatabaseName('20261205T022319Z-refund-agent-careful-dbos-ed2f56')).toBe(a);
    expect(caseDatabaseName('20261205T022319Z-refund-agent-careful-dbos-ed2f57')).not.toBe(a);
  });

  it('is dialed on the server’s URL with its own name, through the link address when one is given', () => {
    expect(withDatabase('postgresql://u:pw@127.0.0.1:55432/ordeal?sslmode=disable', 'ordeal_dbos_1')).toBe(
      'postgresql://u:pw@127.0.0.1:55432/ordeal_dbos_1?sslmode=disable',
    );
    expect(withDatabase('postgresql://u@127.0.0.1:55432/ordeal', 'd', '127.0.0.1:40001')).toBe('postgresql://u@127.0.0.1:40001/d');
    expect(addressOf('postgresql://u@db.example/ordeal')).toBe('db.example:5432');
  });
});

describe('step retries', () => {
  it('retries what the world may answer differently next time, not a refusal it will repeat', async () => {
    expect(STEP_CONFIG).toMatchObject({ retriesAllowed: true, maxAttempts: 6, intervalSeconds: 0.05, backoffRate: 2 });
    expect(await STEP_CONFIG.shouldRetry!(new WorldHttpError(503, {}))).toBe(true);
    expect(await STEP_CONFIG.shouldRetry!(new WorldHttpError(429, {}))).toBe(true);
    expect(await STEP_CONFIG.shouldRetry!(new WorldHttpError(400, {}))).toBe(false);
    expect(await STEP_CONFIG.shouldRetry!(new Error('ECONNRESET'))).toBe(true);
  });
});

describe('an adapter without an engine process that names the server its worker dials', () => {
  it('gets that server as the engine link: ctx.engine, and the worker’s ORDEAL_ENGINE_URL', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'ordeal-service-'));
    const link = new EngineLink();
    const ctx = {
      runId: 'r',
      runDir,
      dataDir: runDir,
      workspace: runDir,
      worldUrl: 'http://127.0.0.1:9',
      idempotency: 'framework',
      options: {},
      get engine() {
        return link.engine;
      },
    } as unknown as AdapterContext;
    const handle = { url: 'postgresql://u@127.0.0.1:55432/d', ports: { postgres: 55432 }, linkAddress: '127.0.0.1:55432' };
    const adapter = { name: 'svc', service: async () => handle, worker: () => ({ command: 'true', args: [] }) } as unknown as Adapter;
    const procs = new CaseProcesses(adapter, ctx, link, new HistoryWriter(join(runDir, 'history.jsonl')));
    await procs.startEngine();
    expect(procs.hasEngine).toBe(false);
    expect(ctx.engine).toEqual(handle);
  });
});
