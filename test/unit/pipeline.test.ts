import type { ModerationContext } from '../../src/moderation/moderation-context';
import { decide } from '../../src/moderation/pipeline';
import { renderCommentHtml } from '../../src/comments/render';
import { sitePolicySchema } from '../../src/sites/policy-schema';

type Overrides = {
  comment?: Partial<ModerationContext['comment']>;
  site?: Partial<ModerationContext['site']>;
} & Partial<Omit<ModerationContext, 'comment' | 'site'>>;

function context(overrides: Overrides = {}): ModerationContext {
  const text = overrides.comment?.text ?? 'A perfectly ordinary comment.';
  const { comment, site, ...rest } = overrides;
  return {
    comment: {
      text,
      html: renderCommentHtml(text),
      name: 'Ann',
      email: 'ann@example.com',
      website: null,
      submittedAt: 1_800_000_000_000,
      honeypot: undefined,
      formToken: undefined,
      ...comment,
    },
    site: {
      moderation: 'none',
      linkLimit: 2,
      maxLength: 5000,
      ownDomains: ['blog.example'],
      policy: sitePolicySchema.parse({}),
      ...site,
    },
    history: { approved: 0, spam: 0, lastModerated: undefined, proven: false },
    earlierDuplicateId: undefined,
    matchingBan: undefined,
    flood: { perIpLastMinute: 1, perEmailLastMinute: 1, sameTextLastDay: 0 },
    content: undefined,
    ...rest,
  };
}

const checksOf = (ctx: ModerationContext) => decide(ctx).findings.map((f) => `${f.check}:${f.verdict}`);
const trusted = { approved: 1, spam: 0, lastModerated: 'approved' as const, proven: true };

describe('decide', () => {
  it('approves a clean comment on a site that moderates nothing, with no findings', () => {
    expect(decide(context())).toEqual({ status: 'approved', findings: [] });
  });

  it('applies the site policy last, and only when no check objected', () => {
    expect(checksOf(context({ site: { moderation: 'all' } }))).toEqual(['site-policy:hold']);
    expect(decide(context({ site: { moderation: 'first-time' } })).status).toBe('held');
    expect(decide(context({ site: { moderation: 'first-time' }, history: trusted })).status).toBe('approved');
    // An approved author's email without the proof that this is them earns no trust.
    const claimed = { ...trusted, proven: false };
    expect(decide(context({ site: { moderation: 'first-time' }, history: claimed })).status).toBe('held');
    expect(checksOf(context({ site: { moderation: 'first-time' }, history: claimed }))).toEqual(['site-policy:hold']);
    // The policy adds nothing to a comment that is already spam.
    expect(checksOf(context({ site: { moderation: 'all' }, comment: { honeypot: 'x' } }))).toEqual(['honeypot:spam']);
  });

  it('ranks spam over reject over hold over approve, and keeps every finding', () => {
    const text = 'x https://a.example https://b.example https://c.example';
    const all = context({ comment: { text, honeypot: 'filled' }, earlierDuplicateId: 'c1', history: trusted });
    expect(decide(all).status).toBe('spam');
    expect(checksOf(all)).toEqual(['honeypot:spam', 'link-count:hold', 'duplicate:reject', 'author-history:approve']);
    expect(decide(context({ comment: { text }, earlierDuplicateId: 'c1' })).status).toBe('rejected');
    expect(decide(context({ comment: { text } })).status).toBe('held');
  });

  it("never lets a trusted author's standing override spam", () => {
    const ctx = context({
      comment: { honeypot: 'bot' },
      history: { approved: 50, spam: 0, lastModerated: 'approved', proven: true },
      site: { moderation: 'first-time' },
    });
    expect(decide(ctx).status).toBe('spam');
  });

  it('treats an author as spam while their latest judged comment is spam, and trusts them once a moderator approves again', () => {
    expect(decide(context({ history: { approved: 2, spam: 1, lastModerated: 'spam', proven: false } })).status).toBe(
      'spam',
    );
    expect(
      decide(
        context({
          history: { approved: 2, spam: 1, lastModerated: 'approved', proven: true },
          site: { moderation: 'first-time' },
        }),
      ).status,
    ).toBe('approved');
  });

  it('holds above the link limit and not at it', () => {
    expect(decide(context({ comment: { text: 'https://a.example https://b.example' } })).status).toBe('approved');
    const three = decide(context({ comment: { text: 'https://a.example https://b.example https://c.example' } }));
    expect(three.status).toBe('held');
    expect(three.findings[0]).toMatchObject({ check: 'link-count', score: 3 });
    expect(decide(context({ comment: { text: 'https://a.example' }, site: { linkLimit: 0 } })).status).toBe('held');
  });

  it('rejects text over the length limit and text with nothing visible', () => {
    expect(decide(context({ comment: { text: 'x'.repeat(11) }, site: { maxLength: 10 } })).status).toBe('rejected');
    expect(decide(context({ comment: { text: '<br>', html: '' } })).status).toBe('rejected');
  });

  it('rejects a banned author', () => {
    const ban = {
      id: 'b',
      siteKey: null,
      kind: 'email' as const,
      value: 'ann@example.com',
      reason: 'troll',
      expiresAt: null,
      createdBy: 't',
      createdAt: '',
    };
    expect(checksOf(context({ matchingBan: ban, history: trusted }))).toEqual(['ban:reject', 'author-history:approve']);
    expect(decide(context({ matchingBan: ban })).findings[0].reason).toMatch(/banned on every site: troll/);
  });

  it('applies the word lists, profanity and disposable email from the site policy', () => {
    const policy = sitePolicySchema.parse({ blockList: ['casino'], watchList: ['refund*'] });
    expect(checksOf(context({ comment: { text: 'Best CASINO bonus' }, site: { policy } }))).toEqual([
      'word-lists:spam',
    ]);
    expect(checksOf(context({ comment: { text: 'I want refunds now' }, site: { policy } }))).toEqual([
      'word-lists:hold',
    ]);
    expect(checksOf(context({ comment: { text: 'You are a piece of shit' } }))).toEqual(['profanity:hold']);
    // A rude word used, not aimed at anyone, is left to the abuse judgement.
    expect(checksOf(context({ comment: { text: 'What a load of shit that budget is' } }))).toEqual([]);
    const relaxed = sitePolicySchema.parse({ profanity: 'ignore', disposableEmail: 'ignore' });
    expect(
      checksOf(
        context({ comment: { text: 'You are a piece of shit', email: 'x@mailinator.com' }, site: { policy: relaxed } }),
      ),
    ).toEqual([]);
    expect(checksOf(context({ comment: { email: 'x@mailinator.com' } }))).toEqual(['disposable-email:hold']);
  });

  it('holds a flood and calls a repeated text on another page spam, but leaves a same-page double submit to the duplicate check', () => {
    expect(checksOf(context({ flood: { perIpLastMinute: 6, perEmailLastMinute: 1, sameTextLastDay: 0 } }))).toEqual([
      'flood:hold',
    ]);
    expect(checksOf(context({ flood: { perIpLastMinute: 5, perEmailLastMinute: 5, sameTextLastDay: 0 } }))).toEqual([]);
    expect(checksOf(context({ flood: { perIpLastMinute: 1, perEmailLastMinute: 2, sameTextLastDay: 1 } }))).toEqual([
      'flood:spam',
    ]);
    expect(
      checksOf(
        context({ flood: { perIpLastMinute: 1, perEmailLastMinute: 2, sameTextLastDay: 1 }, earlierDuplicateId: 'c1' }),
      ),
    ).toEqual(['duplicate:reject']);
  });

  it('turns the spam score into spam, hold or no opinion through the thresholds, and the abuse score into a hold', () => {
    const judged = (score: number, evidence = [{ feature: 'sig:phone-support', logit: 6 }]) => ({
      score,
      logit: Math.log(score / (1 - score)),
      known: 1,
      evidence,
      linkLogit: 0,
      lexical: 20,
    });
    const formToken = { valid: true as const, issuedAt: 1_799_999_990_000 };
    const scored = (spam: number) => checksOf(context({ content: { spam: judged(spam) }, comment: { formToken } }));
    expect(scored(0.9)).toEqual(['spam:spam']);
    expect(scored(0.3)).toEqual(['spam:hold']);
    expect(scored(0.05)).toEqual([]);
    // Without a form token the hold threshold is lower: a weak signal, not a verdict.
    expect(checksOf(context({ content: { spam: judged(0.1) } }))).toEqual(['spam:hold']);
    // Words the model barely knows can hold a comment, never condemn it.
    expect(
      checksOf(
        context({
          content: { spam: { ...judged(0.9, [{ feature: 'w:zork', logit: 3 }]), known: 0.2 } },
          comment: { formToken },
        }),
      ),
    ).toEqual(['spam:hold']);
    expect(checksOf(context({ content: { abuse: judged(0.9, [{ feature: 'd:idiot', logit: 2 }]) } }))).toEqual([
      'abuse:hold',
    ]);
    const rejecting = sitePolicySchema.parse({ abuse: 'reject' });
    expect(decide(context({ content: { abuse: judged(0.9) }, site: { policy: rejecting } })).status).toBe('rejected');
    expect(checksOf(context({ content: { abuse: judged(0.5) } }))).toEqual([]);
    // A site that lets contempt through judges the comment without it.
    const contemptuous = judged(0.9, [{ feature: 'sig:contempt', logit: 2.5 }]);
    expect(checksOf(context({ content: { abuse: contemptuous } }))).toEqual(['abuse:hold']);
    const blunt = sitePolicySchema.parse({ contempt: 'ignore' });
    expect(checksOf(context({ content: { abuse: contemptuous }, site: { policy: blunt } }))).toEqual([]);
    expect(checksOf(context({ content: undefined }))).toEqual([]);
  });

  it('holds a comment written in another script than the site language', () => {
    const russian = 'Это очень интересная статья, спасибо автору за работу';
    expect(checksOf(context({ comment: { text: russian } }))).toEqual(['language:hold']);
    expect(
      checksOf(context({ comment: { text: russian }, site: { policy: sitePolicySchema.parse({ language: 'ru' }) } })),
    ).toEqual([]);
    expect(checksOf(context({ comment: { text: 'Un commentaire tout à fait ordinaire, merci.' } }))).toEqual([]);
  });

  it('springs the time trap on forged, too fast and stale form tokens', () => {
    const at = 1_800_000_000_000;
    const token = (issuedAt: number) => ({ valid: true as const, issuedAt });
    expect(checksOf(context({ comment: { formToken: { valid: false } } }))).toEqual(['time-trap:spam']);
    expect(checksOf(context({ comment: { formToken: token(at - 1000) } }))).toEqual(['time-trap:hold']);
    expect(checksOf(context({ comment: { formToken: token(at - 30_000) } }))).toEqual([]);
    expect(checksOf(context({ comment: { formToken: token(at - 25 * 3600_000) } }))).toEqual(['time-trap:hold']);
    expect(checksOf(context({ site: { policy: sitePolicySchema.parse({ requireFormToken: true }) } }))).toEqual([
      'time-trap:hold',
    ]);
  });

  it('asks about link targets: shorteners and IP hosts held, blocked domains spam, own site fine', () => {
    const policy = sitePolicySchema.parse({ blockedLinkDomains: ['pills.example'] });
    expect(checksOf(context({ comment: { text: 'see https://bit.ly/x' } }))).toEqual(['link-content:hold']);
    expect(checksOf(context({ comment: { text: 'see http://192.0.2.1/x' } }))).toEqual(['link-content:hold']);
    expect(checksOf(context({ comment: { text: 'buy https://shop.pills.example' }, site: { policy } }))).toEqual([
      'link-content:spam',
    ]);
    expect(checksOf(context({ comment: { website: 'https://pills.example' }, site: { policy } }))).toEqual([
      'link-content:spam',
    ]);
    expect(checksOf(context({ comment: { text: 'as I wrote in https://blog.example/earlier-post' } }))).toEqual([]);
  });

  it('reports an Akismet error as a hold, never an approval', () => {
    expect(checksOf(context({ akismet: new Error('timeout') }))).toEqual(['akismet:hold']);
    expect(checksOf(context({ akismet: { spam: true, discard: false } }))).toEqual(['akismet:spam']);
    expect(checksOf(context({ akismet: { spam: false, discard: false } }))).toEqual([]);
  });
});
