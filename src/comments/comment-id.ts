import { randomUUID } from 'node:crypto';

/**
 * A new comment id: a UUIDv7 (RFC 9562), whose first 48 bits are the time in ms. New
 * ids land at the end of the primary key's B-tree instead of at random pages of it,
 * which makes inserts into a large table several times cheaper. The other 74 bits are
 * random, so ids stay unguessable: they are those of a v4 UUID, which Node draws from a
 * pool of random bytes (a `randomBytes` call per id cost an import 5% of its time).
 */
export function newCommentId(now: number): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, V already the RFC variant
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
