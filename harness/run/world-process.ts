/** The world as seen from the orchestrator: a forked process spoken to over IPC. */
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import { spawnGroup, type ManagedChild } from '../launch/index.js';
import { distRoot } from '../paths.js';
import type { FromWorld, ToWorld, WorldConfig } from '../world/protocol.js';

export interface WorldProcess {
  url: string;
  /** The world's OTLP/gRPC trace receiver, `http://host:port` (h2c), when it announced one. */
  grpcUrl?: string;
  proc: ManagedChild;
  send(msg: ToWorld): void;
  onMessage(fn: (msg: FromWorld) => void): void;
  stop(): Promise<void>;
}

export async function startWorld(config: WorldConfig, logFile: string, timeoutMs = 15_000): Promise<WorldProcess> {
  const proc = spawnGroup({ name: 'world', command: join(distRoot, 'harness/world/main.js'), args: [], ipc: true, logFile });
  const listeners: ((m: FromWorld) => void)[] = [];
  proc.child.on('message', (m) => listeners.forEach((fn) => fn(m as FromWorld)));
  const send = (msg: ToWorld) => {
    if (proc.child.connected) proc.child.send(msg);
  };
  const ready = await new Promise<{ port: number; grpcPort?: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new HarnessError(`the world did not start within ${timeoutMs} ms; see ${logFile}`, 'ORD-303')), timeoutMs);
    listeners.push((m) => {
      if (m.kind === 'ready') {
        clearTimeout(timer);
        resolve(m);
      }
    });
    void proc.exited.then((e) => {
      clearTimeout(timer);
      reject(new HarnessError(`the world exited before it was ready (code ${e.code}, signal ${e.signal}); see ${logFile}`, 'ORD-303'));
    });
    send({ kind: 'init', config });
  });
  return {
    url: `http://${config.host}:${ready.port}`,
    ...(ready.grpcPort ? { grpcUrl: `http://${config.host}:${ready.grpcPort}` } : {}),
    proc,
    send,
    onMessage: (fn) => listeners.push(fn),
    async stop() {
      send({ kind: 'shutdown' });
      const timer = setTimeout(() => proc.signal('SIGKILL'), 2000);
      await proc.exited;
      clearTimeout(timer);
      proc.signal('SIGKILL');
    },
  };
}
