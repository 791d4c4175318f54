import 'server-only';
import { z } from 'zod';
import { withUser, type DbSession } from '@/lib/db';

/**
 * The account's own data: an export of everything that is the caller's (read under their RLS,
 * and filtered to them explicitly, so an org's shared rows never carry someone else's data), and
 * deleting the account (public.account_delete: a 409 while they solely own an org).
 */

/** The words a person types to confirm; the API asks for the same. */
export const DELETE_ACCOUNT_PHRASE = 'delete my account';

export const deleteAccountInput = z.object({
  confirm: z
    .string()
    .trim()
    .toLowerCase()
    .refine(
      (value) => value === DELETE_ACCOUNT_PHRASE,
      `type “${DELETE_ACCOUNT_PHRASE}” to confirm`,
    ),
});

export async function deleteAccount(
  session: DbSession,
  input: z.input<typeof deleteAccountInput>,
): Promise<void> {
  deleteAccountInput.parse(input);
  await withUser(session, (tx) => tx`select public.account_delete()`);
}

/** What an account deletion forfeits, shown before the person confirms. */
export async function getDeletionImpact(session: DbSession): Promise<{
  available: bigint;
  soleOwnerOf: string[];
  memberships: number;
}> {
  return withUser(session, async (tx) => {
    const [row] = await tx<{ available: bigint | null; memberships: number; sole: string[] }[]>`
      select
        (select a.credits_posted - a.debits_posted - a.debits_pending
         from public.accounts a where a.user_id = ${session.userId}) as available,
        (select count(*)::int from public.organization_members m where m.user_id = ${session.userId}) as memberships,
        coalesce((
          select array_agg(o.name order by o.name)
          from public.organization_members mine
          join public.organizations o on o.id = mine.org_id
          where mine.user_id = ${session.userId} and mine.role = 'owner'
            and not exists (select 1 from public.organization_members other
                            where other.org_id = mine.org_id and other.role = 'owner'
                              and other.user_id <> ${session.userId})
        ), '{}') as sole`;
    return {
      available: row?.available ?? 0n,
      soleOwnerOf: row?.sole ?? [],
      memberships: row?.memberships ?? 0,
    };
  });
}

/**
 * Everything that is the caller's, as one JSON-ready object: profile, memberships, the personal
 * wallet's history, AI usage they made, and their conversations with messages. Amounts are
 * micro-credits (bigint; toJson writes them as strings).
 */
export async function exportMyData(session: DbSession) {
  const me = session.userId;
  return withUser(session, async (tx) => {
    const [profile] = await tx`
      select id, email, full_name, avatar_url, created_at from public.profiles where id = ${me}`;
    const memberships = await tx`
      select o.id as org_id, o.name as org_name, o.slug as org_slug, m.role, m.created_at as joined_at
      from public.organization_members m join public.organizations o on o.id = m.org_id
      where m.user_id = ${me} order by o.name`;
    const walletHistory = await tx`
      select t.id, t.created_at, t.kind, t.category, t.description,
             case when t.debit_account_id = a.id then 'debit' else 'credit' end as direction, t.amount
      from public.accounts a
      join public.transfers t
        on t.key_account_id = a.id or (t.credit_account_id = a.id and t.kind = 'transfer')
      where a.user_id = ${me}
      order by t.created_at, t.id`;
    // Usage the person made: on their own subject, and their own calls on org wallets.
    const usage = await tx`
      select occurred_at, subject_kind, case when subject_kind = 'org' then subject_id end as org_id,
             source, provider, model, operation, feature, input_tokens, output_tokens, cached_tokens,
             characters, images, audio_seconds::text as audio_seconds, credits_charged, success
      from public.usage_events
      where (subject_kind = 'user' and subject_id = ${me}) or actor_id = ${me}
      order by occurred_at, id`;
    const conversations = await tx`
      select c.id, c.title, c.model, c.org_id, c.created_at, c.updated_at, c.archived_at,
             coalesce((
               select jsonb_agg(jsonb_build_object('role', m.role, 'content', m.content,
                        'model', m.model, 'createdAt', m.created_at,
                        'creditsCharged', m.credits_charged::text) order by m.id)
               from public.conversation_messages m where m.conversation_id = c.id
             ), '[]'::jsonb) as messages
      from public.conversations c
      where c.user_id = ${me}
      order by c.created_at`;
    return {
      exportedAt: new Date().toISOString(),
      units: { amounts: 'micro-credits (1 credit = 1,000,000)' },
      profile: profile ?? null,
      memberships: [...memberships],
      walletHistory: [...walletHistory],
      usage: [...usage],
      conversations: [...conversations],
    };
  });
}
