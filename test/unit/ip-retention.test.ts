import { anonymizeIp } from '../../src/privacy/ip-retention';

describe('anonymizeIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['::ffff:198.51.100.23', '198.51.100.0/24'],
    ['2001:db8:85a3::8a2e:370:7334', '2001:db8:85a3::/48'],
    ['2001:0db8:0000:0042:0000:8a2e:0370:7334', '2001:db8:0::/48'],
    ['2001:db8::42', '2001:db8:0::/48'],
    ['::1', '0:0:0::/48'],
  ])('cuts %s to %s', (ip, expected) => {
    expect(anonymizeIp(ip)).toBe(expected);
  });

  it('answers nothing for what is no IP', () => {
    expect(anonymizeIp('unknown')).toBeUndefined();
    expect(anonymizeIp('')).toBeUndefined();
  });
});
