/**
 * The containers launcher's reaper: started detached by an orchestrator that runs engines in containers, it waits for
 * that orchestrator to be gone (however it went, SIGKILL included) and removes every container it started, then exits.
 * argv: <orchestrator pid> <owner label value>.
 */
import { removeContainersOf } from './containers.js';

const pid = Number(process.argv[2]);
const ownerKey = process.argv[3] ?? '';

function alive(): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const timer = setInterval(() => {
  if (alive()) return;
  clearInterval(timer);
  void removeContainersOf(ownerKey)
    .catch((e: unknown) => process.stderr.write(`ordeal container reaper: ${(e as Error).message}\n`))
    .finally(() => process.exit(0));
}, 200);
