/**
 * Where webhooks may be sent. The rule, in one place:
 *   - https:// to any host, except in production a non-public address written literally in any
 *     form (127.0.0.1, 0x7f.1, [::ffff:127.0.0.1], 10.x, [fc00::1], …) or a localhost name;
 *     names are resolved and checked at save time and at every delivery (pinned-post.ts);
 *   - http:// only to 127.0.0.1 or localhost, and only when NODE_ENV is development or test.
 * No credentials in the URL, at most 2048 characters. The database re-checks the scheme part.
 */

import { addressProblem, internalTargetsAllowed, literalAddress } from './safe-address';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** A host written as a non-public address in any form, or a name of this machine. */
function isPrivateHost(host: string): boolean {
  const name = host
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const literal = literalAddress(name);
  return literal !== null && addressProblem(literal) !== null;
}

/** Null when `value` is an allowed endpoint URL, else a sentence saying why not. */
export function webhookUrlProblem(
  value: string,
  nodeEnv: string | undefined = process.env.NODE_ENV,
): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (value.length > 2048) return 'must be at most 2048 characters';
  if (url.username || url.password) return 'must not contain a user name or password';
  // The development exception (safe-address.ts): off in production and for unknown NODE_ENVs.
  const production = !internalTargetsAllowed(nodeEnv);
  if (url.protocol === 'https:') {
    if (production && isPrivateHost(url.hostname)) {
      return 'must point to a public host, not a loopback or private address';
    }
    return null;
  }
  if (url.protocol === 'http:') {
    if (!LOOPBACK_HOSTS.has(url.hostname)) return 'must use https://';
    if (production) return 'must use https:// (http://localhost is allowed in development only)';
    return null;
  }
  return 'must use https://';
}
