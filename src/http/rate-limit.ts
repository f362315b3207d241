import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ApiError } from '../errors';

export interface RateLimitOptions {
  redis: Redis;
  prefix: string;
  /** What is limited, in the key and the log: e.g. "submit". */
  name: string;
  /** Requests per client IP per window. */
  limit: number;
  windowMs: number;
  logger: Logger;
}

/** Counts a request in its window and returns the count: one command, one round trip. */
const COUNT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

type CountingRedis = Redis & { parleyRateCount(key: string, windowMs: number): Promise<number> };

/**
 * A per-IP limit at the door, counted in Redis so every API replica shares it: past
 * the limit, 429 with Retry-After. If Redis cannot answer, requests go through: during
 * an outage accepting comments matters more, and the worker's flood check still holds
 * a flood. IPs are hashed in key names.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const redis = options.redis as CountingRedis;
  // ioredis sends the script's SHA, and the script itself only when Redis does not know it yet.
  if (typeof redis.parleyRateCount !== 'function')
    redis.defineCommand('parleyRateCount', { numberOfKeys: 1, lua: COUNT_SCRIPT });
  return async (req, res, next) => {
    const now = Date.now();
    const window = Math.floor(now / options.windowMs);
    const ip = createHash('sha256')
      .update(req.ip ?? 'unknown')
      .digest('base64url')
      .slice(0, 22);
    const key = `${options.prefix}:ratelimit:${options.name}:${ip}:${window}`;
    let count: number;
    try {
      count = Number(await redis.parleyRateCount(key, options.windowMs));
    } catch (err) {
      options.logger.debug(
        { err: (err as Error).message, limit: options.name },
        'rate limit not checked: Redis unavailable',
      );
      return next();
    }
    if (count > options.limit) {
      const retryAfter = Math.ceil(((window + 1) * options.windowMs - now) / 1000);
      res.set('Retry-After', String(retryAfter));
      throw ApiError.rateLimited(retryAfter);
    }
    next();
  };
}
