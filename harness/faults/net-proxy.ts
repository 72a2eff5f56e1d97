/** A real Toxiproxy server for one case, with one proxy in front of the world (network faults). */
import { join } from 'node:path';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { enginesRoot, requireEngine } from '../engines/index.js';
import { HarnessError } from '../errors.js';
import { freePorts, spawnGroup, waitFor, type ManagedProcess } from '../launch/index.js';
import type { NetControl } from './types.js';

export interface NetProxy extends NetControl {
  /** The world's URL through the proxy: what the worker gets as ORDEAL_WORLD_URL. */
  url: string;
  stop(): Promise<void>;
}

/** Starts toxiproxy-server on free ports and a proxy to `upstreamUrl`; a missing binary is an EngineMissingError (exit 3). */
export async function startNetProxy(upstreamUrl: string, runDir: string, projectRoot: string): Promise<NetProxy> {
  const binary = requireEngine('toxiproxy', enginesRoot(projectRoot));
  const [apiPort, listenPort] = await freePorts(2);
  const proc: ManagedProcess = spawnGroup({
    name: 'toxiproxy',
    command: binary,
    args: ['-host', '127.0.0.1', '-port', String(apiPort)],
    logFile: join(runDir, 'logs', 'toxiproxy.log'),
  });
  const client = new Toxiproxy(`http://127.0.0.1:${apiPort}`);
  let proxy: Proxy;
  try {
    await waitFor('toxiproxy-server', () => client.getVersion().then(() => true, () => false), 15_000, 50);
    proxy = await client.createProxy({ name: 'world', listen: `127.0.0.1:${listenPort}`, upstream: new URL(upstreamUrl).host });
  } catch (e) {
    await proc.stop(1000);
    throw new HarnessError(`toxiproxy did not start: ${(e as Error).message}; see ${join(runDir, 'logs', 'toxiproxy.log')}`, 'ORD-306');
  }
  let seq = 0;
  return {
    url: `http://127.0.0.1:${listenPort}`,
    async addToxic(type, attributes) {
      const names: string[] = [];
      for (const stream of ['downstream', 'upstream'] as const) {
        const name = `${type}-${stream}-${++seq}`;
        await proxy.addToxic({ name, type, stream, toxicity: 1, attributes: attributes as never });
        names.push(name);
      }
      return names;
    },
    async removeToxics(names) {
      for (const name of names) await (await proxy.getToxic(name)).remove();
    },
    async stop() {
      await proc.stop(1000);
    },
  };
}
