import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';

/**
 * CIDR ranges for an API key's IP allowlist, checked the way Postgres' `cidr` reads them: a bare
 * address is a single host, and no bits may be set beyond the prefix ("10.0.0.0/8", not
 * "10.1.2.3/8"), so a mistyped range is a 422 naming the field instead of a database error.
 */

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

function ipv6Bytes(address: string): number[] {
  let text = address;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail = ipv4Bytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const groups =
    rest === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const bytes = groups.flatMap((group) => {
    const value = parseInt(group || '0', 16);
    return [value >> 8, value & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** Null when the range is one Postgres' cidr accepts, else why not. */
export function cidrProblem(value: string): string | null {
  const [address = '', bits, extra] = value.split('/');
  if (extra !== undefined) return 'must be an address or address/prefix';
  const v4 = isIPv4(address);
  if (address.includes('%') || (!v4 && !isIPv6(address)))
    return 'must be an IPv4 or IPv6 address or CIDR range';
  const width = v4 ? 32 : 128;
  if (bits === undefined) return null;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > width) return `prefix must be 0 to ${width}`;
  const bytes = v4 ? ipv4Bytes(address) : ipv6Bytes(address);
  const prefix = Number(bits);
  for (let bit = prefix; bit < width; bit += 1) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) {
      return `has bits set beyond the /${prefix} prefix`;
    }
  }
  return null;
}

export const cidrSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .superRefine((value, context) => {
    const problem = cidrProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
