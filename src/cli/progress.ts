/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, otherwise nothing (logs and CI stay
 * clean; with --json, stdout is reserved for the result line anyway).
 */
export class Progress {
  private last = 0;
  private shown = false;
  private readonly start = Date.now();
  constructor(private readonly enabled: boolean = Boolean(process.stderr.isTTY)) {}

  update(done: number, total: number, label = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const width = 28;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const fill = Math.round(frac * width);
    const elapsed = (now - this.start) / 1000;
    const eta = frac > 0 ? elapsed * (1 / frac - 1) : NaN;
    const fmt = (s: number) =>
      Number.isFinite(s)
        ? s >= 60
          ? `${Math.floor(s / 60)}m${Math.round(s % 60)
              .toString()
              .padStart(2, '0')}s`
          : `${s.toFixed(0)}s`
        : '?';
    const line = `${label ? `${label} ` : ''}[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total} ${fmt(elapsed)} eta ${fmt(eta)}`;
    process.stderr.write(`\r\x1b[2K${line}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) process.stderr.write('\n');
    this.shown = false;
  }
}
