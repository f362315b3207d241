import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis, { type Redis } from 'ioredis';
import { evaluate } from '../../bench/eval-spam';
import { TEST_REDIS_URL } from '../helpers/services';

describe('eval:spam', () => {
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

  it('trains, runs each test comment through the pipeline and counts outcomes per file, leaving nothing behind', async () => {
    const rows = (label: number, make: (i: number) => string, n: number) =>
      Array.from({ length: n }, (_, i) => `"${make(i).replace(/"/g, '""')}",${label}`).join('\n');
    const spam = (i: number) => `Check out my channel and subscribe!!! http://promo${i}.example/win?ref=${i}`;
    const ham = (i: number) => `The bridge at 2:${10 + i} is my favourite part of this song`;
    const train = path.join(dir, 'train.csv');
    fs.writeFileSync(train, `text,label\n${rows(1, spam, 30)}\n${rows(0, ham, 30)}\n`);
    const test = path.join(dir, 'Comments-Test.csv');
    fs.writeFileSync(
      test,
      'COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n' +
        'c1,Promo,2015,"Subscribe to my channel!!! <a href=""http://promo99.example/win?ref=1"">link</a>",1\n' +
        'c2,Anna,2015,The bridge at 2:45 is my favourite part of this song,0\n' +
        'c3,Ben,2015,"I think the bridge is my favourite part, lovely",0\n',
    );
    const before = new Set(await redis.keys('{parley-eval-*'));

    const result = await evaluate({ train: [train], test: [test], redisUrl: TEST_REDIS_URL, thresholds: { hold: 0.4, spam: 0.6 } });

    const counts = result.files['Comments-Test.csv'];
    const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(Object.keys(counts.ham).sort()).toEqual(['approved', 'held', 'rejected', 'spam']);
    expect(total(counts.ham)).toBe(2);
    expect(total(counts.spam)).toBe(1);
    expect(counts.ham.approved).toBe(2);
    expect(counts.spam.approved).toBe(0);
    expect(result.overall).toEqual(counts);
    for (const x of [counts.precision, counts.recall, counts.f1]) expect(x).toBeGreaterThanOrEqual(0);

    const after = (await redis.keys('{parley-eval-*')).filter((k) => !before.has(k));
    expect(after).toEqual([]);
  }, 60_000);

  it('fails before setting anything up when a test file is bad', async () => {
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'a,b\n1,2\n');
    await expect(evaluate({ train: [bad], test: [bad], redisUrl: TEST_REDIS_URL })).rejects.toThrow(/bad\.csv: expected columns/);
  });
});
