import type { Redis } from 'ioredis';

// One sorted set per endpoint: a member per delivery in flight, scored by when its slot
// expires. Expired members are dropped first, so a worker killed mid-delivery frees its
// slot by itself once the delivery would have timed out.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  redis.call('PEXPIREAT', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/**
 * How many deliveries to one endpoint run at once, across every worker: a slow or hanging
 * receiver ties up at most `perEndpoint` of the workers' delivery slots, and every other
 * endpoint's events keep flowing through the rest.
 */
export class EndpointSlots {
  constructor(
    private readonly options: {
      redis: Redis;
      prefix: string;
      perEndpoint: number;
      /** How long a slot is held at most: the delivery timeout and some margin. */
      holdMs: number;
      clock: () => number;
    },
  ) {}

  /** Takes a slot for `holder` (a message id); false when the endpoint has all its deliveries in flight. */
  async acquire(endpointId: string, holder: string): Promise<boolean> {
    const now = this.options.clock();
    const taken = await this.options.redis.eval(
      ACQUIRE,
      1,
      this.key(endpointId),
      now,
      now + this.options.holdMs,
      this.options.perEndpoint,
      holder,
    );
    return taken === 1;
  }

  async release(endpointId: string, holder: string): Promise<void> {
    await this.options.redis.zrem(this.key(endpointId), holder);
  }

  private key(endpointId: string): string {
    return `${this.options.prefix}:webhook-slots:${endpointId}`;
  }
}
