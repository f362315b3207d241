import {
  emptyModel,
  FEATURE_SPACE,
  featureId,
  type FeatureVector,
  type LinearModel,
  sigmoid,
  vectorize,
} from './linear-model';

/** One labeled example for fitting: its features, 1 for spam (or abuse), and how much it counts. */
export interface TrainingExample {
  features: string[];
  label: 0 | 1;
  weight: number;
}

/** How strongly a kind of feature is pulled back to its prior (0 unless given). */
export interface FeatureKindRule {
  /** The feature names' prefix, e.g. `sig:` or `urls:`. */
  prefix: string;
  l2: number;
  prior?: number;
}

export interface FitOptions {
  epochs: number;
  learningRate: number;
  /** L2 pull towards 0 for features no rule names. */
  l2: number;
  rules?: FeatureKindRule[];
  /** Prior weights of single features (the spam signals'), pulled towards by their rule's l2. */
  priors?: Record<string, number>;
  /**
   * A fixed bias instead of a learned one: the score of a comment with no evidence
   * either way. Fixing it low makes the features carry the case for spam, so text
   * unlike anything learned scores the prior, not whatever the training mix was.
   */
  fixedBias?: number;
  /** Seed of the order examples are visited in: the same seed and examples give the same model, bit for bit. */
  seed: number;
}

/** A fixed-seed shuffle (Park-Miller): the order examples are seen in, reproducibly. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 16807) % 2147483647;
    const j = Math.floor((state / 2147483647) * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Fits a logistic regression by stochastic gradient descent with AdaGrad steps and an
 * L2 pull of every weight towards its prior. Deterministic: one thread, a seeded order.
 * Features whose rule says so start from, and are pulled back to, a prior: a signal no
 * example shows keeps the weight it was given.
 */
export function fitLinearModel(examples: readonly TrainingExample[], options: FitOptions): LinearModel {
  const model = emptyModel();
  const squared = new Float32Array(FEATURE_SPACE);
  const pull = new Float32Array(FEATURE_SPACE).fill(options.l2);
  const prior = new Float32Array(FEATURE_SPACE);
  const rules = options.rules ?? [];

  const vectors: Array<FeatureVector & { label: 0 | 1; weight: number }> = examples.map((e) => ({
    ...vectorize(e.features),
    label: e.label,
    weight: e.weight,
  }));
  for (const vector of vectors) {
    for (let k = 0; k < vector.ids.length; k++) {
      const rule = rules.find((r) => vector.names[k].startsWith(r.prefix));
      if (!rule) continue;
      const id = vector.ids[k];
      pull[id] = rule.l2;
      prior[id] = options.priors?.[vector.names[k]] ?? rule.prior ?? 0;
    }
  }
  for (const [name, value] of Object.entries(options.priors ?? {})) {
    const id = featureId(name);
    const rule = rules.find((r) => name.startsWith(r.prefix));
    if (rule) pull[id] = rule.l2;
    prior[id] = value;
  }
  model.weights.set(prior);
  if (options.fixedBias !== undefined) model.bias = options.fixedBias;

  let biasSquared = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (const vector of shuffled(vectors, options.seed + epoch)) {
      let z = model.bias;
      for (let k = 0; k < vector.ids.length; k++) z += model.weights[vector.ids[k]] * vector.values[k];
      const gradient = (sigmoid(z) - vector.label) * vector.weight;
      if (options.fixedBias === undefined) {
        biasSquared += gradient * gradient;
        model.bias -= (options.learningRate * gradient) / Math.sqrt(biasSquared + 1e-8);
      }
      for (let k = 0; k < vector.ids.length; k++) {
        const id = vector.ids[k];
        const g = gradient * vector.values[k] + pull[id] * (model.weights[id] - prior[id]);
        squared[id] += g * g;
        model.weights[id] -= (options.learningRate * g) / Math.sqrt(squared[id] + 1e-8);
      }
    }
  }
  return model;
}
