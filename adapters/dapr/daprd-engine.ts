/** Full Dapr: placement and scheduler as companions, daprd with a SQLite actor state store, all under the case's data directory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daprBinary, enginesRoot, requireEngine } from '../../harness/engines/index.js';
import { freePorts, waitFor } from '../../harness/launch/index.js';
import type { EngineHandle, EngineSpec } from '../../harness/run/adapter.js';

export const DAPR_APP_ID = 'ordeal-agent';
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

/** The SQLite state store daprd keeps actor (workflow) state in, and SQLite name resolution (no mDNS on the network). */
function writeResources(dir: string, data: string): { resources: string; config: string } {
  const resources = join(dir, 'resources');
  mkdirSync(resources, { recursive: true });
  writeFileSync(
    join(resources, 'statestore.yaml'),
    yaml([
      'apiVersion: dapr.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: statestore',
      'spec:',
      '  type: state.sqlite',
      '  version: v1',
      '  metadata:',
      '  - name: connectionString',
      `    value: "${join(data, 'state.sqlite')}"`,
      '  - name: actorStateStore',
      '    value: "true"',
    ]),
  );
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
      `      connectionString: "${join(data, 'names.sqlite')}"`,
    ]),
  );
  return { resources, config };
}

export const daprdEngine: EngineSpec = {
  name: 'daprd',
  async command(ctx, given) {
    requireEngine('daprd');
    const bin = (n: 'daprd' | 'placement' | 'scheduler') => daprBinary(enginesRoot(), n);
    // a restart reuses every port: daprd, the worker and the clients reconnect to the same addresses
    const ports = given ?? Object.fromEntries((await freePorts(PORTS.length)).map((p, i) => [PORTS[i]!, p]));
    const dir = join(ctx.dataDir, 'dapr');
    const { resources, config } = writeResources(dir, dir);
    const local = '127.0.0.1';
    const common = ['--log-level', 'info', '--enable-metrics=false'];
    return {
      command: bin('daprd'),
      args: [
        '--app-id',
        DAPR_APP_ID,
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
      handle: { url: `${local}:${ports.grpc}`, ports, linkAddress: `${local}:${ports.grpc}` },
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
    // healthy, and connected to both placement (actors) and the scheduler (workflow timers and reminders)
    await waitFor(
      `daprd at 127.0.0.1:${handle.ports.http} (connected to placement and scheduler)`,
      async () => {
        const res = await fetch(`http://127.0.0.1:${handle.ports.http}/v1.0/metadata`).catch(() => undefined);
        if (!res?.ok) return false;
        const m = (await res.json()) as {
          actorRuntime?: { placement?: string; hostReady?: boolean };
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
