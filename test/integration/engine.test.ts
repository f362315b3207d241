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
    admin = (await parley.runtime.tokens.create({ role: 'admin' })).token;
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
      .send({ pageId: 'engine', pageUrl: 'https://blog.example/engine', name: `Reader ${counter}`, email: `reader${counter}@example.com`, text: `An ordinary remark, number ${counter}.`, ...overrides });
    expect(res.status).toBe(202);
    const id = res.body.comment.id as string;
    const row = await waitFor(async () => {
      const found = await parley.runtime.commentRepository.find(id);
      return found?.status === 'pending' ? undefined : found;
    });
    return { id, status: row.status, findings: JSON.parse(row.findings) as { check: string; verdict: string }[] };
  }

  it('changes a site policy through the admin API, validated by its schema', async () => {
    const site = await parley.createSite();
    const res = await patchSite(site, { policy: { blockList: ['casino', 'viagr*'], watchList: ['refund'], profanity: 'reject' } });
    expect(res.status).toBe(200);
    expect(res.body.policy).toMatchObject({ blockList: ['casino', 'viagr*'], profanity: 'reject', floodPerMinute: 5 });
    const kept = await patchSite(site, { linkLimit: 4, policy: { floodPerMinute: 10 } });
    expect(kept.body).toMatchObject({ linkLimit: 4, policy: { blockList: ['casino', 'viagr*'], floodPerMinute: 10 } });

    expect((await patchSite(site, { policy: { profanity: 'shout' } })).status).toBe(400);
    expect((await patchSite(site, { policy: { unknownSetting: 1 } })).status).toBe(400);
    expect((await patchSite(site, { policy: { classifierSpamThreshold: 2 } })).body.error.details[0].path).toBe('policy.classifierSpamThreshold');
    expect((await parley.http.patch('/v1/admin/sites/site_nope').set('Authorization', `Bearer ${admin}`).send({ name: 'x' })).status).toBe(404);

    expect(await submit(site, { text: 'Cheap VIAGRA here' })).toMatchObject({ status: 'spam', findings: [expect.objectContaining({ check: 'word-lists' })] });
    expect(await submit(site, { text: 'I want a refund' })).toMatchObject({ status: 'held' });
    expect(await submit(site, { text: 'What a load of shit' })).toMatchObject({ status: 'rejected' });
    expect((await submit(site, { text: 'A calm and kind remark.' })).status).toBe('approved');
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
      for (let i = 0; i < 7; i += 1) results.push(await submit(site, { text: `flood number ${i}` }, '192.0.2.77', i % 2 ? second : parley));
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
    const text = 'Check my channel for the best videos!!';
    expect((await submit(site, { email: 'repeat@example.com', text, pageId: 'one' })).status).toBe('approved');
    const again = await submit(site, { email: 'repeat@example.com', text, pageId: 'two' });
    expect(again.status).toBe('spam');
    expect(again.findings).toContainEqual(expect.objectContaining({ check: 'flood', verdict: 'spam' }));
  });

  it('learns from moderator decisions through the feedback queue', async () => {
    const site = await parley.createSite({ moderation: 'all' });
    const { classifier } = parley.runtime;
    const sample = { text: 'subscribe to my channel for free gift cards', name: 'x', website: null, links: 0 };
    // Past the untrained stage, so the classifier reports how many examples it has.
    for (let i = 0; i < 12; i += 1) {
      await classifier.learn({ ...sample, text: `win free gift cards now ${i}` }, 'spam');
      await classifier.learn({ ...sample, text: `thoughtful reply about the article ${i}` }, 'ham');
    }
    const before = (await classifier.score(sample))!.examples;

    const held = await submit(site, { text: 'subscribe to my channel for free gift cards' });
    expect(held.status).toBe('held');
    const res = await parley.http.post(`/v1/moderation/comments/${held.id}/actions`).set('Authorization', `Bearer ${admin}`).send({ action: 'spam' });
    expect(res.status).toBe(200);
    const learned = await waitFor(async () => {
      const job = await parley.runtime.feedbackQueue.queue.getJob(`${held.id}.v${res.body.comment.version}`);
      return (await job?.getState()) === 'completed' ? job : undefined;
    }, { what: 'the feedback job' });
    expect(learned.returnvalue).toBe(true);
    const after = await waitFor(async () => {
      const score = await classifier.score(sample);
      return score && score.examples.spam > before.spam ? score : undefined;
    }, { what: 'the classifier to count the new spam example' });
    expect(after.examples.spam).toBe(before.spam + 1);
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
        await waitFor(async () => (akismet.requests.some((r) => r.method === 'submit-ham') ? true : undefined), { what: 'submit-ham' });

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
