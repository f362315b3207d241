import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may go. Link-local and metadata addresses are refused always; in
 * production, private and loopback addresses are refused too (a webhook must not become
 * a way to reach the internal network), after DNS resolution, unless the allowlist names
 * the host or a range holding the address.
 */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/**
 * Refused in every mode, whatever the allowlist says: link-local (cloud metadata
 * services live there), and the IPv6 forms that wrap an IPv4 address (IPv4-compatible,
 * IPv4-translated, NAT64 well-known and local-use, 6to4) or are deprecated site-local.
 */
const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4');
for (const [net, bits] of [
  ['fe80::', 10],
  ['::', 96],
  ['::ffff:0:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  ['fec0::', 10],
] as const) {
  ALWAYS_REFUSED.addSubnet(net, bits, 'ipv6');
}

/**
 * An address as it will be reached: an IPv4-mapped IPv6 address (`::ffff:93.184.216.34`,
 * `::ffff:5db8:d822`) is the IPv4 address it maps. Node's BlockList would otherwise match
 * IPv4 addresses against IPv6 rules of the mapped range, and the other way round.
 */
export function normalizeAddress(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (dotted && isIP(dotted[1]) === 4) return { address: dotted[1], type: 'ipv4' };
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return { address: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, type: 'ipv4' };
  }
  return { address: lower, type: isIP(lower) === 6 ? 'ipv6' : 'ipv4' };
}

export class TargetRefused extends Error {}

export interface TargetPolicyOptions {
  /** Refuse private targets (production). */
  strict: boolean;
  /** Hosts and CIDR ranges allowed even though private (PARLEY_WEBHOOK_ALLOWLIST). */
  allowlist: string[];
}

export class TargetPolicy {
  private readonly hosts = new Set<string>();
  private readonly ranges = new BlockList();

  constructor(private readonly options: TargetPolicyOptions) {
    for (const entry of options.allowlist) {
      const [address, bits] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (isIP(address) && bits !== undefined) this.ranges.addSubnet(address, Number(bits), type);
      else if (isIP(address)) this.ranges.addAddress(address, type);
      else this.hosts.add(entry.toLowerCase());
    }
  }

  /** Checks the URL's form: http or https only, no credentials. */
  checkUrl(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TargetRefused('not a URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new TargetRefused('only http and https URLs');
    if (parsed.username || parsed.password) throw new TargetRefused('no credentials in the URL');
    return parsed;
  }

  /** Resolves the host and refuses it if any address is off limits. Returns the address to connect to. */
  async resolve(url: URL): Promise<{ address: string; family: number }> {
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
    if (addresses.length === 0) throw new TargetRefused(`${host} does not resolve`);
    for (const resolved of addresses) {
      const { address, type } = normalizeAddress(resolved.address);
      // Checked first: no allowlist entry, however wide, reaches these.
      // ::1 lies in ::/96 but is plain loopback: private, not always refused.
      if (address !== '::1' && ALWAYS_REFUSED.check(address, type))
        throw new TargetRefused(`${host} resolves to ${address}, a link-local or metadata address`);
      if (!this.options.strict || this.hosts.has(host) || this.ranges.check(address, type)) continue;
      if (PRIVATE.check(address, type))
        throw new TargetRefused(`${host} resolves to ${address}, a private or local address`);
    }
    return addresses[0];
  }
}
