import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may go. In production, private, loopback, link-local and metadata
 * addresses are refused (a webhook must not become a way to reach the internal network),
 * after DNS resolution, unless the allowlist names the host or a range holding the address.
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
  ['::ffff:0:0', 96],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/** Link-local (cloud metadata services live here) and NAT64/6to4 wrappers: refused in every mode. */
const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4');
ALWAYS_REFUSED.addSubnet('fe80::', 10, 'ipv6');
ALWAYS_REFUSED.addSubnet('64:ff9b::', 96, 'ipv6');
ALWAYS_REFUSED.addSubnet('2002::', 16, 'ipv6');
PRIVATE.addSubnet('64:ff9b::', 96, 'ipv6');
PRIVATE.addSubnet('2002::', 16, 'ipv6');

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
    if (!this.hosts.has(host)) {
      for (const { address, family } of addresses) {
        const type = family === 6 ? 'ipv6' : 'ipv4';
        if (this.ranges.check(address, type)) continue;
        if (ALWAYS_REFUSED.check(address, type) || (this.options.strict && PRIVATE.check(address, type))) {
          throw new TargetRefused(`${host} resolves to ${address}, a private, local or metadata address`);
        }
      }
    }
    return addresses[0];
  }
}
