// Is the process that owns a lease gone? Only answerable for pids on this host.
import { hostname } from 'node:os';

export const HOST = hostname();

/**
 * True only when we are sure: same host, not us, and kill(pid, 0) says ESRCH.
 * A zombie (killed but not yet reaped) still counts as alive; so does a reused pid: both only delay recovery to lease expiry.
 */
export function ownerIsDead(pid: number | null | undefined, host: string | null | undefined): boolean {
  if (pid === null || pid === undefined || pid <= 0 || host !== HOST || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
