import type { Worker } from 'bullmq';

/** A queue worker once started: every start*Worker returns one, so a role stops them all the same way. */
export interface RunningWorker {
  worker: Worker;
  /** Stops taking jobs and lets the running ones finish (and stops the worker's sweep, if it has one). */
  close(): Promise<void>;
}
