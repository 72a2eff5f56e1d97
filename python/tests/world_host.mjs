// Starts a real world for the kit's tests the way the orchestrator does (harness/run/world-process.ts): forked with
// an IPC channel, `init`, then `ready`. Prints every message from the world as a JSON line; JSON lines on stdin go to
// the world (`arm`, `release`); stdin closing shuts it down. `--schemas` prints harness/agent's tool schemas instead.
import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'dist');
const [mode, runDir, scenarioName] = process.argv.slice(2);

if (mode === '--schemas') {
  const { toolSchemas } = await import(join(dist, 'harness/agent/tools.js'));
  const { DEFAULT_SYSTEM_PROMPT } = await import(join(dist, 'harness/agent/conversation.js'));
  process.stdout.write(JSON.stringify({ toolSchemas, defaultSystemPrompt: DEFAULT_SYSTEM_PROMPT }) + '\n');
  process.exit(0);
}

const { resolveScenario } = await import(join(dist, 'harness/scenario/index.js'));
const scenario = resolveScenario(scenarioName ?? 'refund-agent', join(root, 'scenarios'));
const world = fork(join(dist, 'harness/world/main.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
world.on('message', (m) => process.stdout.write(JSON.stringify(m) + '\n'));
world.on('exit', () => process.exit(0));
world.send({ kind: 'init', config: { runId: 'kit-test', runDir, scenario, host: '127.0.0.1', port: 0 } });
const lines = createInterface({ input: process.stdin });
lines.on('line', (l) => l.trim() && world.send(JSON.parse(l)));
lines.on('close', () => {
  world.send({ kind: 'shutdown' });
  setTimeout(() => world.kill('SIGKILL'), 2000).unref();
});
