/** `--opt` knobs of the LangGraph adapter, checked before anything starts. */
import { toolCallsOf, type ToolCallsMode } from '../../harness/agent/index.js';
import { UsageError } from '../../harness/errors.js';

export type Api = 'graph' | 'functional';
export type Store = 'sqlite' | 'postgres';
export type Durability = 'sync' | 'async' | 'exit';

export interface LangGraphOptions {
  api: Api;
  store: Store;
  /** Only with `store=postgres`. */
  postgresUrl?: string;
  durability: Durability;
  /** Supersteps per invoke; LangGraph's default of 25 stops a 44-call agent (long-chain) with GRAPH_RECURSION_LIMIT. */
  recursionLimit: number;
  /** How a turn's tool calls run (every adapter's option). */
  toolCalls: ToolCallsMode;
}

/** Where `scripts/postgres.sh` starts PostgreSQL unless ORDEAL_POSTGRES_URL says otherwise. */
export const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:55432/ordeal';

const KNOWN = ['api', 'store', 'postgresUrl', 'durability', 'recursionLimit', 'toolCalls'];

function choice<T extends string>(o: Record<string, string>, key: string, allowed: readonly T[], dflt: T): T {
  const v = o[key] ?? dflt;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--opt ${key}=${v}: expected one of ${allowed.join(', ')}`, 'ORD-110');
  return v as T;
}

export function langgraphOptions(o: Record<string, string>, env: NodeJS.ProcessEnv = process.env): LangGraphOptions {
  for (const k of Object.keys(o))
    if (!KNOWN.includes(k)) throw new UsageError(`--opt ${k}: not an option of the langgraph adapter; expected one of ${KNOWN.join(', ')}`, 'ORD-110');
  const api = choice(o, 'api', ['graph', 'functional'] as const, 'graph');
  const store = choice(o, 'store', ['sqlite', 'postgres'] as const, 'sqlite');
  const durability = choice(o, 'durability', ['sync', 'async', 'exit'] as const, 'sync');
  const recursionLimit = Number(o.recursionLimit ?? 1000);
  if (!Number.isInteger(recursionLimit) || recursionLimit < 1)
    throw new UsageError(`--opt recursionLimit=${o.recursionLimit}: expected a positive integer (LangGraph's default is 25)`, 'ORD-110');
  if (o.postgresUrl !== undefined && store !== 'postgres')
    throw new UsageError(`--opt postgresUrl needs --opt store=postgres (the default store is sqlite)`, 'ORD-110');
  const toolCalls = toolCallsOf(o);
  if (store !== 'postgres') return { api, store, durability, recursionLimit, toolCalls };
  const postgresUrl = o.postgresUrl ?? (env.ORDEAL_POSTGRES_URL || DEFAULT_POSTGRES_URL);
  if (!/^postgres(ql)?:\/\//.test(postgresUrl))
    throw new UsageError(`--opt postgresUrl=${postgresUrl}: expected a postgresql://user@host:port/db URL`, 'ORD-110');
  return { api, store, postgresUrl, durability, recursionLimit, toolCalls };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]+):[^@/]*@/, '$1:***@');
}
