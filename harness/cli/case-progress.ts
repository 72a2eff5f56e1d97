/** The progress of a matrix of cases on one line: how many ended, how many failed, and the cases running now. */
import { ProgressLine } from './progress.js';

export class CaseProgress {
  private readonly line: ProgressLine;
  private readonly running = new Map<number, string>();
  private done = 0;
  private failing = 0;

  /** `title` opens the line (e.g. `exhaustive refund-agent`); `total` is the number of cases. */
  constructor(
    private readonly title: string,
    private readonly total: number,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.line = new ProgressLine(stream);
  }

  started(index: number, label: string): void {
    this.running.set(index, label);
    this.draw();
  }

  ended(index: number, valid: boolean | 'unknown' | undefined): void {
    this.running.delete(index);
    this.done++;
    if (valid !== true) this.failing++;
    this.draw();
  }

  /** A line of the log above the progress line (e.g. a case's verdict). */
  log(text: string): void {
    this.line.log(text);
  }

  stop(): void {
    this.line.stop();
  }

  private draw(): void {
    const now = [...this.running.entries()].sort(([a], [b]) => a - b).map(([i, l]) => `#${i + 1} ${l}`);
    const head = `${this.title ? `${this.title}: ` : ''}${this.done}/${this.total} done · ${this.failing} not valid`;
    this.line.set(now.length ? `${head} · running ${now.join(' | ')}` : head);
  }
}
