import net from 'node:net';

/**
 * Which IP addresses a webhook may reach in production: public unicast only. Every textual form
 * is reduced to bytes first (IPv4 in decimal, hex, octal and short forms; IPv6 with embedded,
 * mapped or compatible IPv4; trailing dots), so no spelling of 127.0.0.1 slips through.
 */

/** [first address, prefix length, why] — IPv4 ranges that are never a public endpoint. */
const BLOCKED_V4: readonly [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared address space (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved (6to4 relay)'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (and broadcast)'],
];

/** One IPv4 part in C notation: decimal, 0x hex or 0-prefixed octal. */
function parseV4Part(part: string): number | null {
  if (/^0x[0-9a-f]*$/i.test(part))
    return part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return Number.parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return null;
}

/** IPv4 as inet_aton reads it (a, a.b, a.b.c, a.b.c.d; any part decimal/hex/octal) → uint32. */
export function parseIPv4(text: string): number | null {
  const parts = text.replace(/\.$/, '').split('.');
  if (parts.length < 1 || parts.length > 4) return null;
  const values = parts.map(parseV4Part);
  if (values.some((value) => value === null || !Number.isSafeInteger(value))) return null;
  const numbers = values as number[];
  const last = numbers.pop()!;
  if (numbers.some((value) => value > 255)) return null;
  if (last >= 2 ** (8 * (4 - numbers.length))) return null;
  return numbers.reduce((sum, value, index) => sum + value * 2 ** (8 * (3 - index)), 0) + last;
}

/** IPv6 text (with or without brackets, zone, embedded IPv4) → 16 bytes. */
export function parseIPv6(text: string): Uint8Array | null {
  const plain = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIPv6(plain) === false) return null;
  let head = plain;
  const tailBytes: number[] = [];
  const v4 = plain.match(/:(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const value = parseIPv4(v4[1]!);
    if (value === null) return null;
    tailBytes.push(value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
    head = `${plain.slice(0, -v4[1]!.length)}0:0`;
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const groups = (side: string | undefined) => (side ? side.split(':') : []);
  const leftGroups = groups(left);
  const rightGroups = groups(right);
  const missing = 8 - leftGroups.length - rightGroups.length;
  const all = [
    ...leftGroups,
    ...Array<string>(right === undefined ? 0 : missing).fill('0'),
    ...rightGroups,
  ];
  if (all.length !== 8) return null;
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    const value = Number.parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 255;
  });
  if (tailBytes.length === 4) bytes.set(tailBytes, 12);
  return bytes;
}

function v4Problem(value: number): string | null {
  for (const [first, prefix, why] of BLOCKED_V4) {
    const base = parseIPv4(first)!;
    const size = 2 ** (32 - prefix);
    if (value >= base && value < base + size) return why;
  }
  return null;
}

function v6Problem(bytes: Uint8Array): string | null {
  const word = (index: number) => (bytes[index * 2]! << 8) | bytes[index * 2 + 1]!;
  const embeddedV4 = (from: number) =>
    bytes[from]! * 2 ** 24 + (bytes[from + 1]! << 16) + (bytes[from + 2]! << 8) + bytes[from + 3]!;
  const zeroUpTo = (words: number) => [...Array(words).keys()].every((i) => word(i) === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && word(7) === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d): judged as the IPv4 address.
  if (zeroUpTo(5) && word(5) === 0xffff) return v4Problem(embeddedV4(12)) ?? null;
  if (zeroUpTo(6)) return v4Problem(embeddedV4(12)) ?? 'IPv4-compatible (deprecated)';
  // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address; 6to4 (2002::/16) the one after it.
  if (word(0) === 0x64 && word(1) === 0xff9b && [2, 3, 4, 5].every((i) => word(i) === 0)) {
    return v4Problem(embeddedV4(12));
  }
  if (word(0) === 0x2002) return v4Problem(embeddedV4(2));
  const first = word(0);
  if ((first & 0xfe00) === 0xfc00) return 'unique-local';
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'site-local (deprecated)';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  if (first === 0x2001 && word(1) === 0x0db8) return 'documentation';
  if ((first & 0xfff0) === 0x3ff0) return 'documentation';
  if (first === 0x2001 && word(1) < 0x0200) return 'IETF protocol assignments';
  if (first === 0x0100 && [1, 2, 3].every((i) => word(i) === 0)) return 'discard-only';
  // Anything outside global unicast (2000::/3) is not assigned to a public network.
  if ((first & 0xe000) !== 0x2000) return 'reserved';
  return null;
}

/**
 * Null when `address` (an IP literal in any form, brackets allowed) is a public unicast address;
 * otherwise why it is refused. Text that is not an IP address at all is refused too.
 */
export function addressProblem(address: string): string | null {
  const v6 = parseIPv6(address);
  if (v6) return v6Problem(v6);
  const v4 = parseIPv4(address);
  if (v4 !== null) return v4Problem(v4);
  return 'not an IP address';
}

/** The host as an IP literal when it is one (any form), else null (a DNS name). */
export function literalAddress(host: string): string | null {
  if (parseIPv6(host)) return host.replace(/^\[|\]$/g, '');
  const v4 = parseIPv4(host);
  if (v4 === null) return null;
  return [v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255].join('.');
}

/**
 * The documented development exception: with NODE_ENV development or test, endpoints on this
 * machine or a private network are allowed (to try webhooks locally). Never in production, and
 * not for any other NODE_ENV either.
 */
export function internalTargetsAllowed(
  nodeEnv: string | undefined = process.env.NODE_ENV,
): boolean {
  return nodeEnv === 'development' || nodeEnv === 'test';
}
