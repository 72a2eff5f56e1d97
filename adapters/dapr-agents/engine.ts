/**
 * Dapr 1.18 for a DurableAgent: placement and scheduler as companions, daprd with the components Dapr Agents finds
 * by name (`agent-workflow`: SQLite, the workflow actors' state store and the agent's own workflow state), SQLite
 * name resolution; everything on loopback under the case's data directory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { enginesRoot, requireEngine } from '../../harness/engines/index.js';
import { daprAgentsBinary, DAPR_AGENTS_RUNTIME } from '../../harness/engines/dapr-agents.js';
import { freePorts, waitFor } from '../../harness/launch/index.js';
import type { EngineHandle, EngineSpec } from '../../harness/run/adapter.js';

export const DAPR_AGENTS_APP_ID = 'ordeal-dapr-agents';
const PORTS = [
  'http',
  'grpc',
  'internal',
  'placement',
  'raft',
  'placementHealthz',
  'scheduler',
  'schedulerHealthz',
  'etcdClient',
  'etcdPeer',
] as const;

const yaml = (lines: string[]): string => `${lines.join('\n')}\n`;

const sqliteStore = (name: string, file: string, actors: boolean): string =>
  yaml([
    'apiVersion: dapr.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  type: state.sqlite',
    '  version: v1',
    '  metadata:',
    '  - name: connectionString',
    `    value: "${file}"`,
    ...(actors ? ['  - name: actorStateStore', '    value: "true"'] : []),
  ]);

function writeResources(dir: string): { resources: string; config: string } {
  const resources = join(dir, 'resources');
  mkdirSync(resources, { recursive: true });
  writeFileSync(join(resources, 'agent-workflow.yaml'), sqliteStore('agent-workflow', join(dir, 'workflow.sqlite'), true));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    yaml([
      'apiVersion: dapr.io/v1alpha1',
      'kind: Configuration',
      'metadata:',
      '  name: ordeal',
      'spec:',
      '  nameResolution:',
      '    component: sqlite',
      '    configuration:',
      `      connectionString: "${join(dir, 'names.sqlite')}"`,
    ]),
  );
  return { resources, config };
}

export const daprAgentsEngine: EngineSpec = {
  name: 'daprd',
  async command(ctx, given) {
    requireEngine(DAPR_AGENTS_RUNTIME);
    const bin = (n: 'daprd' | 'placement' | 'scheduler') => daprAgentsBinary(enginesRoot(), n);
    // a restart reuses every port: daprd, the worker and the clients reconnect to the same addresses
    const ports = given ?? Object.fromEntries((await freePorts(PORTS.length)).map((p, i) => [PORTS[i]!, p]));
    const dir = join(ctx.dataDir, 'dapr');
    const { resources, config } = writeResources(dir);
    const local = '127.0.0.1';
    const common = ['--log-level', 'info', '--enable-metrics=false'];
    return {
      command: bin('daprd'),
      args: [
        '--app-id',
        DAPR_AGENTS_APP_ID,
        '--mode',
        'standalone',
        ...common,
        '--dapr-listen-addresses',
        local,
        '--dapr-http-port',
        String(ports.http),
        '--dapr-grpc-port',
        String(ports.grpc),
        '--dapr-internal-grpc-listen-address',
        local,
        '--dapr-internal-grpc-port',
        String(ports.internal),
        '--placement-host-address',
        `${local}:${ports.placement}`,
        '--scheduler-host-address',
        `${local}:${ports.scheduler}`,
        '--resources-path',
        resources,
        '--config',
        config,
        '--dapr-graceful-shutdown-seconds',
        '1',
      ],
      role: 'daprd',
      handle: { url: `http://${local}:${ports.http}`, ports, linkAddress: `${local}:${ports.grpc}` },
      companions: [
        {
          role: 'placement',
          command: bin('placement'),
          args: [
            ...common,
            '--listen-address',
            local,
            '--port',
            String(ports.placement),
            '--healthz-port',
            String(ports.placementHealthz),
            '--initial-cluster',
            `dapr-placement-0=${local}:${ports.raft}`,
          ],
        },
        {
          role: 'scheduler',
          command: bin('scheduler'),
          args: [
            ...common,
            '--listen-address',
            local,
            '--port',
            String(ports.scheduler),
            '--healthz-port',
            String(ports.schedulerHealthz),
            // its embedded etcd keeps jobs (workflow timers, reminders) here across restarts
            '--etcd-data-dir',
            join(dir, 'scheduler'),
            '--etcd-client-port',
            String(ports.etcdClient),
            '--etcd-initial-cluster',
            `dapr-scheduler-server-0=http://${local}:${ports.etcdPeer}`,
            '--identity-directory-write',
            join(dir, 'identity'),
          ],
        },
      ],
    };
  },
  async ready(_ctx, handle: EngineHandle, timeoutMs, signal) {
    // healthy, and connected to both placement (workflow actors) and the scheduler (workflow timers and reminders)
    await waitFor(
      `daprd ${DAPR_AGENTS_RUNTIME} at 127.0.0.1:${handle.ports.http} (connected to placement and scheduler)`,
      async () => {
        const res = await fetch(`http://127.0.0.1:${handle.ports.http}/v1.0/metadata`).catch(() => undefined);
        if (!res?.ok) return false;
        const m = (await res.json()) as {
          actorRuntime?: { placement?: string };
          scheduler?: { connected_addresses?: string[] };
        };
        return m.actorRuntime?.placement === 'placement: connected' && (m.scheduler?.connected_addresses?.length ?? 0) > 0;
      },
      timeoutMs,
      200,
      signal,
    );
  },
};
