import { z } from 'zod';

const listEntry = z.string().trim().min(1).max(100);
const domainEntry = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?:[a-z0-9-]+\.)+[a-z]{2,63}$/, 'a domain such as spam.example');

/**
 * A site's moderation settings beyond the mode and link limit. One schema is the
 * validator of PATCH requests and CLI options, the parser of what is stored, and
 * the source of the defaults.
 */
export const sitePolicySchema = z.object({
  /** Refuse to trust comments without a form token (API clients then get held). */
  requireFormToken: z.boolean().default(false),
  /** A comment sent sooner than this after its form was loaded is a bot's. */
  minSubmitSeconds: z.number().min(0).max(600).default(3),
  /** A form token older than this is stale. */
  maxFormAgeHours: z
    .number()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** Links to these domains (and their subdomains) are spam. */
  blockedLinkDomains: z.array(domainEntry).max(1000).default([]),
  /** Words or phrases that reject or mark spam; `*` matches within a word. */
  blockList: z.array(listEntry).max(1000).default([]),
  blockListVerdict: z.enum(['reject', 'spam']).default('spam'),
  /** Words or phrases that hold for review; `*` matches within a word. */
  watchList: z.array(listEntry).max(1000).default([]),
  /** What a listed rude word in the name, or aimed at someone, gets. */
  profanity: z.enum(['hold', 'reject', 'ignore']).default('hold'),
  /** What the abuse judgement (insults, hate, threats aimed at people) gets at or above abuseThreshold. */
  abuse: z.enum(['hold', 'reject', 'ignore']).default('hold'),
  /** Abuse score (a probability) at or above which `abuse` applies. */
  abuseThreshold: z.number().min(0).max(1).default(0.7),
  /**
   * Whether contempt ("stupid voters", "this moronic levy") counts as abuse. Newspaper
   * readers' raters call it toxic nearly always, but a site that argues bluntly may let
   * it through: `ignore` judges the comment as if it were not there, insults and hate still count.
   */
  contempt: z.enum(['abuse', 'ignore']).default('abuse'),
  /** More comments than this from one IP or one email within a minute are held. */
  floodPerMinute: z.number().int().min(1).max(1000).default(5),
  /** Emails at disposable-address providers: held, or let through. */
  disposableEmail: z.enum(['hold', 'ignore']).default('hold'),
  /**
   * Spam score (a probability) at or above which a comment is filed as spam. The
   * defaults meet the evaluation targets in the README; raise the thresholds if
   * moderators overturn many spam decisions (GET /v1/moderation/stats shows it).
   */
  spamThreshold: z.number().min(0).max(1).default(0.6),
  /** Spam score at or above which a comment is held for a person. */
  spamHoldThreshold: z.number().min(0).max(1).default(0.1),
  /** The language comments are written in (ISO 639-1, e.g. `en`, `fr`): text in another script is held. */
  language: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$/, 'a language code such as en or fr')
    .default('en'),
});

export type SitePolicy = z.infer<typeof sitePolicySchema>;

/** A stored policy, with defaults for what it does not say (older rows, new settings). */
export function parseSitePolicy(json: string): SitePolicy {
  return sitePolicySchema.parse(JSON.parse(json));
}

type PolicyShape = typeof sitePolicySchema.shape;

/**
 * A change to a policy: any of its settings, none filled in by default (a change that
 * does not mention a setting keeps it), nothing unknown.
 */
export const sitePolicyChangesSchema = z
  .object(
    Object.fromEntries(
      Object.entries(sitePolicySchema.shape).map(([key, field]) => [key, field.unwrap().optional()]),
    ) as {
      [K in keyof PolicyShape]: z.ZodOptional<ReturnType<PolicyShape[K]['unwrap']>>;
    },
  )
  .strict();
