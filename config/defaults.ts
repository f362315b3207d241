/**
 * Parley's defaults, one per environment variable. Every value here can be overridden
 * by the environment variable of the same name; src/config.ts validates the result.
 * A fresh `npm start` with no environment at all runs on these.
 *
 * Each doc comment is the setting's description in README.md ("Configuration") and
 * .env.example: `npm run docs:config` writes both from this file, and a test fails
 * when they are stale.
 */
export const defaults = {
  /** HTTP port of the API (`0` picks a free one; the log says which). */
  PORT: '3000',
  /** Interface the API (and the metrics port) listens on. */
  PARLEY_HOST: '0.0.0.0',
  /** `postgres://user:pass@host:5432/db` for PostgreSQL; empty means SQLite at `$PARLEY_DATA_DIR/parley.sqlite`. */
  DATABASE_URL: '',
  /** Where SQLite's file and a private Redis (see `parley start`) keep their data. */
  PARLEY_DATA_DIR: './data',
  /** Redis for the queues, counters and what moderators taught the model; a `/N` database index is honoured. */
  REDIS_URL: 'redis://127.0.0.1:6379',
  /** Prefix of every Redis key; the braces are a hash tag that keeps a Redis Cluster happy. */
  PARLEY_REDIS_PREFIX: '{parley}',
  /** Express `trust proxy`: `false`, `true`, a hop count, `loopback`, or CIDRs. The client IP is read from `X-Forwarded-For` only through these proxies. */
  PARLEY_TRUST_PROXY: 'false',
  /** Key for avatar hashes and signed tokens (32+ characters); empty means one is generated once and kept in the database, shared by every process. */
  PARLEY_SECRET: '',
  /** An admin token to accept (24+ characters), for bootstrapping and automation; empty means none. */
  PARLEY_ADMIN_TOKEN: '',
  /** Akismet API key: ask Akismet too (it is sent the comment, IP and email); empty keeps everything on this server. */
  PARLEY_AKISMET_KEY: '',
  /** Akismet's API address (a local server that speaks its protocol, for tests). */
  PARLEY_AKISMET_URL: 'https://rest.akismet.com',
  /** The moderation model: `default` (the one shipped in `models/`), a path to another model file, or `none` to judge content only by what moderators teach. */
  PARLEY_MODEL: 'default',
  /** Examples one moderator may teach the content judgements per hour; decisions past it still count, they just teach nothing (admins are not capped). */
  PARLEY_LESSONS_PER_HOUR: '200',
  /** Hosts and CIDR ranges (comma-separated) that webhooks may target in production although private or loopback. */
  PARLEY_WEBHOOK_ALLOWLIST: '',
  /** How long a webhook receiver has to answer, in ms. */
  PARLEY_WEBHOOK_TIMEOUT_MS: '10000',
  /** Webhook deliveries one worker process runs at once (they mostly wait on receivers). */
  PARLEY_WEBHOOK_CONCURRENCY: '16',
  /** Deliveries to one endpoint in flight at once, across all workers: a slow receiver holds up no other. */
  PARLEY_WEBHOOK_ENDPOINT_CONCURRENCY: '2',
  /** Delays between a failed webhook delivery's retries (`ms`, `s`, `m`, `h`): about a day in all. */
  PARLEY_WEBHOOK_RETRY_SCHEDULE: '5s,5m,30m,2h,5h,10h',
  /** Log level: `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`. */
  PARLEY_LOG_LEVEL: 'info',
  /**
   * A port of its own for `GET /metrics` (and `GET /healthz`), off the public API port; how `parley worker`
   * processes, which serve no API, expose their metrics. Empty or `0`: `/metrics` is on the API port.
   */
  PARLEY_METRICS_PORT: '',
  /** Comments one client IP may submit per minute (`429` with `Retry-After` above); the worker's flood check holds what gets through. */
  PARLEY_SUBMITS_PER_MINUTE: '30',
  /** Largest request body accepted, in bytes (`413` above). */
  PARLEY_BODY_LIMIT: '65536',
  /** Longest comment text, in characters. */
  PARLEY_MAX_COMMENT_LENGTH: '5000',
  /**
   * How long an API process may answer from memory a site's settings and a thread's first page, in ms
   * (`0`: always read the database). A change on any replica drops them at once through Redis; this bounds
   * how stale a lost message could leave them.
   */
  PARLEY_CACHE_MS: '1000',
  /** Moderation jobs one worker process runs at once. */
  PARLEY_WORKER_CONCURRENCY: '4',
  /** How often a worker re-queues pending comments that have no job, in ms. */
  PARLEY_SWEEP_INTERVAL_MS: '30000',
  /** A job whose worker stops renewing its lock for this long (ms) is run again: how soon a killed worker's jobs are retried. */
  PARLEY_JOB_LOCK_MS: '30000',
  /** `production` for deployments: the strict defaults, JSON logs only (`development` pretty-prints logs on a terminal). */
  NODE_ENV: 'development',
} as const;

export type SettingName = keyof typeof defaults;
