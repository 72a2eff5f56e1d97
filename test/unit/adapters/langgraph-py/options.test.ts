import { describe, expect, it } from 'vitest';
import { langgraphPyOptions } from '../../../../adapters/langgraph-py/options.js';
import { UsageError } from '../../../../harness/errors.js';

describe('langgraph-py adapter options', () => {
  it("defaults to LangGraph's documented agent: StateGraph, SqliteSaver, sync durability, concurrent tool calls", () => {
    expect(langgraphPyOptions({}, {})).toEqual({ api: 'graph', store: 'sqlite', durability: 'sync', recursionLimit: 1000, toolCalls: 'concurrent' });
  });

  it('takes PostgreSQL from --opt postgresUrl, else ORDEAL_POSTGRES_URL, else the scripts/postgres.sh address', () => {
    expect(langgraphPyOptions({ store: 'postgres' }, {}).postgresUrl).toBe('postgresql://postgres@127.0.0.1:55432/ordeal');
    expect(langgraphPyOptions({ store: 'postgres' }, { ORDEAL_POSTGRES_URL: 'postgresql://u@h:1/db' }).postgresUrl).toBe('postgresql://u@h:1/db');
    expect(langgraphPyOptions({ store: 'postgres', postgresUrl: 'postgres://x@y/z' }, {}).postgresUrl).toBe('postgres://x@y/z');
  });

  it('names the option and what was expected when a value is wrong', () => {
    expect(() => langgraphPyOptions({ toolCalls: 'parallel' }, {})).toThrow(/--opt toolCalls=parallel: expected one of concurrent, sequential/);
    expect(() => langgraphPyOptions({ durability: 'never' }, {})).toThrow(/expected one of sync, async, exit/);
    expect(() => langgraphPyOptions({ recursionLimit: '0' }, {})).toThrow(/expected a positive integer/);
    expect(() => langgraphPyOptions({ postgresUrl: 'postgresql://x@y/z' }, {})).toThrow(/needs --opt store=postgres/);
    expect(() => langgraphPyOptions({ store: 'postgres', postgresUrl: 'mysql://x' }, {})).toThrow(/expected a postgresql:/);
    expect(() => langgraphPyOptions({ thread: 'x' }, {})).toThrow(UsageError);
  });
});
