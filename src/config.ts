import path from 'node:path';
import { z } from 'zod';
import { defaults, type SettingName } from '../config/defaults';
import { parseAddressRange } from './net/address-range';
import { DEFAULT_MODEL_PATH } from './moderation/classifier/model-file';

// 0 asks the OS for a free port (tests, side-by-side instances); the real one is logged.
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const durations = z.string().regex(/^\s*\d+(ms|s|m|h)(\s*,\s*\d+(ms|s|m|h))*\s*$/, 'durations such as 5s,5m,2h');

/** One validator per setting; the message says what is expected. */
const validators = {
  PORT: port,
  PARLEY_HOST: z.string().min(1),
  DATABASE_URL: z
    .string()
    .refine((v) => v === '' || /^postgres(ql)?:\/\//.test(v), 'a postgres:// URL, or empty for SQLite'),
  PARLEY_DATA_DIR: z.string().min(1),
  REDIS_URL: z.string().refine((v) => /^rediss?:\/\//.test(v), 'a redis:// or rediss:// URL'),
  PARLEY_REDIS_PREFIX: z.string().regex(/^[^:\s]+$/, 'a prefix without spaces or colons'),
  PARLEY_TRUST_PROXY: z.string().min(1),
  PARLEY_SECRET: z.string().refine((v) => v === '' || v.length >= 32, 'at least 32 characters'),
  PARLEY_ADMIN_TOKEN: z.string().refine((v) => v === '' || v.length >= 24, 'at least 24 characters'),
  PARLEY_AKISMET_KEY: z.string().regex(/^[A-Za-z0-9]*$/, 'an Akismet API key (letters and digits)'),
  PARLEY_AKISMET_URL: z.string().refine((v) => /^https?:\/\//.test(v), 'an http(s) URL'),
  PARLEY_MODEL: z.string().min(1),
  PARLEY_LESSONS_PER_HOUR: positiveInt,
  PARLEY_WEBHOOK_ALLOWLIST: z.string().refine(
    (v) =>
      v
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)
        .every((e) => parseAddressRange(e) !== undefined || /^[a-z0-9.-]+$/i.test(e)),
    'comma-separated host names, IP addresses or CIDR ranges',
  ),
  PARLEY_WEBHOOK_TIMEOUT_MS: positiveInt.max(120_000),
  PARLEY_WEBHOOK_CONCURRENCY: positiveInt.max(1000),
  PARLEY_WEBHOOK_ENDPOINT_CONCURRENCY: positiveInt.max(100),
  PARLEY_WEBHOOK_RETRY_SCHEDULE: durations,
  PARLEY_SMTP_URL: z
    .string()
    .refine((v) => v === '' || /^smtps?:\/\/[^/]/.test(v), 'an smtp:// or smtps:// URL, or empty'),
  PARLEY_MAIL_FROM: z.string().trim().min(3),
  PARLEY_PUBLIC_URL: z.string().refine((v) => v === '' || /^https?:\/\/[^/]/.test(v), 'an http(s) URL, or empty'),
  PARLEY_MAIL_PER_ADDRESS_PER_HOUR: positiveInt.max(10_000),
  PARLEY_MAIL_RETRY_SCHEDULE: durations,
  PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  PARLEY_METRICS_PORT: z.union([z.literal(''), port], 'a port number, or empty for the API port'),
  PARLEY_SUBMITS_PER_MINUTE: positiveInt,
  PARLEY_BODY_LIMIT: positiveInt,
  PARLEY_HEADERS_TIMEOUT_MS: positiveInt.min(100).max(600_000),
  PARLEY_REQUEST_TIMEOUT_MS: positiveInt.min(100).max(600_000),
  PARLEY_MAX_COMMENT_LENGTH: positiveInt.max(100_000),
  PARLEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000),
  PARLEY_WORKER_CONCURRENCY: positiveInt.max(600),
  PARLEY_SWEEP_INTERVAL_MS: positiveInt,
  PARLEY_JOB_LOCK_MS: positiveInt.min(100),
  PARLEY_IP_RETENTION_DAYS: z.coerce.number().int().min(0).max(36500),
  NODE_ENV: z.enum(['development', 'production', 'test']),
} satisfies Record<SettingName, z.ZodType>;

/** Every setting, parsed by its validator. */
type Settings = { [K in SettingName]: z.infer<(typeof validators)[K]> };

export type DatabaseConfig = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  production: boolean;
  dataDir: string;
  database: DatabaseConfig;
  redis: { url: string; prefix: string; explicit: boolean };
  trustProxy: boolean | number | string;
  secret: string | undefined;
  adminToken: string | undefined;
  webhooks: {
    allowlist: string[];
    timeoutMs: number;
    retryScheduleMs: number[];
    /** Deliveries one worker runs at once, and to one endpoint across all workers. */
    concurrency: number;
    perEndpoint: number;
  };
  /** The model file to load (undefined: `none`), and how much one moderator may teach per hour. */
  moderation: { modelFile: string | undefined; lessonsPerHour: number };
  /** Present when an Akismet key is configured. */
  akismet: { apiKey: string; baseUrl: string } | undefined;
  /** Present when PARLEY_SMTP_URL is set: with none, mail is off. */
  mail: MailConfig | undefined;
  /** The base of every link in a mail, without a trailing slash. */
  publicUrl: string;
  logLevel: string;
  /** A port of its own for /metrics; undefined serves it on the API port. */
  metricsPort: number | undefined;
  bodyLimit: number;
  /** How long a client may take to send its headers, and its whole request. */
  timeouts: { headersMs: number; requestMs: number };
  submitsPerMinute: number;
  maxCommentLength: number;
  /** How long (ms) an API process keeps sites and first thread pages in memory; 0 turns the caches off. */
  cacheMs: number;
  worker: { concurrency: number; sweepIntervalMs: number; lockDurationMs: number };
  /** Days before a comment's IP is anonymized; 0 never. */
  ipRetentionDays: number;
}

export interface MailConfig {
  smtpUrl: string;
  from: string;
  perAddressPerHour: number;
  retryScheduleMs: number[];
}

export class ConfigError extends Error {}

/** Express accepts a boolean, a hop count, or a string of names/CIDRs for `trust proxy`. */
function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/**
 * Reads the settings from `env` over the defaults. Throws a ConfigError whose message
 * has one line per bad value, naming the variable, the value and what is expected.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed: Partial<Record<SettingName, unknown>> = {};
  const problems: string[] = [];
  for (const name of Object.keys(defaults) as SettingName[]) {
    const raw = env[name] ?? defaults[name];
    const result = validators[name].safeParse(raw);
    if (result.success) parsed[name] = result.data;
    else problems.push(`${name}=${shown(name, String(raw))}: expected ${describeIssue(result.error)}`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  // Every setting passed its own validator above, so each holds that validator's output.
  const values = parsed as Settings;

  const dataDir = path.resolve(values.PARLEY_DATA_DIR);
  return {
    port: values.PORT,
    host: values.PARLEY_HOST,
    production: values.NODE_ENV === 'production',
    dataDir,
    database: values.DATABASE_URL
      ? { dialect: 'postgres', url: values.DATABASE_URL }
      : { dialect: 'sqlite', file: path.join(dataDir, 'parley.sqlite') },
    redis: { url: values.REDIS_URL, prefix: values.PARLEY_REDIS_PREFIX, explicit: env.REDIS_URL !== undefined },
    trustProxy: parseTrustProxy(values.PARLEY_TRUST_PROXY),
    secret: values.PARLEY_SECRET || undefined,
    adminToken: values.PARLEY_ADMIN_TOKEN || undefined,
    webhooks: {
      allowlist: values.PARLEY_WEBHOOK_ALLOWLIST.split(',')
        .map((s: string) => s.trim())
        .filter(Boolean),
      timeoutMs: values.PARLEY_WEBHOOK_TIMEOUT_MS,
      concurrency: values.PARLEY_WEBHOOK_CONCURRENCY,
      perEndpoint: values.PARLEY_WEBHOOK_ENDPOINT_CONCURRENCY,
      retryScheduleMs: values.PARLEY_WEBHOOK_RETRY_SCHEDULE.split(',').map(parseDuration),
    },
    moderation: {
      modelFile:
        values.PARLEY_MODEL === 'none'
          ? undefined
          : values.PARLEY_MODEL === 'default'
            ? DEFAULT_MODEL_PATH
            : path.resolve(values.PARLEY_MODEL),
      lessonsPerHour: values.PARLEY_LESSONS_PER_HOUR,
    },
    akismet: values.PARLEY_AKISMET_KEY
      ? { apiKey: values.PARLEY_AKISMET_KEY, baseUrl: values.PARLEY_AKISMET_URL }
      : undefined,
    mail: values.PARLEY_SMTP_URL
      ? {
          smtpUrl: values.PARLEY_SMTP_URL,
          from: values.PARLEY_MAIL_FROM,
          perAddressPerHour: values.PARLEY_MAIL_PER_ADDRESS_PER_HOUR,
          retryScheduleMs: values.PARLEY_MAIL_RETRY_SCHEDULE.split(',').map(parseDuration),
        }
      : undefined,
    publicUrl: (values.PARLEY_PUBLIC_URL || `http://localhost:${values.PORT}`).replace(/\/+$/, ''),
    logLevel: values.PARLEY_LOG_LEVEL,
    metricsPort: values.PARLEY_METRICS_PORT || undefined,
    bodyLimit: values.PARLEY_BODY_LIMIT,
    timeouts: { headersMs: values.PARLEY_HEADERS_TIMEOUT_MS, requestMs: values.PARLEY_REQUEST_TIMEOUT_MS },
    submitsPerMinute: values.PARLEY_SUBMITS_PER_MINUTE,
    maxCommentLength: values.PARLEY_MAX_COMMENT_LENGTH,
    cacheMs: values.PARLEY_CACHE_MS,
    worker: {
      concurrency: values.PARLEY_WORKER_CONCURRENCY,
      sweepIntervalMs: values.PARLEY_SWEEP_INTERVAL_MS,
      lockDurationMs: values.PARLEY_JOB_LOCK_MS,
    },
    ipRetentionDays: values.PARLEY_IP_RETENTION_DAYS,
  };
}

/** Settings whose values are secrets: an error names them, never shows them. */
const SECRET_SETTINGS = new Set<string>(['PARLEY_SECRET', 'PARLEY_ADMIN_TOKEN', 'PARLEY_AKISMET_KEY']);

/** A value as an error message may show it: secrets redacted, and the password of a URL masked. */
function shown(name: string, value: string): string {
  if (SECRET_SETTINGS.has(name)) return `<redacted, ${value.length} characters>`;
  return JSON.stringify(value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]*@/i, '$1***@'));
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `5s`, `30m`, `2h`, `250ms` in milliseconds (the format is checked by the validator). */
function parseDuration(text: string): number {
  const [, amount, unit] = /^\s*(\d+)(ms|s|m|h)\s*$/.exec(text)!;
  return Number(amount) * UNIT_MS[unit];
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  switch (issue.code) {
    case 'invalid_type':
      return `a ${issue.expected}`;
    case 'too_small':
      return `a value of at least ${issue.minimum}`;
    case 'too_big':
      return `a value of at most ${issue.maximum}`;
    case 'invalid_value':
      return `one of ${issue.values.join(', ')}`;
    default:
      return issue.message;
  }
}
