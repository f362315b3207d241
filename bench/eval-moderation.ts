import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import type { Principal } from '../src/auth/token-service';
import type { DecisionStatus } from '../src/comments/status';
import { submitCommentSchema } from '../src/comments/submit-schema';
import { loadConfig } from '../src/config';
import { openRuntime, type Runtime } from '../src/runtime';
import { redisReady } from '../src/queue/redis';
import { type LabeledComment, readLabeledComments, trainFromCsv } from '../src/moderation/classifier/training';
import type { Finding } from '../src/moderation/finding';
import type { ModeratorAction } from '../src/moderation/moderator-actions';
import { type SitePolicy, sitePolicyChangesSchema } from '../src/sites/policy-schema';
import type { Site } from '../src/sites/site-repository';
import { startFeedbackWorker } from '../workers/feedback.worker';
import { clearRedisPrefix } from '../test/helpers/services';

/**
 * `npm run eval:moderation -- --test FILE... [--train FILE...] [--model default|none|PATH] [--learn] [--json]`
 *
 * Sends every test comment through the real moderation pipeline (every check, a site
 * with policy `none`, each comment from an author of its own, with a form token the
 * way the widget sends it) and counts where the comments that should be published
 * (label 0) and those that should not (label 1) ended.
 *
 * - `--model` picks the starting point: the shipped default model, none, or a file.
 * - `--train` teaches the instance on top of it, as `parley train` does.
 * - `--learn` streams each test file in order, as a site sees it, with a moderator who
 *   works the held queue: every held comment gets its true label through the same
 *   path a real moderator's action takes (the action, the feedback queue, its worker).
 *   Published spam is never seen, as in real life.
 *
 * Everything it creates (a SQLite database in a temporary directory, a Redis key
 * prefix of its own) is removed at the end.
 */

const OUTCOMES = ['approved', 'held', 'spam', 'rejected'] as const;
type Outcome = (typeof OUTCOMES)[number];
type Tally = Record<Outcome, number>;

export interface Counts {
  ham: Tally;
  spam: Tally;
}

export interface FileResult extends Counts {
  /** The checks behind each ham comment that was held or silenced: where false positives come from. */
  hamFindings: Record<string, { held: number; silenced: number }>;
  /** With --learn: the file's second half alone, and how many held comments the moderator reviewed. */
  secondHalf?: Counts;
  moderatorReviews?: number;
}

export interface EvalResult {
  files: Record<string, FileResult>;
  overall: Counts;
}

export interface EvaluateOptions {
  test: string[];
  /** CSV files to teach the instance first, label 1 meaning spam (`trainAbuse`: abuse). */
  train?: string[];
  trainAbuse?: string[];
  /** `default`, `none`, or the path of a model file. */
  model?: string;
  learn?: boolean;
  redisUrl: string;
  /** Site policy settings to evaluate with (thresholds, say) instead of the defaults. */
  policy?: Partial<SitePolicy>;
  /** Receives, per test comment, its label, final status, scores and findings. */
  details?: (record: object) => void;
  progress?: (message: string) => void;
}

const emptyTally = (): Tally => ({ approved: 0, held: 0, spam: 0, rejected: 0 });
const emptyCounts = (): Counts => ({ ham: emptyTally(), spam: emptyTally() });
const classOf = (label: 0 | 1) => (label === 1 ? 'spam' : 'ham');

/** The action a moderator who knows the truth takes on a held comment. */
function truthfulAction(label: 0 | 1, findings: Finding[]): ModeratorAction {
  if (label === 0) return 'approve';
  const abusive = findings.some((f) => f.check === 'abuse' || f.check === 'profanity');
  const spammy = findings.some((f) => f.check === 'spam' && f.verdict !== 'approve');
  return abusive && !spammy ? 'reject' : 'spam';
}

interface Evaluation {
  runtime: Runtime;
  site: Site;
  moderator: Principal;
  formToken: string;
  nextAuthor: () => number;
  details?: (record: object) => void;
  drainFeedback: () => Promise<void>;
}

/** Submits one comment as a reader would, runs the pipeline on it, and says where it ended. */
async function moderateOne(
  e: Evaluation,
  comment: LabeledComment,
  page: string,
): Promise<{ status: Outcome; findings: Finding[]; id: string } | undefined> {
  const { runtime, site } = e;
  const author = e.nextAuthor();
  const parsed = submitCommentSchema({ maxLength: runtime.config.maxCommentLength }).safeParse({
    pageId: page,
    name: (comment.name || `Reader ${author}`).slice(0, 80),
    email: `reader-${author}@mail.example.org`,
    text: comment.text,
    formToken: e.formToken,
  });
  // The API would refuse it with a 400: as good as rejected.
  if (!parsed.success) return undefined;
  const { comment: submitted } = await runtime.commentService.submit({
    site,
    input: parsed.data,
    ip: undefined,
    userAgent: 'parley-eval',
  });
  const result = await runtime.commentModerator.moderate(submitted.id);
  if (result.outcome !== 'decided') throw new Error(`comment ${submitted.id} was not decided (${result.reason})`);
  const { status, findings } = result.decision;
  if (e.details) {
    const scores = await runtime.contentClassifier.score({ text: comment.text, website: null, siteKey: site.key });
    e.details({
      file: page,
      line: comment.line,
      label: comment.label,
      status,
      spam: scores.spam?.score ?? null,
      abuse: scores.abuse?.score ?? null,
      findings,
    });
  }
  return { status: status as Exclude<DecisionStatus, 'pending'>, findings, id: submitted.id };
}

export async function evaluate(options: EvaluateOptions): Promise<EvalResult> {
  const progress = options.progress ?? (() => undefined);
  // Read every test file first: a bad file should fail before anything is set up.
  const tests = [];
  for (const file of options.test) tests.push({ name: path.basename(file), comments: await readLabeledComments(file) });
  const names = tests.map((t) => t.name);
  if (new Set(names).size !== names.length) throw new Error('two test files have the same name');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-eval-'));
  const prefix = `{parley-eval-${randomBytes(5).toString('hex')}}`;
  let runtime: Runtime | undefined;
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      PARLEY_DATA_DIR: dataDir,
      REDIS_URL: options.redisUrl,
      PARLEY_REDIS_PREFIX: prefix,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_MODEL: options.model ?? 'default',
      // The evaluation streams in seconds what a site sees in weeks: the hourly cap would stop the moderator.
      PARLEY_LESSONS_PER_HOUR: '1000000',
    });
    runtime = await openRuntime(config, { logger: pino({ level: 'silent' }) });
    await redisReady(runtime.producerConnection);
    progress(`model: ${runtime.contentClassifier.modelVersion}`);

    for (const [files, judgement] of [
      [options.train ?? [], 'spam'],
      [options.trainAbuse ?? [], 'abuse'],
    ] as const) {
      if (files.length === 0) continue;
      const trained = await trainFromCsv({ contentClassifier: runtime.contentClassifier, files, judgement });
      progress(
        `taught ${trained.positive} ${judgement} and ${trained.negative} other examples (${trained.duplicates} repeated texts skipped)`,
      );
    }

    const site = await runtime.siteRepository.create({
      name: 'Moderation evaluation',
      origins: ['https://eval.example'],
      moderation: 'none',
      policy: options.policy,
    });
    const { record: moderator } = await runtime.tokenService.create({
      role: 'moderator',
      siteKey: site.key,
      label: 'simulated moderator',
    });
    const feedbackConnection = runtime.producerConnection.duplicate({ maxRetriesPerRequest: null });
    const feedbackWorker = startFeedbackWorker({
      connection: feedbackConnection,
      prefix: config.redis.prefix,
      moderationFeedback: runtime.moderationFeedback,
      logger: runtime.logger,
    });
    closers.push(async () => {
      await feedbackWorker.close();
      feedbackConnection.disconnect();
    });
    const queue = runtime.feedbackQueue.queue;
    const drainFeedback = async () => {
      for (;;) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).every((n) => n === 0)) return;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    // One form token for every comment, old enough for the time trap: readers take their time.
    const formToken = runtime.commentService.formToken(site);
    await new Promise((resolve) => setTimeout(resolve, site.policy.minSubmitSeconds * 1000 + 500));
    let author = 0;
    const e: Evaluation = {
      runtime,
      site,
      moderator,
      formToken,
      nextAuthor: () => ++author,
      details: options.details,
      drainFeedback,
    };

    const files: Record<string, FileResult> = {};
    const overall = emptyCounts();
    for (const test of tests) {
      const result: FileResult = { ...emptyCounts(), hamFindings: {} };
      if (options.learn) {
        result.secondHalf = emptyCounts();
        result.moderatorReviews = 0;
      }
      const half = Math.floor(test.comments.length / 2);
      for (const [index, comment] of test.comments.entries()) {
        const decided = await moderateOne(e, comment, test.name);
        const status: Outcome = decided?.status ?? 'rejected';
        const cls = classOf(comment.label);
        result[cls][status]++;
        overall[cls][status]++;
        if (result.secondHalf && index >= half) result.secondHalf[cls][status]++;
        if (comment.label === 0 && status !== 'approved' && decided) {
          for (const finding of decided.findings.filter((f) => f.verdict !== 'approve')) {
            const entry = (result.hamFindings[finding.check] ??= { held: 0, silenced: 0 });
            if (status === 'held') entry.held++;
            else entry.silenced++;
          }
        }
        if (options.learn && decided && status === 'held') {
          await runtime.moderationService.act(moderator, {
            id: decided.id,
            action: truthfulAction(comment.label, decided.findings),
          });
          await drainFeedback();
          result.moderatorReviews!++;
        }
      }
      files[test.name] = result;
      progress(`moderated ${test.comments.length} comments of ${test.name}`);
    }
    return { files, overall };
  } finally {
    for (const close of closers) await close();
    await runtime?.close();
    await clearRedisPrefix(prefix, options.redisUrl);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const total = (t: Tally) => OUTCOMES.reduce((sum, k) => sum + t[k], 0);
const percent = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

/** The figures the targets are stated in: ham silenced, spam published, held (of all). */
export function rates(counts: Counts): {
  hamSilenced: number;
  spamPublished: number;
  held: number;
  spamNotPublished: number;
} {
  const ham = total(counts.ham);
  const spam = total(counts.spam);
  const share = (part: number, whole: number) => (whole === 0 ? NaN : part / whole);
  return {
    hamSilenced: share(counts.ham.spam + counts.ham.rejected, ham),
    spamPublished: share(counts.spam.approved, spam),
    spamNotPublished: share(spam - counts.spam.approved, spam),
    held: share(counts.ham.held + counts.spam.held, ham + spam),
  };
}

function report(name: string, counts: Counts & Partial<FileResult>): string {
  const row = (label: string, t: Tally) =>
    `  ${label.padEnd(8)}${OUTCOMES.map((k) => String(t[k]).padStart(10)).join('')}${String(total(t)).padStart(10)}`;
  const line = (c: Counts) =>
    `ham silenced ${percent(c.ham.spam + c.ham.rejected, total(c.ham))}, ham held ${percent(c.ham.held, total(c.ham))}, ` +
    `not-ok published ${percent(c.spam.approved, total(c.spam))}, held ${percent(c.ham.held + c.spam.held, total(c.ham) + total(c.spam))}`;
  const lines = [
    name,
    `  ${''.padEnd(8)}${[...OUTCOMES, 'total'].map((k) => k.padStart(10)).join('')}`,
    row('ok (0)', counts.ham),
    row('not (1)', counts.spam),
    `  ${line(counts)}`,
  ];
  if (counts.hamFindings && Object.keys(counts.hamFindings).length > 0) {
    lines.push(
      `  ok comments held or silenced by: ${Object.entries(counts.hamFindings)
        .map(([check, n]) => `${check} ${n.held} held, ${n.silenced} silenced`)
        .join('; ')}`,
    );
  }
  if (counts.secondHalf)
    lines.push(`  second half: ${line(counts.secondHalf)}; moderator reviewed ${counts.moderatorReviews}`);
  return lines.join('\n');
}

function parsePolicy(value: string): Partial<SitePolicy> {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected a JSON object of site policy settings');
  }
  const parsed = sitePolicyChangesSchema.safeParse(json);
  if (!parsed.success)
    throw new InvalidArgumentError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data as Partial<SitePolicy>;
}

async function main(): Promise<void> {
  const program = new Command('eval-moderation')
    .description('run labeled comments through the real moderation pipeline and count the outcomes')
    .requiredOption(
      '--test <file...>',
      'labeled CSV files to evaluate on (CONTENT/CLASS, CONTENT/TAG or text/label; 1 = should not be published unseen)',
    )
    .option('--train <file...>', 'labeled CSV files to teach the instance first (1 = spam)')
    .option('--train-abuse <file...>', 'labeled CSV files to teach the instance first (1 = abuse)')
    .option('--model <model>', 'default (the shipped model), none, or the path of a model file', 'default')
    .option('--learn', 'stream each test file with a moderator who reviews the held queue')
    .option('--policy <json>', 'site policy settings to evaluate with, e.g. \'{"spamHoldThreshold":0.2}\'', parsePolicy)
    .option('--json', 'print one JSON object {files, overall}')
    .option('--details <file>', 'write one JSON line per test comment: label, status, scores, findings')
    .option(
      '--redis-url <url>',
      'Redis to use (a key prefix of its own, removed at the end)',
      process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    )
    .showHelpAfterError();
  program.parse(process.argv);
  const opts = program.opts<{
    test: string[];
    train?: string[];
    trainAbuse?: string[];
    model: string;
    learn?: boolean;
    policy?: Partial<SitePolicy>;
    json?: boolean;
    details?: string;
    redisUrl: string;
  }>();
  const details = opts.details ? fs.openSync(opts.details, 'w') : undefined;
  const result = await evaluate({
    ...opts,
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
    console.error(`eval-moderation: ${(err as Error).message}`);
    process.exit(1);
  });
}
