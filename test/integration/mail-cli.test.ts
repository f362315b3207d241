import {
  clearRedisPrefix,
  createTestDatabase,
  DIALECTS,
  type TestDatabase,
  TEST_REDIS_URL,
  uniqueName,
} from '../helpers/services';
import { runParley } from '../helpers/parley-command';
import { type SmtpReceiver, startSmtpReceiver } from '../helpers/smtp-receiver';

const parley = (args: string[], env: NodeJS.ProcessEnv) => runParley(args, { env });

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
