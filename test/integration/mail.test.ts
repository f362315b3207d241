import type { ParsedMail } from 'mailparser';
import { signLink } from '../../src/mail/mail-links';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';
import { type SmtpReceiver, startSmtpReceiver } from '../helpers/smtp-receiver';

const PUBLIC_URL = 'https://comments.parley.test';
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

/** The links of a mail's plain-text part that point at Parley's mail pages, by kind. */
function links(mail: ParsedMail, kind: 'act' | 'confirm' | 'unsubscribe'): string[] {
  const pattern = new RegExp(`${PUBLIC_URL}/mail/${kind}/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+`, 'g');
  return [...new Set(mail.text?.match(pattern) ?? [])];
}
const pathOf = (url: string) => url.slice(PUBLIC_URL.length);
/** A header as sent (mailparser folds the List-* headers into one object). */
const rawHeader = (mail: ParsedMail, key: string) =>
  mail.headerLines
    .find((h) => h.key === key)
    ?.line.replace(/\r?\n\s+/g, ' ')
    .replace(/^[^:]+:\s*/, '');

describe.each(DIALECTS)('mail on %s', (dialect) => {
  let smtp: SmtpReceiver;
  let parley: TestParley;
  let counter = 0;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    parley = await startTestParley({
      dialect,
      env: {
        PARLEY_SMTP_URL: smtp.url,
        PARLEY_MAIL_FROM: 'Parley <parley@blog.example>',
        PARLEY_PUBLIC_URL: PUBLIC_URL,
        PARLEY_SECRET: SECRET,
        PARLEY_MAIL_RETRY_SCHEDULE: '200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms',
        PARLEY_MAIL_PER_ADDRESS_PER_HOUR: '4',
        // Each comment from an address of its own, so the flood check holds none.
        PARLEY_TRUST_PROXY: 'loopback',
        PARLEY_LOG_LEVEL: process.env.DEBUG_MAIL ? 'debug' : 'silent',
      },
    });
  });
  afterAll(async () => {
    await parley.close();
    await smtp.stop();
  });

  async function submit(site: Site, fields: Record<string, unknown>) {
    counter += 1;
    const res = await parley.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('X-Forwarded-For', `198.51.${Math.floor(counter / 250)}.${counter % 250}`)
      .send({ pageId: 'post', pageUrl: 'https://blog.example/post', text: `Comment number ${counter}`, ...fields });
    expect(res.status).toBe(202);
    return res.body.comment.id as string;
  }

  const statusOf = async (id: string) => (await parley.runtime.commentRepository.find(id))?.status;
  const settled = (id: string) =>
    waitFor(async () => {
      const status = await statusOf(id);
      return status === 'pending' ? undefined : status;
    });

  /** Follows a mail's link as a person does: GET shows a page with a POST form; its POST acts. */
  async function follow(url: string) {
    const page = await parley.http.get(pathOf(url));
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<form method="post" action="${url}">`);
    return parley.http.post(pathOf(url)).type('form').send('');
  }

  async function confirmedReader(site: Site, email: string) {
    const id = await submit(site, { name: 'Rita', email, notifyReplies: true, text: 'What a lovely *post*, thanks' });
    expect(await settled(id)).toBe('approved');
    const [mail] = await smtp.waitFor(email);
    const [confirm] = links(mail.parsed, 'confirm');
    expect((await follow(confirm)).status).toBe(200);
    return id;
  }

  it('answers 409 mail_disabled when no SMTP server is configured', async () => {
    const off = await startTestParley({ dialect, worker: false });
    try {
      const admin = (await off.runtime.tokenService.create({ role: 'admin' })).token;
      const res = await off.http
        .post('/v1/moderation/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ email: 'mod@blog.example', events: ['held'], mode: 'instant' });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('mail_disabled');
    } finally {
      await off.close();
    }
  });

  it('mails a held comment to its confirmed moderator, whose approve link publishes it by POST only, once', async () => {
    const site = await parley.createSite({ moderation: 'all', name: 'Held blog' });
    const { token, record } = await parley.runtime.tokenService.create({ role: 'moderator', siteKey: site.key });
    const auth = { Authorization: `Bearer ${token}` };
    const email = `mod-${dialect}@blog.example`;

    const other = await parley.createSite({ moderation: 'all' });
    const forbidden = await parley.http
      .post('/v1/moderation/notifications')
      .set(auth)
      .send({ email, siteKey: other.key, events: ['held'], mode: 'instant' });
    expect(forbidden.status).toBe(403);
    const invalid = await parley.http.post('/v1/moderation/notifications').set(auth).send({ email: 'nope' });
    expect(invalid.status).toBe(400);

    const created = await parley.http
      .post('/v1/moderation/notifications')
      .set(auth)
      .send({ email, events: ['held'], mode: 'instant' });
    expect(created.status).toBe(201);
    expect(created.body.subscription).toMatchObject({ email, siteKey: site.key, confirmed: false, mode: 'instant' });

    // Nothing but the confirmation until the address confirms.
    const [confirmation] = await smtp.waitFor(email);
    expect(confirmation.parsed.subject).toContain('Confirm your address');
    const [confirm] = links(confirmation.parsed, 'confirm');
    expect((await follow(confirm)).text).toContain('confirmed');
    const list = await parley.http.get('/v1/moderation/notifications').set(auth);
    expect(list.body.subscriptions).toEqual([
      expect.objectContaining({ id: created.body.subscription.id, confirmed: true }),
    ]);

    const commentId = await submit(site, {
      name: 'Hank',
      email: 'hank@readers.example',
      // A link in a comment of some length: held for a person, never condemned on the link alone.
      text: 'Is this **held**? The figures the article quotes are in my notes, see https://hank.example',
    });
    expect(await settled(commentId)).toBe('held');
    const [, held] = await smtp.waitFor(email, 2);
    const mail = held.parsed;
    expect(mail.subject).toBe('Held for review on Held blog: a comment by Hank');
    expect(mail.text).toContain(
      'Is this held? The figures the article quotes are in my notes, see https://hank.example',
    );
    expect(mail.html).toContain('<strong>held</strong>');
    expect(mail.text).toMatch(/Why it was held:\n- \w+/);
    expect(mail.text).toContain(`${PUBLIC_URL}/moderation?status=held&site=${site.key}`);
    expect(held.raw).not.toContain('hank@readers.example');
    expect(held.raw).not.toMatch(/127\.0\.0\.1|::ffff/);
    expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    const [approve, reject, spam] = links(mail, 'act');
    expect([approve, reject, spam].every(Boolean)).toBe(true);

    // A scanner's GET changes nothing.
    const page = await parley.http.get(pathOf(approve));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Is this <strong>held</strong>?');
    expect(await statusOf(commentId)).toBe('held');

    // A forged or expired link: a 4xx page, nothing changed.
    const forged = `${approve.slice(0, -3)}abc`;
    expect((await parley.http.post(pathOf(forged))).status).toBe(400);
    const payload = JSON.parse(Buffer.from(approve.split('/').pop()!.split('.')[0], 'base64url').toString());
    const expired = signLink(SECRET, { ...payload, expiresAt: Date.now() - 1000 });
    const expiredRes = await parley.http.post(`/mail/act/${expired}`);
    expect(expiredRes.status).toBe(410);
    expect(expiredRes.text).toContain('expired');
    const upgraded = signLink('another-secret-that-is-long-enough-0123456789', { ...payload, action: 'approve' });
    expect((await parley.http.post(`/mail/act/${upgraded}`)).status).toBe(400);
    expect(await statusOf(commentId)).toBe('held');

    const done = await parley.http.post(pathOf(approve)).type('form').send('');
    expect(done.status).toBe(200);
    expect(await statusOf(commentId)).toBe('approved');
    const audit = await parley.http.get(`/v1/moderation/audit?commentId=${commentId}`).set(auth);
    expect(audit.body.entries[0]).toMatchObject({ action: 'approve' });
    expect(JSON.stringify(audit.body.entries[0])).toContain(record.id);

    // Single-use: the same link again, or the reject link of the same mail, is refused.
    const again = await parley.http.post(pathOf(approve));
    expect(again.status).toBe(409);
    expect(again.text).toContain('already used');
    expect((await parley.http.get(pathOf(approve))).status).toBe(409);

    const removed = await parley.http.delete(`/v1/moderation/notifications/${created.body.subscription.id}`).set(auth);
    expect(removed.status).toBe(204);
  });

  it('confirms, notifies once per approved reply, never for own replies, and stops on one-click unsubscribe', async () => {
    const site = await parley.createSite({ moderation: 'none', name: 'Open blog' });
    const reader = `rita-${dialect}@readers.example`;
    const sentinel = `sam-${dialect}@readers.example`;
    const ownId = await submit(site, {
      name: 'Rita',
      email: reader,
      notifyReplies: true,
      text: 'What a lovely *post*',
    });
    expect(await settled(ownId)).toBe('approved');
    const [confirmation] = await smtp.waitFor(reader);
    expect(confirmation.parsed.text).toContain('Nothing is sent to this address until you confirm');

    // Before the address confirms, a reply sends nothing.
    const early = await submit(site, {
      name: 'Bob',
      email: 'bob@readers.example',
      parentId: ownId,
      text: 'Early bird',
    });
    expect(await settled(early)).toBe('approved');
    const [confirm] = links(confirmation.parsed, 'confirm');
    expect((await follow(confirm)).status).toBe(200);

    const replyId = await submit(site, {
      name: 'Bob',
      email: 'bob@readers.example',
      parentId: ownId,
      text: 'I agree with **you**',
    });
    const [, notice] = await smtp.waitFor(reader, 2);
    const mail = notice.parsed;
    expect(mail.subject).toBe('Bob replied to your comment on Open blog');
    expect(mail.text).toContain('I agree with you');
    expect(mail.html).toContain('<strong>you</strong>');
    expect(mail.text).toContain('What a lovely post');
    expect(mail.text).toContain(`https://blog.example/post#comment-${replyId}`);
    expect(mail.text).not.toContain('Early bird');
    expect(notice.raw).not.toContain('bob@readers.example');
    const oneClick = /<([^>]+)>/.exec(rawHeader(mail, 'list-unsubscribe')!)![1];
    expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(oneClick).not.toContain('rita');
    expect(Buffer.from(oneClick.split('/').pop()!.split('.')[0], 'base64url').toString()).not.toContain('rita');
    expect(links(mail, 'unsubscribe')).toHaveLength(2);

    // The reader's own reply in the thread mails nobody.
    const own = await submit(site, { name: 'Rita', email: reader, parentId: ownId, text: 'Thanks Bob' });
    expect(await settled(own)).toBe('approved');

    // RFC 8058: the mail client POSTs the one-click body; nothing after it.
    const unsubscribed = await parley.http.post(pathOf(oneClick)).type('form').send('List-Unsubscribe=One-Click');
    expect(unsubscribed.status).toBe(200);
    const late = await submit(site, { name: 'Bob', email: 'bob@readers.example', parentId: ownId, text: 'Hello?' });
    expect(await settled(late)).toBe('approved');
    // A mail written after those replies arrives: the ones before it would have been written first.
    const sentinelId = await submit(site, { name: 'Sam', email: sentinel, notifyReplies: true });
    expect(await settled(sentinelId)).toBe('approved');
    await smtp.waitFor(sentinel);
    const store = parley.runtime.db;
    const replies = await store
      .selectFrom('mail_messages')
      .select(['comment_id', 'status'])
      .where('template', '=', 'reply')
      .where('comment_id', 'in', [early, replyId, own, late])
      .execute();
    expect(replies).toEqual([{ comment_id: replyId, status: 'sent' }]);
    expect(smtp.to(reader)).toHaveLength(2);
  });

  it('unsubscribes one thread only, sends one confirmation per day, and never mails a banned address', async () => {
    const site = await parley.createSite({ moderation: 'none', name: 'Thread blog' });
    const reader = `tess-${dialect}@readers.example`;
    const first = await submit(site, { name: 'Tess', email: reader, notifyReplies: true, text: 'First thread' });
    const second = await submit(site, { name: 'Tess', email: reader, notifyReplies: true, text: 'Second thread' });
    expect(await settled(first)).toBe('approved');
    expect(await settled(second)).toBe('approved');
    const [confirmation] = await smtp.waitFor(reader);
    const confirmations = await parley.runtime.db
      .selectFrom('mail_messages')
      .select('id')
      .where('template', '=', 'confirm')
      .where('site_key', '=', site.key)
      .execute();
    expect(confirmations).toHaveLength(1);
    expect((await follow(links(confirmation.parsed, 'confirm')[0])).status).toBe(200);

    await submit(site, { name: 'Uma', email: 'uma@readers.example', parentId: first, text: 'On the first' });
    const [, notice] = await smtp.waitFor(reader, 2);
    // The visible thread link stops this thread; the other one still mails.
    const [thread] = links(notice.parsed, 'unsubscribe');
    expect((await follow(thread)).text).toContain('unsubscribed');
    const late = await submit(site, { name: 'Uma', email: 'uma@readers.example', parentId: first, text: 'Again' });
    expect(await settled(late)).toBe('approved');
    const other = await submit(site, { name: 'Uma', email: 'uma@readers.example', parentId: second, text: 'On two' });
    const [, , secondNotice] = await smtp.waitFor(reader, 3);
    expect(secondNotice.parsed.text).toContain(`#comment-${other}`);
    const forLate = await parley.runtime.db
      .selectFrom('mail_messages')
      .select('id')
      .where('comment_id', '=', late)
      .execute();
    expect(forLate).toEqual([]);

    // Banned on the site: the notice written before the ban is skipped, not sent.
    const admin = (await parley.runtime.tokenService.create({ role: 'admin' })).token;
    await smtp.stop();
    let stopped = true;
    try {
      const reply = await submit(site, { name: 'Uma', email: 'uma@readers.example', parentId: second, text: 'Ban' });
      expect(await settled(reply)).toBe('approved');
      const ban = await parley.http
        .post('/v1/moderation/bans')
        .set('Authorization', `Bearer ${admin}`)
        .send({ kind: 'email', value: reader, siteKey: site.key });
      expect(ban.status).toBe(201);
      await smtp.start();
      stopped = false;
      const skipped = await waitFor(async () => {
        const row = await parley.runtime.db
          .selectFrom('mail_messages')
          .select(['status', 'smtp_answer'])
          .where('comment_id', '=', reply)
          .executeTakeFirst();
        return row?.status === 'skipped' ? row : undefined;
      });
      expect(skipped.smtp_answer).toBe('banned');
    } finally {
      if (stopped) await smtp.start();
    }
    expect(smtp.to(reader)).toHaveLength(3);
  });

  it('sends nothing while a reply is held, and mails it once approved (in French on a French site)', async () => {
    const site = await parley.createSite({ moderation: 'all', name: 'Blog français', policy: { language: 'fr' } });
    const admin = (await parley.runtime.tokenService.create({ role: 'admin' })).token;
    const act = (id: string, action: string) =>
      parley.http
        .post(`/v1/moderation/comments/${id}/actions`)
        .set('Authorization', `Bearer ${admin}`)
        .send({ action });
    const reader = `lea-${dialect}@readers.example`;
    const ownId = await submit(site, { name: 'Léa', email: reader, notifyReplies: true, text: 'Très bel article' });
    expect(await settled(ownId)).toBe('held');
    expect((await act(ownId, 'approve')).status).toBe(200);
    const [confirmation] = await smtp.waitFor(reader);
    expect(confirmation.parsed.subject).toBe('Confirmez votre adresse pour les réponses sur Blog français');
    expect((await follow(links(confirmation.parsed, 'confirm')[0])).text).toContain('votre adresse est confirmée');

    const replyId = await submit(site, { name: 'Marc', email: 'marc@readers.example', parentId: ownId, text: 'Merci' });
    expect(await settled(replyId)).toBe('held');
    const before = await parley.runtime.db
      .selectFrom('mail_messages')
      .select('id')
      .where('comment_id', '=', replyId)
      .execute();
    expect(before).toEqual([]);
    expect((await act(replyId, 'approve')).status).toBe(200);
    const [, notice] = await smtp.waitFor(reader, 2);
    expect(notice.parsed.subject).toBe('Marc a répondu à votre commentaire sur Blog français');
    expect(notice.parsed.text).toContain('Ne plus recevoir aucun message de ce site');

    // Held again and approved again: still one notice for this reply.
    expect((await act(replyId, 'reject')).status).toBe(200);
    expect((await act(replyId, 'approve')).status).toBe(200);
    const rows = await parley.runtime.db
      .selectFrom('mail_messages')
      .select('id')
      .where('comment_id', '=', replyId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('keeps a mail through an SMTP outage and delivers it when the server is back', async () => {
    const admin = (await parley.runtime.tokenService.create({ role: 'admin' })).token;
    const email = `outage-${dialect}@blog.example`;
    await smtp.stop();
    try {
      const res = await parley.http
        .post('/v1/moderation/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ email, events: ['held'], mode: 'daily' });
      expect(res.status).toBe(201);
      const failed = await waitFor(async () => {
        const row = await parley.runtime.db
          .selectFrom('mail_messages')
          .selectAll()
          .where('template', '=', 'confirm')
          .where('site_key', 'is', null)
          .where('status', '=', 'pending')
          .where('attempts', '>=', 1)
          .executeTakeFirst();
        return row ?? undefined;
      });
      expect(failed.smtp_answer).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await smtp.start();
    }
    const [mail] = await smtp.waitFor(email);
    expect(mail.parsed.subject).toBe('Confirm your address for replies on Parley');
    const log = await waitFor(async () => {
      const row = await parley.runtime.db
        .selectFrom('mail_messages')
        .selectAll()
        .where('template', '=', 'confirm')
        .where('status', '=', 'sent')
        .where('site_key', 'is', null)
        .executeTakeFirst();
      return row ?? undefined;
    });
    expect(Number(log.attempts)).toBeGreaterThanOrEqual(2);
    expect(log.recipient).toBeNull();
    expect(log.recipient_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(log.smtp_answer).toMatch(/^250/);
  });

  it('holds reply notices past the per-address limit for a digest', async () => {
    const site = await parley.createSite({ moderation: 'none', name: 'Busy blog' });
    const reader = `busy-${dialect}@readers.example`;
    const ownId = await confirmedReader(site, reader);
    // The limit is 4 an hour: the confirmation and three notices go out, the rest wait.
    const replies: string[] = [];
    for (let i = 0; i < 5; i++) {
      replies.push(await submit(site, { name: `Fan ${i}`, email: `fan${i}@readers.example`, parentId: ownId }));
    }
    await smtp.waitFor(reader, 4);
    const waiting = await waitFor(async () => {
      const rows = await parley.runtime.db
        .selectFrom('mail_messages')
        .select('comment_id')
        .where('status', '=', 'waiting')
        .where('comment_id', 'in', replies)
        .execute();
      return rows.length === 2 ? rows : undefined;
    });
    expect(waiting).toHaveLength(2);
    expect(smtp.to(reader)).toHaveLength(4);

    // An hour later (the log says so), the digest carries both.
    await parley.runtime.db
      .updateTable('mail_messages')
      .set({ sent_at: Date.now() - 2 * 3600_000 })
      .where('status', '=', 'sent')
      .execute();
    expect(await parley.runtime.mail!.delivery.writeDigests()).toBeGreaterThanOrEqual(1);
    const [digest] = (await smtp.waitFor(reader, 5)).slice(4);
    expect(digest.parsed.subject).toBe('2 new replies to your comments on Busy blog');
    for (const id of waiting) expect(digest.parsed.text).toContain(`#comment-${id.comment_id}`);
  });

  it('sends a moderator digest of the held comments, and none when nothing is held', async () => {
    const site = await parley.createSite({ moderation: 'all', name: 'Digest blog' });
    const { token } = await parley.runtime.tokenService.create({ role: 'moderator', siteKey: site.key });
    const email = `digest-${dialect}@blog.example`;
    const created = await parley.http
      .post('/v1/moderation/notifications')
      .set('Authorization', `Bearer ${token}`)
      .send({ email, events: ['held'], mode: 'hourly' });
    const [confirmation] = await smtp.waitFor(email);
    await follow(links(confirmation.parsed, 'confirm')[0]);
    const backdate = () =>
      parley.runtime.db
        .updateTable('mail_subscriptions')
        .set({ last_digest_at: Date.now() - 2 * 3600_000 })
        .where('id', '=', created.body.subscription.id)
        .execute();

    await backdate();
    await parley.runtime.mail!.delivery.writeDigests();
    const none = await parley.runtime.db
      .selectFrom('mail_messages')
      .select('id')
      .where('subscription_id', '=', created.body.subscription.id)
      .execute();
    expect(none).toEqual([]);

    const held = await submit(site, { name: 'Dora', email: 'dora@readers.example', text: 'Digest me' });
    expect(await settled(held)).toBe('held');
    await backdate();
    expect(await parley.runtime.mail!.delivery.writeDigests()).toBeGreaterThanOrEqual(1);
    const [, digest] = await smtp.waitFor(email, 2);
    expect(digest.parsed.subject).toBe('1 comment(s) waiting for review on Digest blog');
    expect(digest.parsed.text).toContain('Digest me');
    expect(links(digest.parsed, 'act')).toHaveLength(3);
  });

  it('exports and erases subscriptions and the delivery log of an address, through the privacy routes', async () => {
    const site = await parley.createSite({ moderation: 'none' });
    const reader = `private-${dialect}@readers.example`;
    await confirmedReader(site, reader);
    const admin = (await parley.runtime.tokenService.create({ role: 'admin' })).token;
    const privacy = (action: 'export' | 'erase') =>
      parley.http.post(`/v1/admin/privacy/${action}`).set('Authorization', `Bearer ${admin}`).send({ email: reader });
    const exported = await privacy('export');
    expect(exported.status).toBe(200);
    expect(exported.body.data.mailSubscriptions).toEqual([expect.objectContaining({ email: reader, confirmed: true })]);
    expect(exported.body.data.mailDeliveries).toEqual([
      expect.objectContaining({ template: 'confirm', status: 'sent' }),
    ]);
    const erased = await privacy('erase');
    expect(erased.status).toBe(200);
    expect(erased.body.erased.mailSubscriptions).toBeGreaterThan(0);
    expect(erased.body.erased.mailDeliveries).toBeGreaterThan(0);
    const after = await privacy('export');
    expect(after.body.data.mailSubscriptions).toEqual([]);
    expect(after.body.data.mailDeliveries).toEqual([]);
  });
});
