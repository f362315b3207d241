/**
 * Parley's defaults, one per environment variable. Every value here can be overridden
 * by the environment variable of the same name; src/config.ts validates the result.
 * A fresh `npm start` with no environment at all runs on these.
 */
export const defaults = {
  /** HTTP port of the API. */
  PORT: '3000',
  /** Interface the API listens on. */
  PARLEY_HOST: '0.0.0.0',
  /** `postgres://...` for PostgreSQL; empty means SQLite in PARLEY_DATA_DIR. */
  DATABASE_URL: '',
  /** Where SQLite's file and a private Redis (see `parley start`) keep their data. */
  PARLEY_DATA_DIR: './data',
  /** Redis for queues and counters; a `/N` database index is honoured. */
  REDIS_URL: 'redis://127.0.0.1:6379',
  /** Prefix of every Redis key; the braces are a hash tag so Redis Cluster works. */
  PARLEY_REDIS_PREFIX: '{parley}',
  /** Express `trust proxy`: `false`, `true`, a hop count, `loopback`, or CIDRs. */
  PARLEY_TRUST_PROXY: 'false',
  /** Secret for keyed hashes and signed tokens; empty means one is generated and kept in the database. */
  PARLEY_SECRET: '',
  /** An admin token to accept, for bootstrapping (at least 24 characters); empty means none. */
  PARLEY_ADMIN_TOKEN: '',
  /** pino log level: fatal, error, warn, info, debug, trace. */
  PARLEY_LOG_LEVEL: 'info',
  /** Largest request body accepted, in bytes. */
  PARLEY_BODY_LIMIT: '65536',
  /** Longest comment text, in characters. */
  PARLEY_MAX_COMMENT_LENGTH: '5000',
  /** Moderation jobs one worker process runs at once. */
  PARLEY_WORKER_CONCURRENCY: '4',
  /** How often a worker looks for pending comments that have no job, in ms. */
  PARLEY_SWEEP_INTERVAL_MS: '30000',
  /** How long a job's lock lasts without renewal; a killed worker's job is retried after it, in ms. */
  PARLEY_JOB_LOCK_MS: '30000',
  /** `production` turns on the strict defaults (JSON logs only). */
  NODE_ENV: 'development',
} as const;

export type SettingName = keyof typeof defaults;
