import { addressHash, signLink, verifyLink } from '../../src/mail/mail-links';
import { excerpt, plainText } from '../../src/mail/mail-text';
import { replyMail } from '../../src/mail/templates';
import { mailLanguage } from '../../src/mail/templates-i18n';

const SECRET = 'unit-test-secret-that-is-long-enough-0123';
const NOW = 1_800_000_000_000;

describe('mail links', () => {
  const link = { kind: 'confirm' as const, addressId: 'a1', expiresAt: NOW + 1000 };

  it('verifies its own signature and refuses a changed, re-signed or expired one', () => {
    const token = signLink(SECRET, link);
    expect(verifyLink(SECRET, token, NOW)).toEqual({ ok: true, link });
    const [payload, sig] = token.split('.');
    const changed = Buffer.from(JSON.stringify({ ...link, addressId: 'a2' })).toString('base64url');
    expect(verifyLink(SECRET, `${changed}.${sig}`, NOW)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyLink(SECRET, signLink(`${SECRET}x`, link), NOW)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyLink(SECRET, `${payload}.${sig}.x`, NOW)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyLink(SECRET, 'not-a-token', NOW)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyLink(SECRET, token, NOW + 2000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('keeps an address as a keyed hash, the same whatever its case', () => {
    expect(addressHash(SECRET, 'Ann@Example.com')).toBe(addressHash(SECRET, 'ann@example.com'));
    expect(addressHash(SECRET, 'ann@example.com')).not.toBe(addressHash(`${SECRET}x`, 'ann@example.com'));
    expect(addressHash(SECRET, 'ann@example.com')).not.toContain('ann');
  });
});

describe('mail text', () => {
  it('turns sanitized HTML into plain text, links followed by their address', () => {
    const html =
      '<p>Hello <strong>you</strong> &amp; me</p><p>See <a href="https://x.example" rel="nofollow ugc noopener">this</a></p>';
    expect(plainText(html)).toBe('Hello you & me\n\nSee this (https://x.example)');
    expect(plainText('<p>&lt;script&gt;</p>')).toBe('<script>');
  });

  it('cuts an excerpt at a word', () => {
    expect(excerpt('one two three four', 9)).toBe('one two…');
    expect(excerpt('short', 10)).toBe('short');
  });

  it('escapes names in the HTML part and picks French for a French site', () => {
    expect(mailLanguage('fr-CA')).toBe('fr');
    expect(mailLanguage('de')).toBe('en');
    const mail = replyMail({
      lang: 'fr',
      site: 'Blog',
      entries: [
        {
          reply: { authorName: '<b>Eve</b>', html: '<p>Hi</p>', page: 'Post', reasons: [] },
          ownExcerpt: 'Mine',
          url: 'https://blog.example/post#comment-1',
        },
      ],
      unsubscribe: { thread: 'https://p.example/mail/unsubscribe/t', site: 'https://p.example/mail/unsubscribe/s' },
    });
    expect(mail.subject).toBe('<b>Eve</b> a répondu à votre commentaire sur Blog');
    expect(mail.html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Eve</b>');
    expect(mail.text).toContain('Ne plus recevoir aucun message de ce site: https://p.example/mail/unsubscribe/s');
  });
});
