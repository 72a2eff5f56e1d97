/**
 * An adapter's engine alone: its first start and N restarts after SIGKILL on the same data directory and ports, each timed
 * from the spawn to the adapter's own readiness check (what `kill-engine` waits for), with the load average beside it.
 *
 *   node dist/bench/engine-restart.js conductor 5
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterManifest } from '../adapters/index.js';
import type { AdapterContext } from '../harness/run/adapter.js';
import { median, round } from './stats.js';

const [name = 'conductor', count = '5'] = process.argv.slice(2);
const restarts = Number(count);
const adapter = await adapterManifest(name).load();
const spec = adapter.engine?.({});
if (!spec) throw new Error(`${name} has no engine`);
const dataDir = mkdtempSync(join(tmpdir(), `ordeal-restart-${name}-`));
const ctx = { dataDir, options: {} } as unknown as AdapterContext;

let ports: Record<string, number> | undefined;
let child: ChildProcess | undefined;
let setUp = false;
/** Spawns the engine and waits until it is ready: the milliseconds from the spawn. */
async function start(): Promise<number> {
  const cmd = await spec!.command(ctx, ports);
  ports = cmd.handle.ports;
  const t0 = performance.now();
  child = spawn(cmd.command, cmd.args, { env: cmd.env, detached: true, stdio: 'ignore' });
  const exited = new AbortController();
  child.once('exit', () => exited.abort());
  await spec!.ready(ctx, cmd.handle, 240_000, exited.signal);
  const ms = performance.now() - t0;
  // the first start registers what the adapter registers (Conductor's metadata), so restarts open a database with data
  if (!setUp) await spec!.setup?.(ctx, cmd.handle);
  setUp = true;
  return ms;
}
const kill = async (): Promise<void> => {
  const c = child!;
  const gone = new Promise((r) => c.once('exit', r));
  process.kill(-c.pid!, 'SIGKILL');
  await gone;
};

try {
  const first = await start();
  console.log(`start      ${(first / 1000).toFixed(2)} s  (load ${loadavg()[0]!.toFixed(2)})`);
  const times: number[] = [];
  for (let i = 1; i <= restarts; i++) {
    await kill();
    const ms = await start();
    times.push(ms);
    console.log(`restart ${i}  ${(ms / 1000).toFixed(2)} s  (load ${loadavg()[0]!.toFixed(2)})`);
  }
  console.log(
    `${name}: restart after SIGKILL median ${round(median(times) / 1000)} s, max ${round(Math.max(...times) / 1000)} s over ${restarts}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  if (child && child.exitCode === null) await kill();
  rmSync(dataDir, { recursive: true, force: true });
}
