import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSharedDatasets } from '../../bench/shared-datasets';
import { fitDefaultModels } from '../../bench/train-default';
import { DEFAULT_MODEL_PATH, serializeModelFile } from '../../src/moderation/classifier/model-file';
import { DATASETS_DIR } from '../helpers/datasets';
import { clearRedisPrefix, TEST_REDIS_URL, uniqueName, waitFor } from '../helpers/services';
import { PARLEY_MAIN } from '../helpers/parley-command';

describe('the shipped default model', () => {
  it('is what `npm run train:default` makes from ../shared/datasets, byte for byte, and at most 5 MB', () => {
    const committed = fs.readFileSync(DEFAULT_MODEL_PATH, 'utf8');
    expect(Buffer.byteLength(committed)).toBeLessThanOrEqual(5_000_000);
    expect(serializeModelFile(fitDefaultModels(loadSharedDatasets(DATASETS_DIR)))).toBe(committed);
  }, 180_000);

  describe('a fresh install (`parley start`, nothing configured but Redis)', () => {
    let child: ChildProcess | undefined;
    let dir: string;
    const prefix = `{${uniqueName('fresh')}}`;
    afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child!.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await clearRedisPrefix(prefix);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('holds a tech-support scam with a phone number and an insult, and publishes a long, civil, critical comment and a blunt one, on a site that moderates nothing', async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-fresh-'));
      const env = {
        PATH: process.env.PATH,
        PARLEY_DATA_DIR: dir,
        REDIS_URL: TEST_REDIS_URL,
        PARLEY_REDIS_PREFIX: prefix,
        PORT: '0',
        PARLEY_HOST: '127.0.0.1',
      };
      const created = spawnSync(
        process.execPath,
        [
          PARLEY_MAIN,
          'sites',
          'create',
          '--name',
          'News',
          '--origin',
          'https://news.example',
          '--moderation',
          'none',
          '--json',
        ],
        {
          env,
          encoding: 'utf8',
        },
      );
      expect(created.status).toBe(0);
      const site = JSON.parse(created.stdout) as { key: string };

      child = spawn(process.execPath, [PARLEY_MAIN, 'start'], { env });
      let output = '';
      child.stdout!.on('data', (chunk) => (output += chunk));
      child.stderr!.on('data', (chunk) => (output += chunk));
      const base = await waitFor(async () => /listening on (http:\/\/localhost:\d+)/.exec(output)?.[1], {
        what: 'the listening line',
        timeoutMs: 20_000,
      });

      const post = async (name: string, text: string) => {
        const res = await fetch(`${base}/v1/sites/${site.key}/comments`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ pageId: 'budget-2027', name, email: `${name.toLowerCase()}@example.org`, text }),
        });
        expect(res.status).toBe(202);
        const body = (await res.json()) as { comment: { id: string }; authorToken: string };
        return waitFor(
          async () => {
            const status = await fetch(`${base}/v1/comments/${body.comment.id}/status`, {
              headers: { Authorization: `Bearer ${body.authorToken}` },
            });
            const { status: value } = (await status.json()) as { status: string };
            return value === 'pending' ? undefined : { id: body.comment.id, status: value };
          },
          { what: 'the decision' },
        );
      };

      const scam = await post(
        'Helpdesk',
        'Facing login issues? Call the Microsoft Outlook customer support number 1-888-555-0173, toll free, 24/7 technicians ready.',
      );
      const critical = await post(
        'Margaret',
        'I have read this article twice and I still think it gets the budget badly wrong. The writer treats the transport levy as new money, ' +
          'but it replaces the grant that was cut two years ago, so the city is not spending more, it is spending the same with a different name. ' +
          'The council should be pressed on that, and so should this paper. Frankly the piece reads like a press release.',
      );
      const insult = await post('Rex', "You're an idiot, Margaret, and so is whoever let this piece run.");
      const blunt = await post('Tom', 'This levy is a disgrace and the mayor should resign over it.');
      expect(['held', 'spam']).toContain(scam.status);
      expect(critical.status).toBe('approved');
      expect(insult.status).toBe('held');
      expect(blunt.status).toBe('approved');

      const thread = (await (await fetch(`${base}/v1/sites/${site.key}/pages/budget-2027/comments`)).json()) as {
        comments: { id: string }[];
      };
      expect(thread.comments.map((c) => c.id).sort()).toEqual([critical.id, blunt.id].sort());
    }, 60_000);
  });
});
