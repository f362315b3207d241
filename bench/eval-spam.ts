import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import type { DecisionStatus } from '../src/comments/status';
import { submitCommentSchema } from '../src/comments/submit-schema';
import { loadConfig } from '../src/config';
import { openRuntime, type Runtime } from '../src/main';
import { type LabeledComment, readLabeledComments, trainFromCsv } from '../src/moderation/classifier/training';
import type { SpamLabel } from '../src/moderation/classifier/spam-classifier';
import type { Site } from '../src/sites/site-repository';
import { clearRedisPrefix } from './parley-instance';

/**
 * `npm run eval:spam -- --train FILE... --test FILE... [--json]`
 *
 * Trains a fresh classifier on the training files, then sends every test comment
 * through the real moderation pipeline (every check, a site with policy `none`, each
 * comment from an author of its own, with a form token the way the widget sends it)
 * and counts where each ham and spam comment ended. Everything it creates (a SQLite
 * database in a temporary directory, a Redis key prefix of its own) is removed at the
 * end.
 */

const OUTCOMES = ['approved', 'held', 'spam', 'rejected'] as const;
type Outcome = (typeof OUTCOMES)[number];

export interface Counts {
  ham: Record<Outcome, number>;
  spam: Record<Outcome, number>;
  /** Of the comments that ended spam or rejected, the share that were labeled spam. */
  precision: number;
  /** Of the comments labeled spam, the share that ended spam or rejected. */
  recall: number;
  f1: number;
}

export interface EvalResult {
  files: Record<string, Counts>;
  overall: Counts;
}

const emptyOutcomes = (): Record<Outcome, number> => ({ approved: 0, held: 0, spam: 0, rejected: 0 });

function finish(tally: Record<SpamLabel, Record<Outcome, number>>): Counts {
  const silenced = (o: Record<Outcome, number>) => o.spam + o.rejected;
  const truePositives = silenced(tally.spam);
  const predicted = truePositives + silenced(tally.ham);
  const actual = OUTCOMES.reduce((sum, o) => sum + tally.spam[o], 0);
  const precision = predicted === 0 ? 0 : truePositives / predicted;
  const recall = actual === 0 ? 0 : truePositives / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return { ham: tally.ham, spam: tally.spam, precision: round(precision), recall: round(recall), f1: round(f1) };
}

async function waitForRedis(runtime: Runtime): Promise<void> {
  const connection = runtime.producerConnection;
  if (connection.status === 'ready') return;
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`Redis is not answering at ${runtime.config.redis.url}`)), 10_000).unref(),
  );
  await Promise.race([once(connection, 'ready'), timeout]);
}

/** Submits one comment as a reader would, runs the pipeline on it, and says where it ended. */
async function moderateOne(options: {
  runtime: Runtime;
  site: Site;
  comment: LabeledComment;
  page: string;
  author: number;
  formToken: string;
  details?: (record: object) => void;
}): Promise<Outcome> {
  const { runtime, site, comment, author } = options;
  const schema = submitCommentSchema({ maxLength: runtime.config.maxCommentLength });
  const parsed = schema.safeParse({
    pageId: options.page,
    name: (comment.input.name || `Reader ${author}`).slice(0, 80),
    email: `reader-${author}@mail.example.org`,
    text: comment.input.text,
    formToken: options.formToken,
  });
  // The API would refuse it with a 400: as good as rejected.
  if (!parsed.success) return 'rejected';
  const { comment: submitted } = await runtime.comments.submit({ site, input: parsed.data, ip: undefined, userAgent: 'parley-eval' });
  const result = await runtime.moderator.moderate(submitted.id);
  let status: DecisionStatus | undefined = result.outcome === 'decided' ? result.decision.status : undefined;
  if (!status) {
    const row = await runtime.commentRepository.find(submitted.id);
    if (!row || row.status === 'pending' || row.status === 'deleted') throw new Error(`comment ${submitted.id} was not decided`);
    status = row.status;
  }
  if (options.details) {
    // The classifier's score even where it made no finding, so thresholds can be tried offline.
    const scored = await runtime.classifier.score(comment.input);
    options.details({
      file: options.page,
      line: comment.line,
      label: comment.label,
      status,
      score: scored?.score ?? null,
      findings: result.outcome === 'decided' ? result.decision.findings : [],
    });
  }
  return status;
}

export async function evaluate(options: {
  train: string[];
  test: string[];
  redisUrl: string;
  /** Override the site policy's classifier thresholds (default: the policy defaults). */
  thresholds?: { spam?: number; hold?: number };
  /** Receives, per test comment, its label, final status, classifier score and findings. */
  details?: (record: object) => void;
  progress?: (message: string) => void;
}): Promise<EvalResult> {
  const progress = options.progress ?? (() => undefined);
  // Read every test file first: a bad file should fail before anything is set up.
  const tests = [];
  for (const file of options.test) tests.push({ name: path.basename(file), comments: await readLabeledComments(file) });
  const names = tests.map((t) => t.name);
  if (new Set(names).size !== names.length) throw new Error('two test files have the same name');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-eval-'));
  const prefix = `{parley-eval-${randomBytes(5).toString('hex')}}`;
  let runtime: Runtime | undefined;
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      PARLEY_DATA_DIR: dataDir,
      REDIS_URL: options.redisUrl,
      PARLEY_REDIS_PREFIX: prefix,
      PARLEY_LOG_LEVEL: 'silent',
    });
    runtime = await openRuntime(config, { logger: pino({ level: 'silent' }) });
    await waitForRedis(runtime);

    const started = Date.now();
    const trained = await trainFromCsv({ classifier: runtime.classifier, files: options.train });
    progress(
      `trained on ${trained.spam} spam and ${trained.ham} ham examples (${trained.duplicates} repeated texts skipped) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const policy: Partial<Site['policy']> = {};
    if (options.thresholds?.spam !== undefined) policy.classifierSpamThreshold = options.thresholds.spam;
    if (options.thresholds?.hold !== undefined) policy.classifierHoldThreshold = options.thresholds.hold;
    const site = await runtime.sites.create({ name: 'Spam evaluation', origins: ['https://eval.example'], moderation: 'none', policy });
    progress(`classifier thresholds: hold ≥ ${site.policy.classifierHoldThreshold}, spam ≥ ${site.policy.classifierSpamThreshold}`);
    // One form token for every comment, old enough for the time trap: readers take their time.
    const formToken = runtime.comments.formToken(site);
    await new Promise((resolve) => setTimeout(resolve, site.policy.minSubmitSeconds * 1000 + 500));

    const files: Record<string, Counts> = {};
    const overall = { ham: emptyOutcomes(), spam: emptyOutcomes() };
    let author = 0;
    for (const test of tests) {
      const tally = { ham: emptyOutcomes(), spam: emptyOutcomes() };
      for (const comment of test.comments) {
        author++;
        const outcome = await moderateOne({ runtime, site, comment, page: test.name, author, formToken, details: options.details });
        tally[comment.label][outcome]++;
        overall[comment.label][outcome]++;
      }
      files[test.name] = finish(tally);
      progress(`moderated ${test.comments.length} comments of ${test.name}`);
    }
    return { files, overall: finish(overall) };
  } finally {
    await runtime?.close();
    await clearRedisPrefix(prefix, options.redisUrl);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const percent = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

function report(name: string, counts: Counts): string {
  const total = (o: Record<Outcome, number>) => OUTCOMES.reduce((sum, k) => sum + o[k], 0);
  const hamTotal = total(counts.ham);
  const spamTotal = total(counts.spam);
  const row = (label: string, o: Record<Outcome, number>) =>
    `  ${label.padEnd(5)}${OUTCOMES.map((k) => String(o[k]).padStart(10)).join('')}${String(total(o)).padStart(10)}`;
  return [
    name,
    `  ${''.padEnd(5)}${[...OUTCOMES, 'total'].map((k) => k.padStart(10)).join('')}`,
    row('ham', counts.ham),
    row('spam', counts.spam),
    `  ham silenced ${percent(counts.ham.spam + counts.ham.rejected, hamTotal)}, spam published ${percent(counts.spam.approved, spamTotal)}, ` +
      `held ${percent(counts.ham.held + counts.spam.held, hamTotal + spamTotal)}; ` +
      `"spam or rejected": precision ${counts.precision.toFixed(3)}, recall ${counts.recall.toFixed(3)}, F1 ${counts.f1.toFixed(3)}`,
  ].join('\n');
}

function parseScore(value: string): number {
  const score = Number(value);
  if (value.trim() === '' || !Number.isFinite(score) || score < 0 || score > 1) throw new InvalidArgumentError('expected a number from 0 to 1');
  return score;
}

async function main(): Promise<void> {
  const program = new Command('eval-spam')
    .description('train a fresh classifier, run labeled comments through the real moderation pipeline, count the outcomes')
    .requiredOption('--train <file...>', 'labeled CSV files to train on (CONTENT/CLASS or text/label)')
    .requiredOption('--test <file...>', 'labeled CSV files to evaluate on')
    .option('--json', 'print one JSON object {files, overall}')
    .option('--spam-threshold <score>', "the site's classifier spam threshold (default: the policy default)", parseScore)
    .option('--hold-threshold <score>', "the site's classifier hold threshold (default: the policy default)", parseScore)
    .option('--details <file>', 'write one JSON line per test comment: label, status, classifier score, findings')
    .option('--redis-url <url>', 'Redis to use (a key prefix of its own, removed at the end)', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
    .showHelpAfterError();
  program.parse(process.argv);
  const opts = program.opts<{
    train: string[];
    test: string[];
    json?: boolean;
    redisUrl: string;
    spamThreshold?: number;
    holdThreshold?: number;
    details?: string;
  }>();
  const details = opts.details ? fs.openSync(opts.details, 'w') : undefined;

  const result = await evaluate({
    train: opts.train,
    test: opts.test,
    redisUrl: opts.redisUrl,
    thresholds: { spam: opts.spamThreshold, hold: opts.holdThreshold },
    details: details === undefined ? undefined : (record) => fs.writeSync(details, `${JSON.stringify(record)}\n`),
    progress: opts.json ? undefined : (message) => console.error(message),
  }).finally(() => details !== undefined && fs.closeSync(details));
  if (opts.json) {
    console.log(JSON.stringify(result));
    return;
  }
  for (const [name, counts] of Object.entries(result.files)) console.log(`${report(name, counts)}\n`);
  console.log(report('overall', result.overall));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`eval-spam: ${(err as Error).message}`);
    process.exit(1);
  });
}
