import 'server-only';
import { createHmac, randomBytes } from 'node:crypto';
import { AppError } from '@/lib/core';
import { env } from '@/lib/env';

/**
 * The secret of an API key: `tg_<environment>_` and 43 base62 characters (32 random bytes). Only
 * its HMAC-SHA256 under a server secret is stored, so a copy of the database cannot be replayed
 * as keys, and the hash is cheap enough to compute on every request.
 */

export const API_KEY_ENVIRONMENTS = ['live', 'test'] as const;
export type ApiKeyEnvironment = (typeof API_KEY_ENVIRONMENTS)[number];

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 43; // ceil(256 / log2(62))
const SECRET_PATTERN = /^tg_(live|test)_([0-9A-Za-z]{43})$/;

function base62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = BASE62[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text.padStart(BODY_LENGTH, '0');
}

/** The environment this deployment accepts keys of. */
export function currentEnvironment(): ApiKeyEnvironment {
  return env().API_KEY_ENVIRONMENT;
}

let hashKey: Buffer | undefined;
let hashKeySource: string | undefined;

function keyForHashing(): Buffer {
  const { API_KEY_PEPPER, AUTH_JWT_SECRET } = env();
  const source = API_KEY_PEPPER ?? AUTH_JWT_SECRET;
  if (!source) {
    throw new AppError('unavailable', 'API keys are not available: set API_KEY_PEPPER.');
  }
  if (source !== hashKeySource) {
    // A key of its own, so the JWT secret itself never hashes anything else.
    hashKey = createHmac('sha256', source).update('tollgate api key hash v1').digest();
    hashKeySource = source;
  }
  return hashKey!;
}

/** The stored form of a secret: HMAC-SHA256 hex. */
export function hashApiKey(secret: string): string {
  return createHmac('sha256', keyForHashing()).update(secret, 'utf8').digest('hex');
}

export interface NewSecret {
  secret: string;
  prefix: string;
  hash: string;
}

export function newApiKeySecret(environment: ApiKeyEnvironment = currentEnvironment()): NewSecret {
  const body = base62(randomBytes(32));
  const secret = `tg_${environment}_${body}`;
  return { secret, prefix: `tg_${environment}_${body.slice(0, 4)}`, hash: hashApiKey(secret) };
}

/** The environment a well-formed secret names, or null for anything else. */
export function parseApiKeySecret(secret: string): ApiKeyEnvironment | null {
  const match = SECRET_PATTERN.exec(secret);
  return match ? (match[1] as ApiKeyEnvironment) : null;
}
