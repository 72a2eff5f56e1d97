/**
 * Machine faults through ordeal's fault filesystem over the case's data directory: a power cut that loses what was
 * not fsynced, a full disk, a failed fsync (docs/faults.md § Machine faults says what is modelled and where it differs).
 */
import { readFileSync } from 'node:fs';
import { HarnessError } from '../errors.js';
import { defineFault } from './schema.js';
import { MAX_DELAY_MS, type FaultContext } from './types.js';

const target = {
  type: 'choice',
  values: ['all', 'worker', 'engine'],
  default: 'all',
  doc: "whose machine: all (one machine), the worker's processes, or the engine's (and the adapter's own clients)",
} as const;

function diskOf(ctx: FaultContext, fault: string): NonNullable<FaultContext['disk']> {
  if (!ctx.disk) throw new HarnessError(`${fault} needs the fault filesystem, but the case runs without it`, 'ORD-322');
  return ctx.disk;
}

/** The orchestrator's own process group (its adapter clients' writes count as the engine side's). */
function ownGroup(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) || process.pid;
  } catch {
    return process.pid;
  }
}

/** The process groups of the target's side (undefined: everyone's, the whole machine). */
function groups(ctx: FaultContext, t: 'all' | 'worker' | 'engine'): number[] | undefined {
  if (t === 'all') return undefined;
  const worker = ctx.processGroups?.('worker') ?? [];
  if (t === 'worker') return worker;
  // the engine's side: its processes and whatever else is not the worker (the orchestrator's own clients)
  return [...(ctx.processGroups?.('engine') ?? []), ownGroup()];
}

export const powerLoss = defineFault({
  name: 'power-loss',
  description:
    "a power cut: SIGKILL the target's processes, lose their writes since each file's last fsync (and directory changes not yet committed), restart them on what is left",
  needsDisk: true,
  params: {
    target,
    torn: {
      type: 'choice',
      values: ['false', 'true'],
      default: 'false',
      draw: true,
      doc: "true: each file's unsynced writes reach the disk in order up to a tear inside the last one",
    },
    metadata: {
      type: 'choice',
      values: ['journal', 'posix'],
      default: 'journal',
      doc: 'journal: any fsync commits every directory change before it (ext4, XFS); posix: only an fsync of that directory',
    },
  },
  async fire(ctx, p) {
    const disk = diskOf(ctx, 'power-loss');
    const killWorker = p.target !== 'engine';
    const killEngine = p.target !== 'worker' && ctx.killEngine !== undefined;
    await ctx.machineCrash!(async () => {
      if (killWorker) await ctx.killWorker();
      if (killEngine) {
        await ctx.killEngine!();
        for (const role of ctx.engineCompanions?.() ?? []) await ctx.killEngine!(role);
      }
      return disk.crash({ ...(groups(ctx, p.target) ? { pgids: groups(ctx, p.target) } : {}), torn: p.torn === 'true', metadata: p.metadata });
    });
    return {
      release: { type: killWorker ? 'drop' : 'continue' },
      after: async () => {
        if (killEngine) await ctx.startEngine!();
        if (killWorker) await ctx.startWorker();
      },
    };
  },
});

export const diskFull = defineFault({
  name: 'disk-full',
  description: "the disk of the case's data directory is full: writes, creates and growing truncates fail with ENOSPC for ms",
  needsDisk: true,
  params: {
    ms: { type: 'integer', min: 1, max: MAX_DELAY_MS, default: 1000, unit: 'ms', draw: { min: 100, max: 2000 }, doc: 'how long the disk stays full' },
  },
  async fire(ctx, p) {
    const disk = diskOf(ctx, 'disk-full');
    await disk.fill(p.ms);
    return { release: { type: 'continue' }, after: () => ctx.sleep(p.ms) };
  },
});

export const fsyncError = defineFault({
  name: 'fsync-error',
  description:
    'the next fsync of a file the target wrote fails with EIO; as on Linux its unsynced writes stay readable but never reach the disk (a later power-loss loses them)',
  needsDisk: true,
  params: { target },
  async fire(ctx, p) {
    const disk = diskOf(ctx, 'fsync-error');
    await disk.failNextFsync(groups(ctx, p.target));
    return { release: { type: 'continue' } };
  },
});
