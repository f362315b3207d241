import type { Logger } from 'pino';
import { TokenService } from './auth/token-service';
import type { Config } from './config';
import { connectDatabase, type Db } from './db/connect';
import { migrateToLatest } from './db/migrate';
import { loadInstanceSecret } from './db/settings';
import { CommentExporter } from './imports/comment-exporter';
import { CommentImporter } from './imports/comment-importer';
import { SiteRepository } from './sites/site-repository';

/**
 * The database half of the composition root (runtime.ts builds the rest on it). It is a
 * module of its own so that the commands that touch only the database (imports, exports,
 * sites, tokens) load only what they use: the whole runtime's code, queues, mail,
 * moderation and HTTP, is about 50 MB resident before any work is done.
 */

// One clock for every service, so they all agree on what "now" is.
export const clock = () => Date.now();

/** What the commands that touch only the database use: no Redis, no queues. */
export interface DatabaseRuntime {
  config: Config;
  db: Db;
  /** The instance's secret (configured, or made once and kept in the database): what tokens and links are signed with. */
  secret: string;
  siteRepository: SiteRepository;
  tokenService: TokenService;
  commentImporter: CommentImporter;
  commentExporter: CommentExporter;
  close(): Promise<void>;
}

/** Opens the database, brings its schema up to date, and builds what needs nothing else. */
export async function openDatabaseRuntime(config: Config, options: { logger?: Logger } = {}): Promise<DatabaseRuntime> {
  const db = connectDatabase(config.database, {
    onConnectionError: (err) => options.logger?.warn({ err: err.message }, 'a database connection broke; reconnecting'),
  });
  let secret: string;
  try {
    await migrateToLatest(db);
    secret = await loadInstanceSecret(db, config.secret);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    config,
    db,
    secret,
    commentImporter: new CommentImporter({ db, secret, clock }),
    commentExporter: new CommentExporter({ db }),
    siteRepository: new SiteRepository(db),
    tokenService: new TokenService({ db, configuredAdminToken: config.adminToken, clock }),
    close: () => db.destroy(),
  };
}
