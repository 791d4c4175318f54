/**
 * Where webhooks may be sent. The rule, in one place:
 *   - https:// to any host, except in production a loopback, private or link-local address
 *     written literally (http(s)://127.0.0.1, 10.x, 192.168.x, [::1], …);
 *   - http:// only to 127.0.0.1 or localhost, and only when NODE_ENV is development or test.
 * No credentials in the URL, at most 2048 characters. The database re-checks the scheme part.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

function isPrivateHost(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost') || name === '::1' || name === '::') {
    return true;
  }
  if (/^f[cd][0-9a-f]{2}:/.test(name) || name.startsWith('fe80:')) return true;
  const v4 = name.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (!v4) return false;
  const [a, b] = [Number(v4[1]), Number(v4[2])];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  );
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
  const production = nodeEnv === 'production';
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
