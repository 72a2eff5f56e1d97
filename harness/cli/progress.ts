/** A one-line progress display on stderr, redrawn in place; silent when stderr is not a terminal. */
export class ProgressLine {
  private readonly started = Date.now();
  private text = '';
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly on: boolean;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.on = stream.isTTY === true;
    this.stream = stream;
    // redraw every second so the elapsed time moves while a case runs
    this.timer = this.on ? setInterval(() => this.draw(), 1000).unref() : undefined;
  }

  private readonly stream: NodeJS.WriteStream;

  /** Sets the line's text (the elapsed time is appended). */
  set(text: string): void {
    this.text = text;
    this.draw();
  }

  /** Writes a whole line above the progress line (which is redrawn under it). */
  log(line: string): void {
    if (this.on && this.text) this.stream.write('\r\x1b[K');
    this.stream.write(line.endsWith('\n') ? line : `${line}\n`);
    this.draw();
  }

  elapsedSeconds(): number {
    return Math.round((Date.now() - this.started) / 1000);
  }

  private draw(): void {
    if (!this.on || !this.text) return;
    const line = `${this.text} · ${this.elapsedSeconds()}s`;
    this.stream.write(`\r\x1b[K${line.slice(0, Math.max(20, (this.stream.columns || 100) - 1))}`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.on && this.text) this.stream.write('\r\x1b[K');
  }
}
