import type { Redis } from 'ioredis';
import { extractFeatures } from './features';
import {
  CALIBRATION_BUCKETS,
  type Calibration,
  calibrationBucket,
  calibrationWeight,
  combinedScore,
  emptyCalibration,
  type FeatureState,
  logisticScore,
  logisticStep,
  MODEL_NAMES,
  type ModelName,
  type ModelState,
  rawScores,
} from './model';
import type { ClassifierInput, SpamClassifier, SpamLabel, SpamScore } from './spam-classifier';

export interface RedisSpamClassifierOptions {
  redis: Redis;
  /** Key prefix such as `{parley}`; the model is the one hash `<prefix>:classifier:model`. */
  prefix: string;
  /** Examples of each class needed before the classifier has an opinion (default 10). */
  minExamples?: number;
}

/**
 * Adds increments to fields of one hash, atomically: ARGV[1] is how many
 * (field, integer) pairs come first (HINCRBY), the rest are (field, float) pairs
 * (HINCRBYFLOAT). Increments commute, so any number of workers may learn at once.
 */
const INCREMENT_SCRIPT = `
local integers = tonumber(ARGV[1])
local i = 2
while i < 2 + 2 * integers do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i < #ARGV do
  redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
return 1
`;

const SHORT_MODEL: Record<ModelName, string> = { bayes: 'b', logistic: 'l' };
const SHORT_LABEL: Record<SpamLabel, string> = { spam: 's', ham: 'h' };

/** Hashed feature ids: 2^22, few enough to bound the model, many enough that collisions are rare. */
const FEATURE_SPACE = 1 << 22;

/**
 * A feature's id in the hash: its FNV-1a hash, mixed with MurmurHash3's finalizer
 * (FNV's low bits alone collide on similar strings), modulo FEATURE_SPACE, in base 36.
 */
export function featureId(feature: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < feature.length; i++) {
    hash ^= feature.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return ((hash >>> 0) % FEATURE_SPACE).toString(36);
}

/** A comment's distinct feature ids (two features may, rarely, share one). */
function featureIds(input: ClassifierInput): string[] {
  return [...new Set(extractFeatures(input).map(featureId))];
}

const calibrationField = (model: ModelName, label: SpamLabel, bucket: number) =>
  `c:${SHORT_MODEL[model]}:${SHORT_LABEL[label]}:${bucket}`;

const CALIBRATION_FIELDS = MODEL_NAMES.flatMap((model) =>
  (['spam', 'ham'] as const).flatMap((label) =>
    Array.from({ length: CALIBRATION_BUCKETS }, (_, bucket) => calibrationField(model, label, bucket)),
  ),
);

/** The fields every read takes, before the per-feature ones. */
const HEADER_FIELDS = ['n:s', 'n:h', 'bias', 'bias:g'];

/**
 * The content classifier, its model in one Redis hash shared by every worker:
 *
 * | field | meaning |
 * |---|---|
 * | `n:s`, `n:h` | spam and ham examples learned |
 * | `s:<id>`, `h:<id>` | spam and ham examples that had feature `<id>` |
 * | `w:<id>`, `g:<id>` | the feature's logistic weight and AdaGrad sum |
 * | `bias`, `bias:g` | the logistic bias and its AdaGrad sum |
 * | `c:<b or l>:<s or h>:<bucket>` | calibration histograms (see model.ts) |
 *
 * Features are hashed (featureId), so the hash grows with the vocabulary seen, not
 * with the text. Scoring is one HMGET; learning is one HMGET and one atomic script of
 * increments. Concurrent learners never lose counts; the logistic steps they take
 * from the same starting weights simply add up.
 */
export class RedisSpamClassifier implements SpamClassifier {
  readonly key: string;
  private readonly minExamples: number;

  constructor(private readonly options: RedisSpamClassifierOptions) {
    this.key = `${options.prefix}:classifier:model`;
    this.minExamples = options.minExamples ?? 10;
  }

  async score(input: ClassifierInput): Promise<SpamScore | undefined> {
    const ids = featureIds(input);
    const state = await this.read(ids, { calibration: true, counts: true, gradients: false });
    if (state.examples.spam < this.minExamples || state.examples.ham < this.minExamples) return undefined;
    return { score: combinedScore(state), examples: state.examples };
  }

  async learn(input: ClassifierInput, label: SpamLabel): Promise<void> {
    await this.update(input, label, { count: true });
  }

  /**
   * Another gradient step for the logistic model only, on an example already learned:
   * seeding from a file makes a few passes over it (trainFromCsv), while counts and
   * calibration must see each example once.
   */
  async refine(input: ClassifierInput, label: SpamLabel): Promise<void> {
    await this.update(input, label, { count: false });
  }

  /** How many examples of each class the model has learned. */
  async examples(): Promise<Record<SpamLabel, number>> {
    const [spam, ham] = await this.options.redis.hmget(this.key, 'n:s', 'n:h');
    return { spam: Number(spam ?? 0), ham: Number(ham ?? 0) };
  }

  /** Forgets everything learned. */
  async clear(): Promise<void> {
    await this.options.redis.del(this.key);
  }

  private async update(input: ClassifierInput, label: SpamLabel, options: { count: boolean }): Promise<void> {
    const ids = featureIds(input);
    // Refining needs only the logistic model; learning also scores with the counts, for calibration.
    const state = await this.read(ids, { calibration: false, counts: options.count, gradients: true });
    const raw = options.count ? rawScores(state) : { bayes: 0.5, logistic: logisticScore(state) };
    const step = logisticStep(state, raw.logistic, label);
    const l = SHORT_LABEL[label];

    const integers: Array<[string, number]> = [];
    if (options.count) {
      integers.push([`n:${l}`, 1]);
      for (const id of ids) integers.push([`${l}:${id}`, 1]);
      const weight = calibrationWeight(state.examples);
      if (weight > 0) for (const model of MODEL_NAMES) integers.push([calibrationField(model, label, calibrationBucket(raw[model])), weight]);
    }
    const floats: Array<[string, number]> = [
      ['bias', step.bias],
      ['bias:g', step.biasSquaredGradients],
    ];
    ids.forEach((id, i) => {
      floats.push([`w:${id}`, step.weights[i]], [`g:${id}`, step.squaredGradients[i]]);
    });
    const args = [String(integers.length)];
    for (const [field, value] of integers) args.push(field, String(value));
    for (const [field, value] of floats) if (Number.isFinite(value) && value !== 0) args.push(field, value.toPrecision(12));
    await this.options.redis.eval(INCREMENT_SCRIPT, 1, this.key, ...args);
  }

  /**
   * One HMGET of what the caller needs: the counters and bias always; the calibration
   * to score; per feature the counts (unless only refining), the weight, and the AdaGrad
   * sum to learn.
   */
  private async read(ids: string[], parts: { calibration: boolean; counts: boolean; gradients: boolean }): Promise<ModelState> {
    const perFeature = [...(parts.counts ? ['s', 'h'] : []), 'w', ...(parts.gradients ? ['g'] : [])];
    const fields = [...HEADER_FIELDS, ...(parts.calibration ? CALIBRATION_FIELDS : [])];
    for (const id of ids) for (const kind of perFeature) fields.push(`${kind}:${id}`);
    const values = (await this.options.redis.hmget(this.key, ...fields)).map((v) => (v === null ? 0 : Number(v)));

    const calibration: Calibration = emptyCalibration();
    let at = HEADER_FIELDS.length;
    if (parts.calibration) {
      for (const model of MODEL_NAMES) {
        for (const label of ['spam', 'ham'] as const) {
          for (let bucket = 0; bucket < CALIBRATION_BUCKETS; bucket++) calibration[model][label][bucket] = values[at++];
        }
      }
    }
    const features: FeatureState[] = ids.map(() => {
      const feature: FeatureState = { spam: 0, ham: 0, weight: 0, squaredGradients: 0 };
      if (parts.counts) {
        feature.spam = values[at++];
        feature.ham = values[at++];
      }
      feature.weight = values[at++];
      if (parts.gradients) feature.squaredGradients = values[at++];
      return feature;
    });
    return {
      examples: { spam: values[0], ham: values[1] },
      bias: values[2],
      biasSquaredGradients: values[3],
      features,
      calibration,
    };
  }
}
