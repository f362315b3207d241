import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The built CLI, as `parley api` and `parley worker` run in production. */
export const PARLEY_MAIN = path.resolve(__dirname, '..', 'src', 'main.js');

export interface BenchProcess {
  pid: number;
  /** CPU time (user + system) the process has used so far, in ms. */
  cpuMs(): number;
  /** The process's peak resident memory so far, in MB. */
  peakRssMb(): number;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_S = 100;

function readProc(pid: number, file: string): string {
  return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
}

/** utime + stime of /proc/<pid>/stat, in ms. */
export function cpuMsOf(pid: number): number {
  const stat = readProc(pid, 'stat');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

function peakRssMbOf(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readProc(pid, 'status'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** A free TCP port on 127.0.0.1 (the OS picks one; there is a small window before the child binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node <script> <args>` (or another `command`) with `env` on top of a minimal
 * environment; its error output goes to the bench's stderr.
 */
export function startProcess(options: {
  script: string;
  args: string[];
  env: Record<string, string>;
  command?: string;
  /** Options for node itself, before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
}): BenchProcess {
  const command = options.command ?? process.execPath;
  const argv = options.command ? options.args : [...(options.nodeArgs ?? []), options.script, ...options.args];
  const child: ChildProcess = spawn(command, argv, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let peak = 0;
  const pid = child.pid!;
  return {
    pid,
    cpuMs: () => cpuMsOf(pid),
    peakRssMb() {
      if (child.exitCode === null) peak = Math.max(peak, peakRssMbOf(pid));
      return peak;
    },
    async stop() {
      if (child.exitCode !== null) return;
      peak = Math.max(peak, peakRssMbOf(pid));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 200. */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A Redis of the bench's own on 127.0.0.1, configured like the machine's shared one (no
 * persistence): other helpers' load on that one would show in the counts and CPU.
 */
export async function startRedis(): Promise<{ url: string; process: BenchProcess }> {
  const port = await freePort();
  const redis = startProcess({
    command: 'redis-server',
    script: '',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    env: {},
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answered = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (answered) return { url, process: redis };
    if (Date.now() > deadline) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}
