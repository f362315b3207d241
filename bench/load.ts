import autocannon from 'autocannon';

/** One request of a load: the body (JSON text, for a POST) and the client IP the trusted proxy forwards. */
export interface LoadRequest {
  body?: string;
  ip: string;
}

export interface LoadOptions {
  /** Must point at 127.0.0.1: the benchmark never loads anything but its own servers. */
  url: string;
  method: 'GET' | 'POST';
  connections: number;
  /** How long the round lasts: it stops by itself. */
  seconds: number;
  /** The i-th request of the round (i counts across rounds when `offset` is given). */
  request: (i: number) => LoadRequest;
  offset?: number;
  /** A fixed offered load (requests per second over all connections) instead of as fast as answered. */
  rate?: number;
  /** Called with each answer (status and body), e.g. to note when a comment was accepted. */
  onResponse?: (status: number, body: string) => void;
}

/** R of the issue: what a round measured. */
export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** Anything but a 2xx: connection errors, timeouts, other statuses. */
  errors: number;
  requests: number;
  statusCodes: Record<string, number>;
  meanResponseBytes: number;
}

/**
 * Runs autocannon in this process (its per-request hooks are functions) against a
 * server in another process; the target's CPU is not shared with the load generator.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (new URL(options.url).hostname !== '127.0.0.1') throw new Error(`refusing to load ${options.url}: only 127.0.0.1`);
  let next = options.offset ?? 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        method: options.method,
        setupRequest: (req) => {
          const { body, ip } = options.request(next++);
          const headers: Record<string, string> = { 'x-forwarded-for': ip };
          if (body !== undefined) headers['content-type'] = 'application/json';
          return { ...req, body, headers };
        },
        onResponse: options.onResponse ? (status, body) => options.onResponse!(status, body) : undefined,
      },
    ],
  });
  const seconds = (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]),
  );
  const requests = result.requests.total;
  return {
    rps: requests / seconds,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests,
    statusCodes,
    meanResponseBytes: requests > 0 ? result.throughput.total / requests : 0,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The medians of rounds (errors summed): what the report shows. */
export function medianOf(rounds: LoadResult[]): LoadResult & { rounds: number[] } {
  const statusCodes: Record<string, number> = {};
  for (const round of rounds)
    for (const [code, n] of Object.entries(round.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    rps: Math.round(median(rounds.map((r) => r.rps))),
    p50_ms: median(rounds.map((r) => r.p50_ms)),
    p99_ms: median(rounds.map((r) => r.p99_ms)),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    requests: rounds.reduce((sum, r) => sum + r.requests, 0),
    statusCodes,
    meanResponseBytes: Math.round(median(rounds.map((r) => r.meanResponseBytes))),
    rounds: rounds.map((r) => Math.round(r.rps)),
  };
}
