import { type ModerationContext, moderate } from '../../src/moderation/pipeline';
import { renderCommentHtml } from '../../src/moderation/render';

function context(overrides: Partial<ModerationContext> = {}): ModerationContext {
  const text = overrides.text ?? 'A perfectly ordinary comment.';
  return {
    text,
    html: renderCommentHtml(text),
    honeypot: undefined,
    maxLength: 5000,
    linkLimit: 2,
    policy: 'none',
    history: { approved: 0, spam: 0 },
    earlierDuplicateId: undefined,
    matchingBan: undefined,
    ...overrides,
  };
}

const checksOf = (ctx: ModerationContext) => moderate(ctx).findings.map((f) => `${f.check}:${f.verdict}`);

describe('moderate', () => {
  it('approves a clean comment on a site that moderates nothing, with no findings', () => {
    expect(moderate(context())).toEqual({ status: 'approved', findings: [] });
  });

  it('applies the site policy last, and only when no check objected', () => {
    expect(moderate(context({ policy: 'all' })).status).toBe('held');
    expect(checksOf(context({ policy: 'all' }))).toEqual(['site-policy:hold']);
    expect(moderate(context({ policy: 'first-time' })).status).toBe('held');
    expect(moderate(context({ policy: 'first-time', history: { approved: 1, spam: 0 } })).status).toBe('approved');
    // The policy adds nothing to a comment that is already spam.
    expect(checksOf(context({ policy: 'all', honeypot: 'x' }))).toEqual(['honeypot:spam']);
  });

  it('ranks spam over reject over hold over approve, and keeps every finding', () => {
    const text = 'x https://a.example https://b.example https://c.example';
    const all = context({ text, honeypot: 'filled', earlierDuplicateId: 'c1', history: { approved: 3, spam: 0 } });
    expect(moderate(all).status).toBe('spam');
    expect(checksOf(all)).toEqual(['honeypot:spam', 'link-count:hold', 'duplicate:reject', 'author-history:approve']);
    expect(moderate(context({ text, earlierDuplicateId: 'c1' })).status).toBe('rejected');
    expect(moderate(context({ text })).status).toBe('held');
  });

  it("never lets a trusted author's standing override spam", () => {
    const ctx = context({ honeypot: 'bot', history: { approved: 50, spam: 0 }, policy: 'first-time' });
    expect(moderate(ctx).status).toBe('spam');
  });

  it('treats an author with spam on record as spam', () => {
    expect(moderate(context({ history: { approved: 2, spam: 1 } })).status).toBe('spam');
  });

  it('holds above the link limit and not at it', () => {
    expect(moderate(context({ text: 'https://a.example https://b.example' })).status).toBe('approved');
    const three = moderate(context({ text: 'https://a.example https://b.example https://c.example' }));
    expect(three.status).toBe('held');
    expect(three.findings[0]).toMatchObject({ check: 'link-count', score: 3 });
    expect(moderate(context({ text: 'https://a.example', linkLimit: 0 })).status).toBe('held');
  });

  it('rejects text over the length limit and text with nothing visible', () => {
    expect(moderate(context({ text: 'x'.repeat(11), maxLength: 10 })).status).toBe('rejected');
    expect(moderate(context({ text: '<br>', html: '' })).status).toBe('rejected');
  });
});
