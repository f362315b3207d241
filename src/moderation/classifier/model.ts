import type { SpamLabel } from './spam-classifier';

/**
 * The arithmetic of the classifier, apart from storage: two models over the same
 * features, each turned into a calibrated rank, then averaged.
 *
 * 1. Token counts, combined as SpamBayes does (Robinson's per-feature probability and
 *    Fisher's chi-squared combining). Counts are exact, order-free and add up safely
 *    under any number of concurrent learners.
 * 2. Logistic regression with AdaGrad, one gradient step per example. It weighs
 *    overlapping features (a word, the pair and the triple around it) against each
 *    other, which counting cannot.
 *
 * The two disagree in useful ways, but their raw outputs are on different scales and
 * shift with the training data. So every example is scored before it is learned, and
 * those honest scores are kept as histograms per model and class. A model's calibrated
 * score is the rank of its raw score among them: the mean of the share of learned ham
 * and the share of learned spam that scored lower (0.5 where the classes meet). The
 * classifier's score is the mean of the two models' ranks.
 */

/** What one feature has learned. */
export interface FeatureState {
  /** Spam and ham examples that had this feature. */
  spam: number;
  ham: number;
  /** Logistic regression weight. */
  weight: number;
  /** AdaGrad: the sum of squared gradients this weight has seen. */
  squaredGradients: number;
}

export type ModelName = 'bayes' | 'logistic';
export const MODEL_NAMES: readonly ModelName[] = ['bayes', 'logistic'];

/** Per model and class, weights of earlier examples' scores by CALIBRATION_BUCKETS. */
export type Calibration = Record<ModelName, Record<SpamLabel, number[]>>;

export interface ModelState {
  examples: Record<SpamLabel, number>;
  bias: number;
  biasSquaredGradients: number;
  features: FeatureState[];
  calibration: Calibration;
}

// --- Bayes ------------------------------------------------------------------------

/** Robinson's strength of the prior belief (0.5) about a feature seen few times. */
const PRIOR_STRENGTH = 1;
/** Features closer than this to 0.5 are no evidence and are left out. */
const MIN_DEVIATION = 0.2;
/** At most this many of the strongest features are combined. */
const MAX_CLUES = 150;

/** The chance that a chi-squared variable with `degrees` (even) degrees of freedom exceeds `x2`. */
function chiSquaredSurvival(x2: number, degrees: number): number {
  const m = x2 / 2;
  let term = Math.exp(-m);
  let sum = term;
  for (let i = 1; i < degrees / 2; i++) {
    term *= m / i;
    sum += term;
  }
  return Math.min(sum, 1);
}

/** The token-count model's spam probability, in [0, 1]. */
export function bayesScore(state: Pick<ModelState, 'examples' | 'features'>): number {
  const spamExamples = Math.max(1, state.examples.spam);
  const hamExamples = Math.max(1, state.examples.ham);
  const clues: number[] = [];
  for (const f of state.features) {
    const seen = f.spam + f.ham;
    if (seen <= 0) continue;
    const spamRate = f.spam / spamExamples;
    const hamRate = f.ham / hamExamples;
    const p = spamRate / (spamRate + hamRate);
    const belief = (PRIOR_STRENGTH * 0.5 + seen * p) / (PRIOR_STRENGTH + seen);
    if (Math.abs(belief - 0.5) >= MIN_DEVIATION) clues.push(belief);
  }
  if (clues.length === 0) return 0.5;
  clues.sort((a, b) => Math.abs(b - 0.5) - Math.abs(a - 0.5));
  const used = clues.length > MAX_CLUES ? clues.slice(0, MAX_CLUES) : clues;
  let logHam = 0;
  let logSpam = 0;
  for (const p of used) {
    logSpam += Math.log(1 - p);
    logHam += Math.log(p);
  }
  const spamness = 1 - chiSquaredSurvival(-2 * logSpam, 2 * used.length);
  const hamness = 1 - chiSquaredSurvival(-2 * logHam, 2 * used.length);
  return (spamness - hamness + 1) / 2;
}

// --- Logistic regression ------------------------------------------------------------

const LEARNING_RATE = 0.3;
const BIAS_LEARNING_RATE = 0.05;

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** The logistic model's spam probability, in (0, 1). */
export function logisticScore(state: Pick<ModelState, 'bias' | 'features'>): number {
  let z = state.bias;
  for (const f of state.features) z += f.weight;
  return sigmoid(z);
}

/** How one example moves the logistic model: additive deltas, safe to apply concurrently. */
export interface LogisticStep {
  bias: number;
  biasSquaredGradients: number;
  weights: number[];
  squaredGradients: number[];
}

/** One AdaGrad step of the log-loss on an example the model scored `predicted`. */
export function logisticStep(state: Pick<ModelState, 'features'>, predicted: number, label: SpamLabel): LogisticStep {
  const gradient = predicted - (label === 'spam' ? 1 : 0);
  const squared = gradient * gradient;
  return {
    bias: -BIAS_LEARNING_RATE * gradient,
    biasSquaredGradients: squared,
    weights: state.features.map((f) => (-LEARNING_RATE * gradient) / Math.sqrt(f.squaredGradients + squared + 1)),
    squaredGradients: state.features.map(() => squared),
  };
}

// --- Calibration ----------------------------------------------------------------------

/** Histogram buckets over the logit of a raw score, from -16 to 16 in steps of 0.5. */
export const CALIBRATION_BUCKETS = 64;
const LOGIT_LIMIT = 16;
const BUCKET_WIDTH = (2 * LOGIT_LIMIT) / CALIBRATION_BUCKETS;

/** Where a raw score falls: its bucket, and how far into it (0..1). */
function position(raw: number): { bucket: number; within: number } {
  const p = Math.min(Math.max(raw, 1e-12), 1 - 1e-12);
  const logit = Math.min(Math.max(Math.log(p / (1 - p)), -LOGIT_LIMIT), LOGIT_LIMIT);
  const x = (logit + LOGIT_LIMIT) / BUCKET_WIDTH;
  const bucket = Math.min(Math.floor(x), CALIBRATION_BUCKETS - 1);
  return { bucket, within: x - bucket };
}

export function calibrationBucket(raw: number): number {
  return position(raw).bucket;
}

/**
 * How much an example's honest score counts towards calibration: scores from a model
 * that has seen few examples say little about the model it grows into, so each counts
 * as much as the smaller class it was scored with (capped, so old scores do not
 * outweigh new ones forever).
 */
export function calibrationWeight(examples: Record<SpamLabel, number>): number {
  return Math.min(examples.spam, examples.ham, 1000);
}

/** The weighted share of a histogram below `raw`, counting its own bucket in proportion. */
function shareBelow(histogram: number[], raw: number): number | undefined {
  let total = 0;
  for (const w of histogram) total += w;
  if (total <= 0) return undefined;
  const { bucket, within } = position(raw);
  let below = 0;
  for (let i = 0; i < bucket; i++) below += histogram[i];
  return (below + within * histogram[bucket]) / total;
}

/**
 * A raw score as a rank among the honest scores of learned examples: the mean of the
 * share of ham and the share of spam below it. A class with no calibration yet counts
 * as the raw score.
 */
export function calibratedRank(histograms: Record<SpamLabel, number[]>, raw: number): number {
  const ham = shareBelow(histograms.ham, raw) ?? raw;
  const spam = shareBelow(histograms.spam, raw) ?? raw;
  return (ham + spam) / 2;
}

export function emptyCalibration(): Calibration {
  const empty = () => new Array<number>(CALIBRATION_BUCKETS).fill(0);
  return { bayes: { spam: empty(), ham: empty() }, logistic: { spam: empty(), ham: empty() } };
}

// --- Together ---------------------------------------------------------------------------

export interface RawScores {
  bayes: number;
  logistic: number;
}

export function rawScores(state: ModelState): RawScores {
  return { bayes: bayesScore(state), logistic: logisticScore(state) };
}

/** The classifier's score: the mean of the two models' calibrated ranks, in [0, 1]. */
export function combinedScore(state: ModelState, raw: RawScores = rawScores(state)): number {
  const ranks = MODEL_NAMES.map((model) => calibratedRank(state.calibration[model], raw[model]));
  return ranks.reduce((a, b) => a + b, 0) / ranks.length;
}
