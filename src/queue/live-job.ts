import type { Queue } from 'bullmq';

export type RequeueResult = 'added' | 'retried' | 'present';

/**
 * Makes sure the work behind `jobId` has a live job, for the sweeps that find work whose
 * job was lost: adds one when there is none, and retries, with its attempts counted
 * afresh, one that failed (its worker died twice, the database was down on every try)
 * or completed while the work stayed undone. A waiting, delayed or active job is left
 * alone. Safe to run from every worker at once: the job id is the work's id.
 */
export async function ensureLiveJob(queue: Queue, jobId: string, add: () => Promise<unknown>): Promise<RequeueResult> {
  const job = await queue.getJob(jobId);
  const state = job ? await job.getState() : 'unknown';
  if (state === 'failed' || state === 'completed') {
    await job!.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
    return 'retried';
  }
  if (state !== 'unknown') return 'present';
  await add();
  return 'added';
}
