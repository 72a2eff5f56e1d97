/** The LangGraph adapter's manifest: agent style, checkpointer and durability, with flags of its own. */
import { DEPLOY_CHANGES } from '../../harness/agent/deploy.js';
import { STEP_RETRY } from '../../harness/agent/loop.js';
import { UsageError } from '../../harness/errors.js';
import { defineAdapter, type AdapterOptions, type DurableState } from '../../harness/run/manifest.js';
import { sharedOptions, type OptionSchema, type ParsedOptions, type RawOptions } from '../../harness/run/options.js';

/** Where `scripts/postgres.sh` starts PostgreSQL unless ORDEAL_POSTGRES_URL says otherwise. */
export const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:55432/ordeal';

/** The options both LangGraph flavours (JavaScript and Python) take: agent style, checkpointer, durability. */
export const checkpointedGraphOptions = {
  api: {
    type: 'choice',
    choices: ['graph', 'functional'],
    default: 'graph',
    description: 'the agent as a StateGraph (graph) or with entrypoint/task (functional)',
  },
  nesting: {
    type: 'choice',
    choices: ['none', 'subgraph'],
    default: 'none',
    description:
      'subgraph: the agent runs as the one node of a parent StateGraph that holds the checkpointer, as a supervisor composes agents (the shape of langgraph #6792, langgraphjs #1552 and #2667)',
  },
  store: {
    type: 'choice',
    choices: ['sqlite', 'postgres'],
    default: 'sqlite',
    description: 'the checkpointer: SqliteSaver in the data directory, or PostgresSaver',
  },
  postgresUrl: {
    type: 'url',
    protocols: ['postgresql', 'postgres'],
    example: 'postgresql://user@host:port/db',
    default: () => process.env.ORDEAL_POSTGRES_URL || DEFAULT_POSTGRES_URL,
    defaultNote: `ORDEAL_POSTGRES_URL, else ${DEFAULT_POSTGRES_URL}`,
    description: "PostgresSaver's database (only with store=postgres)",
  },
  durability: {
    type: 'choice',
    choices: ['sync', 'async', 'exit'],
    default: 'sync',
    description: "LangGraph's durability mode: when a superstep's checkpoint is written",
  },
  recursionLimit: {
    type: 'integer',
    min: 1,
    default: 1000,
    description: "supersteps per invoke (LangGraph's default of 25 stops a 44-call agent with GRAPH_RECURSION_LIMIT)",
  },
} as const satisfies OptionSchema;

/** Rules across the LangGraph options: a PostgreSQL URL only with store=postgres, and a usable one when it is. */
export function checkCheckpointedGraph(o: ParsedOptions<typeof checkpointedGraphOptions>, raw: RawOptions): void {
  if (raw.postgresUrl !== undefined && o.store !== 'postgres')
    throw new UsageError('--opt postgresUrl needs --opt store=postgres (the default store is sqlite)', 'ORD-110');
  // a URL from the environment is checked only when it is used
  if (o.store === 'postgres' && !/^postgres(ql)?:\/\//.test(o.postgresUrl))
    throw new UsageError(
      `ORDEAL_POSTGRES_URL=${redactUrl(o.postgresUrl)}: expected a postgresql://user@host:port/db URL (it is --opt postgresUrl's default)`,
      'ORD-110',
    );
}

/** Where both LangGraph flavours keep their state: SqliteSaver's file in the data directory, or PostgresSaver's server. */
export function checkpointedGraphState(o: RawOptions): DurableState {
  const paths = ['checkpoints.sqlite (SqliteSaver)', 'submitted.json'];
  if (o.store !== 'postgres') return { paths };
  const url = redactUrl(o.postgresUrl || process.env.ORDEAL_POSTGRES_URL || DEFAULT_POSTGRES_URL);
  return { paths: paths.slice(1), outside: `PostgresSaver keeps the checkpoints on the PostgreSQL server ${url}` };
}

export const langgraphManifest = defineAdapter({
  name: 'langgraph',
  description:
    'a LangGraph.js agent (StateGraph or functional API: ToolNode, interrupt(), Command resume) on SqliteSaver or PostgresSaver; no engine process',
  hasEngine: false,
  stepAttempts: () => STEP_RETRY.maxAttempts,
  durableState: checkpointedGraphState,
  // LangGraph has no versioning tool: version 2 is plain new code, so there is no --opt versioning
  deploy: {
    changes: DEPLOY_CHANGES,
    how: 'the worker restarted on new graph or entrypoint code under the same name, resuming the thread from the same checkpointer',
  },
  options: { ...checkpointedGraphOptions, ...sharedOptions },
  flags: { 'langgraph-store': 'store', 'langgraph-api': 'api', 'langgraph-durability': 'durability', 'postgres-url': 'postgresUrl' },
  check: (o, raw) => checkCheckpointedGraph(o, raw),
  load: async () => (await import('./adapter.js')).langgraphAdapter(),
});

export type LangGraphOptions = AdapterOptions<typeof langgraphManifest>;
export type Api = LangGraphOptions['api'];
/** How the agent is built and where its messages live: its API style, and whether it runs inside a parent graph. */
export type Shape = Pick<LangGraphOptions, 'api' | 'nesting'>;

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]+):[^@/]*@/, '$1:***@');
}
