import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CommentRepository } from '../src/comments/comment-repository';
import type { ParleyMetrics } from '../src/metrics/parley-metrics';
import type { CommentModerator } from '../src/moderation/comment-moderator';
import { ModerationBatcher } from '../src/moderation/moderation-batcher';
import { MODERATION_QUEUE, type ModerationJobData, type ModerationQueue } from '../src/queue/moderation-queue';
import { startPeriodicSweep } from '../src/queue/periodic-sweep';
import type { RunningWorker } from '../src/queue/running-worker';
import { sweepPendingComments } from '../src/queue/sweep';

export interface ModerationWorkerOptions {
  /** A connection made for workers (it blocks and retries forever). */
  connection: Redis;
  prefix: string;
  commentModerator: CommentModerator;
  commentRepository: CommentRepository;
  moderationQueue: ModerationQueue;
  logger: Logger;
  /** Jobs run at once: they are moderated in batches of up to a third of them. */
  concurrency: number;
  /** A job whose lock is not renewed for this long (its worker died) is run again. */
  lockDurationMs: number;
  sweepIntervalMs: number;
  /** This process's metrics: decisions, findings and pipeline latency are recorded when given. */
  metrics?: ParleyMetrics;
}

/**
 * Batches under way at once in a worker: while one waits for its events to be queued,
 * another is judged and a third gathered. Each holds its own jobs.
 */
const PARALLEL_BATCHES = 3;

/**
 * Runs the moderation queue: one job per comment, moderated in batches of the jobs
 * running at once, plus the periodic sweep of pending comments without a job.
 */
export function startModerationWorker(options: ModerationWorkerOptions): RunningWorker {
  const { logger } = options;
  const batcher = new ModerationBatcher({
    maxBatch: Math.ceil(options.concurrency / PARALLEL_BATCHES),
    maxParallel: PARALLEL_BATCHES,
    moderateMany: (ids) => options.commentModerator.moderateMany(ids),
  });
  const worker = new Worker<ModerationJobData>(
    MODERATION_QUEUE,
    async (job) => {
      const result = await batcher.moderate(job.data.commentId);
      const about = { commentId: job.data.commentId, jobId: job.id, attempt: job.attemptsMade + 1 };
      if (result.outcome === 'decided') {
        logger.info(
          { ...about, status: result.decision.status, checks: result.decision.findings.map((f) => f.check) },
          'comment moderated',
        );
        options.metrics?.recordDecision({
          status: result.decision.status,
          findings: result.decision.findings,
          acceptedAt: result.acceptedAt,
          decidedAt: result.decidedAt,
        });
      } else {
        logger.info({ ...about, reason: result.reason }, 'moderation skipped');
      }
      return result.outcome === 'decided' ? result.decision.status : result.reason;
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.lockDurationMs,
      maxStalledCount: 2,
    },
  );
  worker.on('failed', (job, err) => {
    logger.warn(
      { commentId: job?.data.commentId, attempt: job?.attemptsMade, err: err.message },
      'moderation job failed',
    );
  });
  worker.on('error', (err) => logger.error({ err: err.message }, 'moderation worker error'));

  const stopSweep = startPeriodicSweep({
    intervalMs: options.sweepIntervalMs,
    logger,
    found: 'queued pending comments that had no job',
    sweep: () =>
      sweepPendingComments({
        commentRepository: options.commentRepository,
        moderationQueue: options.moderationQueue,
        now: Date.now(),
        graceMs: Math.min(options.sweepIntervalMs, 10_000),
        limit: 500,
      }),
  });

  return {
    worker,
    async close() {
      stopSweep();
      await worker.close();
    },
  };
}
