import 'server-only';
import {
  one,
  decryptSecret,
  encryptSecret,
  parseInput,
  subjectFor,
  type Subject,
} from '@/lib/core';
import { z } from 'zod';
import { asService, withUser, type DbSession } from '@/lib/db';
import { planError } from '@/lib/plans';
import { forgetCatalog, hasOwnKeys } from './hot-catalog';

/**
 * Bring your own key: provider keys encrypted with AES-256-GCM (ENCRYPTION_KEY) before they reach
 * the database, never returned after creation (only a hint), decrypted only inside the gateway.
 */

export const BYOK_PROVIDERS = ['openai', 'anthropic', 'google'] as const;
type ByokProvider = (typeof BYOK_PROVIDERS)[number];

export const saveKeyInput = z.object({
  provider: z.enum(BYOK_PROVIDERS),
  apiKey: z
    .string()
    .trim()
    .min(8)
    .max(500)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  orgId: z.uuid().nullish(),
  /** Provider cost in micro-USD the key may carry per UTC month; null = no limit. */
  monthlyLimitMicroUsd: z.coerce
    .bigint()
    .min(1n, 'must be more than 0')
    .max(10n ** 15n)
    .nullish(),
  /** After this instant the key is not used (calls fall back to credits). */
  expiresAt: z.coerce
    .date()
    .refine((at) => at.getTime() > Date.now(), 'must be in the future')
    .nullish(),
});

interface StoredKey {
  id: string;
  provider: ByokProvider;
  /** The last four characters, for recognising the key. */
  hint: string;
  createdAt: Date;
  monthlyLimitMicroUsd: bigint | null;
  expiresAt: Date | null;
}

interface KeyRow {
  id: string;
  provider: ByokProvider;
  key_hint: string;
  created_at: Date;
  monthly_limit_micro_usd?: bigint | null;
  expires_at?: Date | null;
}

const toStored = (row: KeyRow): StoredKey => ({
  id: row.id,
  provider: row.provider,
  hint: row.key_hint,
  createdAt: row.created_at,
  monthlyLimitMicroUsd: row.monthly_limit_micro_usd ?? null,
  expiresAt: row.expires_at ?? null,
});

export async function saveProviderKey(
  session: DbSession,
  input: z.input<typeof saveKeyInput>,
): Promise<StoredKey> {
  const args = parseInput(saveKeyInput, input);
  const subject = subjectFor(session, args.orgId);
  const sealed = encryptSecret(args.apiKey);
  const limit = args.monthlyLimitMicroUsd ?? null;
  const expiresAt = args.expiresAt ?? null;
  const row = await withUser(session, async (tx) => {
    const saved = one(
      await tx<KeyRow[]>`select * from public.ai_key_save(${subject.kind},
        ${subject.id}, ${args.provider}, ${sealed}, ${args.apiKey.slice(-4)})`,
      'result of ai_key_save',
    );
    await tx`select public.ai_key_set_limits(${subject.kind}, ${subject.id}, ${args.provider},
      ${limit === null ? null : limit.toString()}::bigint, ${expiresAt}::timestamptz)`;
    return { ...saved, monthly_limit_micro_usd: limit, expires_at: expiresAt };
  }).catch(planError);
  forgetCatalog(); // the next call of this subject looks for its key at once
  return toStored(row);
}

export async function listProviderKeys(
  session: DbSession,
  orgId?: string | null,
): Promise<StoredKey[]> {
  const subject = subjectFor(session, orgId);
  const rows = await withUser(
    session,
    (tx) => tx<KeyRow[]>`select * from public.ai_key_list(${subject.kind}, ${subject.id})`,
  ).catch(planError);
  return rows.map(toStored);
}

export async function deleteProviderKey(
  session: DbSession,
  provider: ByokProvider,
  orgId?: string | null,
): Promise<boolean> {
  const subject = subjectFor(session, orgId);
  const row = one(
    await withUser(
      session,
      (tx) => tx<{ deleted: boolean }[]>`
      select public.ai_key_delete(${subject.kind}, ${subject.id}, ${provider}) as deleted`,
    ).catch(planError),
    'result of ai_key_delete',
  );
  forgetCatalog();
  return row.deleted;
}

/**
 * All of the subject's usable keys in one read (expired or over-limit keys are left out), for a
 * call that does not know its provider yet; only the key asked for is ever decrypted. Call only
 * after the caller was checked (it reads as the service).
 */
export async function subjectKeys(subject: Subject): Promise<(provider: string) => string | null> {
  // Most subjects have no key of their own: known from memory, without a round trip.
  if (!(await hasOwnKeys(subject))) return () => null;
  const [row] = await asService(
    (tx) => tx<Record<ByokProvider, string | null>[]>`
      select public.ai_key_secret(${subject.kind}, ${subject.id}, 'openai') as openai,
             public.ai_key_secret(${subject.kind}, ${subject.id}, 'anthropic') as anthropic,
             public.ai_key_secret(${subject.kind}, ${subject.id}, 'google') as google`,
  );
  return (provider) => {
    const sealed = row?.[provider as ByokProvider];
    return sealed ? decryptSecret(sealed) : null;
  };
}
