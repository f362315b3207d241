import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { redisAnswers } from './redis';

export interface PrivateRedis {
  /** A Unix socket path, which ioredis takes in place of a URL. */
  address: string;
  stop(): Promise<void>;
}

export function redisServerOnPath(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts a Redis only this process uses, on a Unix socket (no port to collide with),
 * keeping its data in `dir` with append-only persistence, so a restart loses no job.
 */
export async function startPrivateRedis(dir: string): Promise<PrivateRedis> {
  fs.mkdirSync(dir, { recursive: true });
  const socket = path.join(path.resolve(dir), 'redis.sock');
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      '0',
      '--unixsocket',
      socket,
      '--unixsocketperm',
      '700',
      '--dir',
      path.resolve(dir),
      '--appendonly',
      'yes',
      '--save',
      '',
      '--logfile',
      'redis.log',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 50; i += 1) {
    if (await redisAnswers(socket, 200)) {
      return {
        address: socket,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start; see ${path.join(dir, 'redis.log')}`);
}
