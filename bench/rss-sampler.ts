/** Peak RSS (VmHWM) of this process's descendants, sampled from /proc while cases run (not free: it scans /proc). */
import { readdirSync, readFileSync } from 'node:fs';

export class RssSampler {
  /** pid → highest VmHWM seen, in kB. */
  readonly peakKb = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  start(everyMs = 100): this {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Highest peak among `pids`, in MB; undefined when none was seen (a process that lived less than one sample). */
  peakMb(pids: number[]): number | undefined {
    const kb = Math.max(0, ...pids.map((p) => this.peakKb.get(p) ?? 0));
    return kb > 0 ? Math.round(kb / 102.4) / 10 : undefined;
  }

  private sample(): void {
    const parent = new Map<number, number>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        // the field after the parenthesised command is the state, then the ppid
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // gone meanwhile
      }
    }
    const mine = (pid: number): boolean => {
      for (let p = parent.get(pid), hops = 0; p !== undefined && hops < 8; p = parent.get(p), hops++) if (p === process.pid) return true;
      return false;
    };
    for (const pid of parent.keys()) {
      if (!mine(pid)) continue;
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) this.peakKb.set(pid, Math.max(this.peakKb.get(pid) ?? 0, Number(m[1])));
      } catch {
        // exited between the two reads
      }
    }
  }
}
