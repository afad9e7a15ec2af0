/**
 * Counters and latency sums in Prometheus text format (no client library: a handful of series).
 * Labels are bounded: route templates, status codes, WeChat endpoint paths and errcodes.
 */
type Labels = Record<string, string | number>;

class Family {
  readonly series = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
  ) {}
  add(labels: Labels, by = 1) {
    // Called on every request: a joined key, not JSON. Callers of a family pass labels in one order.
    let key = '';
    for (const name in labels) key += `${name}\u0000${labels[name]}\u0001`;
    const s = this.series.get(key) ?? { labels, value: 0 };
    s.value += by;
    this.series.set(key, s);
  }
}

export class Metrics {
  private families = new Map<string, Family>();
  private readonly startedAt = Date.now();

  counter(name: string, help: string) {
    return this.family(name, help, 'counter');
  }

  private family(name: string, help: string, type: 'counter' | 'gauge'): Family {
    let f = this.families.get(name);
    if (!f) this.families.set(name, (f = new Family(name, help, type)));
    return f;
  }

  render(): string {
    const lines = [
      '# HELP process_uptime_seconds Seconds since the process started.',
      '# TYPE process_uptime_seconds gauge',
      `process_uptime_seconds ${((Date.now() - this.startedAt) / 1000).toFixed(0)}`,
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${process.memoryUsage().rss}`,
    ];
    for (const f of this.families.values()) {
      lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
      for (const s of f.series.values()) lines.push(`${f.name}${formatLabels(s.labels)} ${s.value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}
