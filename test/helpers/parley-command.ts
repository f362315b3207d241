import { spawn } from 'node:child_process';
import path from 'node:path';

/** The compiled command, as `npx parley` runs it; `npm test` builds it first. */
export const PARLEY_MAIN = path.resolve(__dirname, '../../dist/src/main.js');

export interface CommandRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `parley ...` as its own process to its end, without blocking the test's event
 * loop: servers the test started (SMTP, webhooks) keep answering while it runs.
 */
export function runParley(
  args: string[],
  options: { env: NodeJS.ProcessEnv; nodeArgs?: string[] },
): Promise<CommandRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), PARLEY_MAIN, ...args], { env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
