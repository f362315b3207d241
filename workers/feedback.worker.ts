import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ParleyMetrics } from '../src/http/metrics';
import type { ModerationFeedback } from '../src/moderation/feedback';
import { FEEDBACK_QUEUE, type FeedbackJobData } from '../src/queue/feedback-queue';

export interface FeedbackWorkerOptions {
  connection: Redis;
  prefix: string;
  feedback: ModerationFeedback;
  logger: Logger;
  /** This process's metrics: classifier trainings are counted when given. */
  metrics?: ParleyMetrics;
}

/** Runs the feedback queue: each moderator decision teaches the classifier (and Akismet). */
export function startFeedbackWorker(options: FeedbackWorkerOptions): Worker<FeedbackJobData> {
  const { logger } = options;
  const worker = new Worker<FeedbackJobData>(
    FEEDBACK_QUEUE,
    async (job) => {
      const learned = await options.feedback.apply(job.data);
      logger.info({ commentId: job.data.commentId, label: job.data.label, learned }, 'moderator feedback applied');
      if (learned) options.metrics?.classifierTrainings.inc({ label: job.data.label });
      return learned;
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 2 },
  );
  worker.on('failed', (job, err) => {
    logger.warn({ commentId: job?.data.commentId, attempt: job?.attemptsMade, err: err.message }, 'feedback job failed');
  });
  worker.on('error', (err) => logger.error({ err: err.message }, 'feedback worker error'));
  return worker;
}
