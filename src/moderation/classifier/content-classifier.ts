import { abuseFeatures, type CommentText, spamFeatures, tokenize } from './features';
import {
  emptyModel,
  type FeatureVector,
  type LinearModel,
  type LinearScore,
  scoreVector,
  vectorize,
} from './linear-model';
import { type DefaultModel, type Judgement, JUDGEMENTS } from './model-file';
import type { LayerScope, LayerWeights, ModelLayers } from './model-layers';

/** Both judgements of one comment; one is missing when there is nothing to judge by (no model, nothing learned). */
export type ContentScores = Partial<Record<Judgement, LinearScore>>;

/** What a moderator's decision teaches: 1 (spam, abuse), 0 (neither), or null to take back what it taught. */
export type Lessons = Partial<Record<Judgement, 0 | 1 | null>>;

/** Who taught: an admin teaches every site, a moderator only their own. */
export interface Teacher {
  id: string;
  role: 'admin' | 'moderator';
}

export interface LearnRequest {
  siteKey: string;
  /** One example per key and layer: the comment's id. */
  exampleKey: string;
  /** The hash of the comment's text, by which several sites can agree on it. */
  textHash: string;
  input: CommentText;
  lessons: Lessons;
  teacher: Teacher;
}

export type LearnOutcome =
  { taught: Array<{ judgement: Judgement; layer: 'site' | 'instance' }> } | { skipped: 'hourly-budget' };

export interface ContentClassifierOptions {
  /**
   * Reads the shipped model, or gives undefined to start from nothing (`--model none` in
   * evaluations). Called once, when the model is first needed: a process that never
   * scores (the API role) never pays its 20 MB and 50 ms.
   */
  loadModel: () => DefaultModel | undefined;
  modelLayers: ModelLayers;
  /** Examples one moderator may teach per hour; past it, decisions still count, lessons wait. */
  lessonsPerHour: number;
  /** How many sites must agree on a text before a moderators' lesson reaches the instance layer. */
  agreeingSites: number;
  clock: () => number;
}

/** With no shipped model, what the layers learn starts from "probably fine" (sigmoid(-3) ≈ 0.05), not a coin toss. */
const NO_MODEL_BIAS = -3;

/** AdaGrad step sizes of the layers: a site learns fast from its few examples; the instance layer more carefully. */
const LEARNING_RATE: Record<'site' | 'instance', number> = { site: 1.5, instance: 1 };
const BIAS_LEARNING_RATE = 0.05;

function vectors(input: CommentText): Record<Judgement, FeatureVector> {
  const tokens = tokenize(input);
  return { spam: vectorize(spamFeatures(input, tokens)), abuse: vectorize(abuseFeatures(input, tokens)) };
}

/**
 * The two content judgements, spam and abuse: the shipped model's weights plus what
 * this instance and this site learned. Scoring reads the layers in one Redis round
 * trip, for one comment or a batch; learning replaces, never adds to, what a comment taught before.
 */
export class ContentClassifier {
  private shipped: { model: DefaultModel | undefined; base: Record<Judgement, LinearModel> } | undefined;

  constructor(private readonly options: ContentClassifierOptions) {}

  /** Loads the shipped model now, if it is not yet: a worker does at start, so its first comment does not wait. */
  load(): { model: DefaultModel | undefined; base: Record<Judgement, LinearModel> } {
    if (!this.shipped) {
      const model = this.options.loadModel();
      const empty = { ...emptyModel(), bias: NO_MODEL_BIAS };
      this.shipped = { model, base: { spam: model?.models.spam ?? empty, abuse: model?.models.abuse ?? empty } };
    }
    return this.shipped;
  }

  /** The shipped model it builds on, undefined for `none`. */
  get model(): DefaultModel | undefined {
    return this.load().model;
  }

  get modelVersion(): string {
    return this.model?.version ?? 'none';
  }

  async score(input: CommentText & { siteKey: string }): Promise<ContentScores> {
    return (await this.scoreMany([input]))[0];
  }

  /** Scores several comments (a worker's batch) with one read of the layers for all of them. */
  async scoreMany(inputs: Array<CommentText & { siteKey: string }>): Promise<ContentScores[]> {
    const perComment = inputs.map((input) => ({ input, vector: vectors(input) }));
    const requests = perComment.flatMap(({ input, vector }) =>
      JUDGEMENTS.flatMap((judgement) => [
        { judgement, layer: { scope: 'instance' } as LayerScope, ids: vector[judgement].ids },
        { judgement, layer: { scope: 'site', siteKey: input.siteKey } as LayerScope, ids: vector[judgement].ids },
      ]),
    );
    const layers = await this.options.modelLayers.readWeights(requests);
    const { model, base } = this.load();
    const perJudgement = 2;
    return perComment.map(({ vector }, c) => {
      const scores: ContentScores = {};
      JUDGEMENTS.forEach((judgement, j) => {
        const at = (c * JUDGEMENTS.length + j) * perJudgement;
        const [instance, own] = [layers[at], layers[at + 1]];
        // Without a model, a judgement nobody has taught has no opinion.
        if (!model && instance.examples + own.examples === 0) return;
        scores[judgement] = scoreVector(base[judgement], vector[judgement], [instance, own]);
      });
      return scores;
    });
  }

  /**
   * Teaches a moderator's decision: to the comment's site layer, or (from an admin, or
   * once enough sites agree on the same text) to the instance layer.
   */
  async learn(request: LearnRequest): Promise<LearnOutcome> {
    const { modelLayers } = this.options;
    // Admins are trusted with the whole instance; a moderator's pull is capped per hour.
    if (
      request.teacher.role === 'moderator' &&
      !(await modelLayers.withinHourlyBudget(request.teacher.id, this.options.lessonsPerHour, this.options.clock()))
    ) {
      return { skipped: 'hourly-budget' };
    }
    const vector = vectors(request.input);
    const taught: Array<{ judgement: Judgement; layer: 'site' | 'instance' }> = [];
    for (const judgement of JUDGEMENTS) {
      const label = request.lessons[judgement];
      if (label === undefined) continue;
      if (request.teacher.role === 'admin') {
        await this.teach({
          judgement,
          layer: { scope: 'instance' },
          exampleKey: request.exampleKey,
          label,
          vector: vector[judgement],
        });
        taught.push({ judgement, layer: 'instance' });
        continue;
      }
      await this.teach({
        judgement,
        layer: { scope: 'site', siteKey: request.siteKey },
        exampleKey: request.exampleKey,
        label,
        vector: vector[judgement],
      });
      taught.push({ judgement, layer: 'site' });
      if (label === null) continue;
      const sites = await modelLayers.agree({ judgement, label, textHash: request.textHash, siteKey: request.siteKey });
      if (sites >= this.options.agreeingSites) {
        // The same text judged alike on several sites: one example for every site, keyed by the text.
        await this.teach({
          judgement,
          layer: { scope: 'instance' },
          exampleKey: `text:${request.textHash}`,
          label,
          vector: vector[judgement],
        });
        taught.push({ judgement, layer: 'instance' });
      }
    }
    return { taught };
  }

  /** One AdaGrad step of the log-loss for one layer, computed as if the example's earlier lesson were not there. */
  private async teach(options: {
    judgement: Judgement;
    layer: LayerScope;
    exampleKey: string;
    label: 0 | 1 | null;
    vector: FeatureVector;
  }): Promise<void> {
    const { judgement, layer, exampleKey, label, vector } = options;
    const { modelLayers } = this.options;
    if (label === null) {
      await modelLayers.replace({ judgement, layer, exampleKey, step: null });
      return;
    }
    // The instance layer learns on top of the shipped model; a site layer on top of both.
    const below: LayerScope[] = layer.scope === 'site' ? [{ scope: 'instance' }, layer] : [layer];
    const [read, earlier] = await Promise.all([
      modelLayers.read(below.map((l) => ({ judgement, layer: l, ids: vector.ids }))),
      modelLayers.taught(judgement, layer, exampleKey),
    ]);
    const own = read[read.length - 1];
    const withoutEarlier: LayerWeights = {
      ...own,
      bias: own.bias - (earlier?.bias ?? 0),
      weights: own.weights.map((w, k) => w - (earlier?.deltas.get(vector.ids[k]) ?? 0)),
      gradients: own.gradients.map((g, k) => g - (earlier?.squaredGradients.get(vector.ids[k]) ?? 0)),
    };
    const predicted = scoreVector(this.load().base[judgement], vector, [...read.slice(0, -1), withoutEarlier]).score;
    const gradient = predicted - label;
    const rate = LEARNING_RATE[layer.scope];
    const squaredGradients = vector.values.map((x) => (gradient * x) ** 2);
    const deltas = vector.values.map(
      (x, k) => (-rate * gradient * x) / Math.sqrt(Math.max(0, withoutEarlier.gradients[k]) + squaredGradients[k] + 1),
    );
    await modelLayers.replace({
      judgement,
      layer,
      exampleKey,
      step: { label, bias: -BIAS_LEARNING_RATE * gradient, ids: vector.ids, deltas, squaredGradients },
    });
  }
}
