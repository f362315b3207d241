import { isIP } from 'node:net';

/** An IP address or CIDR range as bans accept it, or undefined when it is not one. */
export function parseAddressRange(value: string): string | undefined {
  const [address, bits, extra] = value.trim().split('/');
  const version = isIP(address);
  if (!version || extra !== undefined) return undefined;
  if (bits === undefined) return address.toLowerCase();
  const max = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return undefined;
  return `${address.toLowerCase()}/${Number(bits)}`;
}
