import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  clearRedisPrefix,
  createTestDatabase,
  DIALECTS,
  type TestDatabase,
  TEST_REDIS_URL,
  uniqueName,
  waitFor,
} from '../helpers/services';
import { PARLEY_MAIN } from '../helpers/parley-command';

describe.each(DIALECTS)('the parley command on %s', (dialect) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      REDIS_URL: TEST_REDIS_URL,
      PARLEY_REDIS_PREFIX: `{${uniqueName('cli')}}`,
      ...database.env,
    };
  });
  afterAll(async () => {
    await clearRedisPrefix(env.PARLEY_REDIS_PREFIX!);
    await database.drop();
  });

  const parley = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [PARLEY_MAIN, ...args], {
      env: { ...env, ...extraEnv },
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('lists its commands in --help', () => {
    const help = parley(['--help']);
    expect(help.status).toBe(0);
    for (const command of ['start', 'api', 'worker', 'migrate', 'sites'])
      expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('creates a site and prints it as one JSON object, then lists it', () => {
    const created = parley([
      'sites',
      'create',
      '--name',
      'My Blog',
      '--origin',
      'https://blog.example/',
      '--origin',
      'http://localhost:8080',
      '--moderation',
      'none',
      '--json',
    ]);
    expect(created.status).toBe(0);
    const site = JSON.parse(created.stdout);
    expect(site).toMatchObject({
      name: 'My Blog',
      moderation: 'none',
      origins: ['https://blog.example', 'http://localhost:8080'],
    });
    expect(site.key).toMatch(/^site_/);

    const listed = parley(['sites', 'list', '--json']);
    expect(JSON.parse(listed.stdout).sites.map((s: { key: string }) => s.key)).toContain(site.key);
  });

  it('creates, lists and revokes tokens, showing the secret only at creation', () => {
    const created = parley(['tokens', 'create', '--role', 'moderator', '--label', 'night shift', '--json']);
    expect(created.status).toBe(0);
    const token = JSON.parse(created.stdout);
    expect(token).toMatchObject({ role: 'moderator', siteKey: null, label: 'night shift' });
    expect(token.token).toMatch(/^tok_[\w-]{12}\.[\w-]{43}$/);

    const listed = parley(['tokens', 'list', '--json']);
    expect(JSON.parse(listed.stdout).tokens).toContainEqual(expect.objectContaining({ id: token.id, revokedAt: null }));
    expect(listed.stdout).not.toContain(token.token.split('.')[1]);

    expect(parley(['tokens', 'revoke', token.id]).status).toBe(0);
    expect(JSON.parse(parley(['tokens', 'list', '--json']).stdout).tokens).toContainEqual(
      expect.objectContaining({ id: token.id, revokedAt: expect.any(String) }),
    );
    const again = parley(['tokens', 'revoke', token.id]);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/no active token/);
    expect(parley(['tokens', 'create', '--role', 'owner']).stderr).toMatch(/expected one of admin, moderator/);
    expect(parley(['tokens', 'create', '--role', 'moderator', '--site', 'site_nope']).stderr).toMatch(
      /no site with key site_nope/,
    );
  });

  it("updates a site's settings and policy, validated by the policy schema", () => {
    const site = JSON.parse(
      parley(['sites', 'create', '--name', 'Policy', '--origin', 'https://p.example', '--json']).stdout,
    );
    const updated = parley([
      'sites',
      'update',
      site.key,
      '--moderation',
      'all',
      '--link-limit',
      '5',
      '--set',
      'blockList=["casino","viagr*"]',
      '--set',
      'profanity=reject',
      '--json',
    ]);
    expect(updated.status).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({
      moderation: 'all',
      linkLimit: 5,
      policy: { blockList: ['casino', 'viagr*'], profanity: 'reject', floodPerMinute: 5 },
    });
    const kept = JSON.parse(parley(['sites', 'update', site.key, '--set', 'floodPerMinute=9', '--json']).stdout);
    expect(kept.policy).toMatchObject({ blockList: ['casino', 'viagr*'], floodPerMinute: 9 });
    const bad = parley(['sites', 'update', site.key, '--set', 'profanity=shout']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--set profanity/);
    expect(parley(['sites', 'update', 'site_nope', '--name', 'x']).stderr).toMatch(/no site with key site_nope/);
  });

  it('teaches the instance from labeled CSV files, reports the model, and forgets what was taught', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-train-'));
    // A model of its own: what it learns must not judge the other tests' comments.
    const ownPrefix = { PARLEY_REDIS_PREFIX: `{${uniqueName('cli_train')}}` };
    try {
      const csv = path.join(dir, 'labeled.csv');
      const rows = [
        ...Array.from({ length: 12 }, (_, i) => `"Subscribe to my channel for free gift cards ${i}!!",spam`),
        ...Array.from({ length: 12 }, (_, i) => `"The second verse, at minute ${i}, is the best part",ham`),
      ];
      fs.writeFileSync(csv, `text,label\n${rows.join('\n')}\n`);
      const trained = parley(['train', '--csv', csv, '--json'], ownPrefix);
      expect(trained.status).toBe(0);
      expect(JSON.parse(trained.stdout)).toMatchObject({ positive: 12, negative: 12 });
      const missing = parley(['train', '--csv', path.join(dir, 'nope.csv')], ownPrefix);
      expect(missing.status).not.toBe(0);
      expect(missing.stderr.split('\n')[0]).toMatch(/nope\.csv/);

      const info = JSON.parse(parley(['model', 'info', '--json'], ownPrefix).stdout);
      expect(info.version).toMatch(/^[0-9a-f]{12}$/);
      expect(info.bytes).toBeLessThanOrEqual(5_000_000);
      expect(info.features.spam).toBeGreaterThan(1000);
      expect(info.trainedOn.map((s: { file: string }) => s.file)).toContain('youtube-spam/Youtube01-Psy.csv');
      expect(info.learned).toEqual([
        expect.objectContaining({ judgement: 'spam', layer: 'instance', examples: 24, positive: 12 }),
      ]);
      const text = parley(['model', 'info'], ownPrefix).stdout;
      expect(text).toMatch(/^model [0-9a-f]{12} /);
      expect(text).toMatch(/learned \(spam, instance\): 24 examples/);

      const reset = parley(['model', 'reset', '--json'], ownPrefix);
      expect(JSON.parse(reset.stdout)).toEqual({ layersDropped: 1, site: null });
      expect(JSON.parse(parley(['model', 'info', '--json'], ownPrefix).stdout).learned).toEqual([]);
    } finally {
      await clearRedisPrefix(ownPrefix.PARLEY_REDIS_PREFIX);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000); // five CLI processes, each loading the shipped model

  it('fails with a one-line error and a non-zero exit on misuse', () => {
    const badOrigin = parley(['sites', 'create', '--name', 'x', '--origin', 'not a url']);
    expect(badOrigin.status).not.toBe(0);
    expect(badOrigin.stderr.split('\n')[0]).toMatch(/--origin.*expected a URL/);
    const badPolicy = parley([
      'sites',
      'create',
      '--name',
      'x',
      '--origin',
      'https://a.example',
      '--moderation',
      'some',
    ]);
    expect(badPolicy.status).not.toBe(0);
    expect(badPolicy.stderr).toMatch(/expected one of none, first-time, all/);
    expect(parley(['sites', 'create', '--origin', 'https://a.example']).stderr).toMatch(/--name/);
    expect(parley(['frobnicate']).status).not.toBe(0);
  });

  it('refuses to start on a bad setting, naming it', () => {
    const result = parley(['start'], { PORT: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT="eighty": expected a number');
  });

  describe('start', () => {
    let child: ChildProcess;
    let output = '';
    afterEach(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    it('serves the API and runs the workers in one process, and drains on SIGTERM', async () => {
      const site = JSON.parse(
        parley([
          'sites',
          'create',
          '--name',
          'Start',
          '--origin',
          'https://s.example',
          '--moderation',
          'none',
          '--json',
        ]).stdout,
      );
      const dataDir = env.PARLEY_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'parley-start-'));
      child = spawn(process.execPath, [PARLEY_MAIN, 'start'], {
        env: { ...env, PARLEY_DATA_DIR: dataDir, PORT: '0', PARLEY_HOST: '127.0.0.1' },
      });
      child.stdout!.on('data', (chunk) => (output += chunk));
      child.stderr!.on('data', (chunk) => (output += chunk));
      const base = await waitFor(async () => /listening on (http:\/\/localhost:\d+)/.exec(output)?.[1], {
        what: 'the listening line',
      });

      const res = await fetch(`${base}/v1/sites/${site.key}/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ pageId: 'cli', name: 'Carl', email: 'carl@example.com', text: 'From a real process' }),
      });
      expect(res.status).toBe(202);
      const thread = await waitFor(
        async () => {
          const body = (await (await fetch(`${base}/v1/sites/${site.key}/pages/cli/comments`)).json()) as {
            comments: { html: string }[];
          };
          return body.comments.length > 0 ? body : undefined;
        },
        { what: 'the comment to be published' },
      );
      expect(thread.comments[0].html).toBe('<p>From a real process</p>');
      expect(output).not.toContain('carl@example.com');

      // A fresh install has no admin token: start made one, in a file only its owner reads,
      // and said where, never printing it into the log stream.
      const tokenFile = path.join(dataDir, 'admin-token');
      const adminToken = fs.readFileSync(tokenFile, 'utf8').trim();
      expect(adminToken).toMatch(/^tok_/);
      expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(output).toContain(tokenFile);
      expect(output).not.toContain(adminToken);
      if (dialect === 'sqlite') {
        expect(fs.statSync(dataDir).mode & 0o077).toBe(0);
        expect(fs.statSync(path.join(dataDir, 'parley.sqlite')).mode & 0o777).toBe(0o600);
      }
      const me = await fetch(`${base}/v1/moderation/me`, { headers: { Authorization: `Bearer ${adminToken}` } });
      expect(await me.json()).toMatchObject({ role: 'admin' });

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toMatch(/"msg":"stopped"/);
    });
  });
});
