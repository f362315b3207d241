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

export interface FloodEntry {
  id: string;
  email: string;
  ip: string | null;
  textHash: string;
  at: number;
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);

/**
 * Records one comment in its windows and counts them, in one script call instead of
 * fourteen commands. KEYS: the email, text and (optional) IP windows. ARGV: the
 * comment id, its time, the minute and the day.
 */
const RECORD_SCRIPT = `
local id, at, minute, day = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local function windowed(key, window)
  redis.call('ZADD', key, at, id)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', at - day)
  redis.call('PEXPIRE', key, window + minute)
  return redis.call('ZCOUNT', key, at - window, at)
end
local perEmail = windowed(KEYS[1], minute)
redis.call('ZADD', KEYS[2], at, id)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', at - day)
redis.call('PEXPIRE', KEYS[2], day)
-- Strictly earlier ones: of two identical comments only the later is the repeat.
local sameText = redis.call('ZCOUNT', KEYS[2], at - day, '(' .. at)
local perIp = 0
if #KEYS == 3 then perIp = windowed(KEYS[3], minute) end
return {perEmail, perIp, sameText}
`;

type RecordingRedis = Redis & {
  recordFlood(numKeys: number, ...args: Array<string | number>): Promise<[number, number, number]>;
};

/**
 * Sliding windows in Redis, shared by every worker: one sorted set per author key,
 * scored by the comment's acceptance time, the comment id as member. Recording a
 * comment twice (a retried job) changes nothing. Emails and IPs are hashed in key names.
 */
export class FloodCounters {
  private readonly redis: RecordingRedis;

  constructor(private readonly options: { redis: Redis; prefix: string }) {
    // defineCommand sends EVALSHA, loading the script once per connection when Redis does not know it.
    if (!('recordFlood' in options.redis)) options.redis.defineCommand('recordFlood', { lua: RECORD_SCRIPT });
    this.redis = options.redis as RecordingRedis;
  }

  async record(comment: FloodEntry): Promise<FloodCounts> {
    return (await this.recordMany([comment]))[0];
  }

  /** Records a batch of comments in one round trip; a retried batch changes nothing. */
  async recordMany(comments: FloodEntry[]): Promise<FloodCounts[]> {
    const key = (kind: string, value: string) => `${this.options.prefix}:flood:${kind}:${digest(value)}`;
    const pipeline = this.redis.pipeline() as ReturnType<Redis['pipeline']> & {
      recordFlood(numKeys: number, ...args: Array<string | number>): unknown;
    };
    for (const comment of comments) {
      const keys = [
        key('email', comment.email),
        // By email only: people behind one IP (an office, a campus) often write the same "Great post!".
        key('text', `${comment.email}\n${comment.textHash}`),
        ...(comment.ip ? [key('ip', comment.ip)] : []),
      ];
      pipeline.recordFlood(keys.length, ...keys, comment.id, comment.at, MINUTE, DAY);
    }
    const results = (await pipeline.exec()) ?? [];
    return comments.map((_, i) => {
      const [err, counts] = results[i] ?? [new Error('no answer')];
      if (err) throw err;
      const [perEmail, perIp, sameText] = (counts as number[]).map(Number);
      return { perEmailLastMinute: perEmail, perIpLastMinute: perIp, sameTextLastDay: sameText };
    });
  }
}
