// An ordeal adapter for the Go worker beside it (main.go): built once with `go build`, then started for every case;
// the orchestrator side talks to it through files in the case's data directory, as examples/custom-adapter does.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerEnv, writeJsonDurably } from 'ordeal/adapter';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The worker's binary, built from this folder's sources once per version of them (a changed main.go is built again). */
function build() {
  const digest = createHash('sha256');
  for (const f of ['go.mod', 'main.go']) digest.update(readFileSync(join(here, f)));
  const bin = join(tmpdir(), `ordeal-go-worker-${digest.digest('hex').slice(0, 12)}`);
  if (!existsSync(bin)) {
    // built under a name of this process's own and renamed into place: two gates may build at once
    execFileSync('go', ['build', '-o', `${bin}.${process.pid}`, '.'], { cwd: here, stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(`${bin}.${process.pid}`, bin);
  }
  return bin;
}
const binary = build();

const dir = (ctx) => (mkdirSync(join(ctx.dataDir, 'go-worker'), { recursive: true }), join(ctx.dataDir, 'go-worker'));

/** @type {import('ordeal/adapter').UserAdapter} */
export default {
  name: 'go-journal',
  description: 'a Go agent loop (standard library only) with its own fsynced JSON-lines journal (examples/go-worker)',
  // what must survive a crash, under the case's data directory (power-loss, disk-full and fsync-error act on it)
  durableState: { paths: ['go-worker/'] },
  // a Go binary reads the clock through the vDSO without libc, so a preloaded libfaketime cannot move it
  workerClock: { libc: false, why: 'a Go binary reads the clock through the vDSO without libc' },
  // the worker gets ORDEAL_WORLD_URL, ORDEAL_RUN_ID, ORDEAL_DATA_DIR, ORDEAL_WORKSPACE, ORDEAL_IDEMPOTENCY, ORDEAL_PARENT_PID, ORDEAL_OPTIONS
  worker: (ctx) => ({ command: binary, args: [], env: workerEnv(ctx) }),
  // the task and the human's decisions are on disk before they are acknowledged: a power cut must not lose them
  async submit(ctx) {
    writeJsonDurably(join(dir(ctx), 'task.json'), { task: ctx.scenario.task, system: ctx.scenario.system ?? null });
    return { id: ctx.runId };
  },
  async approve(ctx, _handle, decision) {
    const { approved, values } = decision;
    writeJsonDurably(join(dir(ctx), `approval-${decision.approvalId.replace(/:/g, '_')}.json`), { approved, ...(values ? { values } : {}) });
  },
  async outcome(ctx) {
    const file = join(dir(ctx), 'outcome.json');
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { status: 'running' };
  },
};
