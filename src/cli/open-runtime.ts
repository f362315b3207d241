import { loadConfig } from '../config';
import { type DatabaseRuntime, openDatabaseRuntime } from '../database-runtime';
import type { Runtime } from '../runtime';

/**
 * Opens the whole runtime (database and Redis) for a command, and closes it after. The
 * runtime's code is loaded here, when a command needs it, not when `parley` starts: the
 * commands that touch only the database stay small (see database-runtime.ts).
 */
export async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const [{ openRuntime }, { createLogger }, { redisReady }] = await Promise.all([
    import('../runtime'),
    import('../logger'),
    import('../queue/redis'),
  ]);
  const config = loadConfig();
  const runtime = await openRuntime(config, { logger: createLogger({ level: 'warn', production: config.production }) });
  try {
    await redisReady(runtime.producerConnection);
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** Opens just the database, for the commands that need nothing else. */
export async function withDatabase<T>(work: (runtime: DatabaseRuntime) => Promise<T>): Promise<T> {
  const runtime = await openDatabaseRuntime(loadConfig());
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
