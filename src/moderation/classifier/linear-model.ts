import { isLexical, isLinkFeature } from './features';

/**
 * The arithmetic the two judgements share: a logistic regression over hashed
 * features. A model is a bias and one weight per feature id; a comment is a sparse
 * vector over the same ids. Layers (what an instance and a site learned, see
 * model-layers.ts) add their weights to the shipped model's.
 */

export const FEATURE_BITS = 20;
export const FEATURE_SPACE = 1 << FEATURE_BITS;

/**
 * A feature's id: its FNV-1a hash, mixed with MurmurHash3's finalizer (FNV's low bits
 * alone collide on similar strings), within FEATURE_SPACE.
 */
export function featureId(feature: string): number {
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
  return (hash >>> 0) & (FEATURE_SPACE - 1);
}

/** A comment as a sparse vector: distinct ids, their values, and one readable name each. */
export interface FeatureVector {
  ids: number[];
  values: number[];
  names: string[];
}

/**
 * Lexical features below this many count as if there were this many: a comment of
 * three words is little evidence, and must not swing on one of them.
 */
const MIN_LEXICAL = 16;

/**
 * Lexical features share one unit of length (each is worth 1/√n), so a long comment
 * is no stronger evidence than a short one; structural features are worth 1 each.
 */
export function vectorize(features: readonly string[]): FeatureVector {
  const lexical = new Map<number, string>();
  const structural = new Map<number, string>();
  for (const feature of features) {
    const id = featureId(feature);
    if (isLexical(feature)) {
      if (!lexical.has(id)) lexical.set(id, feature);
    } else if (!structural.has(id)) {
      structural.set(id, feature);
    }
  }
  const share = 1 / Math.sqrt(Math.max(lexical.size, MIN_LEXICAL));
  const vector: FeatureVector = { ids: [], values: [], names: [] };
  for (const [id, name] of lexical) {
    vector.ids.push(id);
    vector.values.push(structural.has(id) ? 1 : share);
    vector.names.push(name);
  }
  for (const [id, name] of structural) {
    if (lexical.has(id)) continue;
    vector.ids.push(id);
    vector.values.push(1);
    vector.names.push(name);
  }
  return vector;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** A bias and a dense array of weights over FEATURE_SPACE. */
export interface LinearModel {
  bias: number;
  weights: Float32Array;
}

export function emptyModel(): LinearModel {
  return { bias: 0, weights: new Float32Array(FEATURE_SPACE) };
}

/** What one feature added to a score, in logits. */
export interface Contribution {
  feature: string;
  logit: number;
}

export interface LinearScore {
  /** Probability-like, in (0, 1). */
  score: number;
  logit: number;
  /**
   * How much of the comment the model knows: the share of its lexical features that
   * carry a weight. Text unlike anything learned has little, and its score is mostly
   * the bias.
   */
  known: number;
  /** The features that pushed the score up most, strongest first. */
  evidence: Contribution[];
  /** What the comment's links (its `isLinkFeature` features) added to the logit, in all. */
  linkLogit: number;
  /** How many lexical features the comment has: about twice its words. */
  lexical: number;
}

/**
 * Scores a vector with a model and any number of layers on top: each layer gives a
 * weight per position of `vector.ids` (0 where it learned nothing) and a bias.
 */
export function scoreVector(
  model: LinearModel,
  vector: FeatureVector,
  layers: ReadonlyArray<{ bias: number; weights: ArrayLike<number> }> = [],
): LinearScore {
  let logit = model.bias;
  for (const layer of layers) logit += layer.bias;
  let lexical = 0;
  let knownLexical = 0;
  const contributions: Contribution[] = [];
  let linkLogit = 0;
  for (let k = 0; k < vector.ids.length; k++) {
    let weight = model.weights[vector.ids[k]];
    for (const layer of layers) weight += layer.weights[k];
    const part = weight * vector.values[k];
    logit += part;
    if (isLinkFeature(vector.names[k])) linkLogit += part;
    if (isLexical(vector.names[k])) {
      lexical++;
      if (weight !== 0) knownLexical++;
    }
    if (part > 0) contributions.push({ feature: vector.names[k], logit: part });
  }
  contributions.sort((a, b) => b.logit - a.logit);
  return {
    score: sigmoid(logit),
    logit,
    known: lexical === 0 ? 1 : knownLexical / lexical,
    evidence: contributions.slice(0, 5),
    linkLogit,
    lexical,
  };
}
