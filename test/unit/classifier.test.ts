import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractFeatures, MAX_FEATURES } from '../../src/moderation/classifier/features';
import {
  bayesScore,
  CALIBRATION_BUCKETS,
  calibratedRank,
  calibrationBucket,
  type FeatureState,
  logisticScore,
  logisticStep,
} from '../../src/moderation/classifier/model';
import { featureId } from '../../src/moderation/classifier/redis-spam-classifier';
import type { ClassifierInput } from '../../src/moderation/classifier/spam-classifier';
import { readLabeledComments, textFromHtml, TrainingDataError } from '../../src/moderation/classifier/training';

const input = (text: string, extra: Partial<ClassifierInput> = {}): ClassifierInput => ({ text, name: 'A reader', website: null, links: 0, ...extra });
const features = (text: string, extra: Partial<ClassifierInput> = {}) => extractFeatures(input(text, extra));

describe('extractFeatures', () => {
  it('folds case, accents and compatibility forms, and keeps word pairs and triples', () => {
    const f = features('Ｃｈéck THIS');
    expect(f).toEqual(expect.arrayContaining(['w:check', 'w:this', 'b:^ check', 'b:check this', 'b:this $', 't:^ ^ check', 't:^ check this']));
  });

  it('reduces links to their host and counts them, including "name . com" written to dodge filters', () => {
    const f = features('see https://www.shop.example.com/deals?id=3 and cheapstuff . com');
    expect(f).toEqual(expect.arrayContaining(['host:example.com', 'url:query', 'path:deals', 'host:cheapstuff.com', 'urls:2']));
    expect(f.some((x) => x.includes('deals?id'))).toBe(false);
    // The rendered HTML's count wins when it is higher.
    expect(features('no link in the text', { links: 3 })).toContain('urls:3');
  });

  it('undoes spaced-out letters and elongations', () => {
    expect(features('s u b s c r i b e now')).toContain('w:subscribe');
    expect(features('niceeeeee')).toContain('w:nicee');
    expect(features('niceee')).toContain('w:nicee');
  });

  it('marks calls to action by kind and as a whole', () => {
    expect(features('Please check out my channel and subscribe')).toEqual(
      expect.arrayContaining(['cta:look', 'cta:mine', 'cta:subscribe', 'cta:any']),
    );
    expect(features('Like this comment if you are watching in 2015')).toContain('cta:like-farming');
    expect(features('What a lovely song, I like it a lot').filter((f) => f.startsWith('cta:'))).toEqual([]);
  });

  it('records shape: capitals, repeats, exclamation marks, emoticons, other scripts', () => {
    expect(features('BUY NOW!!!! CHEAP')).toEqual(expect.arrayContaining(['caps:3', 'capswords:1', 'repeat', 'bang:2']));
    expect(features('so good :) 😀 Привет?')).toEqual(
      expect.arrayContaining(['punct:emoticon', 'punct:emoji', 'script:other', 'punct:question']),
    );
    // A question mark inside a link's query string is not a question.
    expect(features('https://a.example/?x=1')).not.toContain('punct:question');
  });

  it('stays bounded and fast on hostile input', () => {
    const hostile = [
      'a'.repeat(100_000),
      Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`).join(' '),
      'a.'.repeat(50_000),
      'a@'.repeat(50_000),
      'http://a.b/'.repeat(10_000),
      'a b '.repeat(30_000),
    ];
    for (const text of hostile) {
      const started = performance.now();
      const f = features(text);
      expect(performance.now() - started).toBeLessThan(200);
      expect(f.length).toBeLessThanOrEqual(MAX_FEATURES);
    }
  });
});

describe('featureId', () => {
  it('is stable, short and spreads features', () => {
    expect(featureId('w:check')).toBe(featureId('w:check'));
    expect(featureId('w:check')).toMatch(/^[0-9a-z]{1,5}$/);
    const ids = new Set(Array.from({ length: 5000 }, (_, i) => featureId(`w:word${i}`)));
    expect(ids.size).toBeGreaterThan(4990);
  });
});

const feature = (partial: Partial<FeatureState>): FeatureState => ({ spam: 0, ham: 0, weight: 0, squaredGradients: 0, ...partial });

describe('the models', () => {
  const examples = { spam: 100, ham: 100 };

  it('count model: spam evidence raises the score, ham evidence lowers it, nothing known is 0.5', () => {
    expect(bayesScore({ examples, features: [] })).toBe(0.5);
    expect(bayesScore({ examples, features: [feature({})] })).toBe(0.5);
    const spammy = bayesScore({ examples, features: [feature({ spam: 40, ham: 1 }), feature({ spam: 30 })] });
    const hammy = bayesScore({ examples, features: [feature({ ham: 40, spam: 1 }), feature({ ham: 30 })] });
    expect(spammy).toBeGreaterThan(0.9);
    expect(hammy).toBeLessThan(0.1);
    // Evidence seen once counts less than evidence seen often.
    expect(bayesScore({ examples, features: [feature({ spam: 1 })] })).toBeLessThan(spammy);
  });

  it('logistic model: a step moves the score towards the label', () => {
    const state = { bias: 0, features: [feature({}), feature({})] };
    const before = logisticScore(state);
    const step = logisticStep(state, before, 'spam');
    const after = logisticScore({ bias: step.bias, features: state.features.map((f, i) => ({ ...f, weight: step.weights[i] })) });
    expect(after).toBeGreaterThan(before);
    expect(step.squaredGradients.every((g) => g > 0)).toBe(true);
    const hamStep = logisticStep(state, before, 'ham');
    expect(hamStep.weights.every((w) => w < 0)).toBe(true);
  });

  it('calibration: a score is ranked among earlier honest scores, ham and spam weighing the same', () => {
    const empty = () => new Array<number>(CALIBRATION_BUCKETS).fill(0);
    const histograms = { spam: empty(), ham: empty() };
    histograms.ham[calibrationBucket(0.1)] = 90;
    histograms.ham[calibrationBucket(0.6)] = 10;
    histograms.spam[calibrationBucket(0.95)] = 100;
    // Above all ham, below all spam: halfway.
    expect(calibratedRank(histograms, 0.8)).toBeCloseTo(0.5, 5);
    expect(calibratedRank(histograms, 0.999)).toBe(1);
    expect(calibratedRank(histograms, 0.001)).toBe(0);
    // Monotonic.
    let last = -1;
    for (const raw of [0.001, 0.05, 0.1, 0.3, 0.6, 0.9, 0.95, 0.99]) {
      const rank = calibratedRank(histograms, raw);
      expect(rank).toBeGreaterThanOrEqual(last);
      last = rank;
    }
    // Without calibration a class counts as the raw score.
    expect(calibratedRank({ spam: empty(), ham: empty() }, 0.7)).toBeCloseTo(0.7);
  });
});

describe('training data', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-classifier-unit-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  it('turns exported HTML back into the text a person typed', () => {
    expect(textFromHtml('Check <a href="http://x.example">http://x.example</a><br />next &amp; last &#39;one&#39;\uFEFF')).toBe(
      "Check http://x.example\nnext & last 'one'",
    );
    expect(textFromHtml('I <3 this, 2 < 3')).toBe('I <3 this, 2 < 3');
  });

  it('reads the YouTube layout: quoted fields with commas, quotes and newlines, a BOM, HTML content', async () => {
    const file = write(
      'youtube.csv',
      '\uFEFFCOMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n' +
        'a1,Spammer,2015-01-01,"Check out <a href=""http://x.example"">my channel</a>, now!",1\n' +
        'a2,Reader,2015-01-02,"Great song,\nreally ""great""",0\n',
    );
    const rows = await readLabeledComments(file);
    expect(rows.map((r) => [r.label, r.input.text, r.input.name])).toEqual([
      ['spam', 'Check out my channel, now!', 'Spammer'],
      ['ham', 'Great song,\nreally "great"', 'Reader'],
    ]);
    // Records are numbered by the line they end on.
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
  });

  it('reads text/label files with spam/ham or 1/0 labels, in any case', async () => {
    const file = write('plain.csv', 'Label,Text\nspam,Buy now https://x.example\nHAM,nice post\n1,cheap pills\n0,thanks\n');
    const rows = await readLabeledComments(file);
    expect(rows.map((r) => r.label)).toEqual(['spam', 'ham', 'spam', 'ham']);
    expect(rows[0].input.links).toBe(1);
  });

  it('fails clearly on a missing file, unknown columns, a bad label or broken CSV', async () => {
    await expect(readLabeledComments(path.join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: cannot read the file \(ENOENT\)/);
    await expect(readLabeledComments(write('cols.csv', 'body,spam\nx,1\n'))).rejects.toThrow(
      /cols\.csv: expected columns CONTENT and CLASS, or text and label; found "body", "spam"/,
    );
    await expect(readLabeledComments(write('label.csv', 'text,label\nfine,0\nodd,maybe\n'))).rejects.toThrow(
      /label\.csv: line 3: label "maybe" is not one of 1, 0, spam, ham/,
    );
    await expect(readLabeledComments(write('broken.csv', 'text,label\n"unclosed,1\n'))).rejects.toThrow(/broken\.csv: not a valid CSV file/);
    await expect(readLabeledComments(write('empty.csv', ''))).rejects.toThrow(TrainingDataError);
  });
});
