import 'server-only';
import { withUser, type DbSession } from '@/lib/db';
import type { Subject } from '@/lib/core';

/** When each BYOK provider was last used by a subject, read under the caller's own RLS. */
interface ByokActivity {
  provider: string;
  lastUsedAt: Date;
  /** Calls made with the key since the start of this UTC month. */
  callsThisMonth: bigint;
  /** Provider cost (micro-USD) carried by the key since the start of this UTC month. */
  costThisMonthMicroUsd: bigint;
}

export async function listByokActivity(
  session: DbSession,
  subject: Subject,
  now = new Date(),
): Promise<ByokActivity[]> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const rows = await withUser(
    session,
    (tx) => tx<
      { provider: string; last_used_at: Date; calls_this_month: bigint; cost_this_month: bigint }[]
    >`
      select e.provider, max(e.occurred_at) as last_used_at,
             count(*) filter (where e.occurred_at >= ${monthStart})::bigint as calls_this_month,
             coalesce(sum(e.provider_cost_micro_usd) filter (where e.occurred_at >= ${monthStart}), 0)::bigint
               as cost_this_month
      from public.usage_events e
      where e.subject_kind = ${subject.kind} and e.subject_id = ${subject.id} and e.source = 'byok'
      group by e.provider`,
  );
  return rows.map((row) => ({
    provider: row.provider,
    lastUsedAt: row.last_used_at,
    callsThisMonth: row.calls_this_month,
    costThisMonthMicroUsd: row.cost_this_month,
  }));
}
