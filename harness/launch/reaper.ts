/**
 * The reaper: a small process the orchestrator starts beside its first child, in a process group of its own. The
 * orchestrator tells it over IPC each process group it starts and each that ends; when the IPC channel closes (the
 * orchestrator exited or died by any means, SIGKILL included) it SIGKILLs every group still registered and exits,
 * so no engine, proxy, world or worker outlives the command that started it.
 */
const groups = new Set<number>();

process.on('message', (m: { add?: number; remove?: number }) => {
  if (typeof m.add === 'number') groups.add(m.add);
  if (typeof m.remove === 'number') groups.delete(m.remove);
});

process.on('disconnect', () => {
  for (const pgid of groups)
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  process.exit(0);
});

// a terminal's Ctrl-C or a CI's SIGTERM to the orchestrator is handled there; the reaper waits for the channel to close
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);
