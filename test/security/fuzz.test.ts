import fc from 'fast-check';
import { ERROR_DEFINITIONS } from '../../src/errors';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';

/** Cases per database: a few thousand in all, within the suite's time. */
const RUNS = Number(process.env.PARLEY_FUZZ_RUNS ?? 1250);

jest.setTimeout(120_000);

/** JSON text built by hand, so keys like `__proto__` arrive as the attacker wrote them. */
type Json = { raw: string };
const raw = (text: string): Json => ({ raw: text });
const str = (s: string): Json => raw(JSON.stringify(s));
const objectOf = (pairs: [string, Json][]): Json =>
  raw(`{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v.raw}`).join(',')}}`);

const SQL_LIKE = [
  "' OR 1=1 --",
  "'; DROP TABLE comments; --",
  '" OR ""="',
  '1; SELECT pg_sleep(10)',
  "%' UNION SELECT author_email FROM comments --",
  '$1',
  '?',
  '\\',
  "\\'",
  'NULL',
  '*/ select 1 /*',
];
const UNICODE_EDGES = [
  '\u202Eevil\u202C',
  'a\u0301\u0301\u0301\u0301\u0301\u0301',
  '\uFEFF',
  '\u200B\u200D',
  '𝕏𝔶𝔷',
  '🏳️‍🌈👩🏽‍💻',
  '\uFDFA',
  '\uFFFF\uFFFE',
  'İıß\u1E9E',
  '\u0000',
  '\\u0000',
  '\r\n\t\v\f',
  '\u2028\u2029',
  '\uD800',
  '\uDFFF\uD800',
];
const codeUnits = (min: number, max: number) =>
  fc.string({ unit: fc.integer({ min, max }).map((c) => String.fromCharCode(c)), maxLength: 40 });

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: codeUnits(0, 0x1f) }, // control characters
  { weight: 1, arbitrary: codeUnits(0xd800, 0xdfff) }, // surrogates, mostly unpaired
  { weight: 2, arbitrary: fc.constantFrom(...SQL_LIKE) },
  { weight: 2, arbitrary: fc.constantFrom(...UNICODE_EDGES) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', 'é', '🙂', '<b>', ' '), fc.integer({ min: 1000, max: 70_000 }))
      .map(([s, n]) => s.repeat(Math.ceil(n / s.length))),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...SQL_LIKE, ...UNICODE_EDGES), fc.string({ maxLength: 30 }))
      .map(([a, b]) => `A comment ${a} ${b}`),
  },
);

const deepJson = fc
  .tuple(fc.integer({ min: 1, max: 3000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? raw(`${'['.repeat(depth)}1${']'.repeat(depth)}`) : raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  );

const wrongType: fc.Arbitrary<Json> = fc.oneof(
  fc.integer().map((n) => raw(String(n))),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => raw(JSON.stringify(n))),
  fc.constantFrom(raw('true'), raw('false'), raw('null'), raw('[]'), raw('{}'), raw('1e999'), raw('-0')),
  fc.array(hostileString, { maxLength: 3 }).map((a) => raw(JSON.stringify(a))),
  deepJson,
);

/** `__proto__`, `constructor`... carrying what would pollute a prototype if merged naively. */
const pollution = fc
  .tuple(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'id', 'status', 'siteKey'),
    fc.constantFrom(
      raw('{"polluted":"yes"}'),
      raw('{"prototype":{"polluted":"yes"}}'),
      raw('"polluted"'),
      raw('{"__proto__":{"polluted":"yes"}}'),
    ),
  )
  .map(([k, v]) => [k, v] as [string, Json]);

/** A field: a good value most of the time, else a hostile one, a wrong type, or missing. */
const field = (good: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 6, arbitrary: good.map(str) },
    { weight: 2, arbitrary: hostileString.map(str) },
    { weight: 1, arbitrary: wrongType },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

/** Keys and values as a client would send them; pollution keys put anywhere among them. */
function bodyOf(fields: Record<string, Json | undefined>, extra: [string, Json][], shape: string): string {
  const pairs = Object.entries(fields).filter((e): e is [string, Json] => e[1] !== undefined);
  const body = objectOf([...extra.slice(0, 1), ...pairs, ...extra.slice(1)]).raw;
  if (shape === 'array') return `[${body}]`;
  if (shape === 'truncated') return body.slice(0, Math.max(1, body.length - 3));
  if (shape === 'wrapped-deep') return `${'['.repeat(40)}${body}${']'.repeat(40)}`;
  return body;
}

const shape = fc.constantFrom('object', 'object', 'object', 'object', 'object', 'array', 'truncated', 'wrapped-deep');

/** Every field fuzzed at once: mostly refused. */
const chaotic = fc
  .record({
    pageId: field(fc.constantFrom('post-1', 'a/b?c#d', "o'reilly", 'ünïcödé', ' padded ')),
    pageUrl: field(fc.constantFrom('https://blog.example/post', 'javascript:alert(1)', 'https://evil.example/')),
    pageTitle: field(fc.string({ maxLength: 40 })),
    name: field(fc.constantFrom('Ann', 'Zoë', '李雷', "O'Brien")),
    email: field(fc.integer({ min: 0, max: 1e6 }).map((n) => `fuzz${n}@example.org`)),
    website: field(fc.constantFrom('https://ann.example', 'data:text/html,x')),
    text: fc.oneof(
      { weight: 5, arbitrary: hostileString.map(str) },
      { weight: 1, arbitrary: wrongType },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    hp: fc.option(fc.constantFrom(str(''), str('bot')), { nil: undefined }),
    extra: fc.array(pollution, { maxLength: 3 }),
    shape,
  })
  .map(({ extra, shape, ...fields }) => bodyOf(fields, extra, shape));

/** A well-formed submission whose text (and title) are hostile, with pollution keys: mostly accepted. */
const plausible = fc
  .record({
    pageId: fc.constantFrom('post-1', "o'reilly", 'ünïcödé').map(str),
    name: fc.constantFrom('Ann', 'Zoë', '李雷', "O'Brien").map(str),
    email: fc.integer({ min: 0, max: 1e6 }).map((n) => str(`fuzz${n}@example.org`)),
    pageTitle: fc.option(hostileString.map(str), { nil: undefined }),
    text: hostileString.map(str),
    extra: fc.array(pollution, { maxLength: 3 }),
  })
  .map(({ extra, ...fields }) => bodyOf(fields, extra, 'object'));

const submission = fc.oneof(chaotic, plausible);

const CODES = new Set(Object.keys(ERROR_DEFINITIONS));

describe.each(DIALECTS)('fuzzed submissions on %s', (dialect) => {
  let parley: TestParley;
  let site: Site;
  const accepted: { id: string; sent: Record<string, unknown> }[] = [];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    parley = await startTestParley({ dialect });
    site = await parley.createSite({ moderation: 'first-time', policy: { floodPerMinute: 1000 } });
  });
  afterAll(() => parley?.close());

  test(`${RUNS} generated submissions: never a 500, errors as documented, stored text as sent`, async () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    await fc.assert(
      fc.asyncProperty(submission, async (body) => {
        const res = await parley.http
          .post(`/v1/sites/${site.key}/comments`)
          .set('Content-Type', 'application/json')
          .send(body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        expect(res.text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|RangeError|TypeError/);
        if (res.status !== 202) {
          expect([400, 413, 415, 429]).toContain(res.status);
          expect(CODES.has(res.body.error.code)).toBe(true);
          expect(ERROR_DEFINITIONS[res.body.error.code as keyof typeof ERROR_DEFINITIONS].status).toBe(res.status);
          return;
        }
        const sent = JSON.parse(body) as Record<string, unknown>;
        expect(typeof sent.text).toBe('string');
        const row = await parley.runtime.commentRepository.find(res.body.comment.id);
        // Byte for byte what the author sent, whatever the characters.
        expect(row?.text).toBe(sent.text);
        expect(row?.authorName).toBe((sent.name as string).trim());
        expect(row?.pageId).toBe((sent.pageId as string).trim());
        accepted.push({ id: res.body.comment.id, sent });
      }),
      { numRuns: RUNS, seed: Number(process.env.PARLEY_FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );
    console.info(
      `fuzz (${dialect}): ${RUNS} submissions; answers ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}`,
    );
    // The generator reaches both sides: many accepted, many refused.
    expect(accepted.length).toBeGreaterThan(RUNS / 10);
    expect(RUNS - accepted.length).toBeGreaterThan(RUNS / 10);
    // Nothing was merged into a prototype.
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('an unpaired surrogate is refused (400) rather than stored as replacement characters', async () => {
    const post = (text: string) =>
      parley.http
        .post(`/v1/sites/${site.key}/comments`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ pageId: 'p', name: 'Ann', email: 'ann@example.org', text }));
    for (const text of ['half \uD83D of an emoji', '\uDE00 backwards \uD83D']) {
      const res = await post(text);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ path: 'text', message: expect.stringMatching(/valid Unicode/) }]);
    }
    const whole = await post('a whole one: \uD83D\uDE00');
    expect(whole.status).toBe(202);
    expect((await parley.runtime.commentRepository.find(whole.body.comment.id))?.text).toBe('a whole one: 😀');
  });

  test('the worker decides every accepted one, and the published text is what was stored', async () => {
    expect(accepted.length).toBeGreaterThan(0);
    const repo = parley.runtime.commentRepository;
    await waitFor(
      async () => {
        for (const { id } of accepted) if ((await repo.find(id))?.status === 'pending') return undefined;
        return true;
      },
      { timeoutMs: 90_000, what: 'decisions on every fuzzed comment' },
    );
    for (const { id, sent } of accepted) {
      const row = await repo.find(id);
      expect(row?.text).toBe(sent.text);
      expect(['approved', 'held', 'spam', 'rejected']).toContain(row?.status);
    }
    // Nothing failed in the queue: every job completed.
    const failed = await parley.runtime.moderationQueue.queue.getFailedCount();
    expect(failed).toBe(0);
  });
});
