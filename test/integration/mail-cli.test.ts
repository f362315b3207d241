import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  clearRedisPrefix,
  createTestDatabase,
  DIALECTS,
  type TestDatabase,
  TEST_REDIS_URL,
  uniqueName,
} from '../helpers/services';
import { type SmtpReceiver, startSmtpReceiver } from '../helpers/smtp-receiver';

// The compiled command, as `npx parley` runs it; `npm test` builds it first.
const MAIN = path.resolve(__dirname, '../../dist/src/main.js');
const run = promisify(execFile);

/** Runs `parley ...` as its own process, without blocking this one (the SMTP receiver answers in it). */
async function parley(args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], { env, timeout: 30_000 });
    return { status: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe.each(DIALECTS)('parley mail test on %s', (dialect) => {
  let smtp: SmtpReceiver;
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    database = await createTestDatabase(dialect);
    env = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      REDIS_URL: TEST_REDIS_URL,
      PARLEY_REDIS_PREFIX: `{${uniqueName('mailcli')}}`,
      PARLEY_SMTP_URL: smtp.url,
      PARLEY_MAIL_FROM: 'Parley <parley@blog.example>',
      ...database.env,
    };
  });
  afterAll(async () => {
    await smtp.stop();
    await clearRedisPrefix(env.PARLEY_REDIS_PREFIX!);
    await database.drop();
  });

  it('sends a test message and prints the SMTP answer', async () => {
    const result = await parley(['mail', 'test', '--to', 'ops@blog.example', '--json'], env);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, answer: expect.stringMatching(/^250 /) });
    const [mail] = await smtp.waitFor('ops@blog.example');
    expect(mail.parsed.subject).toBe('Parley test mail');
    expect(mail.parsed.from?.value).toEqual([{ name: 'Parley', address: 'parley@blog.example' }]);
    expect(mail.parsed.text).toContain('mail works');
    expect(mail.parsed.html).toContain('mail works');
  });

  it('says why when the server cannot be reached, and exits non-zero', async () => {
    await smtp.stop();
    try {
      const result = await parley(['mail', 'test', '--to', 'ops@blog.example'], env);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^Not sent: .*ECONNREFUSED/);
    } finally {
      await smtp.start();
    }
  });

  it('refuses with mail off', async () => {
    const result = await parley(['mail', 'test', '--to', 'ops@blog.example'], { ...env, PARLEY_SMTP_URL: '' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/mail is off/);
  });
});
