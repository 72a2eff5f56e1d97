/** What a worker learns from the orchestrator through its environment. */
export interface WorkerEnv {
  runId: string;
  worldUrl: string;
  dataDir: string;
  workspace: string;
  idempotency: 'framework' | 'none';
  engineUrl?: string;
  options: Record<string, string>;
  parentPid?: number;
  /** W3C traceparent of the case (`TRACEPARENT`): pass to `startTracing` (harness/telemetry). */
  traceparent?: string;
  /** A user's OTLP/HTTP collector (`ORDEAL_OTLP_ENDPOINT`, from `--otlp-endpoint`). */
  otlpEndpoint?: string;
}

export function readWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const need = (k: string): string => {
    const v = env[k];
    if (!v) throw new Error(`worker: environment variable ${k} is not set (workers are started by ordeal)`);
    return v;
  };
  const idem = need('ORDEAL_IDEMPOTENCY');
  if (idem !== 'framework' && idem !== 'none') throw new Error(`worker: ORDEAL_IDEMPOTENCY must be framework or none, got '${idem}'`);
  return {
    runId: need('ORDEAL_RUN_ID'),
    worldUrl: need('ORDEAL_WORLD_URL'),
    dataDir: need('ORDEAL_DATA_DIR'),
    workspace: need('ORDEAL_WORKSPACE'),
    idempotency: idem,
    ...(env.ORDEAL_ENGINE_URL ? { engineUrl: env.ORDEAL_ENGINE_URL } : {}),
    options: env.ORDEAL_OPTIONS ? (JSON.parse(env.ORDEAL_OPTIONS) as Record<string, string>) : {},
    ...(env.ORDEAL_PARENT_PID ? { parentPid: Number(env.ORDEAL_PARENT_PID) } : {}),
    ...(env.TRACEPARENT ? { traceparent: env.TRACEPARENT } : {}),
    ...(env.ORDEAL_OTLP_ENDPOINT ? { otlpEndpoint: env.ORDEAL_OTLP_ENDPOINT } : {}),
  };
}

/** Exits when the orchestrator is gone, so that no worker outlives it even after a SIGKILL of the orchestrator. */
export function exitWithParent(parentPid: number | undefined, everyMs = 500): void {
  if (!parentPid) return;
  const t = setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      process.exit(70);
    }
  }, everyMs);
  t.unref();
}
