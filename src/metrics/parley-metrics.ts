import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Finding } from '../moderation/finding';

/** Job states reported per queue: the backlog (`waiting`, `prioritized`), what runs, what waits to retry, what gave up. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

/** A queue-count read that takes longer than this is skipped (Redis down must not hang a scrape). */
const QUEUE_COUNT_TIMEOUT_MS = 1000;

export interface ParleyMetricsOptions {
  /**
   * The queues whose job counts are reported (read from Redis at each scrape). The
   * array is read at each scrape, so a queue pushed onto it later is reported too.
   */
  queues?: Queue[];
}

/** What the moderation worker reports of one decision. */
export interface DecisionSample {
  status: string;
  findings: Pick<Finding, 'check' | 'verdict'>[];
  /** When the comment was accepted (its `created_at`), ms since the epoch. */
  acceptedAt: number;
  /** When the decision was stored, ms since the epoch. */
  decidedAt: number;
}

/**
 * The Prometheus metrics of one process, in a registry of its own (never prom-client's
 * global one), so several runtimes in one process (tests) do not collide. Counters
 * count what this process did; the queue gauges read Redis, so every process reports
 * the same, shared, queue state.
 *
 * Family names are listed in README.md, "Metrics".
 */
export class ParleyMetrics {
  readonly registry = new Registry();
  private readonly queues: Queue[];
  private processMetrics = false;

  readonly httpRequests = new Counter({
    name: 'parley_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /**
   * Each request's two series, bound to their labels once: building and checking label
   * objects for every request cost a cached thread read about a tenth of its CPU. Route
   * templates, methods and statuses are few, so this stays small.
   */
  private readonly requestSeries = new Map<
    string,
    { count: { inc(): void }; duration: { observe(value: number): void } }
  >();

  readonly commentsAccepted = new Counter({
    name: 'parley_comments_accepted_total',
    help: 'Comments accepted (stored as pending and answered 202).',
    registers: [this.registry],
  });

  readonly decisions = new Counter({
    name: 'parley_moderation_decisions_total',
    help: "The moderation worker's decisions, by resulting status (approved, held, spam, rejected).",
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly findings = new Counter({
    name: 'parley_moderation_findings_total',
    help: 'Findings of the moderation checks on decided comments, by check and verdict.',
    labelNames: ['check', 'verdict'] as const,
    registers: [this.registry],
  });

  readonly pipelineLatency = new Histogram({
    name: 'parley_moderation_latency_seconds',
    help: 'Time from accepting a comment to storing its moderation decision, by resulting status.',
    labelNames: ['status'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600],
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'parley_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly classifierTrainings = new Counter({
    name: 'parley_classifier_trainings_total',
    help: 'Moderator decisions the content judgements learned from, by the status decided (spam, approved, rejected, held).',
    labelNames: ['label'] as const,
    registers: [this.registry],
  });

  readonly queueJobs: Gauge<'queue' | 'state'>;

  constructor(options: ParleyMetricsOptions = {}) {
    this.queues = options.queues ?? [];
    const queues = this.queues;
    this.queueJobs = new Gauge({
      name: 'parley_queue_jobs',
      help: `Jobs per queue and state (${QUEUE_STATES.join(', ')}), read from Redis at each scrape.`,
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        await Promise.all(
          queues.map(async (queue) => {
            const counts = await withTimeout(queue.getJobCounts(...QUEUE_STATES), QUEUE_COUNT_TIMEOUT_MS).catch(
              () => undefined,
            );
            // Redis not answering: leave the queue out rather than report zeros or fail the scrape.
            if (!counts) return;
            for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
  }

  /**
   * Adds Node's process metrics (CPU, memory, event loop lag, GC, handles) once. Done
   * when metrics are served rather than in the constructor, because the GC observer
   * and event loop monitor cannot be stopped again.
   */
  enableProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts and times one answered HTTP request, under its route template (never the raw path: labels stay few). */
  recordRequest(request: { method: string; route: string; status: number; seconds: number }): void {
    const key = `${request.method} ${request.status} ${request.route}`;
    let series = this.requestSeries.get(key);
    if (!series) {
      const labels = { method: request.method, route: request.route, status: String(request.status) };
      series = { count: this.httpRequests.labels(labels), duration: this.httpDuration.labels(labels) };
      this.requestSeries.set(key, series);
    }
    series.count.inc();
    series.duration.observe(request.seconds);
  }

  /** Records one moderation decision: its outcome, every check's verdict, and its latency from acceptance. */
  recordDecision(sample: DecisionSample): void {
    this.decisions.inc({ status: sample.status });
    for (const finding of sample.findings) this.findings.inc({ check: finding.check, verdict: finding.verdict });
    this.pipelineLatency.observe({ status: sample.status }, Math.max(0, sample.decidedAt - sample.acceptedAt) / 1000);
  }

  /** The Prometheus text exposition of every family. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
