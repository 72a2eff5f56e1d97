/** ordeal-faultfs on a real FUSE mount: what a power cut keeps and loses, a full disk, a failed fsync, and no mount left behind. */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fusermount } from '../../harness/engines/index.js';
import { isMounted, startFaultFs, sweepStaleMounts, type DiskControl } from '../../harness/faultfs/index.js';
import { ordealBin, root, tempDir } from '../helpers/cli.js';
import { engineInstalled } from '../helpers/run-folder.js';

const { installed, skipReason } = engineInstalled('faultfs');
const fuse = existsSync('/dev/fuse') && fusermount() !== undefined;
/** Whether a process of this pid is alive. */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const skip = !installed ? skipReason : !fuse ? '/dev/fuse or fusermount3 is missing (apt-get install fuse3)' : '';

/** Writes `data` at the end of the file and optionally fsyncs it. */
function append(file: string, data: string, sync = false): void {
  const fd = openSync(file, 'a');
  writeSync(fd, data);
  if (sync) fsyncSync(fd);
  closeSync(fd);
}

/** fsync of a directory (what makes its entries durable). */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  fsyncSync(fd);
  closeSync(fd);
}

describe.skipIf(skip !== '')(`ordeal-faultfs on a real FUSE mount${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let run: string;
  let mnt: string;
  let disk: DiskControl;
  beforeEach(async () => {
    run = tempDir('ordeal-faultfs-');
    mkdirSync(join(run, 'logs'));
    mnt = join(run, 'data');
    disk = await startFaultFs(mnt, run);
    expect(isMounted(mnt)).toBe(true);
  });
  afterEach(async () => {
    await disk.stop();
    expect(isMounted(mnt)).toBe(false);
  });

  it('writes before an fsync survive a power cut, writes after it do not', async () => {
    const f = join(mnt, 'log');
    append(f, 'committed;', true);
    syncDir(mnt);
    append(f, 'lost;');
    expect(readFileSync(f, 'utf8')).toBe('committed;lost;'); // the page cache has it until the power goes
    const report = await disk.crash({});
    expect(report.files).toEqual([{ path: 'log', writes: 1, bytes: 5 }]);
    expect(readFileSync(f, 'utf8')).toBe('committed;');
    // what the crash left is durable: a second one changes nothing
    expect((await disk.crash({})).files).toEqual([]);
    expect(readFileSync(f, 'utf8')).toBe('committed;');
  });

  it('overwrites and truncates since the last fsync are taken back to the synced bytes', async () => {
    const f = join(mnt, 'page');
    writeFileSync(f, 'A'.repeat(100));
    const fd = openSync(f, 'r+');
    fsyncSync(fd);
    syncDir(mnt);
    writeSync(fd, 'B'.repeat(10), 0, 'utf8');
    writeSync(fd, 'C'.repeat(10), 200, 'utf8'); // past the end: a hole and a longer file
    ftruncateSync(fd, 50);
    closeSync(fd);
    expect(readFileSync(f, 'utf8')).toBe('B'.repeat(10) + 'A'.repeat(40));
    await disk.crash({});
    expect(readFileSync(f, 'utf8')).toBe('A'.repeat(100));
  });

  it('a torn write keeps the writes before it and a sector-aligned prefix of itself', async () => {
    const f = join(mnt, 'wal');
    append(f, 'h'.repeat(100), true);
    syncDir(mnt);
    append(f, 'x'.repeat(300));
    append(f, 'y'.repeat(2000));
    const report = await disk.crash({ torn: true, seed: 1 });
    const kept = report.files[0]!.tornKept!;
    expect(kept % 512).toBe(0);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(2000);
    expect(readFileSync(f, 'utf8')).toBe('h'.repeat(100) + 'x'.repeat(300) + 'y'.repeat(kept));
  });

  it('directory entries: a create, an unlink and a rename not yet committed by an fsync are undone', async () => {
    append(join(mnt, 'old'), 'old', true);
    append(join(mnt, 'gone'), 'gone', true);
    syncDir(mnt); // old and gone are durable entries
    append(join(mnt, 'new'), 'new', true); // its data synced, its entry not: posix loses it, a journal would not
    unlinkSync(join(mnt, 'gone'));
    renameSync(join(mnt, 'old'), join(mnt, 'renamed'));
    const report = await disk.crash({ metadata: 'posix' });
    expect(report.dirOps).toEqual(['rename old -> renamed', 'unlink gone', 'create new']);
    expect(readdirSync(mnt).sort()).toEqual(['gone', 'old']);
    expect(readFileSync(join(mnt, 'gone'), 'utf8')).toBe('gone');
    expect(readFileSync(join(mnt, 'old'), 'utf8')).toBe('old');
  });

  it('journal metadata (ext4, XFS): any fsync commits every directory change made before it', async () => {
    append(join(mnt, 'a'), 'a');
    mkdirSync(join(mnt, 'sub'));
    append(join(mnt, 'sub', 'b'), 'b', true); // the fsync of b commits a's and sub's entries, not a's data
    append(join(mnt, 'c'), 'c'); // after the last fsync: lost
    const report = await disk.crash({});
    expect(report.dirOps).toEqual(['create c']);
    expect(readdirSync(mnt).sort()).toEqual(['a', 'sub']);
    expect(readFileSync(join(mnt, 'a'), 'utf8')).toBe('');
    expect(readFileSync(join(mnt, 'sub', 'b'), 'utf8')).toBe('b');
  });

  it('a full disk fails writes with ENOSPC until it heals', async () => {
    const f = join(mnt, 'f');
    append(f, 'ok;', true);
    await disk.fill(60_000);
    expect(() => append(f, 'more')).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    expect(() => writeFileSync(join(mnt, 'other'), 'x')).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    await disk.fill(0);
    append(f, 'more', true);
    expect(readFileSync(f, 'utf8')).toBe('ok;more');
  });

  it('a failed fsync is EIO; as on Linux the retry succeeds, yet what it failed to write is lost at the next power cut', async () => {
    const f = join(mnt, 'f');
    append(f, 'ok;', true);
    syncDir(mnt);
    append(f, 'unsynced;');
    await disk.failNextFsync();
    const fd = openSync(f, 'r+');
    expect(() => fsyncSync(fd)).toThrow(expect.objectContaining({ code: 'EIO' }));
    fsyncSync(fd);
    closeSync(fd);
    expect(readFileSync(f, 'utf8')).toBe('ok;unsynced;'); // still in the page cache
    const report = await disk.crash({});
    expect(report.files).toEqual([{ path: 'f', writes: 1, bytes: 9 }]);
    expect(readFileSync(f, 'utf8')).toBe('ok;');
  });
});

describe.skipIf(skip !== '')(`no fault filesystem outlives its orchestrator${skip ? ` — skipped: ${skip}` : ''}`, () => {
  it('a SIGKILLed orchestrator: the filesystem notices and unmounts itself', async () => {
    const run = tempDir('ordeal-faultfs-kill-');
    mkdirSync(join(run, 'logs'));
    const mnt = join(run, 'data');
    const script = `import { startFaultFs } from ${JSON.stringify(join(root, 'dist/harness/faultfs/index.js'))};
await startFaultFs(${JSON.stringify(mnt)}, ${JSON.stringify(run)}); console.log('mounted'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => child.stdout.on('data', (d: Buffer) => d.toString().includes('mounted') && r()));
    expect(isMounted(mnt)).toBe(true);
    child.kill('SIGKILL');
    const end = Date.now() + 20_000;
    while (isMounted(mnt) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(isMounted(mnt)).toBe(false);
  });

  /** `ordeal run` mid-case on the mount: a refund whose human answers after a minute, with a machine fault not fired yet. */
  async function runOnMount() {
    const out = tempDir('ordeal-faultfs-run-');
    const s = JSON.parse(readFileSync(join(root, 'scenarios/refund-agent.json'), 'utf8')) as Record<string, unknown>;
    const scenario = join(out, 'slow-human.json');
    writeFileSync(scenario, JSON.stringify({ ...s, name: 'slow-human', human: { decision: 'approve', delayMs: 60_000 } }));
    const args = [ordealBin, 'run', '--scenario', scenario, '--fault', 'power-loss@after-effect:1', '--out', join(out, 'runs')];
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.on('exit', (code, signal) => r({ code, signal })),
    );
    let runDir = '';
    const end = Date.now() + 30_000;
    while (Date.now() < end) {
      const d = existsSync(join(out, 'runs')) ? readdirSync(join(out, 'runs')).find((n) => n.includes('slow-human')) : undefined;
      if (d && existsSync(join(out, 'runs', d, 'history.jsonl'))) {
        runDir = join(out, 'runs', d);
        if (readFileSync(join(runDir, 'history.jsonl'), 'utf8').includes('approval:waiting')) break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const mnt = join(runDir, 'data');
    expect(isMounted(mnt)).toBe(true);
    const pids = readFileSync(join(runDir, 'history.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"f":"start"'))
      .map((l) => (JSON.parse(l) as { pid: number }).pid);
    expect(pids.length).toBe(2); // the world and the worker
    return { child, exited, mnt, pids };
  }

  it('ordeal run SIGKILLed mid-case: the reaper ends the world and the worker, and the filesystem still unmounts itself', async () => {
    const { child, exited, mnt, pids } = await runOnMount();
    child.kill('SIGKILL');
    await exited;
    const gone = Date.now() + 20_000;
    while ((isMounted(mnt) || pids.some(alive)) && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
    expect(isMounted(mnt)).toBe(false);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('ordeal run SIGTERMed mid-case: its clients still read the mount while it stops, so the filesystem stays up until the orchestrator exits (143), then is unmounted', async () => {
    // the reference adapter's client in the orchestrator keeps the journal's -shm memory-mapped on the mount: a filesystem
    // killed with the other groups made its next poll die of SIGBUS, before the exit handler could unmount
    const { child, exited, mnt, pids } = await runOnMount();
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 143, signal: null });
    const gone = Date.now() + 20_000;
    while ((isMounted(mnt) || pids.some(alive)) && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
    expect(isMounted(mnt)).toBe(false);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('SIGTERM to the orchestrator unmounts on its way out', async () => {
    const run = tempDir('ordeal-faultfs-term-');
    mkdirSync(join(run, 'logs'));
    const mnt = join(run, 'data');
    const script = `import { startFaultFs } from ${JSON.stringify(join(root, 'dist/harness/faultfs/index.js'))};
import { installCleanupHandlers } from ${JSON.stringify(join(root, 'dist/harness/launch/index.js'))};
installCleanupHandlers(); await startFaultFs(${JSON.stringify(mnt)}, ${JSON.stringify(run)}); console.log('mounted'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => child.stdout.on('data', (d: Buffer) => d.toString().includes('mounted') && r()));
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;
    expect(isMounted(mnt)).toBe(false);
  });

  it('a mount whose filesystem and orchestrator were both SIGKILLed is swept by the next case', async () => {
    const run = tempDir('ordeal-faultfs-stale-');
    mkdirSync(join(run, 'logs'));
    const mnt = join(run, 'data');
    const script = `import { startFaultFs } from ${JSON.stringify(join(root, 'dist/harness/faultfs/index.js'))};
import { liveGroups } from ${JSON.stringify(join(root, 'dist/harness/launch/index.js'))};
await startFaultFs(${JSON.stringify(mnt)}, ${JSON.stringify(run)}); console.log('mounted ' + liveGroups()[0].pid); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const fsPid = await new Promise<number>((r) =>
      child.stdout.on('data', (d: Buffer) => /mounted (\d+)/.test(d.toString()) && r(Number(/mounted (\d+)/.exec(d.toString())![1]))),
    );
    process.kill(fsPid, 'SIGKILL'); // the filesystem first: nothing is left to unmount the mount
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(isMounted(mnt)).toBe(true); // stale: its server is gone
    expect(sweepStaleMounts()).toContain(mnt);
    expect(isMounted(mnt)).toBe(false);
  });
});
