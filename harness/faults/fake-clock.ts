/** A process's wall clock moved with libfaketime: preloaded at the process's start, its offset changed at run time through its control file. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { faketimePreload } from '../engines/faketime.js';
import { enginesRoot } from '../engines/registry.js';
import { HarnessError } from '../errors.js';

/** How often (s) a preloaded process re-reads the control file: a jump shows within this long. */
export const FAKETIME_CACHE_S = 1;

/** The wall clock of the processes started with `env()`: CLOCK_REALTIME moves by the sum of the jumps, monotonic clocks do not (as an NTP step). */
export class FakeClock {
  private offsetMs = 0;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.write();
  }

  /** The environment that preloads libfaketime with this control file (added to an existing LD_PRELOAD). */
  env(base: NodeJS.ProcessEnv = process.env, preload = faketimePreload(enginesRoot())): Record<string, string> {
    if (!preload) throw new HarnessError('clock-jump: libfaketime is not installed: run `ordeal engines install faketime`', 'ORD-333');
    return {
      LD_PRELOAD: [base.LD_PRELOAD, ...preload].filter(Boolean).join(':'),
      FAKETIME_TIMESTAMP_FILE: this.file,
      FAKETIME_CACHE_DURATION: String(FAKETIME_CACHE_S),
      // a stepped wall clock leaves timers and durations alone, as an NTP step or a VM resume does
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    };
  }

  /** The offset so far (ms). */
  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock by `ms` (negative: back); the processes see it within FAKETIME_CACHE_S. */
  jump(ms: number): void {
    this.offsetMs += ms;
    this.write();
  }

  /** libfaketime's relative form: `+90.500` / `-3.000` seconds. */
  private write(): void {
    const s = (Math.abs(this.offsetMs) / 1000).toFixed(3);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${this.offsetMs < 0 ? '-' : '+'}${s}\n`);
    renameSync(tmp, this.file);
  }
}
