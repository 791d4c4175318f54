-- Feature token allowances, part 4: reading balances, the pre-flight check and the atomic
-- deduction.
--
-- Errors: TG413 (403) the plan lacks the feature — upgrade; TG412 (402) the allowance is spent;
-- TG402 (402) credits are short when the plan pays overage with credits; TG409 key reused;
-- TG422 bad input; TG404 unknown or foreign subject.

-- ===================================================================== FUNCTIONS: READ
/*
 * What each balance is at a moment, without writing: rows past their refresh date read as
 * refreshed, lapsed reservations as returned, and token types never used as freshly allocated.
 */
create function private.effective_balances(kind text, subject uuid, at timestamptz)
returns table (token_type text, label text, cost_per_action integer, plan_id text, period_allowance bigint,
               balance bigint, reserved bigint, period_used bigint, total_allocated bigint, total_used bigint,
               period_start timestamptz, refresh_at timestamptz, last_used_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
declare
  plan record := private.subject_plan(kind, subject, at);
begin
  return query
  with lanes as (
    select b.token_type as name, sum(b.balance)::bigint as balance, sum(b.reserved)::bigint as reserved,
           sum(b.period_allowance)::bigint as period_allowance, sum(b.period_used)::bigint as period_used,
           sum(b.total_allocated)::bigint as total_allocated, sum(b.total_used)::bigint as total_used,
           min(b.period_start) as period_start, min(b.refresh_at) as refresh_at, max(b.last_used_at) as last_used_at
    from public.token_balances b
    where b.subject_kind = kind and b.subject_id = subject
    group by b.token_type
  ), state as (
    select t.name, t.label as type_label, t.cost_per_action as cost, t.sort_order,
           coalesce(a.monthly_allowance, 0) as allowance, l as row,
           (l.name is null or l.refresh_at <= at) as fresh,
           case when l.reserved > 0 then (
             select coalesce(sum(r.amount), 0)::bigint from public.token_reservations r
             where r.subject_kind = kind and r.subject_id = subject and r.token_type = t.name
               and r.status = 'pending' and r.source = 'allowance' and r.expires_at <= at)
           else 0::bigint end as lapsed
    from public.token_types t
    left join public.plan_token_allowances a on a.plan_id = plan.plan_id and a.token_type = t.name
    left join lanes l on l.name = t.name
  )
  select x.name, x.type_label, x.cost, plan.plan_id::text,
         case when x.fresh then x.allowance else (x.row).period_allowance end,
         case when x.fresh then greatest(x.allowance - coalesce((x.row).reserved - x.lapsed, 0), 0)
              else (x.row).balance + x.lapsed end,
         coalesce((x.row).reserved - x.lapsed, 0)::bigint,
         case when x.fresh then 0::bigint else (x.row).period_used end,
         coalesce((x.row).total_allocated, 0) + case when x.fresh then x.allowance else 0 end,
         coalesce((x.row).total_used, 0)::bigint,
         case when x.fresh then plan.period_start else (x.row).period_start end,
         case when x.fresh then plan.period_end else (x.row).refresh_at end,
         (x.row).last_used_at
  from state x
  order by x.sort_order, x.name;
end
$$;
comment on function private.effective_balances(text, uuid, timestamptz) is
  'Every token type''s balance for a subject as the next operation would see it (read-only).';

create function public.token_balances_of(p_subject_kind text, p_subject_id uuid)
returns table (token_type text, label text, cost_per_action integer, plan_id text, period_allowance bigint,
               balance bigint, reserved bigint, period_used bigint, total_allocated bigint, total_used bigint,
               period_start timestamptz, refresh_at timestamptz, last_used_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  return query select * from private.effective_balances(p_subject_kind, p_subject_id, private.clock());
end
$$;
comment on function public.token_balances_of(text, uuid) is
  'All allowance balances of a user or org (self, org members, platform admins).';

/*
 * Pre-flight: could the subject use `actions` of a feature now? reason is ok (allowance),
 * credits (allowance short, the plan spends credits and the wallet can pay), insufficient, or
 * upgrade_required. Read-only and cheap: a handful of index lookups on cached plans.
 */
create function public.token_check(p_subject_kind text, p_subject_id uuid, p_token_type text, p_actions integer default 1)
returns table (allowed boolean, reason text, token_type text, needed bigint, balance bigint,
               credits_needed bigint, credits_available bigint, plan_id text, refresh_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  want bigint;
  sub record;
  bal public.token_balances;
  allowance bigint;
  lapsed bigint := 0;
  spendable bigint;
  refresh timestamptz;
  plan public.plans;
  credits bigint;
  wallet_available bigint;
begin
  want := private.token_amount(p_token_type, p_actions, null, 'check', '{}'::jsonb);
  perform private.assert_subject(p_subject_kind, p_subject_id);
  sub := private.subject_plan(p_subject_kind, p_subject_id, at);
  allowance := private.plan_allowance(sub.plan_id, p_token_type);
  bal := private.balance_total(p_subject_kind, p_subject_id, p_token_type);
  if bal.reserved > 0 then
    select coalesce(sum(r.amount), 0) into lapsed from public.token_reservations r
    where r.subject_kind = p_subject_kind and r.subject_id = p_subject_id and r.token_type = p_token_type
      and r.status = 'pending' and r.source = 'allowance' and r.expires_at <= at;
  end if;
  -- The same arithmetic as private.effective_balances, for one token type.
  if bal.refresh_at is null or bal.refresh_at <= at then
    spendable := greatest(allowance - coalesce(bal.reserved - lapsed, 0), 0);
    refresh := sub.period_end;
  else
    spendable := bal.balance + lapsed;
    refresh := bal.refresh_at;
  end if;

  if spendable >= want then
    return query select true, 'ok', p_token_type, want, spendable, 0::bigint, null::bigint, sub.plan_id::text, refresh;
  elsif allowance = 0 then
    return query select false, 'upgrade_required', p_token_type, want, spendable, 0::bigint, null::bigint,
                        sub.plan_id::text, refresh;
  else
    select * into plan from public.plans p where p.id = sub.plan_id;
    if plan.overage_policy <> 'credits' then
      return query select false, 'insufficient', p_token_type, want, spendable, 0::bigint, null::bigint, plan.id, refresh;
      return;
    end if;
    credits := want * plan.overage_credits_per_token;
    select s.available into wallet_available
    from public.credit_summary(private.subject_wallet(p_subject_kind, p_subject_id)) s;
    return query select wallet_available >= credits,
                        case when wallet_available >= credits then 'credits' else 'insufficient' end,
                        p_token_type, want, spendable, credits, wallet_available, plan.id, refresh;
  end if;
end
$$;
comment on function public.token_check(text, uuid, text, integer) is
  'Read-only pre-flight for a feature: allowed, and why (ok, credits, insufficient, upgrade_required).';

-- ===================================================================== FUNCTIONS: DEDUCT
/*
 * Records a deduction that lane `lane` already paid for (lane null: the full-lock path, which
 * booked it on lane 0). A concurrent call with the same key may have committed first: then ours
 * is undone (same transaction, lane still locked) and theirs replayed, so a key never deducts twice.
 */
create function private.log_deduction(
  kind text, subject uuid, type_name text, lane integer, feature text, amount bigint, remaining bigint, key text,
  metadata jsonb, at timestamptz, out entry public.token_usage_log, out replayed boolean
)
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.token_usage_log as l (subject_kind, subject_id, actor_id, token_type, kind, feature, amount,
                                           remaining, idempotency_key, metadata, created_at)
  values (kind, subject, auth.uid(), type_name, 'deduct', feature, amount, remaining, key, metadata, at)
  on conflict on constraint token_usage_log_idempotency do nothing
  returning * into entry;
  replayed := entry.id is null;
  if replayed then
    update public.token_balances b
    set balance = b.balance + log_deduction.amount, period_used = b.period_used - log_deduction.amount,
        total_used = b.total_used - log_deduction.amount
    where b.subject_kind = kind and b.subject_id = subject and b.token_type = type_name
      and b.lane = coalesce(log_deduction.lane, 0);
    entry := private.replayed_deduction(kind, subject, key, type_name, amount);
  end if;
end
$$;
comment on function private.log_deduction(text, uuid, text, integer, text, bigint, bigint, text, jsonb, timestamptz) is
  'Logs a paid deduction, or undoes it and returns the first one when its key was used meanwhile.';

/*
 * Uses `actions` of a feature in one atomic step; a retry with the same key returns the first
 * result (another type or amount under that key is TG409). The common case is one guarded UPDATE
 * on one lane of the balance, so concurrent callers never overdraw and rarely wait for each
 * other. Otherwise (first use, a period to refresh, lapsed reservations, too little in any one
 * lane) every lane is locked and settled first; when the allowance is short and the plan pays
 * overage with credits, the credits are spent instead (same key, in the ledger). remaining is the
 * allowance left as this deduction saw it.
 */
create function public.token_consume(
  p_subject_kind text,
  p_subject_id uuid,
  p_token_type text,
  p_actions integer,
  p_feature text,
  p_idempotency_key text,
  p_metadata jsonb default '{}'::jsonb
) returns table (log_id bigint, token_type text, amount bigint, source text, credits_charged bigint,
                 remaining bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  needed bigint;
  sub public.subscriptions;
  bal public.token_balances;
  lane integer;
  done public.token_usage_log;
  logged record;
  paid boolean := false;
  replay boolean;
  plan public.plans;
  spent record;
begin
  needed := private.token_amount(p_token_type, p_actions, p_feature, p_idempotency_key, p_metadata);
  perform private.assert_subject(p_subject_kind, p_subject_id);
  sub := private.sync_subscription(p_subject_kind, p_subject_id);
  done := private.replayed_deduction(p_subject_kind, p_subject_id, p_idempotency_key, p_token_type, needed);
  replay := done.id is not null;

  if not replay then
    lane := private.take_from_a_lane(p_subject_kind, p_subject_id, p_token_type, needed, false, null, at);
    if lane is not null then
      logged := private.log_deduction(p_subject_kind, p_subject_id, p_token_type, lane, p_feature, needed,
        (private.balance_total(p_subject_kind, p_subject_id, p_token_type)).balance, p_idempotency_key, p_metadata, at);
      paid := true;
    else
      bal := private.lock_balance(p_subject_kind, p_subject_id, p_token_type, sub);
      done := private.replayed_deduction(p_subject_kind, p_subject_id, p_idempotency_key, p_token_type, needed);
      replay := done.id is not null;
      if not replay and bal.balance >= needed then
        logged := private.log_deduction(p_subject_kind, p_subject_id, p_token_type, null, p_feature, needed,
          private.take_from_lanes(p_subject_kind, p_subject_id, p_token_type, needed, false, null, at),
          p_idempotency_key, p_metadata, at);
        paid := true;
      end if;
    end if;
    if paid then
      done := logged.entry;
      replay := logged.replayed;
    end if;
  end if;
  if done.id is not null then
    return query select done.id, done.token_type, done.amount,
      case done.kind when 'overage' then 'credits' else 'allowance' end, done.credits_charged, done.remaining, replay;
    return;
  end if;

  if private.plan_allowance(sub.plan_id, p_token_type) = 0 then
    perform private.fail_upgrade_required(sub.plan_id, p_token_type);
  end if;
  select * into plan from public.plans p where p.id = sub.plan_id;
  if plan.overage_policy <> 'credits' then
    perform private.fail_insufficient_allowance(p_token_type, needed, bal.balance, bal.refresh_at);
  end if;

  select * into spent from public.credit_spend(private.subject_wallet(p_subject_kind, p_subject_id),
    needed * plan.overage_credits_per_token, 'premium_feature', 'tokens:' || p_idempotency_key,
    (select t.label from public.token_types t where t.name = p_token_type) || ' (past the plan allowance)',
    p_metadata || jsonb_build_object('tokenType', p_token_type, 'tokens', needed));
  update public.token_balances b set last_used_at = at
  where b.subject_kind = p_subject_kind and b.subject_id = p_subject_id and b.token_type = p_token_type and b.lane = 0;
  insert into public.token_usage_log (subject_kind, subject_id, actor_id, token_type, kind, feature, amount,
                                      remaining, credits_charged, credit_transfer_id, idempotency_key, metadata,
                                      created_at)
  values (p_subject_kind, p_subject_id, auth.uid(), p_token_type, 'overage', p_feature, needed, bal.balance,
          spent.amount, spent.transfer_id, p_idempotency_key, p_metadata, at)
  returning * into done;
  return query select done.id, p_token_type, needed, 'credits'::text, spent.amount, bal.balance, false;
end
$$;
comment on function public.token_consume(text, uuid, text, integer, text, text, jsonb) is
  'Atomically deducts cost × actions from an allowance (or spends credits when the plan allows); idempotent.';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.effective_balances(text, uuid, timestamptz),
  private.log_deduction(text, uuid, text, integer, text, bigint, bigint, text, jsonb, timestamptz)
from public, anon, authenticated, service_role;
revoke all on function
  public.token_balances_of(text, uuid),
  public.token_check(text, uuid, text, integer),
  public.token_consume(text, uuid, text, integer, text, text, jsonb)
from public, anon;
-- Each checks inside that the caller is the user, a member of the org, or trusted.
grant execute on function
  public.token_balances_of(text, uuid),
  public.token_check(text, uuid, text, integer),
  public.token_consume(text, uuid, text, integer, text, text, jsonb)
to authenticated, service_role;
