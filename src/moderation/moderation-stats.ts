import { z } from 'zod';
import { commentStatusSchema } from '../comments/status';
import { isoTimestamp } from '../db/timestamps';
import { findingSchema } from './finding';

/** How each check's verdicts fared over a period: how often it spoke, and how often a moderator decided otherwise. */
export const moderationStatsSchema = z
  .object({
    site: z.string().nullable().describe('The site counted, or null for every site the token sees.'),
    days: z.number().int(),
    since: isoTimestamp,
    comments: z.number().int().describe('Decided comments accepted in the period.'),
    statuses: z.record(commentStatusSchema, z.number().int()).describe('Their statuses now.'),
    checks: z.array(
      z.object({
        check: findingSchema.shape.check,
        verdict: findingSchema.shape.verdict,
        count: z.number().int(),
        overturned: z
          .number()
          .int()
          .describe(
            'Of these, how many a moderator decided otherwise (approved what it held or condemned, or condemned what it approved).',
          ),
      }),
    ),
  })
  .meta({ id: 'ModerationStats' });

export type ModerationStats = z.infer<typeof moderationStatsSchema>;
export type CheckStats = ModerationStats['checks'][number];
