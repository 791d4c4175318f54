-- Alerts and in-app notifications: usage thresholds on wallets and allowances, a low balance,
-- refused spends, unusual spikes, a run-out forecast, expiring provider keys and failed
-- auto-recharges. Each alert is one row in public.alerts, raised exactly once per subject, kind,
-- threshold and period (a unique constraint; every raise is INSERT … ON CONFLICT DO NOTHING), and
-- when it is new it writes one notification per person who should hear of it (the wallet's user,
-- or the org's owners and admins) and one domain event in the outbox for webhooks.
--
-- Wallets. The period is the calendar month (UTC). The period's grant G is the wallet's available
-- balance when the period began plus every credit that arrived during it (grants, purchases,
-- transfers in, refunds: each goes through private.add_lot). Used = G − available, so a threshold
-- of p % is crossed when available ≤ G × (100 − p) / 100; a released hold gives its credits back
-- to "unused". The low-balance alert fires when available drops below an absolute amount.
--
-- The hot path stays one guarded UPDATE: like auto_recharge_below, accounts.alert_below holds the
-- level below which the next alert not yet raised this period fires, and the spend's UPDATE …
-- RETURNING hands the row to the ledger's private.after_debit hook (hooks.sql). Only a debit that
-- crosses it calls private.raise_wallet_alerts, while the UPDATE holds the wallet row lock: raising
-- and re-arming are serialised per wallet. Credits arriving re-arm the wallet (after_credit); the
-- maintenance scan re-arms at a new month and catches debits that do not pass through the hook
-- (settlements over a hold, expiries).
--
-- Allowances (lib/aiTokens). The period is the allowance's own period (token_balances
-- period_start … refresh_at) and its grant the period allowance; used = allowance − balance left.
-- An AFTER INSERT trigger on the deduction log compares the balance left with a per-allowance
-- armed level (allowance_alert_marks, one primary-key probe per deduction).

-- ===================================================================== TABLES
create function private.valid_alert_thresholds(thresholds smallint[]) returns boolean
language sql immutable parallel safe set search_path = ''
as $$
  select thresholds is not null and cardinality(thresholds) <= 10
     and coalesce(array_position(thresholds, null), 0) = 0
     and not exists (select 1 from unnest(thresholds) t where t not between 1 and 100)
     and (select count(distinct t) from unnest(thresholds) t) = cardinality(thresholds)
$$;
comment on function private.valid_alert_thresholds(smallint[]) is
  'At most 10 distinct whole percentages from 1 to 100.';

create table public.alert_settings (
  account_id uuid primary key references public.accounts (id) on delete cascade,
  enabled boolean not null default true,
  thresholds smallint[] not null default '{80,95,100}'
    check (private.valid_alert_thresholds(thresholds)),
  -- Micro-credits; 0 turns the low-balance alert off.
  low_balance bigint not null default 5000000 check (low_balance between 0 and 1000000000000000),
  updated_by uuid references public.profiles (id) on delete set null,
  updated_at timestamptz not null default now()
);
comment on table public.alert_settings is
  'Alert thresholds of a wallet (percent of the period''s grant, low balance); defaults apply without a row.';

create table public.wallet_alert_periods (
  account_id uuid primary key references public.accounts (id) on delete cascade,
  period_start timestamptz not null,
  -- Available at the period start plus every credit received since (micro-credits).
  period_grant bigint not null check (period_grant >= 0)
);
comment on table public.wallet_alert_periods is
  'A wallet''s current alert period (UTC month) and its grant: available at the start plus credits received.';

create table public.allowance_alert_marks (
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  token_type text not null references public.token_types (name) on delete cascade,
  period_start timestamptz not null,
  refresh_at timestamptz not null,
  period_allowance bigint not null,
  -- The next alert not yet raised fires when the balance left drops below this; null: none left.
  alert_below bigint,
  primary key (subject_kind, subject_id, token_type)
);
comment on table public.allowance_alert_marks is
  'Per allowance and period: the armed level below which the next threshold alert fires.';

create table public.alerts (
  id bigint generated always as identity primary key,
  user_id uuid references public.profiles (id) on delete cascade,
  org_id uuid references public.organizations (id) on delete cascade,
  account_id uuid references public.accounts (id) on delete cascade,
  token_type text,
  -- What the alert is about: wallet:<id>, allowance:<kind>:<id>:<type>, key:<id>, payment:<id>.
  subject text not null check (char_length(subject) between 1 and 200),
  kind text not null check (kind in ('balance.threshold', 'balance.low', 'allowance.threshold',
    'usage.limit_reached', 'spend.refused', 'usage.spike', 'balance.runout', 'key.expiring',
    'auto_recharge.failed')),
  -- Percent for thresholds, micro-credits for a low balance, days for forecasts and keys, else 0.
  threshold bigint not null default 0,
  period_start timestamptz not null,
  data jsonb not null default '{}'::jsonb check (jsonb_typeof(data) = 'object' and pg_column_size(data) <= 8192),
  created_at timestamptz not null default now(),
  constraint alerts_one_subject check ((user_id is null) <> (org_id is null)),
  constraint alerts_once unique (subject, kind, threshold, period_start)
);
comment on table public.alerts is
  'Raised alerts, exactly one per subject, kind, threshold and period. Written by functions only.';

-- Where the maintenance scan left off in the transfers (spikes and run-out forecasts look only at
-- wallets that spent since).
create table private.alert_scan_cursor (
  id boolean primary key default true check (id),
  last_transfer_id bigint not null default 0
);
insert into private.alert_scan_cursor (last_transfer_id)
select coalesce(max(t.id), 0) from public.transfers t;

create index alerts_user_idx on public.alerts (user_id, created_at desc, id desc) where user_id is not null;
create index alerts_org_idx on public.alerts (org_id, created_at desc, id desc) where org_id is not null;
create index alerts_account_idx on public.alerts (account_id) where account_id is not null;
create index alert_settings_updated_by_idx on public.alert_settings (updated_by);
create index allowance_alert_marks_type_idx on public.allowance_alert_marks (token_type);
create index notifications_unread_idx on public.notifications (user_id, id desc) where read_at is null;

-- ===================================================================== RLS
alter table public.alert_settings enable row level security;
alter table public.wallet_alert_periods enable row level security;
alter table public.allowance_alert_marks enable row level security;
alter table public.alerts enable row level security;
revoke all on public.alert_settings, public.wallet_alert_periods, public.allowance_alert_marks, public.alerts
  from public, anon, authenticated, service_role;
revoke all on private.alert_scan_cursor from public, anon, authenticated, service_role;
grant select on public.alert_settings, public.alerts to authenticated;
grant select on public.alert_settings, public.wallet_alert_periods, public.allowance_alert_marks, public.alerts
  to service_role;

-- Settings of wallets the caller manages (own, orgs they own or administer); alerts likewise.
create policy alert_settings_select on public.alert_settings for select to authenticated
  using (account_id = any ((select private.billing_accounts())::uuid[]));
create policy alerts_select on public.alerts for select to authenticated
  using (user_id = (select auth.uid()) or private.org_role(org_id) in ('owner', 'admin'));

-- ===================================================================== HELPERS
/* The first instant (UTC) of the month a moment falls in: a wallet's alert period. */
create function private.alert_month(at timestamptz) returns timestamptz
language sql immutable parallel safe set search_path = ''
as $$ select date_trunc('month', at at time zone 'UTC') at time zone 'UTC' $$;

/* The first instant (UTC) of the day a moment falls in. */
create function private.alert_day(at timestamptz) returns timestamptz
language sql immutable parallel safe set search_path = ''
as $$ select date_trunc('day', at at time zone 'UTC') at time zone 'UTC' $$;

/* Micro-credits as credits for people: at most two decimals, no trailing zeros. */
create function private.format_credits(amount bigint) returns text
language sql immutable parallel safe set search_path = ''
as $$
  select case
    when amount <> 0 and abs(amount) < 10000 then to_char(amount / 1000000.0, 'FM0.000000')
    when amount <> 0 and abs(amount) < 100000 then to_char(amount / 1000000.0, 'FM0.0000')
    else to_char(round(amount / 1000000.0, 2), 'FM999,999,999,999,990.00')
  end
$$;

/*
 * Raises one alert unless it was raised already (same subject, kind, threshold, period): inserts
 * it, one notification for the user or for each owner and admin of the org (unless p_notify is
 * false), and one outbox event of type p_kind. Returns the new alert's id, or null when it existed.
 */
create function private.raise_alert(
  p_user uuid, p_org uuid, p_account uuid, p_token_type text, p_subject text, p_kind text,
  p_threshold bigint, p_period_start timestamptz, p_data jsonb, p_title text, p_body text, p_link text,
  p_notify boolean default true
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  alert bigint;
begin
  insert into public.alerts (user_id, org_id, account_id, token_type, subject, kind, threshold, period_start,
                             data, created_at)
  values (p_user, p_org, p_account, p_token_type, p_subject, p_kind, p_threshold, p_period_start,
          coalesce(p_data, '{}'::jsonb), at)
  on conflict on constraint alerts_once do nothing
  returning id into alert;
  if alert is null then
    return null;
  end if;
  if p_notify then
    insert into public.notifications (user_id, kind, title, body, link, created_at)
    select recipient, p_kind, left(p_title, 200), left(coalesce(p_body, ''), 1000), p_link, at
    from (
      select p_user as recipient where p_user is not null
      union
      select m.user_id from public.organization_members m
      where p_org is not null and m.org_id = p_org and m.role in ('owner', 'admin')
    ) recipients;
  end if;
  perform private.emit_event(p_user, p_org, p_kind,
    coalesce(p_data, '{}'::jsonb) || jsonb_build_object('alertId', alert::text, 'threshold', p_threshold::text,
                                                        'periodStart', p_period_start));
  return alert;
end
$$;
comment on function private.raise_alert(uuid, uuid, uuid, text, text, text, bigint, timestamptz, jsonb, text, text, text, boolean) is
  'Raises an alert once per subject, kind, threshold and period: notifications and one outbox event.';

/* Who a wallet belongs to, for alerts: its user, or its org (with name and dashboard link). */
create function private.wallet_party(account uuid,
  out user_id uuid, out org_id uuid, out org_name text, out link text)
language sql stable security definer set search_path = ''
as $$
  select a.user_id, a.org_id, o.name,
         case when a.org_id is null then '/credits' else '/organizations/' || o.slug || '/credits' end
  from public.accounts a left join public.organizations o on o.id = a.org_id
  where a.id = account
$$;

-- ===================================================================== WALLET THRESHOLDS
/*
 * The alert levels of a wallet for a period grant: each fires when available < level. A p %
 * threshold is reached when available ≤ grant × (100 − p) / 100 (100 % is the wallet running
 * dry: usage.limit_reached); the low-balance alert when available < the amount set. Empty when
 * alerts are off. On a postpaid credit line the thresholds measure the line instead: p % is
 * reached when available ≤ −limit × p / 100, and there is no low-balance alert.
 */
create function private.wallet_alert_levels(account uuid, period_grant bigint)
returns table (kind text, threshold bigint, level bigint)
language sql stable security definer set search_path = ''
as $$
  with settings as (
    select coalesce(s.enabled, true) as enabled,
           coalesce(s.thresholds, '{80,95,100}'::smallint[]) as thresholds,
           coalesce(s.low_balance, 5000000) as low_balance
    from (select 1) one left join public.alert_settings s on s.account_id = account
  ), line as (
    select coalesce((select a.credit_limit from public.accounts a where a.id = account), 0) as credit_limit
  )
  select case when p = 100 then 'usage.limit_reached' else 'balance.threshold' end, p::bigint,
         case when line.credit_limit > 0 then (1 - div(line.credit_limit::numeric * p, 100))::bigint
              else (div(period_grant::numeric * (100 - p), 100) + 1)::bigint end
  from settings, line, unnest(settings.thresholds) as t(p)
  where settings.enabled and (period_grant > 0 or line.credit_limit > 0)
  union all
  select 'balance.low', settings.low_balance, settings.low_balance
  from settings, line
  where settings.enabled and settings.low_balance > 0 and line.credit_limit = 0
$$;

/*
 * The wallet's alert period as of `at`, started now when a new month began (its grant: what is
 * available, plus `spent` when called right after a spend that the new period should count).
 */
create function private.wallet_alert_period(account uuid, at timestamptz, spent bigint default 0)
returns public.wallet_alert_periods
language plpgsql security definer set search_path = ''
as $$
declare
  period public.wallet_alert_periods;
begin
  insert into public.wallet_alert_periods as p (account_id, period_start, period_grant)
  values (account, private.alert_month(at), greatest(private.available(account) + spent, 0))
  on conflict (account_id) do update
    set period_start = excluded.period_start, period_grant = excluded.period_grant
    where p.period_start < excluded.period_start
  returning * into period;
  if period.account_id is null then
    select * into period from public.wallet_alert_periods p where p.account_id = account;
  end if;
  return period;
end
$$;

/* The highest level of a wallet alert not raised yet this period (null: none left). */
create function private.next_wallet_level(account uuid, period public.wallet_alert_periods) returns bigint
language sql stable security definer set search_path = ''
as $$
  select max(l.level)
  from private.wallet_alert_levels(account, period.period_grant) l
  where not exists (
    select 1 from public.alerts x
    where x.subject = 'wallet:' || account and x.kind = l.kind and x.threshold = l.threshold
      and x.period_start = period.period_start)
$$;

/* Sets the wallet's armed level: the highest level of an alert not raised yet this period. */
create function private.arm_wallet_alerts(account uuid, period public.wallet_alert_periods) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  armed bigint := private.next_wallet_level(account, period);
begin
  update public.accounts a set alert_below = armed
  where a.id = account and a.alert_below is distinct from armed;
  return armed;
end
$$;

/*
 * A spend left the wallet below its armed level (the wallet row is locked by that spend): raises
 * every alert of this period whose level the balance is now under, once, and arms the next one.
 */
create function private.raise_wallet_alerts(account uuid, spent bigint default 0) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  period public.wallet_alert_periods := private.wallet_alert_period(account, at, spent);
  left_over bigint := private.available(account);
  line bigint := (select a.credit_limit from public.accounts a where a.id = account);
  party record;
  level record;
  title text;
  body text;
begin
  select * into party from private.wallet_party(account);
  for level in
    select * from private.wallet_alert_levels(account, period.period_grant) l
    where left_over < l.level
    order by l.level desc, l.kind
  loop
    if level.kind = 'balance.low' then
      title := case when party.org_id is null then 'Your credit balance is low'
                    else party.org_name || '''s credit balance is low' end;
      body := format('%s credits left, below your alert at %s credits.',
                     private.format_credits(left_over), private.format_credits(level.threshold));
    elsif line > 0 then
      title := case when party.org_id is null then format('You have used %s%% of your credit line', level.threshold)
                    else format('%s has used %s%% of its credit line', party.org_name, level.threshold) end;
      body := format('%s credits owed of a %s credit line.',
                     private.format_credits(-left_over), private.format_credits(line));
    elsif level.kind = 'usage.limit_reached' then
      title := case when party.org_id is null then 'You have used all your credits'
                    else party.org_name || ' has used all its credits' end;
      body := format('All %s credits of this month are used. Buy a package to keep using paid features.',
                     private.format_credits(period.period_grant));
    else
      title := case when party.org_id is null then format('You have used %s%% of your credits', level.threshold)
                    else format('%s has used %s%% of its credits', party.org_name, level.threshold) end;
      body := format('%s of %s credits left this month.',
                     private.format_credits(left_over), private.format_credits(period.period_grant));
    end if;
    perform private.raise_alert(party.user_id, party.org_id, account, null, 'wallet:' || account, level.kind,
      level.threshold, period.period_start,
      jsonb_build_object('walletId', account, 'available', left_over::text,
                         'periodGrant', period.period_grant::text, 'scope', 'wallet'),
      title, body, party.link);
  end loop;
  perform private.arm_wallet_alerts(account, period);
end
$$;
comment on function private.raise_wallet_alerts(uuid, bigint) is
  'Under the wallet lock: raises this period''s crossed threshold and low-balance alerts once, arms the next.';

/*
 * Attached to private.after_credit: `amount` credits just arrived in a wallet (its row is
 * locked). They add to the period's grant (a new month starts one, whose grant is what is
 * available now), and the wallet is armed for the next alert of the period.
 */
create function private.note_wallet_credit(account uuid, amount bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  period public.wallet_alert_periods;
begin
  insert into public.wallet_alert_periods as p (account_id, period_start, period_grant)
  values (account, private.alert_month(at), greatest(private.available(account), 0))
  on conflict (account_id) do update
    set period_grant = case when p.period_start < excluded.period_start then excluded.period_grant
                            else p.period_grant + amount end,
        period_start = greatest(p.period_start, excluded.period_start)
  returning * into period;
  perform private.arm_wallet_alerts(account, period);
end
$$;

-- ===================================================================== ALLOWANCES
/* An allowance's alert levels: each fires when the balance left < level. */
create function private.allowance_alert_levels(kind text, subject uuid, period_allowance bigint)
returns table (alert_kind text, threshold bigint, level bigint)
language sql stable security definer set search_path = ''
as $$
  with settings as (
    select coalesce(s.enabled, true) as enabled,
           coalesce(s.thresholds, '{80,95,100}'::smallint[]) as thresholds
    from (select 1) one
    left join public.alert_settings s
      on s.account_id = private.subject_wallet(allowance_alert_levels.kind, allowance_alert_levels.subject)
  )
  select case when p = 100 then 'usage.limit_reached' else 'allowance.threshold' end, p::bigint,
         (div(period_allowance::numeric * (100 - p), 100) + 1)::bigint
  from settings, unnest(settings.thresholds) as t(p)
  where settings.enabled and period_allowance > 0
$$;

/* The highest level of an allowance alert not raised yet in the mark's period. */
create function private.allowance_next_level(mark public.allowance_alert_marks) returns bigint
language sql stable security definer set search_path = ''
as $$
  select max(l.level)
  from private.allowance_alert_levels(mark.subject_kind, mark.subject_id, mark.period_allowance) l
  where not exists (
    select 1 from public.alerts x
    where x.subject = 'allowance:' || mark.subject_kind || ':' || mark.subject_id || ':' || mark.token_type
      and x.kind = l.alert_kind and x.threshold = l.threshold and x.period_start = mark.period_start)
$$;

/*
 * After a deduction is logged: when the balance left is below the allowance's armed level, raise
 * the crossed threshold alerts once (the unique constraint decides between concurrent deductions,
 * which take different lanes) and arm the next level. A new period re-reads the allowance.
 */
create function private.check_allowance_alerts() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  mark public.allowance_alert_marks;
  total public.token_balances;
  party record;
  level record;
  label text;
  subject_text text := 'allowance:' || new.subject_kind || ':' || new.subject_id || ':' || new.token_type;
begin
  select * into mark from public.allowance_alert_marks m
  where m.subject_kind = new.subject_kind and m.subject_id = new.subject_id and m.token_type = new.token_type;
  if mark.subject_id is null or new.created_at >= mark.refresh_at then
    total := private.balance_total(new.subject_kind, new.subject_id, new.token_type);
    if total.period_start is null then
      return null;
    end if;
    mark := row(new.subject_kind, new.subject_id, new.token_type, total.period_start, total.refresh_at,
                total.period_allowance, null)::public.allowance_alert_marks;
    mark.alert_below := private.allowance_next_level(mark);
    insert into public.allowance_alert_marks as m select (mark).*
    on conflict (subject_kind, subject_id, token_type) do update
      set period_start = excluded.period_start, refresh_at = excluded.refresh_at,
          period_allowance = excluded.period_allowance, alert_below = excluded.alert_below
      where m.period_start <= excluded.period_start;
  end if;
  if mark.alert_below is null or new.remaining >= mark.alert_below then
    return null;
  end if;

  -- Lock order: the mark, then the alerts' unique keys (as a refresh of the mark above does).
  perform 1 from public.allowance_alert_marks m
  where m.subject_kind = new.subject_kind and m.subject_id = new.subject_id and m.token_type = new.token_type
  for no key update;
  select t.label into label from public.token_types t where t.name = new.token_type;
  if new.subject_kind = 'user' then
    select new.subject_id as user_id, null::uuid as org_id, null::text as org_name into party;
  else
    select null::uuid as user_id, o.id as org_id, o.name as org_name into party
    from public.organizations o where o.id = new.subject_id;
  end if;
  for level in
    select * from private.allowance_alert_levels(new.subject_kind, new.subject_id, mark.period_allowance) l
    where new.remaining < l.level
    order by l.threshold
  loop
    perform private.raise_alert(party.user_id, party.org_id, private.subject_wallet(new.subject_kind, new.subject_id),
      new.token_type, subject_text, level.alert_kind, level.threshold, mark.period_start,
      jsonb_build_object('scope', 'allowance', 'subjectKind', new.subject_kind, 'subjectId', new.subject_id,
                         'tokenType', new.token_type, 'remaining', new.remaining::text,
                         'periodAllowance', mark.period_allowance::text, 'refreshAt', mark.refresh_at),
      case when level.alert_kind = 'usage.limit_reached'
           then format('%s allowance used up', coalesce(label, new.token_type))
           else format('%s%% of the %s allowance used', level.threshold, coalesce(label, new.token_type)) end,
      format('%s of %s left until %s.', new.remaining, mark.period_allowance,
             to_char(mark.refresh_at at time zone 'UTC', 'FMMonth FMDD, YYYY')),
      '/tokens');
  end loop;
  update public.allowance_alert_marks m set alert_below = private.allowance_next_level(mark)
  where m.subject_kind = new.subject_kind and m.subject_id = new.subject_id and m.token_type = new.token_type
    and m.period_start = mark.period_start;
  return null;
end
$$;
comment on function private.check_allowance_alerts() is
  'After an allowance deduction: raises crossed threshold alerts once per period and re-arms.';

create trigger token_usage_log_alerts after insert on public.token_usage_log
  for each row when (new.kind = 'deduct') execute function private.check_allowance_alerts();

-- ===================================================================== SETTINGS
/* May the caller manage this wallet's alerts? Its user, or an owner/admin of its org. */
create function private.assert_manages_wallet(account uuid) returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not exists (select 1 from public.accounts a where a.id = account and a.kind <> 'system')
     or (not private.is_trusted() and not (account = any (private.billing_accounts()))) then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', account));
  end if;
end
$$;

create function public.alert_settings_get(p_account uuid)
returns table (account_id uuid, enabled boolean, thresholds smallint[], low_balance bigint,
               updated_at timestamptz, period_start timestamptz, period_grant bigint, available bigint)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_manages_wallet(p_account);
  return query
  select p_account, coalesce(s.enabled, true), coalesce(s.thresholds, '{80,95,100}'::smallint[]),
         coalesce(s.low_balance, 5000000::bigint), s.updated_at, w.period_start, w.period_grant,
         private.available(p_account)
  from (select 1) one
  left join public.alert_settings s on s.account_id = p_account
  left join public.wallet_alert_periods w on w.account_id = p_account;
end
$$;
comment on function public.alert_settings_get(uuid) is
  'A wallet''s alert settings (defaults when never set) and its current period; managers only.';

create function public.alert_settings_set(p_account uuid, p_enabled boolean, p_thresholds smallint[],
                                          p_low_balance bigint)
returns table (account_id uuid, enabled boolean, thresholds smallint[], low_balance bigint,
               updated_at timestamptz, period_start timestamptz, period_grant bigint, available bigint)
language plpgsql security definer set search_path = ''
as $$
declare
  sorted smallint[];
begin
  perform private.assert_manages_wallet(p_account);
  if p_enabled is null then
    perform private.fail('TG422', 'Say whether alerts are on.', jsonb_build_object('field', 'enabled'));
  end if;
  if not private.valid_alert_thresholds(p_thresholds) then
    perform private.fail('TG422', 'Thresholds are up to 10 different whole percentages from 1 to 100.',
      jsonb_build_object('field', 'thresholds'));
  end if;
  if p_low_balance is null or p_low_balance not between 0 and 1000000000000000 then
    perform private.fail('TG422', 'The low-balance alert is 0 (off) to 10^15 micro-credits.',
      jsonb_build_object('field', 'lowBalance'));
  end if;
  select coalesce(array_agg(t order by t), '{}') into sorted from unnest(p_thresholds) t;
  insert into public.alert_settings as s (account_id, enabled, thresholds, low_balance, updated_by, updated_at)
  values (p_account, p_enabled, sorted, p_low_balance, auth.uid(), now())
  on conflict on constraint alert_settings_pkey do update
    set enabled = excluded.enabled, thresholds = excluded.thresholds, low_balance = excluded.low_balance,
        updated_by = excluded.updated_by, updated_at = excluded.updated_at;
  -- Re-arm under the wallet lock, like a spend would.
  perform 1 from public.accounts a where a.id = p_account for no key update;
  perform private.arm_wallet_alerts(p_account, private.wallet_alert_period(p_account, private.clock()));
  update public.allowance_alert_marks m set refresh_at = '-infinity'
  where (m.subject_kind, m.subject_id) = (
    select case when a.org_id is null then 'user' else 'org' end, coalesce(a.user_id, a.org_id)
    from public.accounts a where a.id = p_account);
  return query select * from public.alert_settings_get(p_account);
end
$$;
comment on function public.alert_settings_set(uuid, boolean, smallint[], bigint) is
  'Sets a wallet''s alert thresholds (percentages), low-balance amount and on/off; re-arms. Managers only.';

-- ===================================================================== REFUSED SPENDS
/* Service only: a spend was refused for lack of credits (recorded once per wallet per UTC day). */
create function public.alert_spend_refused(p_account uuid, p_needed bigint, p_available bigint)
returns boolean
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  party record;
begin
  perform private.assert_service();
  select * into party from private.wallet_party(p_account);
  if party.user_id is null and party.org_id is null then
    return false;
  end if;
  return private.raise_alert(party.user_id, party.org_id, p_account, null, 'wallet:' || p_account,
    'spend.refused', 0, private.alert_day(at),
    jsonb_build_object('walletId', p_account, 'needed', greatest(p_needed, 0)::text,
                       'available', greatest(p_available, 0)::text),
    'A spend was refused for lack of credits',
    format('It needed %s credits; %s were available. Top up to keep using paid features.',
           private.format_credits(greatest(p_needed, 0)), private.format_credits(greatest(p_available, 0))),
    party.link) is not null;
end
$$;
comment on function public.alert_spend_refused(uuid, bigint, bigint) is
  'Service only: records a spend refused for lack of credits, once per wallet and UTC day.';

-- ===================================================================== SCAN
/*
 * Service only, run by the maintenance tick. Raises, each once per period:
 *   usage.spike     a wallet's spending today (UTC) is above 3× its daily average of the 14 days before;
 *   balance.runout  at the last 7 days' burn rate the wallet runs dry within 7 days (once a month);
 *   key.expiring    a provider key expires within 7 days (once per key and expiry);
 *   auto_recharge.failed  an automatic top-up failed in the last 30 days (once per payment; the
 *                   wallet's managers were already notified when it was switched off, so: event only);
 * and re-arms wallets whose month rolled over, and raises threshold alerts that debits outside the
 * spend path (transfers out, settlements over a hold, expiries) left unraised.
 */
-- p_limit bounds the wallets re-armed per call and the keys and payments looked at.
create function public.alerts_scan(p_limit integer default 1000)
returns table (kind text, raised integer)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  today timestamptz := private.alert_day(at);
  month_start timestamptz := private.alert_month(at);
  lo bigint;
  hi bigint;
  wallet record;
  party record;
  item record;
  spent_today bigint;
  earlier bigint;
  week bigint;
  left_over bigint;
  days integer;
  counts jsonb := '{}'::jsonb;
begin
  perform private.assert_service();
  select c.last_transfer_id into lo from private.alert_scan_cursor c for update;
  select coalesce(max(t.id), 0) into hi from public.transfers t;

  -- Spikes and run-out forecasts: every wallet that spent since the last scan (the cursor then
  -- moves past them all, so none is skipped).
  for wallet in
    select distinct t.key_account_id as id from public.transfers t
    join public.accounts a on a.id = t.key_account_id and a.kind <> 'system'
    where t.id > lo and t.id <= hi and t.kind in ('spend', 'hold_post')
  loop
    select coalesce(sum(t.amount) filter (where t.created_at >= today), 0)::bigint,
           coalesce(sum(t.amount) filter (where t.created_at < today), 0)::bigint,
           coalesce(sum(t.amount) filter (where t.created_at >= at - interval '7 days'), 0)::bigint
    into spent_today, earlier, week
    from public.transfers t
    where t.key_account_id = wallet.id and t.kind in ('spend', 'hold_post')
      and t.created_at >= today - interval '14 days' and t.created_at <= at;
    select * into party from private.wallet_party(wallet.id);
    if earlier > 0 and spent_today::numeric * 14 > 3 * earlier::numeric then
      if private.raise_alert(party.user_id, party.org_id, wallet.id, null, 'wallet:' || wallet.id, 'usage.spike',
           300, today,
           jsonb_build_object('walletId', wallet.id, 'today', spent_today::text,
                              'dailyAverage', (earlier / 14)::text, 'days', 14),
           'Unusual usage today',
           format('%s credits spent today, more than 3× the daily average of %s credits over the last 14 days.',
                  private.format_credits(spent_today), private.format_credits(earlier / 14)),
           party.link) is not null then
        counts := jsonb_set(counts, '{usage.spike}', to_jsonb(coalesce((counts ->> 'usage.spike')::int, 0) + 1));
      end if;
    end if;
    left_over := private.available(wallet.id);
    if week > 0 and left_over > 0 and left_over <= week then
      days := (left_over * 7 / week)::integer;
      if private.raise_alert(party.user_id, party.org_id, wallet.id, null, 'wallet:' || wallet.id,
           'balance.runout', 7, month_start,
           jsonb_build_object('walletId', wallet.id, 'available', left_over::text, 'daysLeft', days,
                              'dailyBurn', (week / 7)::text),
           case when days < 1 then 'Credits run out within a day'
                else format('Credits run out in about %s day%s', days, case when days = 1 then '' else 's' end) end,
           format('At the last 7 days'' rate of %s credits a day, the %s credits left last about %s day%s.',
                  private.format_credits(week / 7), private.format_credits(left_over), days,
                  case when days = 1 then '' else 's' end),
           party.link) is not null then
        counts := jsonb_set(counts, '{balance.runout}', to_jsonb(coalesce((counts ->> 'balance.runout')::int, 0) + 1));
      end if;
    end if;
  end loop;
  update private.alert_scan_cursor set last_transfer_id = greatest(last_transfer_id, hi);

  -- Wallets due a new month, or left below their armed level by a debit outside the spend path.
  for wallet in
    select a.id from public.accounts a
    left join public.wallet_alert_periods p on p.account_id = a.id
    where a.kind <> 'system'
      and ((p.account_id is not null and p.period_start < month_start)
           or a.credits_posted - a.debits_posted - a.debits_pending < a.alert_below)
    limit greatest(p_limit, 1)
    for no key update of a skip locked
  loop
    perform private.arm_wallet_alerts(wallet.id, private.wallet_alert_period(wallet.id, at));
    if private.available(wallet.id) < (select a.alert_below from public.accounts a where a.id = wallet.id) then
      perform private.raise_wallet_alerts(wallet.id);
    end if;
  end loop;

  -- Provider keys expiring within 7 days.
  for item in
    select k.id, k.subject_kind, k.subject_id, k.provider, k.key_hint, k.expires_at
    from public.ai_provider_keys k
    where k.expires_at > at and k.expires_at <= at + interval '7 days'
    limit greatest(p_limit, 1)
  loop
    if private.raise_alert(case when item.subject_kind = 'user' then item.subject_id end,
         case when item.subject_kind = 'org' then item.subject_id end,
         private.subject_wallet(item.subject_kind, item.subject_id), null, 'key:' || item.id, 'key.expiring',
         7, item.expires_at,
         jsonb_build_object('keyId', item.id, 'provider', item.provider, 'keyHint', item.key_hint,
                            'expiresAt', item.expires_at),
         format('Your %s key expires on %s',
                case item.provider when 'openai' then 'OpenAI' else initcap(item.provider) end,
                to_char(item.expires_at at time zone 'UTC', 'FMMonth FMDD, YYYY')),
         format('The key ending in %s stops being used then; calls fall back to credits. Replace it in Settings.',
                item.key_hint),
         '/settings') is not null then
      counts := jsonb_set(counts, '{key.expiring}', to_jsonb(coalesce((counts ->> 'key.expiring')::int, 0) + 1));
    end if;
  end loop;

  -- Automatic top-ups that failed lately.
  for item in
    select p.id, p.account_id, p.created_at, p.failure_message, p.credits
    from public.payments p
    where p.kind = 'auto_recharge' and p.status = 'failed' and p.updated_at >= at - interval '30 days'
    limit greatest(p_limit, 1)
  loop
    select * into party from private.wallet_party(item.account_id);
    if party.user_id is not null or party.org_id is not null then
      if private.raise_alert(party.user_id, party.org_id, item.account_id, null, 'payment:' || item.id,
           'auto_recharge.failed', 0, item.created_at,
           jsonb_build_object('walletId', item.account_id, 'paymentId', item.id,
                              'reason', coalesce(item.failure_message, 'payment failed')),
           'Auto-recharge failed', coalesce(item.failure_message, 'payment failed'), party.link, false) is not null then
        counts := jsonb_set(counts, '{auto_recharge.failed}',
                            to_jsonb(coalesce((counts ->> 'auto_recharge.failed')::int, 0) + 1));
      end if;
    end if;
  end loop;

  return query select e.key, e.value::integer from jsonb_each_text(counts) e order by e.key;
end
$$;
comment on function public.alerts_scan(integer) is
  'Service only (maintenance): spikes, run-out forecasts, expiring keys, failed auto-recharges; re-arms wallets.';

-- ===================================================================== NOTIFICATIONS
/* Marks the caller's notifications read: the ids given, or all when p_ids is null. Returns how many. */
create function public.notifications_mark_read(p_ids bigint[] default null) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  changed integer;
begin
  if caller is null then
    perform private.fail('TG401', 'Sign in to continue.', '{}'::jsonb);
  end if;
  if p_ids is not null and cardinality(p_ids) > 500 then
    perform private.fail('TG422', 'Mark at most 500 notifications at once.', jsonb_build_object('field', 'ids'));
  end if;
  update public.notifications n set read_at = now()
  where n.user_id = caller and n.read_at is null and (p_ids is null or n.id = any (p_ids));
  get diagnostics changed = row_count;
  return changed;
end
$$;
comment on function public.notifications_mark_read(bigint[]) is
  'Marks the caller''s own notifications read (given ids, or all); returns how many changed.';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.valid_alert_thresholds(smallint[]),
  private.alert_month(timestamptz),
  private.alert_day(timestamptz),
  private.format_credits(bigint),
  private.raise_alert(uuid, uuid, uuid, text, text, text, bigint, timestamptz, jsonb, text, text, text, boolean),
  private.wallet_party(uuid),
  private.wallet_alert_levels(uuid, bigint),
  private.wallet_alert_period(uuid, timestamptz, bigint),
  private.next_wallet_level(uuid, public.wallet_alert_periods),
  private.arm_wallet_alerts(uuid, public.wallet_alert_periods),
  private.raise_wallet_alerts(uuid, bigint),
  private.note_wallet_credit(uuid, bigint),
  private.allowance_alert_levels(text, uuid, bigint),
  private.allowance_next_level(public.allowance_alert_marks),
  private.check_allowance_alerts(),
  private.assert_manages_wallet(uuid)
from public, anon, authenticated, service_role;
-- The table's check constraint calls it for whoever writes (only functions do).
grant execute on function private.valid_alert_thresholds(smallint[]) to authenticated, service_role;
revoke all on function
  public.alert_settings_get(uuid),
  public.alert_settings_set(uuid, boolean, smallint[], bigint),
  public.alert_spend_refused(uuid, bigint, bigint),
  public.alerts_scan(integer),
  public.notifications_mark_read(bigint[])
from public, anon;
grant execute on function
  public.alert_settings_get(uuid),
  public.alert_settings_set(uuid, boolean, smallint[], bigint),
  public.notifications_mark_read(bigint[])
to authenticated, service_role;
grant execute on function public.alert_spend_refused(uuid, bigint, bigint), public.alerts_scan(integer)
to service_role;
revoke all on function public.alert_spend_refused(uuid, bigint, bigint), public.alerts_scan(integer)
from authenticated;

comment on function private.format_credits(bigint) is
  'Micro-credits as credits for people, as lib/credits formatCredits shows them.';
