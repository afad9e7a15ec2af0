/**
 * Metrics in Prometheus text format, from prom-client: its default process metrics (CPU, memory,
 * event-loop lag, heap, GC, handles) and the BFF's own counters and histograms, each Metrics its own
 * registry. Labels are bounded: route templates, status codes, WeChat endpoint paths and errcodes,
 * script names. The names are listed in the README ("Metrics").
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { setScriptObserver } from '../redis/scripts';

type Labels = Record<string, string | number>;

/** Latency buckets (seconds): 1 ms to 5 s, WeChat's push timeout. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface CounterFamily {
  add(labels: Labels, by?: number): void;
}
export interface HistogramFamily {
  observe(labels: Labels, seconds: number): void;
}

/**
 * The series of a family by its label values, each resolved from prom-client once: prom-client hashes
 * the labels object (keys sorted) on every inc/observe, which the callback's hot path would pay per push.
 */
function seriesOf<T>(labelNames: readonly string[], resolve: (labels: Labels) => T): (labels: Labels) => T {
  const series = new Map<string, T>();
  return (labels) => {
    let key = '';
    for (const name of labelNames) key += `${labels[name]}\u0000`;
    let s = series.get(key);
    if (s === undefined) series.set(key, (s = resolve(labels)));
    return s;
  };
}

export class Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, CounterFamily>();
  private readonly histograms = new Map<string, HistogramFamily>();

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** A counter family; asked again by name, the same one. */
  counter(name: string, help: string, labelNames: readonly string[] = []): CounterFamily {
    let family = this.counters.get(name);
    if (!family) {
      const counter = new Counter({ name, help, labelNames, registers: [this.registry] });
      const series = seriesOf(labelNames, (labels) => counter.labels(labels));
      this.counters.set(name, (family = { add: (labels, by = 1) => series(labels).inc(by) }));
    }
    return family;
  }

  /** A latency histogram family (seconds); asked again by name, the same one. */
  histogram(name: string, help: string, labelNames: readonly string[] = []): HistogramFamily {
    let family = this.histograms.get(name);
    if (!family) {
      const histogram = new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers: [this.registry] });
      const series = seriesOf(labelNames, (labels) => histogram.labels(labels));
      this.histograms.set(name, (family = { observe: (labels, seconds) => series(labels).observe(seconds) }));
    }
    return family;
  }

  /** Set in a worker of WORKERS>1 (`shareWithPrimary`): asks the primary for every worker's metrics. */
  private renderAll: (() => Promise<string>) | undefined;

  get contentType(): string {
    return this.registry.contentType;
  }

  /** This process's metrics; in a worker of WORKERS>1, every worker's, summed (see shareWithPrimary). */
  render(): Promise<string> {
    return this.renderAll ? this.renderAll() : this.registry.metrics();
  }

  /**
   * WORKERS>1: node:cluster hands a `/metrics` request to any worker, so one worker's figures alone
   * would be a random sample. Here each worker's registry is offered to the primary (prom-client's
   * AggregatorRegistry asks every worker for its metrics over IPC), and render() asks the primary for
   * the aggregate (counters and histograms summed, gauges as prom-client aggregates them), within 5 s.
   */
  shareWithPrimary(): void {
    AggregatorRegistry.setRegistries([this.registry]);
    new AggregatorRegistry(); // installs prom-client's worker side: answers the primary's requests
    let nextId = 0;
    const pending = new Map<number, { resolve: (text: string) => void; reject: (e: Error) => void }>();
    process.on('message', (message: AggregateReply) => {
      if (message?.type !== AGGREGATE_REPLY) return;
      const request = pending.get(message.id);
      pending.delete(message.id);
      if (message.error === undefined) request?.resolve(message.text ?? '');
      else request?.reject(new Error(message.error));
    });
    this.renderAll = () =>
      new Promise<string>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('the primary did not answer with every worker\'s metrics within 5 s'));
        }, 5000);
        pending.set(id, { resolve: (text) => (clearTimeout(timer), resolve(text)), reject: (e) => (clearTimeout(timer), reject(e)) });
        process.send!({ type: AGGREGATE_REQUEST, id });
      });
  }
}

const AGGREGATE_REQUEST = 'giftcard:metrics-request';
const AGGREGATE_REPLY = 'giftcard:metrics-reply';
type AggregateReply = { type?: string; id: number; text?: string; error?: string };

/** The primary of WORKERS>1: answers a worker's request for every worker's metrics (Metrics.shareWithPrimary). */
export function aggregateWorkerMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id: number }) => {
    if (message?.type !== AGGREGATE_REQUEST) return;
    const reply = (fields: Partial<AggregateReply>) => {
      if (worker.isConnected()) worker.send({ type: AGGREGATE_REPLY, id: message.id, ...fields });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (e: Error) => reply({ error: e.message }),
    );
  });
}

/** The WeChat client's `onCall`: calls by endpoint and errcode, and their latency by endpoint. */
export function wechatCallObserver(metrics: Metrics): (call: { endpoint: string; ms: number; errcode: number | null }) => void {
  const calls = metrics.counter('wechat_calls_total', 'WeChat API calls by endpoint and errcode.', ['endpoint', 'errcode']);
  const latency = metrics.histogram('wechat_call_duration_seconds', 'WeChat API call latency by endpoint (seconds).', ['endpoint']);
  return (c) => {
    calls.add({ endpoint: c.endpoint, errcode: c.errcode ?? 'none' });
    latency.observe({ endpoint: c.endpoint }, c.ms / 1000);
  };
}

/**
 * Redis script latency by script name (redis/scripts.ts), timed where the BFF runs its scripts
 * (`runScript`: the inbox's EVALSHA and the others), for the whole process; every other Redis
 * command pays nothing. Returns the uninstall.
 */
export function observeRedisScripts(metrics: Metrics): () => void {
  const latency = metrics.histogram('redis_script_duration_seconds', 'Redis Lua script latency by script (seconds).', ['script']);
  setScriptObserver((script, seconds) => latency.observe({ script }, seconds));
  return () => setScriptObserver(undefined);
}
