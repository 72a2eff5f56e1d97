import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FromWorld } from '../../../../harness/world/index.js';
import { testScenario } from './helpers.js';

const root = resolve(import.meta.dirname, '../../../..');
const mainJs = join(root, 'dist/harness/world/main.js');
const srcDir = join(root, 'harness/world');

/** Builds with tsc when dist is missing or older than a world source (errors in other folders do not stop emitting). */
function buildIfStale(): void {
  const newest = Math.max(...readdirSync(srcDir).map((f) => statSync(join(srcDir, f)).mtimeMs));
  if (existsSync(mainJs) && statSync(mainJs).mtimeMs >= newest) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'pipe' });
  } catch {
    /* type errors elsewhere still emit */
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('world: main.js as a forked process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordeal-world-main-'));
  beforeAll(() => buildIfStale(), 180_000);
  let child: ChildProcess | undefined;
  // Runs even when the test times out: no forked world may outlive the test run.
  afterAll(() => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves after init and exits when the IPC channel disconnects', async () => {
    expect(existsSync(mainJs)).toBe(true);
    child = fork(mainJs, [], { detached: true, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const proc = child;
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    const ready = new Promise<Extract<FromWorld, { kind: 'ready' }>>((r) => proc.on('message', (m: FromWorld) => m.kind === 'ready' && r(m)));
    proc.send({ kind: 'init', config: { runId: 'main-test', runDir: dir, scenario: testScenario(), host: '127.0.0.1', port: 0 } });
    const { port, pid } = await ready;
    expect(pid).toBe(child.pid);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ ok: true });
    expect(existsSync(join(dir, 'ledger.jsonl'))).toBe(true);

    proc.disconnect();
    expect(await exited).toBe(0);
    expect(alive(pid)).toBe(false);
  }, 30_000);
});
