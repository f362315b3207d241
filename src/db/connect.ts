import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool, types } from 'pg';
import type { DatabaseConfig } from '../config';
import type { Database } from './schema';

export type Db = Kysely<Database>;

const PG_INT8 = 20;

/**
 * Opens the database named by the configuration: SQLite (WAL) or PostgreSQL.
 * `onConnectionError` hears about PostgreSQL connections that broke (a restart, a
 * failover, a network cut): the pool drops them and the next query connects again.
 */
export function connectDatabase(
  config: DatabaseConfig,
  options: { onConnectionError?: (err: Error) => void } = {},
): Db {
  if (config.dialect === 'postgres') {
    const pool = new Pool({
      connectionString: config.url,
      max: 10,
      // An unreachable server fails a request in seconds (a 503) instead of hanging it.
      connectionTimeoutMillis: 5000,
      // Epoch-millisecond columns and COUNT(*) are int8; they fit a JS number.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === PG_INT8 ? Number : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
      },
    });
    // Without a listener, a connection's error would crash the process: the pool listens
    // on idle ones, and this on each one while it is checked out (a query then fails instead).
    const onError = (err: Error) => options.onConnectionError?.(err);
    pool.on('error', onError);
    pool.on('connect', (client) => client.on('error', onError));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (config.file !== ':memory:') {
    // The data holds emails and IPs: only the owner may read it. SQLite gives its -wal and
    // -shm files the database file's mode.
    fs.mkdirSync(path.dirname(config.file), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(config.file, 'a', 0o600));
  }
  const sqlite = new SqliteDatabase(config.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Several processes (api, worker) may share the file; wait for a lock rather than fail.
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
}

/** Distinct statements kept prepared: Kysely's queries have a few hundred shapes (IN lists, batch sizes). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The database as Kysely sees it, preparing each distinct SQL text once: Kysely asks
 * for a new statement on every query, and preparing costs as much as running a small
 * one. A statement still being iterated is busy, so that one query gets a fresh one.
 */
function withStatementCache(sqlite: SqliteDatabase.Database) {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const cached = statements.get(text);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(text);
      if (!cached) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}
