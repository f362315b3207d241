import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { redisReady } from '../queue/redis';
import { type DatabaseRuntime, openDatabaseRuntime, openRuntime, type Runtime } from '../runtime';

/** Opens the whole runtime (database and Redis) for a command, and closes it after. */
export async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
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
