import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis, { type Redis } from 'ioredis';
import { evaluate } from '../../bench/eval-moderation';
import { TEST_REDIS_URL } from '../helpers/services';

describe('eval:moderation', () => {
  let dir: string;
  let redis: Redis;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-eval-test-'));
    redis = new IORedis(TEST_REDIS_URL);
  });
  afterAll(() => {
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

  it('runs each test comment through the pipeline with the shipped model, counting outcomes and the checks behind false positives', async () => {
    const test = path.join(dir, 'Blog-Test.csv');
    fs.writeFileSync(
      test,
      'COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n' +
        'c1,Promo,2015,"For HP printer support call our toll free helpline +1-888-555-0142 now",1\n' +
        'c2,Anna,2015,"Thanks for the tutorial, the second example finally made closures click for me.",0\n' +
        'c3,Ben,2015,"I think the benchmark is unfair: the baseline does far less work than your version.",0\n',
    );
    const before = new Set(await redis.keys('{parley-eval-*'));
    const result = await evaluate({ test: [test], redisUrl: TEST_REDIS_URL });

    const counts = result.files['Blog-Test.csv'];
    expect(total(counts.ham)).toBe(2);
    expect(total(counts.spam)).toBe(1);
    expect(counts.ham.approved).toBe(2);
    expect(counts.spam.approved).toBe(0);
    expect(counts.hamFindings).toEqual({});
    expect(result.overall).toEqual({ ham: counts.ham, spam: counts.spam });
    expect((await redis.keys('{parley-eval-*')).filter((k) => !before.has(k))).toEqual([]);
  }, 60_000);

  it('with --learn, a moderator reviews the held queue and the second half benefits from what was taught', async () => {
    // A site-specific pitch the shipped model cannot know: held at first (its link), then learned.
    const rows = Array.from({ length: 16 }, (_, i) =>
      i % 2 === 0
        ? `"zorbo widget number ${i} https://zorbo${i}.example",1`
        : `"Reply ${i}: I agree with the point about the harbour schedule.",0`,
    );
    const test = path.join(dir, 'Learn.csv');
    fs.writeFileSync(test, `text,label\n${rows.join('\n')}\n`);
    const result = await evaluate({
      test: [test],
      redisUrl: TEST_REDIS_URL,
      learn: true,
      policy: { linkLimit: 5 } as never,
    });
    const file = result.files['Learn.csv'];
    expect(file.moderatorReviews).toBeGreaterThan(0);
    expect(file.secondHalf).toBeDefined();
    // The first pitches were held for the moderator; by the second half they are known spam.
    expect(file.secondHalf!.spam.spam).toBeGreaterThan(file.spam.spam - file.secondHalf!.spam.spam);
    expect(file.secondHalf!.spam.approved).toBe(0);
    expect(file.ham.spam + file.ham.rejected).toBe(0);
  }, 60_000);

  it('starts from nothing with --model none, and fails before setting anything up when a test file is bad', async () => {
    const test = path.join(dir, 'None.csv');
    fs.writeFileSync(test, 'text,label\n"For HP printer support call our toll free helpline +1-888-555-0142 now",1\n');
    const result = await evaluate({ test: [test], redisUrl: TEST_REDIS_URL, model: 'none' });
    expect(result.files['None.csv'].spam.approved).toBe(1);

    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'a,b\n1,2\n');
    await expect(evaluate({ test: [bad], redisUrl: TEST_REDIS_URL })).rejects.toThrow(/bad\.csv: expected columns/);
  }, 60_000);
});
