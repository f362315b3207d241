import { z } from 'zod';
import { CHECK_NAMES } from './checks';

/** What a check can conclude; the order is the precedence, strongest last. */
export const VERDICTS = ['approve', 'hold', 'reject', 'spam'] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * What a check returns: a finding without its name, which the pipeline stamps on it.
 * (Declared apart from the finding: the check names are derived from the checks, which return this.)
 */
const checkResultShape = { verdict: z.enum(VERDICTS), reason: z.string(), score: z.number().optional() };
export type CheckResult = z.infer<z.ZodObject<typeof checkResultShape>>;

/** One check's conclusion about a comment, stored with it so a moderator sees why. */
export const findingSchema = z.object({ check: z.enum(CHECK_NAMES), ...checkResultShape }).meta({ id: 'Finding' });
export type Finding = z.infer<typeof findingSchema>;

/** A decision's findings, as stored with the comment. */
export const findingListSchema = z.array(findingSchema);
