/** A real Toxiproxy server for one case, with a proxy in front of the world and, on demand, one on the worker↔engine link. */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { enginesRoot, requireEngine } from '../engines/index.js';
import { HarnessError } from '../errors.js';
import { FILES } from '../store/index.js';
import { freePorts, launchEngineProcess, waitFor, type ManagedProcess } from '../launch/index.js';
import type { NetControl, NetTarget } from './types.js';

export interface NetProxy extends NetControl {
  /** The world's URL through the proxy: what the worker gets as ORDEAL_WORLD_URL. */
  url: string;
  /** Puts a proxy named `engine` in front of `upstream` (host:port) and returns the host:port it listens on. */
  linkEngine(upstream: string): Promise<string>;
  /** Writes the proxies (name, listen, upstream) to `logs/toxiproxy-proxies.json`, then stops the server. */
  stop(): Promise<void>;
}

/** Starts toxiproxy-server on free ports and a proxy to `upstreamUrl`; a missing binary is an EngineMissingError (exit 3). */
export async function startNetProxy(upstreamUrl: string, runDir: string, projectRoot: string): Promise<NetProxy> {
  const binary = requireEngine('toxiproxy', enginesRoot(projectRoot));
  const [apiPort, listenPort] = await freePorts(2);
  const proc: ManagedProcess = await launchEngineProcess(
    {
      name: 'toxiproxy',
      command: binary,
      args: ['-host', '127.0.0.1', '-port', String(apiPort)],
      logFile: join(runDir, FILES.logs, 'toxiproxy.log'),
    },
    runDir,
    basename(runDir),
  );
  const client = new Toxiproxy(`http://127.0.0.1:${apiPort}`);
  const proxies = new Map<NetTarget, Proxy>();
  try {
    await waitFor(
      'toxiproxy-server',
      () =>
        client.getVersion().then(
          () => true,
          () => false,
        ),
      15_000,
      50,
    );
    proxies.set('world', await client.createProxy({ name: 'world', listen: `127.0.0.1:${listenPort}`, upstream: new URL(upstreamUrl).host }));
  } catch (e) {
    await proc.stop(1000);
    throw new HarnessError(`toxiproxy did not start: ${(e as Error).message}; see ${join(runDir, FILES.logs, 'toxiproxy.log')}`, 'ORD-306');
  }
  const proxyOn = (target: NetTarget): Proxy => {
    const p = proxies.get(target);
    if (!p) throw new HarnessError(`no Toxiproxy proxy on the worker↔${target} link in this case`, 'ORD-306');
    return p;
  };
  let seq = 0;
  return {
    url: `http://127.0.0.1:${listenPort}`,
    async linkEngine(upstream) {
      const [port] = await freePorts(1);
      proxies.set('engine', await client.createProxy({ name: 'engine', listen: `127.0.0.1:${port}`, upstream }));
      return `127.0.0.1:${port}`;
    },
    async addToxic(type, attributes, target = 'world') {
      const proxy = proxyOn(target);
      const names: string[] = [];
      for (const stream of ['downstream', 'upstream'] as const) {
        const name = `${type}-${stream}-${++seq}`;
        await proxy.addToxic({ name, type, stream, toxicity: 1, attributes: attributes as never });
        names.push(name);
      }
      return names;
    },
    async removeToxics(names, target = 'world') {
      const proxy = proxyOn(target);
      for (const name of names) await (await proxy.getToxic(name)).remove();
    },
    async stop() {
      // the listing shows which links ran through Toxiproxy (the log shows the connections it accepted)
      const listing = [...proxies.values()].map((p) => ({ name: p.name, listen: p.listen, upstream: p.upstream }));
      writeFileSync(join(runDir, FILES.logs, 'toxiproxy-proxies.json'), JSON.stringify(listing, null, 2) + '\n');
      await proc.stop(1000);
    },
  };
}
