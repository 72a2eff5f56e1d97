/** The langgraph-py adapter: LangGraph's Python original (StateGraph or functional API) on SqliteSaver or PostgresSaver. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import type { Adapter, AdapterContext } from '../../harness/run/adapter.js';
import { workerEnv } from '../../harness/run/adapter.js';
import type { Outcome } from '../../harness/store/types.js';
import { threadHandoff } from '../langgraph/threads.js';
import { requireEngine } from '../../harness/engines/registry.js';
import { pythonSources } from '../../harness/engines/python.js';
import { readFailure } from '../langgraph/handoff.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import { langgraphPyManifest } from './manifest.js';

/** The environment a Python process of this adapter runs with: the checkout's kit and agent first on PYTHONPATH. */
function pythonEnv(ctx: AdapterContext): Record<string, string> {
  const o = parseAdapterOptions(langgraphPyManifest, ctx.options);
  const path = [...pythonSources(), ...(process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [])].join(':');
  return { ...workerEnv(ctx), PYTHONPATH: path, PYTHONUNBUFFERED: '1', ...(o.store === 'postgres' ? { ORDEAL_POSTGRES_URL: o.postgresUrl } : {}) };
}

export function langgraphPyAdapter(): Adapter {
  let reader: OutcomeReader | undefined;
  return {
    name: 'langgraph-py',
    worker: (ctx) => ({ command: requireEngine('python'), args: ['-m', 'ordeal_langgraph.worker'], env: pythonEnv(ctx) }),
    ...threadHandoff((ctx) => parseAdapterOptions(langgraphPyManifest, ctx.options)),
    async outcome(ctx, handle): Promise<Outcome> {
      const failed = readFailure(ctx.dataDir);
      if (failed?.threadId === handle.id) return { status: 'failed', error: failed.error };
      reader ??= new OutcomeReader(requireEngine('python'), pythonEnv(ctx));
      const r = await reader.ask(handle.id);
      return r.status === 'completed' ? { status: 'completed', answer: r.answer ?? '' } : { status: 'running' };
    },
    async close() {
      reader?.stop();
      reader = undefined;
    },
  };
}

/**
 * One long-lived `python -m ordeal_langgraph.outcome` that reads the thread with LangGraph's own `get_state`
 * (the checkpoints are Python's); asked once per poll, a line of JSON each way. It exits when its stdin closes.
 */
class OutcomeReader {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string | undefined) => void)[] = [];

  constructor(python: string, env: Record<string, string>) {
    this.child = spawn(python, ['-m', 'ordeal_langgraph.outcome'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.resume();
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (l) => this.waiting.shift()?.(l));
    this.child.on('close', () => this.waiting.splice(0).forEach((w) => w(undefined)));
  }

  ask(threadId: string): Promise<{ status: string; answer?: string }> {
    if (this.child.exitCode !== null || !this.child.stdin.writable) return Promise.resolve({ status: 'running' });
    return new Promise((resolve) => {
      this.waiting.push((line) => resolve(line ? (JSON.parse(line) as { status: string; answer?: string }) : { status: 'running' }));
      this.child.stdin.write(`${JSON.stringify({ threadId })}\n`);
    });
  }

  stop(): void {
    this.child.stdin.end();
    const pid = this.child.pid;
    // it exits on EOF; a reader stuck in a query is ended by its own id
    setTimeout(() => {
      if (this.child.exitCode === null && pid) this.child.kill('SIGKILL');
    }, 2000).unref();
  }
}
