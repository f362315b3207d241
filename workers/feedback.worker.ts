import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ParleyMetrics } from '../src/metrics/parley-metrics';
import type { ModerationFeedback } from '../src/moderation/feedback';
import { FEEDBACK_QUEUE, type FeedbackJobData } from '../src/queue/feedback-queue';
import type { RunningWorker } from '../src/queue/running-worker';

export interface FeedbackWorkerOptions {
  connection: Redis;
  prefix: string;
  moderationFeedback: ModerationFeedback;
  logger: Logger;
  /** This process's metrics: classifier trainings are counted when given. */
  metrics?: ParleyMetrics;
}

/** Runs the feedback queue: each moderator decision teaches the content judgements (and Akismet). */
export function startFeedbackWorker(options: FeedbackWorkerOptions): RunningWorker {
  const { logger } = options;
  const worker = new Worker<FeedbackJobData>(
    FEEDBACK_QUEUE,
    async (job) => {
      const applied = await options.moderationFeedback.apply(job.data);
      const taught =
        applied && 'taught' in applied.outcome ? applied.outcome.taught.map((t) => `${t.judgement}:${t.layer}`) : [];
      const skipped = applied && 'skipped' in applied.outcome ? applied.outcome.skipped : undefined;
      logger.info(
        { commentId: job.data.commentId, teacher: job.data.teacher.id, status: applied?.status, taught, skipped },
        'moderator feedback applied',
      );
      if (applied && taught.length > 0) options.metrics?.classifierTrainings.inc({ label: applied.status });
      return applied?.status ?? 'nothing to learn';
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 2 },
  );
  worker.on('failed', (job, err) => {
    logger.warn(
      { commentId: job?.data.commentId, attempt: job?.attemptsMade, err: err.message },
      'feedback job failed',
    );
  });
  worker.on('error', (err) => logger.error({ err: err.message }, 'feedback worker error'));
  return { worker, close: () => worker.close() };
}
