import { randomBytes } from 'node:crypto';

/**
 * A new comment id: a UUIDv7 (RFC 9562), whose first 48 bits are the time in ms. New
 * ids land at the end of the primary key's B-tree instead of at random pages of it,
 * which makes inserts into a large table several times cheaper. The other 74 bits are
 * random, so ids stay unguessable.
 */
export function newCommentId(now: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
