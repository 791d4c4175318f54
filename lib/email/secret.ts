import 'server-only';
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { env } from '@/lib/env';
import { EMAIL_CATEGORIES, type EmailCategory } from './schemas';

/**
 * The email component's own key, derived from ENCRYPTION_KEY (or, in local mode, AUTH_JWT_SECRET):
 * it seals an invitation's link token in the outbox (the database keeps only the token's hash,
 * so only the app and worker can open it) and signs one-click unsubscribe links.
 */

function emailKey(purpose: 'seal' | 'unsubscribe'): Buffer | null {
  const { ENCRYPTION_KEY, AUTH_JWT_SECRET } = env();
  const source = ENCRYPTION_KEY ?? AUTH_JWT_SECRET;
  if (!source) return null;
  return createHmac('sha256', source).update(`tollgate-email:${purpose}`).digest();
}

/** Whether links can be sealed and signed (a key is configured). */
export function emailKeysAvailable(): boolean {
  return emailKey('seal') !== null;
}

export function sealToken(plain: string): string {
  const key = emailKey('seal');
  if (!key) throw new Error('ENCRYPTION_KEY or AUTH_JWT_SECRET is needed to email links.');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((part) => part.toString('base64url')).join('.');
}

export function openToken(sealed: string): string {
  const key = emailKey('seal');
  const [iv, tag, data] = sealed.split('.');
  if (!key || !iv || !tag || !data) throw new Error('The sealed token cannot be opened.');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(data, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sign(payload: string): string {
  const key = emailKey('unsubscribe');
  if (!key) throw new Error('ENCRYPTION_KEY or AUTH_JWT_SECRET is needed to sign links.');
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** A token that turns one category of mail off for one person; it does not expire. */
export function unsubscribeToken(userId: string, category: EmailCategory): string {
  const payload = Buffer.from(`${userId}:${category}`).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

/** The person and category a token names, or null when it is not one this app signed. */
export function readUnsubscribeToken(
  token: string,
): { userId: string; category: EmailCategory } | null {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || !emailKeysAvailable()) return null;
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const [userId, category] = Buffer.from(payload, 'base64url').toString('utf8').split(':');
  if (!userId || !UUID.test(userId)) return null;
  if (!EMAIL_CATEGORIES.includes(category as EmailCategory)) return null;
  return { userId, category: category as EmailCategory };
}
