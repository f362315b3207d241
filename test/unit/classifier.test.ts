import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { abuseFeatures, spamFeatures, tokenize } from '../../src/moderation/classifier/features';
import { fitLinearModel, type TrainingExample } from '../../src/moderation/classifier/fit';
import { FEATURE_SPACE, featureId, scoreVector, vectorize } from '../../src/moderation/classifier/linear-model';
import { readModelFile, serializeModelFile } from '../../src/moderation/classifier/model-file';
import { abuseSignals } from '../../src/moderation/classifier/abuse-signals';
import { spamSignals } from '../../src/moderation/classifier/spam-signals';
import { profanityMatches } from '../../src/moderation/profanity-matcher';
import { textFromHtml } from '../../src/moderation/classifier/training';

const signalsOf = (text: string, website: string | null = null) =>
  spamSignals({ text, website }, tokenize({ text, website })).map((s) => s.name);

describe('spam signals', () => {
  it('finds a phone number offered as a support or booking line, and a brand with "support"', () => {
    expect(signalsOf('For QuickBooks support call our toll free number +1-888-555-0199 any time')).toEqual([
      'phone-support',
      'brand-support',
    ]);
    expect(signalsOf('Delta Airlines reservation number 1 (855) 555 0123, book now')).toContain('phone-support');
    expect(signalsOf('Need help? Dial 0800 123 4567 for our helpline')).toEqual(['phone-support']);
    expect(signalsOf('Coinbase customer service will help you recover your account')).toContain('brand-support');
  });

  it('does not take years, amounts or dates for phone numbers', () => {
    expect(signalsOf('Turnout fell in 2012 2013 2014 and the number of voters with it')).toEqual([]);
    expect(signalsOf('The deficit is 1 000 000 000 dollars, call it what you like')).toEqual([]);
    expect(signalsOf('See you on 12.05.2014 at the support group')).toEqual([]);
  });

  it('finds contact offers, money promises, pushed links and markup', () => {
    expect(signalsOf('Contact Dr. Ade on email dr.ade@spell.example, he cast a love spell for me')).toEqual([
      'contact-offer',
      'money-promise',
    ]);
    expect(signalsOf('I made $500 per day working from home!')).toEqual(['money-promise']);
    expect(signalsOf('Nice post, thanks for sharing! Visit my site https://essays.example')).toEqual([
      'promo-link',
      'praise-link',
    ]);
    expect(signalsOf('Great article, very informative.', 'https://seo.example')).toEqual(['praise-website']);
    expect(signalsOf('cheap shoes <a href="http://shoes.example">here</a>')).toContain('markup-link');
    expect(signalsOf('[url=http://pills.example]pills[/url]')).toContain('markup-link');
  });

  it('finds pirate-stream offers, wallet addresses and links written with "(dot)"', () => {
    expect(signalsOf('If you wanna watch the full movie online for free, go to moviesfree here')).toEqual([
      'free-stream',
    ]);
    expect(signalsOf('Please donate bitcoins to me at 1FHeNqx1twqM153v2PTAyieJNEAm5N5Ykz')).toEqual(['crypto-wallet']);
    expect(signalsOf('send eth to 0x52908400098527886E0F7030069857D2E4169EE7')).toEqual(['crypto-wallet']);
    expect(tokenize({ text: 'read it at gonintendo(dot)com/?id=205110', website: null }).foreignLinks).toBe(1);
    expect(tokenize({ text: '♥♥♥HDMovieStream.COMl♥♥♥', website: null }).foreignLinks).toBe(1);
    expect(tokenize({ text: 'the comic was funny. comical even', website: null }).foreignLinks).toBe(0);
    expect(tokenize({ text: 'my sinuses. Neti pots help', website: null }).foreignLinks).toBe(0);
    expect(tokenize({ text: 'shop [dot] example [dot] com', website: null }).foreignLinks).toBe(1);
  });

  it('says nothing about ordinary comments, links to reference sites included', () => {
    expect(signalsOf('I watched the match last night; the free kick in the second half decided it')).toEqual([]);
    expect(signalsOf('Order 1234567890123456789012345 was shipped; the id AAAAAAAAAAAAAAAAAAAAAAAAAAA too')).toEqual(
      [],
    );
    expect(signalsOf('Great article, thanks. I disagree with the second point, though.')).toEqual([]);
    expect(signalsOf('The docs explain it: https://docs.python.org/3/library/asyncio.html')).toEqual([]);
    expect(signalsOf('Call me old-fashioned, but the 1995 version was better')).toEqual([]);
    // The digits of a link are no phone number, and a government or university site of any country is a reference.
    expect(signalsOf('The study (https://www.nature.com/articles/s41586-020-1234) says the opposite')).toEqual([]);
    expect(signalsOf('Figures at https://www.ons.gov.uk/economy and https://www.ox.ac.uk/news')).toEqual([]);
    expect(tokenize({ text: 'https://www.ons.gov.uk/economy', website: null }).foreignLinks).toBe(0);
  });

  it('finds shortened links, messenger contacts and stream offers written other ways', () => {
    expect(signalsOf('best movie this year!! i just saw it here: http://bit.ly/Myn7k')).toEqual(['short-link']);
    expect(signalsOf('selling this channel, add lionsvillagexo on skype to buy it')).toEqual(['contact-offer']);
    expect(signalsOf('Enjoy The Whole Film Without Cost On This Site')).toEqual(['free-stream']);
    expect(signalsOf('this movie is leeched right here absolutely free')).toEqual(['free-stream']);
    expect(signalsOf('I will add that on skype calls the sound is worse')).toEqual([]);
  });
});

const abuseOf = (text: string) => abuseSignals(tokenize({ text, website: null }).words);

describe('abuse signals', () => {
  it('finds insults aimed at the reader, name-calling, slurs, threats and people called vermin', () => {
    expect(abuseOf("You're an idiot.")).toEqual(['insult-aimed']);
    expect(abuseOf('you are such a pathetic loser')).toEqual(['insult-aimed']);
    expect(abuseOf('Only morons like you believe that')).toEqual(['insult-aimed']);
    expect(abuseOf('SHUT UP, YOU M O R O N')).toEqual(['insult-aimed']);
    expect(abuseOf('What an idiot this mayor is')).toEqual(['insult']);
    expect(abuseOf('The demoRATs will never learn')).toEqual(['insult']);
    expect(abuseOf('Vote DemoKKKrat 2016')).toEqual(['insult']);
    expect(abuseOf('send the kneegrows back')).toEqual(['slur']);
    expect(abuseOf('I will kill you when I find you')).toEqual(['threat']);
    expect(abuseOf('people like that should be hanged')).toEqual(['threat']);
    expect(abuseOf('They should all be hanged, every one of them')).toEqual(['threat']);
    expect(abuseOf('kill yourself')).toEqual(['threat']);
    expect(abuseOf('Immigrants are criminals and rapists')).toEqual(['dehumanizing']);
    expect(abuseOf('they are animals, all of them')).toEqual(['dehumanizing']);
    expect(abuseOf('the country has to deal with this bunch of savages')).toEqual(['dehumanizing']);
  });

  it('finds degrading names, name-calling said of someone, and contempt', () => {
    expect(abuseOf("these hoes ain't loyal")).toEqual(['insult']);
    expect(abuseOf('Miami bitches')).toEqual(['insult']);
    expect(abuseOf('Trump is a classic jerk')).toEqual(['insult']);
    expect(abuseOf('What a loser')).toEqual(['insult']);
    expect(abuseOf('April fools, the tickets were a joke')).toEqual([]);
    expect(abuseOf('so many stupid voters in this state')).toEqual(['insult']);
    expect(abuseOf('they are so stupid')).toEqual(['insult']);
    expect(abuseOf('This is a stupid policy and the council should be ashamed of it')).toEqual(['contempt']);
    expect(abuseOf('Dumb.')).toEqual(['contempt']);
    expect(abuseOf("he's so stupid")).toEqual(['insult']);
    expect(abuseOf('what a pathetic liar he is')).toEqual(['insult']);
    expect(abuseOf('you jerk')).toEqual(['insult-aimed']);
  });

  it('says nothing of blunt, critical or rude-but-not-aimed comments', () => {
    expect(abuseOf('This policy is a disgrace and the council should be ashamed of it')).toEqual([]);
    expect(abuseOf('The losers of this trade deal are the farmers')).toEqual([]);
    expect(abuseOf('Karma is a bitch')).toEqual([]);
    expect(abuseOf("Karma's a bitch")).toEqual([]);
    expect(abuseOf('She was raising pigs and goats on the hill farm')).toEqual([]);
    expect(abuseOf('We are guinea pigs for this new bus timetable')).toEqual([]);
    expect(abuseOf('The jerk chicken at the festival was great')).toEqual([]);
    expect(abuseOf('I learned it from Investing for Dummies')).toEqual([]);
    expect(abuseOf('I sharpened my hoe before the frost')).toEqual([]);
    expect(abuseOf('Garden hoes and rakes are on sale')).toEqual([]);
    expect(abuseOf('You had a knee jerk reaction to the headline')).toEqual([]);
    expect(abuseOf('Die Muslime in der Stadt feiern heute')).toEqual([]);
    expect(abuseOf('I need a hoe and a rake for the allotment')).toEqual([]);
    expect(abuseOf('I was dumb enough to believe the brochure')).toEqual([]);
    expect(abuseOf('That is not a stupid question at all')).toEqual([]);
    expect(abuseOf('He pulled out after a knee jerk reaction from the board')).toEqual([]);
    expect(abuseOf('You are not stupid, you were misled by the headline')).toEqual([]);
    expect(abuseOf("You know, I'm clueless about tax law, but this seems wrong")).toEqual([]);
    expect(abuseOf('The proposal should be shot down at the next meeting')).toEqual([]);
    expect(abuseOf('We will beat them in the final, mark my words')).toEqual([]);
    expect(abuseOf('These animals are endangered and the zoo does good work')).toEqual([]);
    expect(abuseOf('There are chinks in the armour of this argument')).toEqual([]);
    expect(abuseOf('The plan should be executed before winter')).toEqual([]);
    expect(abuseOf('If you call them liars you should show the evidence')).toEqual([]);
    expect(abuseOf('You sheep farmers have had a tough year')).toEqual([]);
    expect(abuseOf('I hope he dies peacefully in his sleep')).toEqual([]);
  });
});

describe('features', () => {
  it('folds case and accents, squeezes elongations, glues spaced letters, and counts links to other sites', () => {
    const tokens = tokenize({
      text: 'SOOOO good!! s u b s c r i b e at https://www.promo.example/x and blog.example/post',
      website: null,
      ownDomains: ['blog.example'],
    });
    expect(tokens.words).toEqual(['soo', 'good', 'subscribe', 'at', 'and']);
    expect(tokens.hosts).toEqual(['promo.example']);
    expect(tokens.foreignLinks).toBe(1);
  });

  it('names a link by its site, under a country\'s "co.uk" too, and counts only documentation of a vendor as reference', () => {
    const hostsOf = (text: string) => tokenize({ text, website: null });
    expect(hostsOf('https://www.bbc.co.uk/news and http://abc.net.au/x and news.bbc.co.uk').hosts).toEqual([
      'bbc.co.uk',
      'abc.net.au',
      'bbc.co.uk',
    ]);
    expect(hostsOf('https://developer.apple.com/documentation/swift').foreignLinks).toBe(0);
    expect(hostsOf('http://itunes.apple.com/app/my-little-car').foreignLinks).toBe(1);
  });

  it('gives the spam model calls to action and signals, and the abuse model words aimed at the reader', () => {
    expect(spamFeatures({ text: 'Check out my channel and subscribe!', website: 'https://x.example' })).toEqual(
      expect.arrayContaining(['w:channel', 'b:my channel', 'website', 'cta:subscribe', 'cta:look', 'cta:mine']),
    );
    const ctas = (text: string) => spamFeatures({ text, website: null }).filter((f) => f.startsWith('cta:'));
    expect(ctas('everyone please come check our newest song')).toEqual(['cta:look', 'cta:mine']);
    expect(ctas('I made a gaming channel, Angry Minecraft!')).toEqual(['cta:mine']);
    expect(ctas('follow me on instagram bigboss286')).toEqual(['cta:look']);
    expect(ctas('Please become my first subscriber.')).toEqual(['cta:subscribe']);
    expect(ctas('I made a point of reading the whole report, and our new mayor should too')).toEqual([]);
    const abuse = abuseFeatures({ text: 'You are a fucking idiot, like all Muslims', website: null });
    expect(abuse).toEqual(expect.arrayContaining(['d:are', 'd:a', 'd:fucking', 'w:idiot', 'prof:1', 'b:all muslims']));
    // A group's name is no evidence of abuse on its own.
    expect(abuse).not.toContain('w:muslims');
  });

  it('takes "like if you ..." for engagement bait, but not "like" as a comparison or a wish', () => {
    const farming = (text: string) => spamFeatures({ text, website: null }).includes('cta:like-farming');
    expect(farming('Like this comment if you are watching in 2015')).toBe(true);
    expect(farming('Thumbs up if you still listen to this!')).toBe(true);
    expect(farming('like if u agree')).toBe(true);
    expect(farming('HOW MANY THUMBS UP FOR LOUIS SAVING THE DAY!?!?')).toBe(true);
    expect(farming('LIKE AND SUBSCRIB IF YOU WATCH IN 2015 ;)')).toBe(true);
    expect(farming('I wonder how many likes his post got before he deleted it')).toBe(false);
    expect(farming('I would like to know if the council voted on it')).toBe(false);
    expect(farming('Sort of like, if you find yourself surrounded by fools, it may be you')).toBe(false);
    expect(farming('It looks like if nothing changes the bill fails')).toBe(false);
    expect(farming('crap like this. if the mayor had read it')).toBe(false);
  });

  it('gives the abuse model the same features from the profanity the worker matched once as from its own match', () => {
    const text = 'You are a fucking idiot and a sh1t, like all of them';
    const matched = profanityMatches(text);
    expect(matched.length).toBeGreaterThan(0);
    expect(abuseFeatures({ text, website: null, profanity: matched })).toEqual(abuseFeatures({ text, website: null }));
  });

  it('weighs a long comment no more than a medium one, and a few words as little evidence', () => {
    const norm = (text: string) =>
      Math.sqrt(vectorize(spamFeatures({ text, website: null })).values.reduce((a, x) => a + x * x, 0));
    const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
    expect(norm(words(200))).toBeCloseTo(1, 5);
    expect(norm(words(20))).toBeCloseTo(1, 5);
    expect(norm('nice song')).toBeCloseTo(Math.sqrt(5 / 16), 5);
    // Structural features count 1 each, whatever the length.
    expect(vectorize(['w:a', 'w:b', 'sig:phone']).values).toEqual([0.25, 0.25, 1]);
  });

  it('keeps a link an author wrote around words when reading exported HTML, but not the links platforms add', () => {
    expect(textFromHtml('nice <a href="http://shoes.example/x?a=1&amp;b=2">cheap shoes</a>')).toBe(
      'nice [cheap shoes](http://shoes.example/x?a=1&b=2)',
    );
    expect(
      textFromHtml(
        'at <a href="http://www.youtube.com/watch?v=x&amp;t=2m19s">2:19</a> <a href="https://plus.google.com/s/%23tag">#tag</a>',
      ),
    ).toBe('at 2:19 #tag');
  });
});

describe('fitting and the model file', () => {
  const examples: TrainingExample[] = [
    ...Array.from({ length: 40 }, (_, i): TrainingExample => ({
      features: [`w:promo${i % 5}`, 'w:subscribe', 'cta:subscribe'],
      label: 1,
      weight: 1,
    })),
    ...Array.from({ length: 40 }, (_, i): TrainingExample => ({
      features: [`w:song${i % 7}`, 'w:love'],
      label: 0,
      weight: 1,
    })),
  ];
  const options = {
    epochs: 20,
    learningRate: 0.2,
    l2: 1e-3,
    seed: 7,
    fixedBias: -3,
    rules: [{ prefix: 'sig:', l2: 0.5 }],
    priors: { 'sig:phone-support': 6 },
  };

  it('learns, keeps the fixed bias, and keeps a prior that no example shows', () => {
    const model = fitLinearModel(examples, options);
    expect(model.bias).toBe(-3);
    expect(scoreVector(model, vectorize(['w:subscribe', 'cta:subscribe'])).score).toBeGreaterThan(0.9);
    expect(scoreVector(model, vectorize(['w:love', 'w:song1'])).score).toBeLessThan(0.05);
    expect(model.weights[featureId('sig:phone-support')]).toBeCloseTo(6, 5);
    // Nothing known: the bias alone, and the model says it does not know the words.
    const unknown = scoreVector(model, vectorize(['w:zyx', 'w:qwv']));
    expect(unknown.known).toBe(0);
    expect(unknown.score).toBeCloseTo(1 / (1 + Math.exp(3)), 5);
  });

  it('is reproducible bit for bit, and the file keeps weights to a thousandth, without any text', () => {
    const a = serializeModelFile({
      models: { spam: fitLinearModel(examples, options), abuse: fitLinearModel(examples, options) },
      trainedOn: [],
    });
    const b = serializeModelFile({
      models: { spam: fitLinearModel(examples, options), abuse: fitLinearModel(examples, options) },
      trainedOn: [],
    });
    expect(a).toBe(b);
    expect(a).not.toContain('subscribe');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-model-')), 'model.json');
    fs.writeFileSync(file, a);
    const read = readModelFile(file);
    const original = fitLinearModel(examples, options);
    for (const feature of ['w:subscribe', 'w:love', 'sig:phone-support']) {
      expect(read.models.spam.weights[featureId(feature)]).toBeCloseTo(original.weights[featureId(feature)], 3);
    }
    expect(read.models.spam.weights).toHaveLength(FEATURE_SPACE);
    expect(read.version).toMatch(/^[0-9a-f]{12}$/);
    fs.writeFileSync(file, a.replace('"format": "parley-model/1"', '"format": "something-else"'));
    expect(() => readModelFile(file)).toThrow(/not a parley-model\/1 file/);
  });
});
