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
  PARLEY_WEBHOOK_ENDPOINT_CONCURRENCY: '4',
  /** Delays between a failed webhook delivery's retries (`ms`, `s`, `m`, `h`): about a day in all. */
  PARLEY_WEBHOOK_RETRY_SCHEDULE: '5s,5m,30m,2h,5h,10h',
  /** Outgoing mail server: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`; empty turns mail off. */
  PARLEY_SMTP_URL: '',
  /** The sender of every mail, e.g. `Parley <comments@blog.example>`. */
  PARLEY_MAIL_FROM: 'Parley <parley@localhost>',
  /** The address readers and moderators reach Parley at (`https://comments.blog.example`): the base of every link in a mail; empty means `http://localhost:$PORT`. */
  PARLEY_PUBLIC_URL: '',
  /** Mails one address may get per hour; past it, reply notices and held-comment mails wait for a digest. */
  PARLEY_MAIL_PER_ADDRESS_PER_HOUR: '10',
  /** Delays between a failed mail's retries (`ms`, `s`, `m`, `h`): a few hours in all, then the mail is marked failed. */
  PARLEY_MAIL_RETRY_SCHEDULE: '1m,5m,15m,30m,1h,2h',
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
  /** How long a client may take to send a request's headers, in ms (slow senders are cut off). */
  PARLEY_HEADERS_TIMEOUT_MS: '15000',
  /** How long a client may take to send a whole request, headers and body, in ms (`408` and the connection closed past it). */
  PARLEY_REQUEST_TIMEOUT_MS: '30000',
  /** Longest comment text, in characters. */
  PARLEY_MAX_COMMENT_LENGTH: '5000',
  /**
   * How long an API process may answer from memory a site's settings and a thread's first page, in ms
   * (`0`: always read the database). A change on any replica drops them at once through Redis; this bounds
   * how stale a lost message could leave them.
   */
  PARLEY_CACHE_MS: '1000',
  /**
   * Moderation jobs one worker process runs at once. They are moderated together, up to three batches under way
   * at once (one judged while the others wait on Redis or the database), each of up to a third of them: their
   * look-ups in a few queries and one Redis round trip, their decisions and events in one transaction.
   */
  PARLEY_WORKER_CONCURRENCY: '96',
  /** How often a worker re-queues pending comments that have no job, in ms. */
  PARLEY_SWEEP_INTERVAL_MS: '30000',
  /** Days a comment's IP is kept whole; after that a worker job, run every hour, cuts it to its network (IPv4 to /24, IPv6 to /48). `0` keeps IPs whole. */
  PARLEY_IP_RETENTION_DAYS: '30',
  /** A job whose worker stops renewing its lock for this long (ms) is run again: how soon a killed worker's jobs are retried. */
  PARLEY_JOB_LOCK_MS: '30000',
  /** `production` for deployments: the strict defaults, JSON logs only (`development` pretty-prints logs on a terminal). */
  NODE_ENV: 'development',
} as const;

export type SettingName = keyof typeof defaults;
