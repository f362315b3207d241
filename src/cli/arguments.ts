import { InvalidArgumentError } from 'commander';
import { ROLES, type Role } from '../auth/token-service';
import { MODERATION_POLICIES, type ModerationPolicy } from '../sites/site-repository';

// Commander calls these on each option value; an InvalidArgumentError becomes its one-line usage error.

export function parseModeration(value: string): ModerationPolicy {
  if (!(MODERATION_POLICIES as string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${MODERATION_POLICIES.join(', ')}`);
  }
  return value as ModerationPolicy;
}

export function parseOrigin(value: string, previous: string[] = []): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected a URL such as https://blog.example');
  }
  if (!/^https?:$/.test(url.protocol)) throw new InvalidArgumentError('expected an http(s) URL');
  return [...previous, url.origin];
}

/** `--set key=value`: the value is JSON (`3`, `true`, `"reject"`, `["a","b"]`), or a plain word taken as a string. */
export function parseSetting(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError('expected key=value');
  const raw = value.slice(eq + 1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  return { ...previous, [value.slice(0, eq)]: parsed };
}

export function parseRole(value: string): Role {
  if (!(ROLES as string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return value as Role;
}

export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}
