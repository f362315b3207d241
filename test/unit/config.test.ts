import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('runs on the defaults alone: port 3000, SQLite under ./data, local Redis', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ dialect: 'sqlite', file: path.resolve('data/parley.sqlite') });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: '{parley}', explicit: false });
    expect(config.trustProxy).toBe(false);
    expect(config.production).toBe(false);
  });

  it('takes PostgreSQL from DATABASE_URL and parses trust proxy values', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/parley',
      PARLEY_TRUST_PROXY: '2',
      REDIS_URL: 'redis://r:6379/3',
    });
    expect(config.database).toEqual({ dialect: 'postgres', url: 'postgres://u@db:5432/parley' });
    expect(config.trustProxy).toBe(2);
    expect(config.redis).toMatchObject({ url: 'redis://r:6379/3', explicit: true });
    expect(loadConfig({ PARLEY_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({ PARLEY_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('names each bad variable, its value and what is expected, one line each', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PARLEY_LOG_LEVEL: 'loud', PARLEY_SECRET: 'short' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as Error).message.split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines.slice(1)).toEqual([
      'PORT="eighty": expected a number',
      'DATABASE_URL="mysql://x": expected a postgres:// URL, or empty for SQLite',
      'PARLEY_SECRET=<redacted, 5 characters>: expected at least 32 characters',
      'PARLEY_LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent',
    ]);
    expect(() => loadConfig({ PORT: '70000' })).toThrow('PORT="70000": expected a value of at most 65535');
    // Secrets and passwords never appear in the message.
    const secretError = () => loadConfig({ PARLEY_ADMIN_TOKEN: 'hunter2', DATABASE_URL: 'mysql://root:s3cret@db/x' });
    expect(secretError).toThrow('PARLEY_ADMIN_TOKEN=<redacted, 7 characters>: expected at least 24 characters');
    expect(secretError).toThrow('DATABASE_URL="mysql://root:***@db/x": expected a postgres:// URL');
    expect(secretError).not.toThrow(/hunter2|s3cret/);
    expect(() => loadConfig({ PARLEY_WEBHOOK_ALLOWLIST: '10.0.0.0/99' })).toThrow(
      /PARLEY_WEBHOOK_ALLOWLIST="10.0.0.0\/99": expected comma-separated/,
    );
    expect(loadConfig({ PARLEY_WEBHOOK_ALLOWLIST: 'hooks.internal, 10.0.0.0/8,::1' }).webhooks.allowlist).toEqual([
      'hooks.internal',
      '10.0.0.0/8',
      '::1',
    ]);
  });
});
