import 'server-only';
import type { JSONValue } from 'postgres';
import { z } from 'zod';
import { AppError, one, parseInput, subjectFor } from '@/lib/core';
import { withUser, type DbSession, type Tx } from '@/lib/db';
import { cidrSchema } from './cidr';
import { API_KEY_SCOPES, type ApiKeyScope } from './scopes';
import { currentEnvironment, newApiKeySecret, type ApiKeyEnvironment } from './secret';

/**
 * API keys as their owners manage them: a user's own keys, and an org's keys for its owners and
 * admins. Every write is one SQL function that checks the caller; reads name columns explicitly
 * and never the hashes. The secret is returned once, by `createApiKey` and `rotateApiKey`.
 */

const name = z.string().trim().min(1, 'is required').max(80);
const scopes = z
  .array(z.enum(API_KEY_SCOPES))
  .min(1, 'choose at least one scope')
  .max(API_KEY_SCOPES.length)
  .transform((list) => [...new Set(list)]);
/** Micro-credits the key may spend per UTC month; null = no limit of its own. */
const monthlyLimit = z.coerce
  .bigint()
  .min(1n, 'must be more than 0')
  .max(10n ** 15n)
  .nullable();
const requestsPerMinute = z.coerce.number().int().min(1).max(100_000).nullable();
const expiresAt = z.coerce
  .date()
  .refine((at) => at.getTime() > Date.now(), 'must be in the future')
  .nullable();
const ipAllowlist = z
  .array(cidrSchema)
  .min(1, 'list at least one range, or send null')
  .max(50)
  .nullable();

export const createApiKeyInput = z.object({
  name,
  scopes,
  orgId: z.uuid().nullish(),
  monthlyLimitMicroCredits: monthlyLimit.optional(),
  requestsPerMinute: requestsPerMinute.optional(),
  expiresAt: expiresAt.optional(),
  ipAllowlist: ipAllowlist.optional(),
});

export const updateApiKeyInput = z
  .object({
    name: name.optional(),
    scopes: scopes.optional(),
    monthlyLimitMicroCredits: monthlyLimit.optional(),
    requestsPerMinute: requestsPerMinute.optional(),
    expiresAt: expiresAt.optional(),
    ipAllowlist: ipAllowlist.optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'change at least one field',
  });

export const rotateApiKeyInput = z.object({
  /** How long the old secret keeps working: 0 (at once) to 7 days. */
  graceSeconds: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600),
});

export type ApiKeyStatus = 'active' | 'revoked' | 'expired';

export interface ApiKeyView {
  id: string;
  orgId: string | null;
  name: string;
  /** The first characters of the secret, for recognising it. */
  prefix: string;
  environment: ApiKeyEnvironment;
  scopes: ApiKeyScope[];
  monthlyLimitMicroCredits: bigint | null;
  requestsPerMinute: number | null;
  expiresAt: Date | null;
  ipAllowlist: string[] | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
  /** After a rotation: until when the previous secret still works. */
  previousValidUntil: Date | null;
  status: ApiKeyStatus;
  createdAt: Date;
}

interface KeyRow {
  id: string;
  subject_kind: 'user' | 'org';
  subject_id: string;
  name: string;
  prefix: string;
  environment: ApiKeyEnvironment;
  scopes: ApiKeyScope[];
  monthly_limit_micro_credits: bigint | string | null;
  requests_per_minute: number | null;
  expires_at: Date | null;
  ip_allowlist: string[] | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
  revoked_at: Date | null;
  previous_valid_until: Date | null;
  created_at: Date;
}

function toView(row: KeyRow, now = new Date()): ApiKeyView {
  const expired = row.expires_at !== null && row.expires_at <= now;
  const grace = row.previous_valid_until;
  return {
    id: row.id,
    orgId: row.subject_kind === 'org' ? row.subject_id : null,
    name: row.name,
    prefix: row.prefix,
    environment: row.environment,
    scopes: row.scopes,
    monthlyLimitMicroCredits:
      row.monthly_limit_micro_credits === null ? null : BigInt(row.monthly_limit_micro_credits),
    requestsPerMinute: row.requests_per_minute,
    expiresAt: row.expires_at,
    ipAllowlist: row.ip_allowlist,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    revokedAt: row.revoked_at,
    previousValidUntil: grace && grace > now && !row.revoked_at ? grace : null,
    status: row.revoked_at ? 'revoked' : expired ? 'expired' : 'active',
    createdAt: row.created_at,
  };
}

/** The columns a manager may see (the hashes are not granted to them at all). */
const VIEW_COLUMNS = `id, subject_kind, subject_id, name, prefix, environment, scopes,
  monthly_limit_micro_credits, requests_per_minute, expires_at, ip_allowlist::text[] as ip_allowlist,
  last_used_at, host(last_used_ip) as last_used_ip, revoked_at, previous_valid_until, created_at`;

async function readKey(tx: Tx, id: string): Promise<ApiKeyView> {
  const [row] = await tx.unsafe<KeyRow[]>(
    `select ${VIEW_COLUMNS} from public.api_keys where id = $1`,
    [id],
  );
  if (!row) throw new AppError('not_found', 'API key not found.');
  return toView(row);
}

const textArray = (tx: Tx, list: readonly string[] | null | undefined) =>
  list ? tx.array([...list]) : null;

export interface NewApiKey {
  /** The secret: shown once, never stored. */
  secret: string;
  key: ApiKeyView;
}

export async function createApiKey(
  session: DbSession,
  input: z.input<typeof createApiKeyInput>,
): Promise<NewApiKey> {
  const args = parseInput(createApiKeyInput, input);
  const subject = subjectFor(session, args.orgId);
  const environment = currentEnvironment();
  const fresh = newApiKeySecret(environment);
  const limit = args.monthlyLimitMicroCredits ?? null;
  const key = await withUser(session, async (tx) => {
    const { id } = one(
      await tx<{ id: string }[]>`select public.api_key_create(${subject.kind}, ${subject.id},
        ${args.name}, ${environment}, ${fresh.prefix}, ${fresh.hash}, ${textArray(tx, args.scopes)}::text[],
        ${limit === null ? null : limit.toString()}::bigint, ${args.requestsPerMinute ?? null}::integer,
        ${args.expiresAt ?? null}::timestamptz,
        ${textArray(tx, args.ipAllowlist)}::text[]::cidr[]) as id`,
      'result of api_key_create',
    );
    return readKey(tx, id);
  });
  return { secret: fresh.secret, key };
}

export async function listApiKeys(
  session: DbSession,
  orgId?: string | null,
): Promise<ApiKeyView[]> {
  const subject = subjectFor(session, orgId);
  const rows = await withUser(session, (tx) =>
    tx.unsafe<KeyRow[]>(`select ${VIEW_COLUMNS} from public.api_key_list($1, $2)`, [
      subject.kind,
      subject.id,
    ]),
  );
  const now = new Date();
  return rows.map((row) => toView(row, now));
}

export async function updateApiKey(
  session: DbSession,
  id: string,
  input: z.input<typeof updateApiKeyInput>,
): Promise<ApiKeyView> {
  const args = parseInput(updateApiKeyInput, input);
  const patch: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(args)) {
    if (value === undefined) continue;
    patch[field] =
      typeof value === 'bigint'
        ? value.toString()
        : value instanceof Date
          ? value.toISOString()
          : value;
  }
  return withUser(session, async (tx) => {
    await tx`select public.api_key_update(${id}, ${tx.json(patch as JSONValue)})`;
    return readKey(tx, id);
  });
}

export async function revokeApiKey(session: DbSession, id: string): Promise<ApiKeyView> {
  return withUser(session, async (tx) => {
    await tx`select public.api_key_revoke(${id})`;
    return readKey(tx, id);
  });
}

/** A new secret for the key (shown once); the old one keeps working for `graceSeconds`. */
export async function rotateApiKey(
  session: DbSession,
  id: string,
  input: z.input<typeof rotateApiKeyInput>,
): Promise<NewApiKey> {
  const { graceSeconds } = parseInput(rotateApiKeyInput, input);
  return withUser(session, async (tx) => {
    const [current] = await tx<{ environment: ApiKeyEnvironment }[]>`
      select environment from public.api_keys where id = ${id}`;
    if (!current) throw new AppError('not_found', 'API key not found.');
    const fresh = newApiKeySecret(current.environment);
    await tx`select public.api_key_rotate(${id}, ${fresh.prefix}, ${fresh.hash}, ${graceSeconds})`;
    return { secret: fresh.secret, key: await readKey(tx, id) };
  });
}
