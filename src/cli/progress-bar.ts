/**
 * A one-line progress bar on a terminal's stderr: percent of the file read, comments
 * so far and per second. Redrawn at most every 100 ms; nothing when stderr is not a terminal.
 */
export class ProgressBar {
  private readonly started = Date.now();
  private drawnAt = 0;
  private bytes = 0;
  private comments = 0;

  constructor(private readonly options: { totalBytes: number; stream: NodeJS.WriteStream }) {}

  static forTerminal(totalBytes: number, enabled: boolean): ProgressBar | undefined {
    return enabled && process.stderr.isTTY ? new ProgressBar({ totalBytes, stream: process.stderr }) : undefined;
  }

  update(progress: { bytes?: number; comments?: number }): void {
    this.bytes = progress.bytes ?? this.bytes;
    this.comments = progress.comments ?? this.comments;
    const now = Date.now();
    if (now - this.drawnAt < 100) return;
    this.drawnAt = now;
    this.draw(now);
  }

  done(): void {
    this.draw(Date.now());
    this.options.stream.write('\n');
  }

  private draw(now: number): void {
    const fraction = this.options.totalBytes > 0 ? Math.min(1, this.bytes / this.options.totalBytes) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const perSecond = Math.round(this.comments / Math.max(0.001, (now - this.started) / 1000));
    this.options.stream.write(
      `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${this.comments} comments  ${perSecond}/s `,
    );
  }
}
