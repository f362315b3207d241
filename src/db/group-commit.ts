export interface GroupCommitOptions<Item, Result> {
  /**
   * Writes a batch, all or nothing (one transaction); rejecting fails every item of it.
   * What it resolves to is each item's result: follow-up work (say, a promise of the
   * batch's jobs being queued) runs while the next batch is written.
   */
  commit: (items: Item[]) => Promise<Result>;
  /** At most this many items per batch. */
  maxBatch: number;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: items added while a batch is being written, or in the same event-loop
 * turn, are written together by the next batch, so concurrent requests share one
 * transaction (and its fsync, its round trips) instead of queueing for one each. One
 * batch is written at a time; `add` settles when its item's batch has committed or failed.
 */
export class GroupCommit<Item, Result = void> {
  private queued: Waiting<Item, Result>[] = [];
  private writing = false;
  private scheduled = false;

  constructor(private readonly options: GroupCommitOptions<Item, Result>) {}

  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    // After the current turn: the other requests parsed in it join this batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.writeBatch();
    });
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queued.splice(0, this.options.maxBatch);
    if (batch.length === 0) return;
    this.writing = true;
    try {
      const result = await this.options.commit(batch.map((w) => w.item));
      for (const waiting of batch) waiting.resolve(result);
    } catch (err) {
      for (const waiting of batch) waiting.reject(err);
    } finally {
      this.writing = false;
      if (this.queued.length > 0) this.schedule();
    }
  }
}
