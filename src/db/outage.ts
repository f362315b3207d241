/**
 * Whether an error means the database cannot be reached or is not taking writes right
 * now (a server down or restarting, a dropped connection, SQLite locked past its busy
 * timeout), as opposed to a bug or bad data: the API answers these with a 503 and
 * `Retry-After`, and a client tries again later.
 */
export function isDatabaseOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    // PostgreSQL's connection exceptions (08...), shutdowns and "cannot connect now" (57P0x).
    if (/^08...$/.test(code) || /^57P0[1-3]$/.test(code)) return true;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_IOERR' || code === 'SQLITE_FULL')
      return true;
  }
  // node-postgres reports these without a code.
  return /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(
    err.message,
  );
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);
