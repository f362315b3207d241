import { z } from 'zod';
import type { Principal } from '../auth/token-service';
import type { AuditLog } from '../moderation/audit-log';
import type { PersonalDataSource } from './personal-data';

export const privacyExportRequestSchema = z.object({
  email: z.email().max(320).describe('The address whose data to gather, across every site.'),
});

export const privacyEraseRequestSchema = privacyExportRequestSchema.extend({
  comments: z
    .enum(['tombstone', 'delete'])
    .default('tombstone')
    .describe(
      "`tombstone` keeps each comment's place in its thread, content and author erased; `delete` removes the comments (their replies move up a level).",
    ),
});
export type PrivacyEraseRequest = z.infer<typeof privacyEraseRequestSchema>;

export const privacyExportSchema = z
  .object({
    email: z.string(),
    exportedAt: z.string(),
    data: z
      .record(z.string(), z.array(z.unknown()))
      .describe('One list of records per kind of data held (comments, bans, mail...).'),
  })
  .meta({ id: 'PrivacyExport' });
export type PrivacyExport = z.infer<typeof privacyExportSchema>;

export const privacyErasureSchema = z
  .object({
    comments: z.enum(['tombstone', 'delete']),
    erased: z.record(z.string(), z.number().int()).describe('Records erased or anonymized, per kind of data.'),
  })
  .meta({ id: 'PrivacyErasure' });
export type PrivacyErasure = z.infer<typeof privacyErasureSchema>;

/**
 * A person's right to their data: everything stored about an email address, gathered
 * from every source that holds personal data, and its erasure. An erasure is recorded
 * in the audit log by its counts only; the address itself is not kept anywhere.
 */
export class PrivacyService {
  constructor(private readonly options: { sources: PersonalDataSource[]; auditLog: AuditLog; clock: () => number }) {}

  async export(principal: Principal, email: string): Promise<PrivacyExport> {
    const address = email.trim().toLowerCase();
    const data: Record<string, unknown[]> = {};
    for (const source of this.options.sources) data[source.name] = await source.export(address);
    await this.options.auditLog.record({
      actor: principal,
      action: 'privacy.export',
      siteKey: null,
      details: { records: Object.fromEntries(Object.entries(data).map(([name, list]) => [name, list.length])) },
    });
    return { email: address, exportedAt: new Date(this.options.clock()).toISOString(), data };
  }

  async erase(principal: Principal, request: PrivacyEraseRequest): Promise<PrivacyErasure> {
    const address = request.email.trim().toLowerCase();
    const erased: Record<string, number> = {};
    // In the order given: the comments source, which also scrubs the logs, runs last.
    for (const source of this.options.sources) {
      erased[source.name] = await source.erase(address, { comments: request.comments });
    }
    await this.options.auditLog.record({
      actor: principal,
      action: 'privacy.erase',
      siteKey: null,
      details: { comments: request.comments, erased },
    });
    return { comments: request.comments, erased };
  }
}
