import { normalizeAddress, TargetPolicy, TargetRefused } from '../../src/webhooks/target-policy';

const at = (host: string) => new URL(`http://${host.includes(':') ? `[${host}]` : host}/hook`);

describe('webhook target policy', () => {
  const strict = new TargetPolicy({ strict: true, allowlist: [] });

  it('accepts public IPv4 and IPv6 addresses in production, also written as IPv4-mapped IPv6', async () => {
    for (const host of [
      '93.184.216.34',
      '8.8.8.8',
      '2606:4700:4700::1111',
      '::ffff:93.184.216.34',
      '::ffff:5db8:d822',
    ]) {
      await expect(strict.resolve(at(host))).resolves.toMatchObject({ address: expect.any(String) });
    }
  });

  it('refuses private, loopback and metadata addresses in production, however they are written', async () => {
    for (const host of [
      '10.1.2.3',
      '127.0.0.1',
      '192.168.1.1',
      '::1',
      'fd00::1',
      '169.254.169.254',
      '::ffff:127.0.0.1',
      '::ffff:a9fe:a9fe',
      '::ffff:10.0.0.1',
    ]) {
      await expect(strict.resolve(at(host))).rejects.toThrow(TargetRefused);
    }
  });

  it('refuses link-local, metadata and the IPv6 wrappers of IPv4 in every mode, whatever the allowlist says', async () => {
    const wide = new TargetPolicy({ strict: true, allowlist: ['0.0.0.0/0', '::/0'] });
    const relaxed = new TargetPolicy({ strict: false, allowlist: [] });
    for (const host of [
      '169.254.169.254',
      'fe80::1',
      '::7f00:1',
      '::ffff:0:7f00:1',
      '64:ff9b::7f00:1',
      '64:ff9b:1::a00:1',
      '2002:7f00:1::',
      'fec0::1',
    ]) {
      await expect(wide.resolve(at(host))).rejects.toThrow(/link-local or metadata/);
      await expect(relaxed.resolve(at(host))).rejects.toThrow(TargetRefused);
    }
  });

  it('lets the allowlist name private hosts and ranges in production', async () => {
    const allowing = new TargetPolicy({ strict: true, allowlist: ['127.0.0.1', '10.0.0.0/8'] });
    await expect(allowing.resolve(at('127.0.0.1'))).resolves.toEqual({ address: '127.0.0.1', family: 4 });
    await expect(allowing.resolve(at('10.9.8.7'))).resolves.toMatchObject({ address: '10.9.8.7' });
    await expect(allowing.resolve(at('192.168.0.1'))).rejects.toThrow(TargetRefused);
  });

  it('reads IPv4-mapped addresses as the IPv4 address they map', () => {
    expect(normalizeAddress('::ffff:93.184.216.34')).toEqual({ address: '93.184.216.34', type: 'ipv4' });
    expect(normalizeAddress('::FFFF:7F00:1')).toEqual({ address: '127.0.0.1', type: 'ipv4' });
    expect(normalizeAddress('2001:db8::1')).toEqual({ address: '2001:db8::1', type: 'ipv6' });
  });
});
