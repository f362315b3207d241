import fs from 'node:fs';
import path from 'node:path';
import { ABUSE_SIGNALS, abuseSignals } from '../src/moderation/classifier/abuse-signals';
import { abuseFeatures, spamFeatures, tokenize } from '../src/moderation/classifier/features';
import { fitLinearModel, type FitOptions, type TrainingExample } from '../src/moderation/classifier/fit';
import type { LinearModel } from '../src/moderation/classifier/linear-model';
import {
  DEFAULT_MODEL_PATH,
  type Judgement,
  serializeModelFile,
  type TrainingSource,
} from '../src/moderation/classifier/model-file';
import { SPAM_SIGNALS } from '../src/moderation/classifier/spam-signals';
import { profanityMatches } from '../src/moderation/profanity-matcher';
import { baseName, type DatasetFile, loadSharedDatasets } from './shared-datasets';

/**
 * `npm run train:default [-- --out FILE]`: fits the shipped default model from
 * ../shared/datasets and writes models/default-model.json. The same data always gives
 * the same file, byte for byte.
 *
 * What each judgement learns from, and why:
 * - spam: YouTube spam against YouTube ham and news comments (Toxic Spans, Fox News),
 *   which are not spam whatever else they are. News ham is what stops long, argued
 *   comments from looking like spam. Tweets are left out: on Twitter a link is normal,
 *   and they taught the model that links are.
 * - abuse: toxic news comments against news comments that are not (the Toxic Spans
 *   borderline ones, Fox News' non-hateful ones), offensive tweets against the other
 *   tweets, and YouTube comments as ordinary talk. Each source is weighed within
 *   itself, so a topic one source talks about more is not taken for abuse.
 *
 * Every group below (a file's positives or negatives) counts its given weight in all,
 * however many comments it has; within a group, repeated texts count once.
 */

interface Group {
  weight: number;
  take: (file: DatasetFile) => Array<{ text: string; label: 0 | 1 }>;
}

function signalPriors(signals: Record<string, { prior: number }>): Record<string, number> {
  return Object.fromEntries(Object.entries(signals).map(([name, signal]) => [`sig:${name}`, signal.prior]));
}

const SPAM_FIT: FitOptions = {
  // A comment with no evidence either way scores sigmoid(-3) ≈ 0.05: well under the hold threshold.
  fixedBias: -3,
  epochs: 15,
  learningRate: 0.2,
  l2: 1e-3,
  seed: 1000,
  rules: [
    // A link is evidence, but news readers cite sources: no more than a hold alone.
    { prefix: 'urls:', l2: 0.05, prior: 1.5 },
    // Engagement bait is held on any site: its prior holds unless many examples say otherwise.
    { prefix: 'cta:like-farming', l2: 1, prior: 2 },
    { prefix: 'cta:', l2: 0.02 },
    { prefix: 'email', l2: 0.05, prior: 1 },
    { prefix: 'website', l2: 0.05, prior: 0.5 },
    // The signals keep their priors unless many examples say otherwise.
    { prefix: 'sig:', l2: 0.5 },
  ],
  priors: signalPriors(SPAM_SIGNALS),
};

// Fixed low, like spam's: an ordinary comment starts near sigmoid(-2.5) ≈ 0.08 and only insults, slurs and obscenity raise it.
const ABUSE_FIT: FitOptions = {
  fixedBias: -2.5,
  epochs: 10,
  learningRate: 0.2,
  l2: 3e-4,
  seed: 2000,
  rules: [
    { prefix: 'prof:', l2: 0.02 },
    // Insults, slurs and threats are abuse on any site, whatever one source's raters said.
    { prefix: 'sig:', l2: 0.5 },
  ],
  priors: signalPriors(ABUSE_SIGNALS),
};

/** How much each source counts, per judgement. */
function groupsFor(judgement: Judgement, file: DatasetFile): Group[] {
  const positives = (f: DatasetFile) => f.comments.filter((c) => c.label === 1);
  // A negative that shows an abuse signal is no lesson that the signal is fine: the raters judged something else.
  const negatives = (f: DatasetFile) =>
    f.comments.filter((c) => c.label === 0 && (judgement === 'spam' || !showsSignal(c.text)));
  const notSpam = (f: DatasetFile) => f.comments.map((c) => ({ text: c.text, label: 0 as const }));
  const youtube = file.family !== 'abuse';
  const name = baseName(file);
  if (judgement === 'spam') {
    if (youtube)
      return [
        { weight: 1, take: positives },
        { weight: 1, take: negatives },
      ];
    if (name.startsWith('davidson')) return [];
    return [{ weight: 0.5, take: notSpam }];
  }
  // YouTube's labels say spam or not, nothing of abuse: its insults and slurs are no lesson that insults are fine.
  if (youtube) return [{ weight: 0.25, take: (f) => notSpam(f).filter((c) => !looksAbusive(c.text)) }];
  if (name.startsWith('toxic-spans'))
    return [
      { weight: 1, take: positives },
      { weight: 0.3, take: negatives },
    ];
  if (name.startsWith('fox-news'))
    return [
      { weight: 1, take: positives },
      { weight: 1, take: negatives },
    ];
  return [
    { weight: 0.3, take: positives },
    { weight: 0.3, take: negatives },
  ];
}

function showsSignal(text: string): boolean {
  return abuseSignals(tokenize({ text, website: null }).words).length > 0;
}

function looksAbusive(text: string): boolean {
  return showsSignal(text) || profanityMatches(text).length > 0;
}

export interface FittedDefault {
  models: Record<Judgement, LinearModel>;
  trainedOn: TrainingSource[];
}

/** Fits both judgements from the given files (all of shared/, or all but a held-out part). */
export function fitDefaultModels(files: DatasetFile[]): FittedDefault {
  const trainedOn: TrainingSource[] = [];
  const fit = (judgement: Judgement, features: (text: string) => string[], options: FitOptions): LinearModel => {
    const examples: TrainingExample[] = [];
    const sources: TrainingSource[] = [];
    // Each YouTube family's groups share their weight among the family's files.
    const perFamily = new Map<string, number>();
    for (const file of files)
      if (groupsFor(judgement, file).length > 0) perFamily.set(file.family, (perFamily.get(file.family) ?? 0) + 1);
    for (const file of files) {
      const groups = groupsFor(judgement, file);
      let used = 0;
      let positive = 0;
      for (const group of groups) {
        const seen = new Set<string>();
        const texts = group.take(file).filter((c) => {
          const key = c.text.toLowerCase().replace(/\s+/g, ' ').trim();
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        const share = file.family === 'abuse' ? group.weight : group.weight / perFamily.get(file.family)!;
        for (const c of texts)
          examples.push({ features: features(c.text), label: c.label, weight: (1000 * share) / texts.length });
        used += texts.length;
        positive += texts.filter((c) => c.label === 1).length;
      }
      if (used > 0) sources.push({ file: file.file, sha256: file.sha256, examples: used, positive, judgement });
    }
    // Without a single positive, the negatives would only teach that every word lowers the score, drowning the
    // signals' priors: such a fit keeps the priors alone, and the model file lists no source for it.
    if (!examples.some((e) => e.label === 1)) return fitLinearModel([], options);
    trainedOn.push(...sources);
    return fitLinearModel(examples, options);
  };
  return {
    models: {
      spam: fit('spam', (text) => spamFeatures({ text, website: null }), SPAM_FIT),
      abuse: fit('abuse', (text) => abuseFeatures({ text, website: null }), ABUSE_FIT),
    },
    trainedOn,
  };
}

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex > 0 ? path.resolve(process.argv[outIndex + 1]) : DEFAULT_MODEL_PATH;
  const started = Date.now();
  const fitted = fitDefaultModels(loadSharedDatasets());
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const text = serializeModelFile(fitted);
  fs.writeFileSync(out, text);
  const counts = fitted.trainedOn
    .map((s) => `${s.judgement} ${s.file}: ${s.examples} (${s.positive} positive)`)
    .join('\n  ');
  console.error(
    `trained in ${((Date.now() - started) / 1000).toFixed(1)} s from\n  ${counts}\nwrote ${out} (${(text.length / 1e6).toFixed(2)} MB)`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`train-default: ${(err as Error).message}`);
    process.exit(1);
  });
}
