// The adapter registry: one manifest per adapter, from which the CLI, the planner and `ordeal list` learn everything.
import { describe, expect, it } from 'vitest';
import { adapterManifest, adapterManifests, adapterNames, checkAdapterOptions, registerAdapter } from '../../../adapters/index.js';
import { daprdEngine } from '../../../adapters/dapr/daprd-engine.js';
import { durabletaskEngine } from '../../../adapters/dapr/durabletask-engine.js';
import { UsageError } from '../../../harness/errors.js';
import type { EngineSpec } from '../../../harness/run/adapter.js';
import { parseAdapterOptions } from '../../../harness/run/manifest.js';
import { parseValue } from '../../../harness/run/options.js';
import { caseOptions } from '../../../harness/cli/common.js';

const builtins = ['reference', 'langgraph', 'langgraph-py', 'restate', 'temporal', 'dapr'];

describe('built-in manifests', () => {
  it('lists every built-in adapter once', () => {
    expect(adapterNames().slice(0, builtins.length)).toEqual(builtins);
  });

  for (const name of builtins) {
    const m = adapterManifest(name);
    it(`${name}: declares the shared toolCalls option, valid defaults and flags that name its options`, () => {
      expect(m.options?.toolCalls).toMatchObject({ type: 'choice', choices: ['concurrent', 'sequential'], default: 'concurrent' });
      for (const [k, spec] of Object.entries(m.options ?? {})) {
        expect(spec.description, k).toMatch(/\w+ \w+/);
        if (spec.default !== undefined && typeof spec.default !== 'function') expect(parseValue(k, spec, String(spec.default)), k).toBe(spec.default);
      }
      for (const opt of Object.values(m.flags ?? {})) expect(Object.keys(m.options ?? {})).toContain(opt);
      expect(Object.keys(parseAdapterOptions(m, {}))).toEqual(Object.keys(m.options ?? {}));
    });

    it(`${name}: what it loads has its name and an engine exactly when it says so`, async () => {
      const a = await m.load();
      expect(a.name).toBe(name);
      expect(a.engine !== undefined).toBe(m.hasEngine);
      if (m.engineLink) expect(m.hasEngine).toBe(true);
    });
  }

  it('dapr: engine(options) is the whole engine of the mode, with its setup, settle and ready signal', async () => {
    const dapr = await adapterManifest('dapr').load();
    expect(dapr.engine!({})).toBe(durabletaskEngine);
    expect(dapr.engine!({ mode: 'daprd' })).toBe(daprdEngine);
    expect(daprdEngine.ready.length).toBe(4);
  });
});

describe('options are checked at the edge', () => {
  it('refuses an unknown option, naming it and the known ones (exit 2, ORD-110)', () => {
    expect(() => checkAdapterOptions('restate', { heartbeatMs: '1' })).toThrow(
      '--opt heartbeatMs: not an option of the restate adapter; expected one of inactivityTimeoutMs, abortTimeoutMs, maxAttempts, retryIntervalMs, toolCalls',
    );
    expect(() => checkAdapterOptions('reference', { colour: 'red' })).toThrow(UsageError);
    expect(() => checkAdapterOptions('nope', {})).toThrow(
      "unknown adapter 'nope': expected one of reference, langgraph, langgraph-py, restate, temporal, dapr",
    );
  });

  it('keeps each adapter’s rules: reference, langgraph, dapr', () => {
    expect(parseAdapterOptions(adapterManifest('reference'), { synchronous: 'normal' })).toMatchObject({ synchronous: 'NORMAL', pollMs: 20 });
    expect(() => checkAdapterOptions('reference', { synchronous: 'SOMETIMES' })).toThrow('--opt synchronous=SOMETIMES: expected FULL or NORMAL');
    expect(() => checkAdapterOptions('reference', { pollMs: '0' })).toThrow('--opt pollMs=0: expected a number > 0 (milliseconds)');
    expect(() => checkAdapterOptions('langgraph', { durability: 'never' })).toThrow('--opt durability=never: expected one of sync, async, exit');
    expect(() => checkAdapterOptions('langgraph', { recursionLimit: '0' })).toThrow('--opt recursionLimit=0: expected an integer ≥ 1');
    expect(() => checkAdapterOptions('langgraph', { postgresUrl: 'postgresql://h/d' })).toThrow('--opt postgresUrl needs --opt store=postgres');
    expect(() => checkAdapterOptions('langgraph', { store: 'postgres', postgresUrl: 'mysql://h/d' })).toThrow(
      /--opt postgresUrl=mysql:\/\/h\/d: expected a postgresql:\/\//,
    );
    expect(() => checkAdapterOptions('dapr', { mode: 'full' })).toThrow('--opt mode=full: expected durabletask or daprd');
  });

  it('langgraph: postgresUrl defaults to ORDEAL_POSTGRES_URL, checked when store=postgres', () => {
    const saved = process.env.ORDEAL_POSTGRES_URL;
    try {
      process.env.ORDEAL_POSTGRES_URL = 'postgresql://me@db:5432/x';
      expect(parseAdapterOptions(adapterManifest('langgraph'), { store: 'postgres' })).toMatchObject({
        store: 'postgres',
        postgresUrl: 'postgresql://me@db:5432/x',
      });
      process.env.ORDEAL_POSTGRES_URL = 'db:5432';
      expect(() => checkAdapterOptions('langgraph', { store: 'postgres' })).toThrow(
        'ORDEAL_POSTGRES_URL=db:5432: expected a postgresql://user@host:port/db URL',
      );
      expect(() => checkAdapterOptions('langgraph', {})).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env.ORDEAL_POSTGRES_URL;
      else process.env.ORDEAL_POSTGRES_URL = saved;
    }
  });

  it('an adapter flag (declared in its manifest) is an --opt, and only with its adapter', () => {
    expect(caseOptions({ adapter: 'langgraph', opt: ['api=functional'], 'langgraph-store': 'sqlite' })).toEqual({
      api: 'functional',
      store: 'sqlite',
    });
    // given twice, or beside the --opt it stands for: refused, not the last one counting
    expect(() => caseOptions({ adapter: 'langgraph', 'langgraph-store': ['postgres', 'sqlite'] })).toThrow(
      '--langgraph-store given 2 times ("postgres", "sqlite"): expected it once',
    );
    expect(() => caseOptions({ adapter: 'langgraph', opt: ['store=postgres'], 'langgraph-store': 'sqlite' })).toThrow(
      "--langgraph-store sqlite and --opt store=postgres both set the option 'store': expected it once",
    );
    expect(() => caseOptions({ adapter: 'reference', opt: ['synchronous=FULL', 'synchronous=NORMAL'] })).toThrow(
      '--opt synchronous given twice (synchronous=FULL and synchronous=NORMAL): expected each adapter option once',
    );
    expect(() => caseOptions({ adapter: 'reference', 'langgraph-store': 'postgres' })).toThrow(
      '--langgraph-store is an option of the langgraph adapter; add --adapter langgraph',
    );
    // a flag two adapters declare is taken by either, and the message names both
    expect(caseOptions({ adapter: 'dbos', 'postgres-url': 'postgresql://u@h:5432/d' })).toEqual({ postgresUrl: 'postgresql://u@h:5432/d' });
    expect(() => caseOptions({ adapter: 'reference', 'postgres-url': 'postgresql://u@h:5432/d' })).toThrow(
      '--postgres-url is an option of the langgraph and dbos adapters; add --adapter langgraph or --adapter dbos',
    );
    expect(() => caseOptions({ adapter: 'temporal', opt: ['heartbeatMs=90000'] })).toThrow(
      '--opt heartbeatMs=90000: must be below startToCloseMs=60000 to matter',
    );
  });
});

describe('registerAdapter (a user adapter)', () => {
  const base = {
    worker: () => ({ command: 'true', args: [] }),
    submit: async () => ({ id: 'x' }),
    approve: async () => undefined,
    outcome: async () => ({ status: 'running' as const }),
  };

  it('without a schema: options pass through unchecked; no engine', async () => {
    const m = registerAdapter({ name: 'user-plain', ...base });
    expect(m).toMatchObject({ name: 'user-plain', description: 'user-plain', hasEngine: false, engineLink: false });
    expect(m.options).toBeUndefined();
    expect(checkAdapterOptions('user-plain', { anything: 'goes' })).toEqual({ anything: 'goes' });
    expect(adapterManifests().map((x) => x.name)).toContain('user-plain');
  });

  it('with its own schema: checked like a built-in; an EngineSpec object becomes engine(options)', async () => {
    const spec = { name: 'tiny' } as unknown as EngineSpec;
    const m = registerAdapter({
      name: 'user-typed',
      description: 'mine',
      ...base,
      engine: spec,
      engineLink: true,
      options: { depth: { type: 'integer', min: 1, default: 2, description: 'how deep' } },
    });
    expect(m).toMatchObject({ description: 'mine', hasEngine: true, engineLink: true });
    expect(() => checkAdapterOptions('user-typed', { depth: '0' })).toThrow('--opt depth=0: expected an integer ≥ 1');
    expect(() => checkAdapterOptions('user-typed', { width: '1' })).toThrow(
      '--opt width: not an option of the user-typed adapter; expected one of depth',
    );
    const a = await m.load();
    expect(a.engine!({})).toBe(spec);
    expect(a.worker({} as never)).toEqual({ command: 'true', args: [] });
  });
});
