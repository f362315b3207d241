import { z } from 'zod';

/** An epoch-millisecond column (a number, or a string from PostgreSQL's int8) as an ISO 8601 time. */
export function isoTime(ms: number | string): string {
  return new Date(Number(ms)).toISOString();
}

/** The same for a nullable column. */
export function isoTimeOrNull(ms: number | string | null): string | null {
  return ms === null ? null : isoTime(ms);
}

/** What isoTime gives, as the API documents and checks it. */
export const isoTimestamp = z.iso.datetime({ offset: true });
