import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis, { type Redis } from 'ioredis';
import { ContentClassifier, type Teacher } from '../../src/moderation/classifier/content-classifier';
import { DEFAULT_MODEL_PATH, readModelFile } from '../../src/moderation/classifier/model-file';
import { ModelLayers } from '../../src/moderation/classifier/model-layers';
import { trainFromCsv } from '../../src/moderation/classifier/training';
import { clearRedisPrefix, TEST_REDIS_URL, uniqueName } from '../helpers/services';

const shipped = readModelFile(DEFAULT_MODEL_PATH);
const moderatorOf = (site: string): Teacher => ({ id: `tok_mod_${site}`, role: 'moderator' });
const admin: Teacher = { id: 'tok_admin', role: 'admin' };

const SCAM = 'For Norton antivirus help call our support line at +1-855-555-0147, we fix everything fast.';
const CIVIL =
  'The council report skips the one number that matters: what the bypass costs each household per year. ' +
  'Until that is published, the consultation is a formality, and the councillors who voted for it should say so plainly.';

describe('ContentClassifier (the shipped model and real Redis)', () => {
  let redis: Redis;
  let dir: string;
  const prefixes: string[] = [];
  const make = (options: { model?: boolean; lessonsPerHour?: number } = {}) => {
    const prefix = `{${uniqueName('clf')}}`;
    prefixes.push(prefix);
    const layers = new ModelLayers({ redis, prefix });
    const classifier = new ContentClassifier({
      loadModel: () => (options.model === false ? undefined : shipped),
      modelLayers: layers,
      lessonsPerHour: options.lessonsPerHour ?? 1000,
      agreeingSites: 3,
      clock: () => Date.now(),
    });
    return { classifier, layers };
  };
  const lesson = (
    exampleKey: string,
    text: string,
    lessons: Parameters<ContentClassifier['learn']>[0]['lessons'],
    siteKey = 'site_a',
    teacher = moderatorOf(siteKey),
  ) => ({
    siteKey,
    exampleKey,
    textHash: `hash-of-${text.length}-${text.slice(0, 20)}`,
    input: { text, website: null },
    lessons,
    teacher,
  });

  beforeAll(() => {
    redis = new IORedis(TEST_REDIS_URL);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-classifier-'));
  });
  afterAll(async () => {
    for (const prefix of prefixes) await clearRedisPrefix(prefix);
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('judges from the first comment: a support-line scam is spam, a long critical comment is not, an insult is abuse', async () => {
    const { classifier } = make();
    const scam = await classifier.score({ text: SCAM, website: null, siteKey: 'site_a' });
    const civil = await classifier.score({ text: CIVIL, website: null, siteKey: 'site_a' });
    const insult = await classifier.score({
      text: 'You are a pathetic idiot and everyone here knows it.',
      website: null,
      siteKey: 'site_a',
    });
    expect(scam.spam!.score).toBeGreaterThan(0.9);
    expect(scam.spam!.evidence[0].feature).toBe('sig:phone-support');
    expect(civil.spam!.score).toBeLessThan(0.1);
    expect(civil.abuse!.score).toBeLessThan(0.6);
    expect(insult.abuse!.score).toBeGreaterThan(0.72);
    expect(insult.spam!.score).toBeLessThan(0.1);
  });

  it('reads the shipped model once, when it is first needed, so a process that never scores never loads it', async () => {
    let reads = 0;
    const classifier = new ContentClassifier({
      loadModel: () => {
        reads++;
        return shipped;
      },
      modelLayers: new ModelLayers({ redis, prefix: `{${uniqueName('clf')}}` }),
      lessonsPerHour: 1000,
      agreeingSites: 3,
      clock: () => Date.now(),
    });
    expect(reads).toBe(0);
    await classifier.score({ text: SCAM, website: null, siteKey: 'site_a' });
    await classifier.score({ text: CIVIL, website: null, siteKey: 'site_a' });
    expect(classifier.modelVersion).toBe(shipped.version);
    expect(reads).toBe(1);
  });

  it('has no opinion without a model until someone teaches it', async () => {
    const { classifier } = make({ model: false });
    expect(await classifier.score({ text: SCAM, website: null, siteKey: 'site_a' })).toEqual({});
    await classifier.learn(lesson('c1', SCAM, { spam: 1 }));
    const scores = await classifier.score({ text: SCAM, website: null, siteKey: 'site_a' });
    expect(scores.spam!.score).toBeGreaterThan(0.05);
    expect(scores.abuse).toBeUndefined();
  });

  it("teaches a site's moderator's decision to that site only; an admin's to every site", async () => {
    const { classifier } = make();
    const pitch = 'Gorgeous handmade zorblax mugs at the zorblax market, only this week';
    const before = (await classifier.score({ text: pitch, website: null, siteKey: 'site_a' })).spam!.score;
    for (let i = 0; i < 3; i++) await classifier.learn(lesson(`a${i}`, `${pitch} ${i}`, { spam: 1 }));
    const onA = (await classifier.score({ text: pitch, website: null, siteKey: 'site_a' })).spam!.score;
    const onB = (await classifier.score({ text: pitch, website: null, siteKey: 'site_b' })).spam!.score;
    expect(onA).toBeGreaterThan(before + 0.2);
    expect(onB).toBeCloseTo(before, 6);

    await classifier.learn(lesson('admin1', pitch, { spam: 1 }, 'site_a', admin));
    expect((await classifier.score({ text: pitch, website: null, siteKey: 'site_b' })).spam!.score).toBeGreaterThan(
      before,
    );
  });

  it('keeps one example per comment: a changed decision replaces the earlier one, and hold takes it back', async () => {
    const { classifier, layers } = make();
    const text = 'Visit the quuxly store for quuxly deals';
    const site = { scope: 'site', siteKey: 'site_a' } as const;
    const base = (await classifier.score({ text, website: null, siteKey: 'site_a' })).spam!.score;
    await classifier.learn(lesson('c1', text, { spam: 1 }));
    const taughtOnce = (await classifier.score({ text, website: null, siteKey: 'site_a' })).spam!.score;
    await classifier.learn(lesson('c1', text, { spam: 1 }));
    expect((await classifier.score({ text, website: null, siteKey: 'site_a' })).spam!.score).toBeCloseTo(taughtOnce, 3);
    expect((await layers.read([{ judgement: 'spam', layer: site, ids: [] }]))[0].examples).toBe(1);

    await classifier.learn(lesson('c1', text, { spam: 0 }));
    expect((await classifier.score({ text, website: null, siteKey: 'site_a' })).spam!.score).toBeLessThan(base);
    expect((await layers.taught('spam', site, 'c1'))?.label).toBe(0);
    await classifier.learn(lesson('c1', text, { spam: null }));
    expect((await classifier.score({ text, website: null, siteKey: 'site_a' })).spam!.score).toBeCloseTo(base, 4);
    expect((await layers.read([{ judgement: 'spam', layer: site, ids: [] }]))[0].examples).toBe(0);
  });

  it('lets the instance layer learn from moderators only when several sites agree on a text', async () => {
    const { classifier } = make();
    const text = 'Blorptastic crypto doubling at blorp dot network, trust me';
    const before = (await classifier.score({ text, website: null, siteKey: 'site_z' })).spam!.score;
    for (const site of ['site_a', 'site_b'])
      await classifier.learn({ ...lesson(`${site}-1`, text, { spam: 1 }, site), textHash: 'same' });
    expect((await classifier.score({ text, website: null, siteKey: 'site_z' })).spam!.score).toBeCloseTo(before, 6);
    const third = await classifier.learn({ ...lesson('site_c-1', text, { spam: 1 }, 'site_c'), textHash: 'same' });
    expect(third).toEqual({
      taught: [
        { judgement: 'spam', layer: 'site' },
        { judgement: 'spam', layer: 'instance' },
      ],
    });
    expect((await classifier.score({ text, website: null, siteKey: 'site_z' })).spam!.score).toBeGreaterThan(before);
  });

  it('caps how many lessons one moderator gives per hour', async () => {
    const { classifier } = make({ lessonsPerHour: 3 });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await classifier.learn(lesson(`c${i}`, `text number ${i}`, { spam: 1 })));
    expect(results.filter((r) => 'skipped' in r)).toHaveLength(2);
    // Admins are not capped.
    expect(await classifier.learn(lesson('c9', 'text', { spam: 1 }, 'site_a', admin))).toEqual({
      taught: [{ judgement: 'spam', layer: 'instance' }],
    });
  });

  it('scores and learns pathological comments fast', async () => {
    const { classifier } = make();
    const hostile = [
      'a'.repeat(100_000),
      Array.from({ length: 20_000 }, (_, i) => `tok${i.toString(36)}`).join(' '),
      'http://a.example/ '.repeat(5_000),
      '!?'.repeat(50_000),
    ];
    for (const text of hostile) {
      let started = performance.now();
      expect(await classifier.score({ text, website: null, siteKey: 'site_a' })).toHaveProperty('spam');
      expect(performance.now() - started).toBeLessThan(500);
      started = performance.now();
      await classifier.learn(lesson(`h${text.length}`, text, { spam: 1, abuse: 0 }));
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it('resets what was learned, one site or all, and reports it', async () => {
    const { classifier, layers } = make();
    await classifier.learn(lesson('a1', 'first', { spam: 1 }, 'site_a'));
    await classifier.learn(lesson('b1', 'second', { spam: 0, abuse: 0 }, 'site_b'));
    await classifier.learn(lesson('i1', 'third', { spam: 1 }, 'site_a', admin));
    expect((await layers.summary()).map((l) => `${l.judgement}:${l.layer}:${l.examples}`)).toEqual([
      'abuse:site:site_b:1',
      'spam:instance:1',
      'spam:site:site_a:1',
      'spam:site:site_b:1',
    ]);
    expect(await layers.reset('site_b')).toBe(2);
    expect((await layers.summary()).map((l) => l.layer)).toEqual(['instance', 'site:site_a']);
    expect(await layers.reset()).toBe(2);
    expect(await layers.summary()).toEqual([]);
  });

  it('teaches the instance from CSV files, skipping repeats, and teaches nothing when a file is bad', async () => {
    const { classifier, layers } = make();
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, 'text,label\nbuy zlorp pills now,spam\nbuy  zlorp pills NOW,spam\nlovely song,ham\n');
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'message,verdict\nx,1\n');
    await expect(
      trainFromCsv({ contentClassifier: classifier, files: [good, bad], judgement: 'spam' }),
    ).rejects.toThrow(/bad\.csv: expected columns/);
    expect(await layers.summary()).toEqual([]);
    const result = await trainFromCsv({ contentClassifier: classifier, files: [good], judgement: 'spam' });
    expect(result).toMatchObject({ positive: 1, negative: 1, duplicates: 1 });
    // The same file again replaces its examples: still two.
    await trainFromCsv({ contentClassifier: classifier, files: [good], judgement: 'spam' });
    expect((await layers.summary()).map((l) => l.examples)).toEqual([2]);
  });
});
