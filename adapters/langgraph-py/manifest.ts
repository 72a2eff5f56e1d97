/** The langgraph-py adapter's manifest: the same options as LangGraph.js (agent style, checkpointer, durability), run by Python. */
import { DEPLOY_CHANGES } from '../../harness/agent/deploy.js';
import { defineAdapter, type AdapterOptions } from '../../harness/run/manifest.js';
import { sharedOptions } from '../../harness/run/options.js';
import { checkCheckpointedGraph, checkpointedGraphOptions, checkpointedGraphState } from '../langgraph/manifest.js';

export const langgraphPyManifest = defineAdapter({
  name: 'langgraph-py',
  description:
    "LangGraph's Python original (StateGraph + ToolNode or functional API, interrupt(), Command resume) on SqliteSaver or PostgresSaver; no engine process",
  workerLanguage: 'python',
  hasEngine: false,
  stepAttempts: () => 5, // RETRY in ordeal_langgraph/agent.py
  durableState: checkpointedGraphState,
  // LangGraph has no versioning tool: version 2 is plain new code, so there is no --opt versioning
  deploy: {
    changes: DEPLOY_CHANGES,
    how: 'the worker restarted on new graph or entrypoint code under the same name, resuming the thread from the same checkpointer',
  },
  requires: ['python'],
  options: { ...checkpointedGraphOptions, ...sharedOptions },
  check: (o, raw) => checkCheckpointedGraph(o, raw),
  load: async () => (await import('./adapter.js')).langgraphPyAdapter(),
});

export type LangGraphPyOptions = AdapterOptions<typeof langgraphPyManifest>;
