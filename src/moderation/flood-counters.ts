import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const MINUTE = 60_000;
const DAY = 24 * 3600_000;

export interface FloodCounts {
  /** Comments from this IP in the minute up to this one, this one included. */
  perIpLastMinute: number;
  /** Comments by this email in the minute up to this one, this one included. */
  perEmailLastMinute: number;
  /** Earlier comments with the same text by this email in the last day. */
  sameTextLastDay: number;
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);

/**
 * Sliding windows in Redis, shared by every worker: one sorted set per author key,
 * scored by the comment's acceptance time, the comment id as member. Recording a
 * comment twice (a retried job) changes nothing. Emails and IPs are hashed in key names.
 */
export class FloodCounters {
  constructor(private readonly options: { redis: Redis; prefix: string }) {}

  async record(comment: {
    id: string;
    email: string;
    ip: string | null;
    textHash: string;
    at: number;
  }): Promise<FloodCounts> {
    const key = (kind: string, value: string) => `${this.options.prefix}:flood:${kind}:${digest(value)}`;
    const ipKey = comment.ip ? key('ip', comment.ip) : undefined;
    const emailKey = key('email', comment.email);
    // By email only: people behind one IP (an office, a campus) often write the same "Great post!".
    const textKey = key('text', `${comment.email}\n${comment.textHash}`);

    const multi = this.options.redis.multi();
    const windowed = (k: string, windowMs: number) => {
      multi.zadd(k, comment.at, comment.id);
      multi.zremrangebyscore(k, '-inf', comment.at - DAY);
      multi.pexpire(k, windowMs + MINUTE);
      multi.zcount(k, comment.at - windowMs, comment.at);
    };
    windowed(emailKey, MINUTE);
    if (ipKey) windowed(ipKey, MINUTE);
    multi.zadd(textKey, comment.at, comment.id);
    multi.zremrangebyscore(textKey, '-inf', comment.at - DAY);
    multi.pexpire(textKey, DAY);
    // Strictly earlier ones: of two identical comments only the later is the repeat.
    multi.zcount(textKey, comment.at - DAY, `(${comment.at}`);
    const results = (await multi.exec()) ?? [];
    const counts = results
      .filter((_, i) => i % 4 === 3)
      .map(([err, n]) => {
        if (err) throw err;
        return Number(n);
      });
    const perEmail = counts[0];
    const perIp = ipKey ? counts[1] : 0;
    return { perEmailLastMinute: perEmail, perIpLastMinute: perIp, sameTextLastDay: counts[counts.length - 1] };
  }
}
