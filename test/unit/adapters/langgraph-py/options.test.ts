import { describe, expect, it } from 'vitest';
import { langgraphPyManifest } from '../../../../adapters/langgraph-py/manifest.js';
import { UsageError } from '../../../../harness/errors.js';
import { parseAdapterOptions } from '../../../../harness/run/manifest.js';

const parse = (raw: Record<string, string>, env: Record<string, string | undefined> = {}) => {
  const saved = process.env.ORDEAL_POSTGRES_URL;
  if (env.ORDEAL_POSTGRES_URL === undefined) delete process.env.ORDEAL_POSTGRES_URL;
  else process.env.ORDEAL_POSTGRES_URL = env.ORDEAL_POSTGRES_URL;
  try {
    return parseAdapterOptions(langgraphPyManifest, raw);
  } finally {
    if (saved === undefined) delete process.env.ORDEAL_POSTGRES_URL;
    else process.env.ORDEAL_POSTGRES_URL = saved;
  }
};

describe('langgraph-py adapter options', () => {
  it("defaults to LangGraph's documented agent: StateGraph, SqliteSaver, sync durability, concurrent tool calls", () => {
    expect(parse({})).toMatchObject({ api: 'graph', store: 'sqlite', durability: 'sync', recursionLimit: 1000, toolCalls: 'concurrent' });
  });

  it('takes PostgreSQL from --opt postgresUrl, else ORDEAL_POSTGRES_URL, else the scripts/postgres.sh address', () => {
    expect(parse({ store: 'postgres' }).postgresUrl).toBe('postgresql://postgres@127.0.0.1:55432/ordeal');
    expect(parse({ store: 'postgres' }, { ORDEAL_POSTGRES_URL: 'postgresql://u@h:1/db' }).postgresUrl).toBe('postgresql://u@h:1/db');
    expect(parse({ store: 'postgres', postgresUrl: 'postgres://x@y/z' }).postgresUrl).toBe('postgres://x@y/z');
  });

  it('names the option and what was expected when a value is wrong', () => {
    expect(() => parse({ toolCalls: 'parallel' })).toThrow(/--opt toolCalls=parallel: expected concurrent or sequential/);
    expect(() => parse({ durability: 'never' })).toThrow(/expected one of sync, async, exit/);
    expect(() => parse({ recursionLimit: '0' })).toThrow(/--opt recursionLimit=0/);
    expect(() => parse({ postgresUrl: 'postgresql://x@y/z' })).toThrow(/needs --opt store=postgres/);
    expect(() => parse({ store: 'postgres', postgresUrl: 'mysql://x' })).toThrow(/--opt postgresUrl=mysql:\/\/x/);
    expect(() => parse({ thread: 'x' })).toThrow(UsageError);
  });
});
