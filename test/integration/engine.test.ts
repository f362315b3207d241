import type { Site } from '../../src/sites/site-repository';
import { startAkismetServer } from '../helpers/akismet-server';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';

describe.each(DIALECTS)('moderation engine on %s', (dialect) => {
  let parley: TestParley;
  let admin: string;
  let counter = 0;

  beforeAll(async () => {
    parley = await startTestParley({ dialect, env: { PARLEY_TRUST_PROXY: 'loopback' } });
    admin = (await parley.runtime.tokenService.create({ role: 'admin' })).token;
  });
  afterAll(() => parley.close());

  const patchSite = (site: Site, body: object) =>
    parley.http.patch(`/v1/admin/sites/${site.key}`).set('Authorization', `Bearer ${admin}`).send(body);

  /** Each comment from its own IP unless one is given, so only the flood test floods. */
  async function submit(site: Site, overrides: Record<string, unknown> = {}, ip?: string, on: TestParley = parley) {
    counter += 1;
    ip ??= `198.51.100.${counter}`;
    const res = await on.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('X-Forwarded-For', ip)
      .set('User-Agent', 'Mozilla/5.0 (test)')
      .send({
        pageId: 'engine',
        pageUrl: 'https://blog.example/engine',
        name: `Reader ${counter}`,
        email: `reader${counter}@example.com`,
        text: `An ordinary remark, number ${counter}.`,
        ...overrides,
      });
    expect(res.status).toBe(202);
    const id = res.body.comment.id as string;
    const row = await waitFor(async () => {
      const found = await parley.runtime.commentRepository.find(id);
      return found?.status === 'pending' ? undefined : found;
    });
    return { id, status: row.status, findings: row.findings, authorToken: res.body.authorToken as string };
  }

  it('changes a site policy through the admin API, validated by its schema', async () => {
    const site = await parley.createSite();
    const res = await patchSite(site, {
      policy: { blockList: ['casino', 'viagr*'], watchList: ['refund'], profanity: 'reject' },
    });
    expect(res.status).toBe(200);
    expect(res.body.policy).toMatchObject({ blockList: ['casino', 'viagr*'], profanity: 'reject', floodPerMinute: 5 });
    const kept = await patchSite(site, { linkLimit: 4, policy: { floodPerMinute: 10 } });
    expect(kept.body).toMatchObject({ linkLimit: 4, policy: { blockList: ['casino', 'viagr*'], floodPerMinute: 10 } });

    expect((await patchSite(site, { policy: { profanity: 'shout' } })).status).toBe(400);
    expect((await patchSite(site, { policy: { unknownSetting: 1 } })).status).toBe(400);
    expect((await patchSite(site, { policy: { spamThreshold: 2 } })).body.error.details[0].path).toBe(
      'policy.spamThreshold',
    );
    expect(
      (await parley.http.patch('/v1/admin/sites/site_nope').set('Authorization', `Bearer ${admin}`).send({ name: 'x' }))
        .status,
    ).toBe(404);

    expect(await submit(site, { text: 'Cheap VIAGRA here' })).toMatchObject({
      status: 'spam',
      findings: [expect.objectContaining({ check: 'word-lists' })],
    });
    expect(await submit(site, { text: 'I want a refund' })).toMatchObject({ status: 'held' });
    expect(await submit(site, { text: 'You are a piece of shit' })).toMatchObject({ status: 'rejected' });
    expect((await submit(site, { text: 'A calm and kind remark.' })).status).toBe('approved');
  });

  it('trusts an approved author only with proof: the author token of their published comment, not their email', async () => {
    const site = await parley.createSite({ moderation: 'first-time' });
    const email = 'regular.reader@example.com';
    const first = await submit(site, { email, text: 'My first comment on this blog, about the harbour plans.' });
    expect(first.status).toBe('held');
    const approved = await parley.http
      .post(`/v1/moderation/comments/${first.id}/actions`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ action: 'approve' });
    expect(approved.status).toBe(200);

    // Someone else types the trusted author's email: still a first-time author.
    const impostor = await submit(site, { email, text: 'Another view on the harbour plans.' });
    expect(impostor.status).toBe('held');
    expect(impostor.findings).not.toContainEqual(expect.objectContaining({ check: 'author-history' }));
    // A proof from another author's comment proves nothing for this email.
    const stranger = await submit(site, { text: 'A stranger on the harbour plans.' });
    const borrowed = await submit(site, { email, authorProof: stranger.authorToken, text: 'Borrowed proof.' });
    expect(borrowed.status).toBe('held');
    // The author, whose browser kept the token of the published comment, is trusted.
    const author = await submit(site, {
      email,
      authorProof: first.authorToken,
      text: 'Back again on the harbour plans.',
    });
    expect(author.status).toBe('approved');
    expect(author.findings).toContainEqual(expect.objectContaining({ check: 'author-history', verdict: 'approve' }));
  });

  it('springs the time trap on a form sent too fast, and lets a patient one through', async () => {
    const site = await parley.createSite();
    await patchSite(site, { policy: { minSubmitSeconds: 1 } });
    const token = async () => (await parley.http.get(`/v1/sites/${site.key}/form-token`)).body.formToken as string;

    const fast = await submit(site, { formToken: await token() });
    expect(fast.status).toBe('held');
    expect(fast.findings).toContainEqual(expect.objectContaining({ check: 'time-trap', verdict: 'hold' }));

    const patient = await token();
    await new Promise((r) => setTimeout(r, 1100));
    const patientResult = await submit(site, { formToken: patient });
    expect(patientResult.findings).toEqual([]);
    expect(patientResult.status).toBe('approved');

    const forged = `${Date.now() - 60_000}.AAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA`;
    expect((await submit(site, { formToken: forged })).status).toBe('spam');
  });

  it('holds a flood from one IP, counted in Redis across two workers', async () => {
    const site = await parley.createSite();
    const second = await startTestParley({ dialect, shareWith: parley });
    try {
      const results = [];
      for (let i = 0; i < 7; i += 1)
        results.push(await submit(site, { text: `flood number ${i}` }, '192.0.2.77', i % 2 ? second : parley));
      expect(results.slice(0, 5).map((r) => r.status)).toEqual(Array(5).fill('approved'));
      expect(results.slice(5).map((r) => r.status)).toEqual(['held', 'held']);
      expect(results[6].findings).toContainEqual(expect.objectContaining({ check: 'flood', verdict: 'hold' }));
      expect((await submit(site, { text: 'someone else entirely' }, '192.0.2.78')).status).toBe('approved');
    } finally {
      await second.close();
    }
  });

  it('calls the same text from the same author on another page spam', async () => {
    const site = await parley.createSite();
    const text = 'Loved the photos from the harbour walk!!';
    expect((await submit(site, { email: 'repeat@example.com', text, pageId: 'one' })).status).toBe('approved');
    const again = await submit(site, { email: 'repeat@example.com', text, pageId: 'two' });
    expect(again.status).toBe('spam');
    expect(again.findings).toContainEqual(expect.objectContaining({ check: 'flood', verdict: 'spam' }));
  });

  /** Acts as a moderator, then waits until the feedback job of that decision has run. */
  async function act(token: string, id: string, action: string) {
    const res = await parley.http
      .post(`/v1/moderation/comments/${id}/actions`)
      .set('Authorization', `Bearer ${token}`)
      .send({ action });
    expect(res.status).toBe(200);
    if (res.body.previousStatus === res.body.comment.status) return;
    await waitFor(
      async () => {
        const job = await parley.runtime.feedbackQueue.queue.getJob(`${id}.v${res.body.comment.version}`);
        return (await job?.getState()) === 'completed' ? job : undefined;
      },
      { what: 'the feedback job' },
    );
  }
  const spamScore = async (text: string, siteKey: string) =>
    (await parley.runtime.contentClassifier.score({ text, website: null, siteKey })).spam!.score;

  it("learns a site moderator's decision for that site, through the feedback queue", async () => {
    const site = await parley.createSite({ moderation: 'all' });
    const moderator = (await parley.runtime.tokenService.create({ role: 'moderator', siteKey: site.key })).token;
    const pitch = 'Fresh vorpal blades at the vorpal emporium, blades for every hand';
    const before = await spamScore(pitch, site.key);
    const held = await submit(site, { text: pitch });
    expect(held.status).toBe('held');
    await act(moderator, held.id, 'spam');
    expect(await spamScore(pitch, site.key)).toBeGreaterThan(before + 0.1);
    const summary = await parley.runtime.modelLayers.summary();
    expect(summary).toContainEqual(
      expect.objectContaining({ judgement: 'spam', layer: `site:${site.key}`, examples: 1, positive: 1 }),
    );
  });

  it('cannot be gamed: flipping one comment between hold and spam 30 times teaches one example, to one site', async () => {
    const attacked = await parley.createSite({ moderation: 'all' });
    const other = await parley.createSite({ moderation: 'none' });
    const moderator = (await parley.runtime.tokenService.create({ role: 'moderator', siteKey: attacked.key })).token;
    // A genuine comment the other site gets, and one close to it that the attacker flips.
    const genuine = 'I bought the new edition of this book and the chapter on tides is wonderful';
    const flipped = await submit(attacked, {
      text: 'I bought the new edition of this book and the chapter on tides is excellent',
    });
    const instance = () =>
      parley.runtime.modelLayers.summary().then((layers) => layers.filter((l) => l.layer === 'instance'));
    const otherBefore = await spamScore(genuine, other.key);
    const instanceBefore = await instance();

    for (let i = 0; i < 30; i += 1) await act(moderator, flipped.id, i % 2 === 0 ? 'spam' : 'hold');
    await act(moderator, flipped.id, 'spam');

    const layers = await parley.runtime.modelLayers.summary();
    expect(layers.filter((l) => l.layer === `site:${attacked.key}`)).toEqual([
      expect.objectContaining({ judgement: 'spam', examples: 1, positive: 1 }),
    ]);
    expect(await instance()).toEqual(instanceBefore);
    expect(await spamScore(genuine, other.key)).toBeCloseTo(otherBefore, 6);
    const published = await submit(other, { text: genuine });
    expect(published.status).toBe('approved');
  });

  describe('Akismet', () => {
    it('asks Akismet with every field it accepts, holds on error, and reports decisions back', async () => {
      const akismet = await startAkismetServer({ apiKey: 'abc123' });
      const withAkismet = await startTestParley({
        dialect,
        shareWith: parley,
        env: { PARLEY_AKISMET_KEY: 'abc123', PARLEY_AKISMET_URL: akismet.url, PARLEY_TRUST_PROXY: 'loopback' },
      });
      try {
        await parley.worker!.close(); // only the Akismet-enabled worker takes jobs now
        const site = await parley.createSite();
        const spam = await submit(site, { name: 'akismet-guaranteed-spam' }, '198.51.100.9', withAkismet);
        expect(spam.status).toBe('spam');
        expect(spam.findings).toContainEqual(expect.objectContaining({ check: 'akismet', verdict: 'spam' }));
        const check = akismet.requests.find((r) => r.method === 'comment-check')!;
        expect(check.fields).toMatchObject({
          api_key: 'abc123',
          blog: 'https://blog.example',
          user_ip: '198.51.100.9',
          user_agent: 'Mozilla/5.0 (test)',
          permalink: 'https://blog.example/engine',
          comment_type: 'comment',
          comment_author: 'akismet-guaranteed-spam',
          comment_content: expect.stringContaining('ordinary remark'),
        });
        expect(check.fields.comment_author_email).toMatch(/@example\.com$/);

        const res = await withAkismet.http
          .post(`/v1/moderation/comments/${spam.id}/actions`)
          .set('Authorization', `Bearer ${admin}`)
          .send({ action: 'approve' });
        expect(res.status).toBe(200);
        await waitFor(async () => (akismet.requests.some((r) => r.method === 'submit-ham') ? true : undefined), {
          what: 'submit-ham',
        });

        akismet.state.failing = true;
        const during = await submit(site, {}, '198.51.100.10', withAkismet);
        expect(during.status).toBe('held');
        expect(during.findings).toContainEqual(expect.objectContaining({ check: 'akismet', verdict: 'hold' }));
      } finally {
        await withAkismet.close();
        await akismet.close();
        parley.startWorker();
      }
    });
  });
});
