/** What the order export reports after each page (the NDJSON `progress` line). */
export interface ExportProgress {
  fraction: number;
  window: number;
  windows: number;
  orders: number;
  pages: number;
}

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** `[#########-----------]  45%  window 2/3  250 orders  5 pages`, fitted to `columns`. */
export function renderBar(p: ExportProgress, columns = 80): string {
  const fraction = Math.min(1, Math.max(0, p.fraction));
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
  const facts = `window ${Math.min(p.window + 1, p.windows)}/${p.windows}  ${p.orders} orders  ${p.pages} pages`;
  const width = Math.max(10, Math.min(40, columns - facts.length - pct.length - 6));
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}  ${facts}`;
}

/**
 * A progress bar redrawn in place when the stream is a terminal; otherwise (a log, a pipe) one
 * plain line every `intervalMs`, so a long export still shows it is alive without flooding.
 */
export class ProgressReporter {
  private lastAt = -Infinity;
  private drawn = false;
  private readonly intervalMs: number;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly now: () => number = Date.now,
    intervalMs?: number,
  ) {
    this.intervalMs = intervalMs ?? (stream.isTTY ? 80 : 2000);
  }

  update(p: ExportProgress): void {
    const t = this.now();
    if (t - this.lastAt < this.intervalMs) return;
    this.lastAt = t;
    this.draw(p);
  }

  /** The final state, always shown; on a terminal the bar then stays, followed by a newline. */
  finish(p: ExportProgress): void {
    this.draw(p);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  /** Leaves the line clean before an error message follows. */
  abort(): void {
    if (this.stream.isTTY && this.drawn) this.stream.write('\n');
  }

  private draw(p: ExportProgress): void {
    this.drawn = true;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${this.label} ${renderBar(p, (this.stream.columns ?? 80) - this.label.length - 1)}`);
    } else {
      const windowNo = Math.min(p.window + 1, p.windows);
      this.stream.write(`${this.label}: ${Math.floor(p.fraction * 100)}% (window ${windowNo}/${p.windows}, ${p.orders} orders, ${p.pages} pages)\n`);
    }
  }
}
