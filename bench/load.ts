import autocannon from 'autocannon';

export interface LoadOptions {
  /** Must point at 127.0.0.1: the benchmark never loads anything but its own servers. */
  url: string;
  method: 'GET' | 'POST';
  /** A JSON body; every `[<id>]` in it becomes a fresh UUID per request, so texts differ. */
  body?: string;
  connections: number;
  /** Requests to complete; a fixed amount, so every run stops by itself. */
  amount: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  /** Anything that was not a 2xx answer: errors, timeouts, non-2xx statuses. */
  failures: number;
  statusCodes: Record<string, number>;
  meanResponseBytes: number;
}

/** Fires `amount` requests at `url` over `connections` keep-alive connections and summarizes the answers. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (new URL(options.url).hostname !== '127.0.0.1') throw new Error(`refusing to load ${options.url}: only 127.0.0.1`);
  const result = await autocannon({
    url: options.url,
    method: options.method,
    headers: options.body ? { 'content-type': 'application/json' } : {},
    body: options.body,
    idReplacement: options.body?.includes('[<id>]') ?? false,
    connections: options.connections,
    amount: options.amount,
    timeout: 10,
    // autocannon notices that `amount` is reached only at its next sample tick; at the default
    // 1000 ms every run would last a whole number of seconds and the rate would be quantized.
    sampleInt: 10,
    // The load generator runs in a worker thread so it does not share the server's event loop.
    workers: 1,
  });
  // `requests.total` and `throughput.total` are the run's totals (the averages are per-second samples).
  const completed = result.requests.total;
  const seconds = (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]),
  );
  return {
    requestsPerSecond: completed / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    completed,
    failures: result.errors + result.timeouts + result.non2xx,
    statusCodes,
    meanResponseBytes: completed > 0 ? result.throughput.total / completed : 0,
  };
}
