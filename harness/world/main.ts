/**
 * The world's process entry: forked by the orchestrator with an IPC channel. Waits for `init`, answers `ready`,
 * and exits on `shutdown` or as soon as the channel disconnects (the orchestrator died: nothing outlives it).
 */
import type { FromWorld } from './protocol.js';
import type { WorldChannel } from './op-sink.js';
import { startWorld, type World } from './world.js';
import { isRecord } from '../json.js';

if (typeof process.send !== 'function') {
  process.stderr.write('ordeal world: must be started by the orchestrator with an IPC channel (child_process.fork)\n');
  process.exit(2);
}

process.on('disconnect', () => process.exit(0));

/**
 * Messages leave in order once the current I/O callbacks are done (setImmediate): a request's ops are sent after its
 * answer was written, so the IPC write (a JSON encoding and a pipe write per op) is not on the worker's round trip.
 * A probe waiting for the orchestrator's decision waits one loop turn more. Whatever is queued leaves before exit.
 */
const queue: FromWorld[] = [];
let scheduled = false;
const flush = (): void => {
  scheduled = false;
  for (const message of queue.splice(0)) if (process.connected) process.send!(message, undefined, {}, () => undefined);
};
process.on('exit', flush);

const channel: WorldChannel = {
  send(message: FromWorld) {
    queue.push(message);
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  },
  on: (event, listener) => process.on(event, listener),
  off: (event, listener) => process.off(event, listener),
};

const report = (what: string, e: unknown): void => {
  const message = `ordeal world: ${what}: ${(e as Error)?.stack ?? String(e)}`;
  process.stderr.write(message + '\n');
  channel.send({ kind: 'error', message });
};
// The world must outlive bad input and odd events: report and keep serving.
process.on('uncaughtException', (e) => report('uncaught exception', e));
process.on('unhandledRejection', (e) => report('unhandled rejection', e));

let world: Promise<World> | undefined;

process.on('message', (m: unknown) => {
  if (!isRecord(m)) return;
  if (m.kind === 'shutdown' && !world) process.exit(0);
  if (world || m.kind !== 'init') return;
  if (!isRecord(m.config)) return report('bad init', new Error("'init' needs config: WorldConfig"));
  const config = m.config as unknown as Parameters<typeof startWorld>[0];
  world = startWorld(config, channel, { log: (line) => process.stdout.write(line + '\n') });
  world.then(
    (w) => {
      process.stdout.write(`ordeal world ${config.runId} listening on ${w.url} (pid ${process.pid})\n`);
      void w.closed.then(() => process.exit(0));
    },
    (e: unknown) => {
      report(`could not listen on ${String(config.host)}:${String(config.port)}`, e);
      setTimeout(() => process.exit(3), 50);
    },
  );
});
