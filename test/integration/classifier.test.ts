import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis, { type Redis } from 'ioredis';
import { featureId, RedisSpamClassifier } from '../../src/moderation/classifier/redis-spam-classifier';
import type { ClassifierInput, SpamLabel } from '../../src/moderation/classifier/spam-classifier';
import { readLabeledComments, trainFromCsv } from '../../src/moderation/classifier/training';
import { DATASETS_DIR } from '../helpers/datasets';
import { clearRedisPrefix, TEST_REDIS_URL, uniqueName } from '../helpers/services';

const input = (text: string, extra: Partial<ClassifierInput> = {}): ClassifierInput => ({ text, name: 'Someone', website: null, links: 0, ...extra });

/** Comment-like examples: self-promotion with links and calls to action, and people talking about the page. */
function spamExample(i: number): ClassifierInput {
  const pitches = [
    `Check out my channel for daily videos https://promo${i}.example subscribe please`,
    `Earn money from home!!! visit www.cash${i}.example now`,
    `subscribe to me and I will subscribe back, my new video is up`,
    `FREE gift cards here http://gift${i}.example/claim?ref=${i}`,
  ];
  return input(pitches[i % pitches.length], { links: i % 3 === 0 ? 1 : 0 });
}
function hamExample(i: number): ClassifierInput {
  const remarks = [
    `I love the chorus of this song, it reminds me of summer ${2010 + (i % 5)}`,
    `The part at 1:${10 + (i % 40)} always makes me laugh`,
    `My kids dance to this every morning, thank you`,
    `Not my favourite, the first album was better in my opinion`,
  ];
  return input(remarks[i % remarks.length]);
}

describe('RedisSpamClassifier (real Redis)', () => {
  let redis: Redis;
  let other: Redis;
  let dir: string;
  const prefixes: string[] = [];
  const newPrefix = () => {
    const prefix = `{${uniqueName('clf')}}`;
    prefixes.push(prefix);
    return prefix;
  };
  async function teach(classifier: RedisSpamClassifier, counts: Record<SpamLabel, number>): Promise<void> {
    for (let i = 0; i < Math.max(counts.spam, counts.ham); i++) {
      if (i < counts.spam) await classifier.learn(spamExample(i), 'spam');
      if (i < counts.ham) await classifier.learn(hamExample(i), 'ham');
    }
  }

  beforeAll(() => {
    redis = new IORedis(TEST_REDIS_URL);
    other = new IORedis(TEST_REDIS_URL);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-classifier-'));
  });
  afterAll(async () => {
    for (const prefix of prefixes) await clearRedisPrefix(prefix);
    redis.disconnect();
    other.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has no opinion until it has learned enough of both classes', async () => {
    const classifier = new RedisSpamClassifier({ redis, prefix: newPrefix() });
    expect(await classifier.score(spamExample(1))).toBeUndefined();
    await teach(classifier, { spam: 9, ham: 30 });
    expect(await classifier.score(spamExample(1))).toBeUndefined();
    await teach(classifier, { spam: 1, ham: 0 });
    const result = await classifier.score(spamExample(1));
    expect(result).toEqual({ score: expect.any(Number), examples: { spam: 10, ham: 30 } });
  });

  it('learns: unseen spam scores well above unseen ham, every score in [0, 1]', async () => {
    const classifier = new RedisSpamClassifier({ redis, prefix: newPrefix() });
    await teach(classifier, { spam: 60, ham: 60 });
    const spam = await Promise.all([100, 101, 102, 103].map(async (i) => (await classifier.score(spamExample(i)))!.score));
    const ham = await Promise.all([100, 101, 102, 103].map(async (i) => (await classifier.score(hamExample(i)))!.score));
    for (const s of [...spam, ...ham]) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
    expect(Math.min(...spam)).toBeGreaterThan(Math.max(...ham));
    expect(Math.min(...spam)).toBeGreaterThan(0.6);
    expect(Math.max(...ham)).toBeLessThan(0.4);
  });

  it('keeps every key under <prefix>:classifier', async () => {
    const prefix = newPrefix();
    await teach(new RedisSpamClassifier({ redis, prefix }), { spam: 12, ham: 12 });
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.startsWith(`${prefix}:classifier`)).toBe(true);
  });

  it('is one model for every instance on the same prefix, and none for another prefix', async () => {
    const prefix = newPrefix();
    const a = new RedisSpamClassifier({ redis, prefix });
    const b = new RedisSpamClassifier({ redis: other, prefix });
    await teach(a, { spam: 20, ham: 20 });
    const probe = input('check out my channel and subscribe http://x.example');
    expect(await b.score(probe)).toEqual(await a.score(probe));
    // What b learns, a knows.
    await b.learn(input('a brand new kind of pitch, totally unlike the others'), 'spam');
    expect((await a.score(probe))!.examples).toEqual({ spam: 21, ham: 20 });
    expect(await new RedisSpamClassifier({ redis, prefix: newPrefix() }).score(probe)).toBeUndefined();
  });

  it('loses nothing when several workers learn at once', async () => {
    const prefix = newPrefix();
    const workers = [new RedisSpamClassifier({ redis, prefix }), new RedisSpamClassifier({ redis: other, prefix })];
    const jobs: Array<Promise<void>> = [];
    for (let i = 0; i < 100; i++) {
      const worker = workers[i % 2];
      jobs.push(i % 4 === 0 ? worker.learn(hamExample(i), 'ham') : worker.learn(spamExample(i), 'spam'));
    }
    await Promise.all(jobs);
    expect(await workers[0].examples()).toEqual({ spam: 75, ham: 25 });
    // The count of a feature is exact too: "subscribe" is in a known number of the spam examples.
    const withSubscribe = Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 4 !== 0 && /subscribe/.test(spamExample(i).text)).length;
    const [count] = await redis.hmget(workers[0].key, `s:${featureId('w:subscribe')}`);
    expect(Number(count)).toBe(withSubscribe);
  });

  it('scores and learns pathological comments fast', async () => {
    const classifier = new RedisSpamClassifier({ redis, prefix: newPrefix() });
    await teach(classifier, { spam: 15, ham: 15 });
    const hostile = [
      'a'.repeat(100_000),
      Array.from({ length: 20_000 }, (_, i) => `tok${i.toString(36)}`).join(' '),
      'http://a.example/ '.repeat(5_000),
      '!?'.repeat(50_000),
    ];
    for (const text of hostile) {
      let started = performance.now();
      expect(await classifier.score(input(text))).toBeDefined();
      expect(performance.now() - started).toBeLessThan(500);
      started = performance.now();
      await classifier.learn(input(text), 'spam');
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it('trains from the YouTube files and separates another video\'s spam from its ham', async () => {
    const classifier = new RedisSpamClassifier({ redis, prefix: newPrefix() });
    const youtube = (name: string) => path.join(DATASETS_DIR, 'youtube-spam', name);
    const result = await trainFromCsv({ classifier, files: [youtube('Youtube01-Psy.csv'), youtube('Youtube02-KatyPerry.csv')] });
    expect(result.spam + result.ham + result.duplicates).toBe(700);
    expect(result.files.map((f) => path.basename(f.file))).toEqual(['Youtube01-Psy.csv', 'Youtube02-KatyPerry.csv']);
    expect(await classifier.examples()).toEqual({ spam: result.spam, ham: result.ham });

    const test = await readLabeledComments(youtube('Youtube03-LMFAO.csv'));
    const scored = await Promise.all(test.map(async (c) => ({ label: c.label, score: (await classifier.score(c.input))!.score })));
    const spam = scored.filter((s) => s.label === 'spam').map((s) => s.score);
    const ham = scored.filter((s) => s.label === 'ham').map((s) => s.score);
    // Area under the ROC curve: the chance a random spam outscores a random ham.
    let wins = 0;
    for (const s of spam) for (const h of ham) wins += s > h ? 1 : s === h ? 0.5 : 0;
    expect(wins / (spam.length * ham.length)).toBeGreaterThan(0.95);
  });

  it('teaches nothing when one of the files is bad', async () => {
    const classifier = new RedisSpamClassifier({ redis, prefix: newPrefix() });
    const good = path.join(dir, 'good.csv');
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(good, 'text,label\nbuy now,spam\nnice,ham\n');
    fs.writeFileSync(bad, 'message,verdict\nx,1\n');
    await expect(trainFromCsv({ classifier, files: [good, bad] })).rejects.toThrow(/bad\.csv: expected columns/);
    expect(await classifier.examples()).toEqual({ spam: 0, ham: 0 });
    await expect(trainFromCsv({ classifier, files: [] })).rejects.toThrow(/no training files/);
  });

  it('skips a text it has already seen in the same training run', async () => {
    const classifier = new RedisSpamClassifier({ redis, prefix: newPrefix() });
    const file = path.join(dir, 'repeats.csv');
    fs.writeFileSync(file, 'text,label\nCheck out this video on YouTube:,1\ncheck out  this video on youtube:,1\nnice song,0\n');
    const result = await trainFromCsv({ classifier, files: [file] });
    expect(result).toMatchObject({ spam: 1, ham: 1, duplicates: 1 });
  });
});
