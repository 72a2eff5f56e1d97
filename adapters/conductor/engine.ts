/** The Conductor OSS server as the adapter's engine: SQLite in the data dir, one HTTP port on 127.0.0.1, kept across restarts. */
import { join } from 'node:path';
import { conductorArgs, conductorEnv, enginesRoot, makeConductorDirs, requireEngine } from '../../harness/engines/index.js';
import { freePorts, waitFor } from '../../harness/launch/index.js';
import { packageRoot } from '../../harness/paths.js';
import { parseAdapterOptions } from '../../harness/run/manifest.js';
import type { EngineSpec } from '../../harness/run/adapter.js';
import { taskDefs, workflowDef } from './definitions.js';
import { conductorManifest } from './manifest.js';
import { ConductorHttp } from './http.js';

/** How long the JVM may take to answer /health: ~40 s on a first start on 2 busy cores (the runner's 60 s is too tight). */
const READY_MS = 240_000;

export const conductorEngine: EngineSpec = {
  name: 'conductor',
  async command(ctx, ports) {
    const root = enginesRoot(packageRoot);
    const java = requireEngine('conductor', root);
    const http = ports?.http ?? (await freePorts(1))[0]!;
    const dir = join(ctx.dataDir, 'conductor');
    makeConductorDirs(dir);
    return {
      command: java,
      args: conductorArgs(root, java, dir, http),
      env: conductorEnv(join(dir, 'home')),
      handle: { url: `http://127.0.0.1:${http}`, ports: { http }, linkAddress: `127.0.0.1:${http}` },
    };
  },
  async ready(_ctx, handle, timeoutMs, signal) {
    const healthy = async () => {
      const r = await fetch(`${handle.url}/health`, { signal: AbortSignal.timeout(2000) });
      return r.ok && ((await r.json()) as { healthy?: boolean }).healthy === true;
    };
    await waitFor(`the Conductor server's /health at ${handle.url}`, healthy, Math.max(timeoutMs, READY_MS), 200, signal);
  },
  // the metadata, once per case: the server keeps it in its SQLite file across restarts
  async setup(ctx, handle) {
    const o = parseAdapterOptions(conductorManifest, ctx.options);
    const api = new ConductorHttp(handle.url);
    const policy = { retryCount: o.retryCount, retryDelayS: o.retryDelayS, timeoutS: o.timeoutS, responseTimeoutS: o.responseTimeoutS };
    await api.request('POST', '/metadata/taskdefs', taskDefs(policy));
    await api.request('PUT', '/metadata/workflow', [workflowDef()]);
  },
};
