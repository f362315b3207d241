import type { Logger } from 'pino';

/**
 * Runs a sweep now and then every `intervalMs`, logging what it found and any failure
 * (a failed sweep is simply tried again next time). Returns a function that stops it.
 */
export function startPeriodicSweep(options: {
  intervalMs: number;
  sweep: () => Promise<number>;
  logger: Logger;
  /** Log message when the sweep found work, e.g. "queued pending comments that had no job". */
  found: string;
}): () => void {
  const run = async () => {
    try {
      const count = await options.sweep();
      if (count > 0) options.logger.info({ count }, `sweep ${options.found}`);
    } catch (err) {
      options.logger.warn({ err: (err as Error).message }, 'sweep failed; will try again');
    }
  };
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
