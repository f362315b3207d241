import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Judgement } from './model-file';

/**
 * What an instance learns from its moderators, kept in Redis on top of the shipped
 * model, which it never changes: for each judgement, one instance layer and one layer
 * per site. A layer is a hash of weight deltas per feature id (`w:<id>`), their AdaGrad
 * sums (`g:<id>`), a bias (`bias`) and its example counts (`n`, `n:1`).
 *
 * Every example a layer learned is kept beside it (`<layer>:taught`, keyed by comment)
 * with the deltas it applied, so a comment teaches one example at most: a changed
 * decision takes its earlier deltas back before applying the new ones, and `hold`
 * takes them back for good.
 */

export type LayerScope = { scope: 'instance' } | { scope: 'site'; siteKey: string };

/** What a layer adds for the features of one comment: a weight per id asked for (0 if none) and its bias. */
export interface LayerWeights {
  bias: number;
  weights: number[];
  /** Squared-gradient sums per id, for the next learning step. */
  gradients: number[];
  examples: number;
}

/** One learned example, as stored: its label, the (field, delta) pairs it applied, and its AdaGrad (field, increment) pairs. */
const taughtRecordSchema = z.object({
  y: z.union([z.literal(0), z.literal(1)]),
  f: z.array(z.string()),
  d: z.array(z.number()),
  gf: z.array(z.string()),
  g: z.array(z.number()),
});
type TaughtRecord = z.infer<typeof taughtRecordSchema>;

/**
 * Replaces the example `ARGV[1]` of layer KEYS[1] (its records in KEYS[2]) with the one
 * in ARGV[2] (JSON, or empty to take it back only): the earlier example's weight
 * deltas and AdaGrad increments are subtracted, the new one's added.
 */
const REPLACE_SCRIPT = `
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then
  local record = cjson.decode(old)
  for i = 1, #record.f do redis.call('HINCRBYFLOAT', KEYS[1], record.f[i], -record.d[i]) end
  for i = 1, #record.gf do redis.call('HINCRBYFLOAT', KEYS[1], record.gf[i], -record.g[i]) end
  redis.call('HINCRBY', KEYS[1], 'n', -1)
  if record.y == 1 then redis.call('HINCRBY', KEYS[1], 'n:1', -1) end
  redis.call('HDEL', KEYS[2], ARGV[1])
end
if ARGV[2] == '' then return old and 1 or 0 end
local record = cjson.decode(ARGV[2])
for i = 1, #record.f do redis.call('HINCRBYFLOAT', KEYS[1], record.f[i], record.d[i]) end
for i = 1, #record.gf do redis.call('HINCRBYFLOAT', KEYS[1], record.gf[i], record.g[i]) end
redis.call('HINCRBY', KEYS[1], 'n', 1)
if record.y == 1 then redis.call('HINCRBY', KEYS[1], 'n:1', 1) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`;

const fieldOf = (id: number) => `w:${id.toString(36)}`;
const gradientOf = (id: number) => `g:${id.toString(36)}`;

export class ModelLayers {
  constructor(private readonly options: { redis: Redis; prefix: string }) {}

  key(judgement: Judgement, layer: LayerScope): string {
    const base = `${this.options.prefix}:model:${judgement}`;
    return layer.scope === 'instance' ? `${base}:instance` : `${base}:site:${layer.siteKey}`;
  }

  /** The weights and AdaGrad sums each layer holds for each judgement's ids, in one round trip: what learning reads. */
  async read(requests: Array<{ judgement: Judgement; layer: LayerScope; ids: number[] }>): Promise<LayerWeights[]> {
    const pipeline = this.options.redis.pipeline();
    for (const { judgement, layer, ids } of requests) {
      pipeline.hmget(this.key(judgement, layer), 'bias', 'n', ...ids.map(fieldOf), ...ids.map(gradientOf));
    }
    const results = (await pipeline.exec()) ?? [];
    return requests.map(({ ids }, i) => {
      const [err, raw] = results[i] ?? [new Error('no answer')];
      if (err) throw err;
      const values = (raw as Array<string | null>).map((v) => (v === null ? 0 : Number(v)));
      return {
        bias: values[0],
        examples: values[1],
        weights: values.slice(2, 2 + ids.length),
        gradients: values.slice(2 + ids.length),
      };
    });
  }

  /**
   * What scoring needs of the layers (bias, example count and a weight per id, not the
   * AdaGrad sums, which only learning reads), in one round trip: requests for the same
   * layer, as a batch of comments makes them, share one HMGET of the union of their ids.
   */
  async readWeights(
    requests: Array<{ judgement: Judgement; layer: LayerScope; ids: number[] }>,
  ): Promise<Array<Omit<LayerWeights, 'gradients'>>> {
    const fieldsByKey = new Map<string, Set<number>>();
    for (const { judgement, layer, ids } of requests) {
      const key = this.key(judgement, layer);
      const fields = fieldsByKey.get(key) ?? new Set<number>();
      for (const id of ids) fields.add(id);
      fieldsByKey.set(key, fields);
    }
    const pipeline = this.options.redis.pipeline();
    const keys = [...fieldsByKey.keys()];
    const idLists = keys.map((key) => [...fieldsByKey.get(key)!]);
    keys.forEach((key, k) => pipeline.hmget(key, 'bias', 'n', ...idLists[k].map(fieldOf)));
    const results = (await pipeline.exec()) ?? [];
    const layers = new Map(
      keys.map((key, k) => {
        const [err, raw] = results[k] ?? [new Error('no answer')];
        if (err) throw err;
        const values = raw as Array<string | null>;
        const weights = new Map<number, number>();
        idLists[k].forEach((id, i) => {
          const value = values[2 + i];
          if (value !== null) weights.set(id, Number(value));
        });
        return [key, { bias: Number(values[0] ?? 0), examples: Number(values[1] ?? 0), weights }];
      }),
    );
    return requests.map(({ judgement, layer, ids }) => {
      const { bias, examples, weights } = layers.get(this.key(judgement, layer))!;
      return { bias, examples, weights: ids.map((id) => weights.get(id) ?? 0) };
    });
  }

  /** The example a layer learned from `exampleKey`, if any: its label and deltas by feature id. */
  async taught(
    judgement: Judgement,
    layer: LayerScope,
    exampleKey: string,
  ): Promise<
    { label: 0 | 1; deltas: Map<number, number>; squaredGradients: Map<number, number>; bias: number } | undefined
  > {
    const raw = await this.options.redis.hget(`${this.key(judgement, layer)}:taught`, exampleKey);
    if (raw === null) return undefined;
    const record = taughtRecordSchema.parse(JSON.parse(raw));
    const deltas = new Map<number, number>();
    let bias = 0;
    record.f.forEach((field, i) => {
      if (field === 'bias') bias = record.d[i];
      else deltas.set(parseInt(field.slice(2), 36), record.d[i]);
    });
    const squaredGradients = new Map(record.gf.map((field, i) => [parseInt(field.slice(2), 36), record.g[i]]));
    return { label: record.y, deltas, squaredGradients, bias };
  }

  /**
   * Makes `exampleKey` teach `step` (or nothing, when null): any earlier example of the
   * same key is taken back first, atomically.
   */
  async replace(options: {
    judgement: Judgement;
    layer: LayerScope;
    exampleKey: string;
    step: { label: 0 | 1; bias: number; ids: number[]; deltas: number[]; squaredGradients: number[] } | null;
  }): Promise<void> {
    const key = this.key(options.judgement, options.layer);
    const { step } = options;
    if (!step) {
      await this.options.redis.eval(REPLACE_SCRIPT, 2, key, `${key}:taught`, options.exampleKey, '');
      return;
    }
    const record: TaughtRecord = {
      y: step.label,
      f: ['bias', ...step.ids.map(fieldOf)],
      d: [round(step.bias), ...step.deltas.map(round)],
      gf: step.ids.map(gradientOf),
      g: step.squaredGradients.map(round),
    };
    await this.options.redis.eval(REPLACE_SCRIPT, 2, key, `${key}:taught`, options.exampleKey, JSON.stringify(record));
  }

  /**
   * Counts one more example taught by `teacher` this hour and says whether it is
   * within `limit`: one moderator can only move the model so far, so fast.
   */
  async withinHourlyBudget(teacher: string, limit: number, now: number): Promise<boolean> {
    const key = `${this.options.prefix}:model:budget:${teacher}:${Math.floor(now / 3_600_000)}`;
    const [[, count]] = (await this.options.redis.multi().incr(key).expire(key, 7200).exec()) as [
      [Error | null, number],
      unknown,
    ];
    return count <= limit;
  }

  /**
   * Records that a site's moderators gave `label` to a text (by its hash) and answers
   * how many sites have agreed on it so far.
   */
  async agree(options: { judgement: Judgement; label: 0 | 1; textHash: string; siteKey: string }): Promise<number> {
    const key = `${this.options.prefix}:model:${options.judgement}:agree:${options.label}:${options.textHash}`;
    const results =
      (await this.options.redis
        .multi()
        .sadd(key, options.siteKey)
        .expire(key, 30 * 24 * 3600)
        .scard(key)
        .exec()) ?? [];
    return Number(results[2]?.[1] ?? 0);
  }

  /** Examples each layer has learned, for `parley model info`. */
  async summary(): Promise<
    Array<{ judgement: Judgement; layer: string; examples: number; positive: number; features: number }>
  > {
    const out = [];
    for (const key of await this.layerKeys()) {
      const [n, positive] = await this.options.redis.hmget(key, 'n', 'n:1');
      const fields = await this.options.redis.hlen(key);
      const [, judgement, ...rest] = key.slice(this.options.prefix.length + 1).split(':');
      out.push({
        judgement: judgement as Judgement,
        layer: rest.join(':'),
        examples: Number(n ?? 0),
        positive: Number(positive ?? 0),
        features: Math.max(0, Math.floor((fields - 3) / 2)),
      });
    }
    return out;
  }

  /** Forgets what was learned: one site's layers, or every layer. Returns the layers dropped. */
  async reset(siteKey?: string): Promise<number> {
    const keys = (await this.layerKeys()).filter((key) => siteKey === undefined || key.endsWith(`:site:${siteKey}`));
    const all = keys.flatMap((key) => [key, `${key}:taught`]);
    if (siteKey === undefined) all.push(...(await this.scan(`${this.options.prefix}:model:*:agree:*`)));
    if (all.length > 0) await this.options.redis.del(...all);
    return keys.length;
  }

  private async layerKeys(): Promise<string[]> {
    return (await this.scan(`${this.options.prefix}:model:*`))
      .filter((key) => /:model:[a-z]+:(?:instance|site:[^:]+)$/.test(key))
      .sort();
  }

  private async scan(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.options.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
