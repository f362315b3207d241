import IORedis, { type Redis } from 'ioredis';

export type RedisRole = 'producer' | 'worker';

/**
 * A Redis connection for BullMQ. Workers block on Redis and must retry forever
 * (BullMQ requires maxRetriesPerRequest: null). Producers on the request path must
 * fail fast instead, so a Redis outage costs a request nothing but the enqueue:
 * the comment is already stored and the sweep queues it later.
 */
export function createRedisConnection(url: string, role: RedisRole): Redis {
  return new IORedis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5000,
    lazyConnect: false,
  });
}

/** Resolves when something answers PING at `url` within `timeoutMs`, false otherwise. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const probe = new IORedis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Rejects if `work` has not settled within `ms`. BullMQ waits for its connection before
 * adding a job, so without a bound an add during a Redis outage would hang its caller.
 */
export async function withinTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long a producer waits for Redis to take a job before the caller moves on. */
export const ENQUEUE_TIMEOUT_MS = 2000;

/** Resolves once `connection` is ready; rejects with a clear message after `timeoutMs`. */
export async function redisReady(connection: Redis, timeoutMs = 10_000): Promise<void> {
  if (connection.status === 'ready') return;
  await withinTimeout(
    new Promise<void>((resolve) => connection.once('ready', () => resolve())),
    timeoutMs,
    `connecting to Redis (${connection.options.host}:${connection.options.port})`,
  );
}
