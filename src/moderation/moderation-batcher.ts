import type { BatchResult, ModerationOutcome } from './comment-moderator';

export interface ModerationBatcherOptions {
  /** Moderates a batch: one result per id, in order (see CommentModerator.moderateMany). */
  moderateMany(commentIds: string[]): Promise<BatchResult[]>;
  /** The most comments moderated together. */
  maxBatch: number;
  /** The most batches under way at once: one can wait on Redis and the database while another is judged. */
  maxParallel: number;
}

interface Waiting {
  commentId: string;
  resolve(outcome: ModerationOutcome): void;
  reject(err: Error): void;
}

/**
 * Group commit for the moderation worker: the jobs a worker runs at once each ask for
 * their comment, and the comments asked for in the same event-loop turn, or while
 * batches are under way, form the next batch. Each job still gets its own result, so a
 * comment that fails fails its own job only, and BullMQ keeps running, locking and
 * retrying jobs one comment at a time, which is what keeps a killed worker's comments
 * safe: their jobs stall and run again.
 */
export class ModerationBatcher {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  private scheduled = false;

  constructor(private readonly options: ModerationBatcherOptions) {}

  moderate(commentId: string): Promise<ModerationOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ commentId, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Wait one turn, so that jobs fetched together are moderated together.
      setImmediate(() => {
        this.scheduled = false;
        this.startBatches();
      });
    });
  }

  /** Starts a batch when none is under way, and another only once a full one is waiting, so batches stay large. */
  private startBatches(): void {
    const { maxBatch, maxParallel } = this.options;
    while (
      this.waiting.length > 0 &&
      (this.running === 0 || (this.running < maxParallel && this.waiting.length >= maxBatch))
    ) {
      void this.run(this.waiting.splice(0, maxBatch));
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    this.running += 1;
    try {
      const results = await this.options.moderateMany(batch.map((w) => w.commentId));
      batch.forEach((w, i) => {
        const result = results[i];
        if (result instanceof Error) w.reject(result);
        else w.resolve(result);
      });
    } catch (err) {
      for (const w of batch) w.reject(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.running -= 1;
      this.startBatches();
    }
  }
}
