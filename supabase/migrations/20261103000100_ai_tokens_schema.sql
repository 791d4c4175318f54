-- Feature token allowances, part 1: balances, the append-only usage log and reservations.
--
-- Each subject (user or org) holds one balance per token type, kept in a few lanes (rows) so
-- that concurrent deductions on one busy org lock different rows instead of queueing on one.
-- Every amount is the sum over the lanes: balance is what can be spent now; reserved is held by
-- pending reservations (an AI feature that is still running). Within a period, balance +
-- reserved + period_used = period_allowance (less after a mid-period downgrade of an allowance,
-- never more). Once refresh_at has passed, the next operation resets the lanes to the plan's
-- allowance — lazily, so no sweep is needed for correctness.
--
-- Who sees what: the user their own rows, org members their org's rows, platform admins all;
-- only the SECURITY DEFINER functions of the later migrations write.

-- ===================================================================== TABLES
create table public.token_balances (
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  token_type text not null references public.token_types (name) on delete cascade,
  -- One of private.lane_count() rows of the same balance; only sums over lanes mean anything.
  lane smallint not null check (lane between 0 and 63),
  balance bigint not null default 0 check (balance >= 0),
  reserved bigint not null default 0 check (reserved >= 0),
  period_allowance bigint not null default 0 check (period_allowance >= 0),
  period_used bigint not null default 0 check (period_used >= 0),
  total_allocated bigint not null default 0 check (total_allocated >= 0),
  total_used bigint not null default 0 check (total_used >= 0),
  period_start timestamptz not null,
  refresh_at timestamptz not null,
  last_used_at timestamptz,
  -- No pending reservation lapses before this (it may be earlier than needed, never later):
  -- until then a deduction may skip looking for lapsed reservations.
  next_lapse_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (subject_kind, subject_id, token_type, lane),
  constraint token_balances_period check (refresh_at > period_start)
);
comment on table public.token_balances is
  'Allowance tokens per subject and feature for the current period, in lanes (sum them); refreshed lazily at refresh_at.';

create table public.token_usage_log (
  id bigint generated always as identity primary key,
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  -- Who did it: the signed-in user, or null for trusted server work.
  actor_id uuid,
  token_type text not null,
  -- deduct: paid from the allowance; overage: paid with credits; refresh / upgrade: allowance added.
  kind text not null check (kind in ('deduct', 'overage', 'refresh', 'upgrade')),
  feature text check (feature is null or char_length(feature) between 1 and 100),
  amount bigint not null check (amount >= 0),
  -- The balance right after this entry.
  remaining bigint not null check (remaining >= 0),
  credits_charged bigint not null default 0 check (credits_charged >= 0),
  credit_transfer_id bigint,
  reservation_id bigint,
  idempotency_key text check (idempotency_key is null or char_length(idempotency_key) between 1 and 255),
  metadata jsonb not null default '{}'::jsonb
    check (jsonb_typeof(metadata) = 'object' and pg_column_size(metadata) <= 8192),
  created_at timestamptz not null default now(),
  constraint token_usage_log_idempotency unique (subject_kind, subject_id, idempotency_key)
);
comment on table public.token_usage_log is
  'Append-only log of every allowance deduction, credit-paid overage, refresh and upgrade.';

create table public.token_reservations (
  id bigint generated always as identity primary key,
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  token_type text not null,
  actor_id uuid,
  feature text check (feature is null or char_length(feature) between 1 and 100),
  amount bigint not null check (amount > 0),
  -- allowance: held on token_balances.reserved; credits: held by a credit hold in the ledger.
  source text not null check (source in ('allowance', 'credits')),
  -- The balance lane that holds an allowance reservation.
  lane smallint not null default 0,
  credit_hold_id bigint,
  credits bigint not null default 0 check (credits >= 0),
  idempotency_key text not null check (char_length(idempotency_key) between 1 and 255),
  metadata jsonb not null default '{}'::jsonb
    check (jsonb_typeof(metadata) = 'object' and pg_column_size(metadata) <= 8192),
  status text not null default 'pending' check (status in ('pending', 'committed', 'released', 'expired')),
  expires_at timestamptz not null,
  log_id bigint references public.token_usage_log (id),
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  constraint token_reservations_idempotency unique (subject_kind, subject_id, idempotency_key),
  constraint token_reservations_credits check ((source = 'credits') = (credit_hold_id is not null))
);
comment on table public.token_reservations is
  'Two-phase use of a feature: tokens (or credits) held while it runs, then committed or released.';

-- ===================================================================== INDEXES
create index token_balances_refresh_idx on public.token_balances (refresh_at) where lane = 0;
create index token_usage_log_subject_idx on public.token_usage_log (subject_kind, subject_id, created_at desc);
create index token_reservations_pending_idx on public.token_reservations (subject_kind, subject_id, token_type, expires_at)
  where status = 'pending';
create index token_reservations_expiry_idx on public.token_reservations (expires_at) where status = 'pending';

-- ===================================================================== RLS
alter table public.token_balances enable row level security;
alter table public.token_usage_log enable row level security;
alter table public.token_reservations enable row level security;

revoke all on public.token_balances, public.token_usage_log, public.token_reservations
  from public, anon, authenticated, service_role;
grant select on public.token_balances, public.token_usage_log, public.token_reservations
  to authenticated, service_role;

create policy token_balances_select on public.token_balances for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));
create policy token_usage_log_select on public.token_usage_log for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));
create policy token_reservations_select on public.token_reservations for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));

-- ===================================================================== TRIGGERS
-- The log is append-only for every role, superusers included.
create trigger token_usage_log_immutable before update or delete on public.token_usage_log
  for each row execute function private.refuse_change();
create trigger token_usage_log_no_truncate before truncate on public.token_usage_log
  for each statement execute function private.refuse_change();
create trigger token_balances_touch before update on public.token_balances
  for each row execute function private.touch_updated_at();
