/**
 * `--launcher containers`: the engines run in Docker containers started with testcontainers, from local images of the
 * installed engines (`ordeal engines images`: no registry is reachable here), on the host's network with the run folder
 * mounted. Needs a Docker daemon (the test command starts one) and the engines installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ordeal, ordealBin, root, tempDir } from '../helpers/cli.js';
import { expectRefundTwice } from '../helpers/refund.js';
import { engineInstalled, history, ledger, refundEntries, runOne } from '../helpers/run-folder.js';

const docker = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' });
const needed = ['restate', 'temporal', 'durabletask'].map(engineInstalled);
const skipReason =
  docker.status !== 0
    ? `no Docker daemon answers (${(docker.stderr || docker.error?.message || '').trim().split('\n')[0]}); bash scripts/docker.sh starts one`
    : needed.find((e) => !e.installed)?.skipReason;

/** Containers of ordeal's that the orchestrator with this pid started (running or not). */
const containersOf = (pid: number): string[] =>
  spawnSync('docker', ['ps', '-aq', '--filter', `label=ordeal.owner=${hostname()}:${pid}`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(skipReason !== undefined)(`--launcher containers${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let images: string[] = [];
  beforeAll(async () => {
    const r = await ordeal(['engines', 'images', '--json']);
    expect(r.code, r.stderr).toBe(0);
    images = (JSON.parse(r.stdout) as { flags: string[] }).flags.flatMap((f) => f.split(' '));
    expect(images).toContain('restate=ordeal-local/restate:1.7.12');
  }, 180_000);
  const run = (args: string[]) => runOne(['--launcher', 'containers', ...images, ...args]);

  it('Restate in a container: SIGKILLed while the agent waits for approval, it comes back on the same data and the run is valid', async () => {
    const { code, stderr, c } = await run(['--adapter', 'restate', '--scenario', 'refund-agent', '--fault', 'kill-engine@approval:waiting']);
    expect(code, stderr).toBe(0);
    const h = history(c.runDir);
    const starts = h.filter((o) => o.f === 'start' && o.process.startsWith('engine#'));
    // two containers of the local image, each a process this host can see (the pid the kill went to)
    expect(starts.map((o) => (o.value.container as { image: string } | undefined)?.image)).toEqual([
      'ordeal-local/restate:1.7.12',
      'ordeal-local/restate:1.7.12',
    ]);
    expect(h.some((o) => o.process === 'engine#1' && o.f === 'death' && o.value.signal === 'SIGKILL')).toBe(true);
    expect(ledger(c.runDir).map((e) => [e.effect, e.outcome])).toEqual([
      ['refund:order-1042', 'applied'],
      ['email:refund-1042', 'applied'],
    ]);
    expect(readFileSync(join(c.runDir, 'logs', 'engine.log'), 'utf8')).toMatch(/restate/i);
    expect(containersOf(process.pid)).toEqual([]);
  });

  it('Restate in a container, no idempotency key, the worker killed after the refund: the duplicate shows', async () => {
    const { code, stderr, c } = await run([
      '--adapter',
      'restate',
      '--scenario',
      'refund-agent',
      '--fault',
      'kill-worker@after-effect:1',
      '--idempotency',
      'none',
    ]);
    expect(code, stderr).toBe(1);
    expectRefundTwice(c);
  });

  it('Temporal in a container survives a SIGKILL of the server mid-run', { timeout: 240_000 }, async () => {
    const { code, stderr, c } = await run(['--adapter', 'temporal', '--scenario', 'refund-agent', '--fault', 'kill-engine@approval:waiting']);
    expect(code, stderr).toBe(0);
    const starts = history(c.runDir).filter((o) => o.f === 'start' && o.process.startsWith('engine#'));
    expect(starts.map((o) => o.process)).toEqual(['engine#1', 'engine#2']);
    expect(starts.every((o) => (o.value.container as { image: string } | undefined)?.image.startsWith('ordeal-local/'))).toBe(true);
  });

  // the sidecar's own restart is the dapr adapter's test (its JavaScript client takes ~2 min to reconnect, natively too)
  it('the Durable Task sidecar in a container serves the workflow across a worker kill, the refund deduplicated', { timeout: 240_000 }, async () => {
    const { code, stderr, c } = await run(['--adapter', 'dapr', '--scenario', 'refund-agent', '--fault', 'kill-worker@after-effect:1']);
    expect(code, stderr).toBe(0);
    const starts = history(c.runDir).filter((o) => o.f === 'start' && o.process.startsWith('engine#'));
    expect(starts.map((o) => (o.value.container as { image: string } | undefined)?.image)).toEqual(['ordeal-local/durabletask:0.10.0']);
    expect(refundEntries(c.runDir).map((e) => e.outcome)).toEqual(['applied', 'deduplicated']);
  });

  for (const sig of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const)
    it(`${sig} to the orchestrator mid-case leaves no container of ordeal's`, async () => {
      const out = tempDir();
      const s = JSON.parse(readFileSync(join(root, 'scenarios/refund-agent.json'), 'utf8')) as Record<string, unknown>;
      const scenario = join(out, 'slow-human.json');
      writeFileSync(scenario, JSON.stringify({ ...s, name: 'slow-human', human: { decision: 'approve', delayMs: 60_000 } }));
      // one case at a time: the one container of the case in flight is the one the signal must not leave behind
      const args = [
        ordealBin,
        'run',
        '--jobs',
        '1',
        '--launcher',
        'containers',
        ...images,
        '--adapter',
        'restate',
        '--scenario',
        scenario,
        '--out',
        out,
      ];
      const child = spawn(process.execPath, args, { stdio: 'ignore' });
      const exited = new Promise((r) => child.on('exit', r));
      const pid = child.pid!;
      await until('the agent waits for approval', () => {
        const d = readdirSync(out).find((n) => n.includes('slow-human'));
        const h = d ? join(out, d, 'history.jsonl') : '';
        return h !== '' && existsSync(h) && readFileSync(h, 'utf8').includes('approval:waiting');
      });
      expect(containersOf(pid)).toHaveLength(1);
      child.kill(sig);
      await exited;
      // SIGINT/SIGTERM: the orchestrator kills its containers on the way out; SIGKILL: its reaper removes them
      await until(`no container of the orchestrator left after ${sig}`, () => containersOf(pid).length === 0);
      expect(containersOf(pid)).toEqual([]);
    });

  it('refuses a bad --launcher or --image before anything starts (exit 2)', async () => {
    const bad = await ordeal(['run', '--launcher', 'podman', '--adapter', 'restate', '--scenario', 'refund-agent']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/launcher/);
    const img = await ordeal([
      'run',
      '--launcher',
      'containers',
      '--image',
      'nosuch=img:1',
      '--adapter',
      'restate',
      '--scenario',
      'refund-agent',
      '--out',
      tempDir(),
    ]);
    expect(img.code).toBe(2);
    expect(img.stderr).toMatch(/--image 'nosuch=img:1': expected ENGINE=IMAGE.*restate/);
  });
});
