-- Teams, part 1: invitations and per-member monthly spending limits on org wallets.
--
-- An invitation is a single-use link: only the SHA-256 of its random token is stored, it names
-- the email it was sent to, and it expires. A member limit caps what one member may spend from
-- the org wallet in a calendar month (UTC); the ledger's spend and reserve functions enforce it
-- in the same transaction as the debit, so it holds under any concurrency.
--
-- Who sees what: owners and admins read their org's invitations (never the token hash), every
-- limit and every member's usage; a member reads their own limit and usage. Writes go through
-- the functions of the following migrations only.

-- ===================================================================== TABLES
create table public.organization_invitations (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  email text not null check (email = lower(btrim(email)) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'
                             and char_length(email) <= 254),
  role text not null default 'member' check (role in ('admin', 'member')),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  invited_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references public.profiles (id) on delete set null,
  revoked_at timestamptz,
  constraint organization_invitations_expiry check (expires_at > created_at)
);
comment on table public.organization_invitations is
  'Invitations by email with an expiring single-use token (only its SHA-256 is stored).';

create table public.org_member_limits (
  account_id uuid not null references public.accounts (id) on delete restrict,
  user_id uuid not null references public.profiles (id) on delete cascade,
  monthly_limit bigint not null check (monthly_limit between 0 and 1000000000000000),
  updated_by uuid references public.profiles (id) on delete set null,
  updated_at timestamptz not null default now(),
  primary key (account_id, user_id)
);
comment on table public.org_member_limits is
  'Per-member monthly spending limit (micro-credits) on an org wallet. No row means no limit.';

create table public.org_member_usage (
  account_id uuid not null references public.accounts (id) on delete restrict,
  user_id uuid not null references public.profiles (id) on delete cascade,
  month date not null check (extract(day from month) = 1),
  -- Spends plus pending holds of a limited member this month, corrected when holds settle.
  used bigint not null default 0 check (used >= 0),
  primary key (account_id, user_id, month)
);
comment on table public.org_member_usage is
  'What a limited member used of an org wallet per month: the counter the limit is checked against.';

create table public.org_member_holds (
  hold_id bigint primary key references public.holds (id) on delete cascade,
  account_id uuid not null,
  user_id uuid not null,
  month date not null,
  amount bigint not null check (amount > 0),
  constraint org_member_holds_usage foreign key (account_id, user_id, month)
    references public.org_member_usage (account_id, user_id, month) on delete cascade
);
comment on table public.org_member_holds is
  'Holds counted against a member limit at reserve time, until settle or void corrects the usage.';

-- ===================================================================== INDEXES
create index organization_invitations_org_idx on public.organization_invitations (org_id, created_at desc);
create index organization_invitations_email_idx on public.organization_invitations (email)
  where accepted_at is null and revoked_at is null;
create index organization_invitations_invited_by_idx on public.organization_invitations (invited_by);
create index organization_invitations_accepted_by_idx on public.organization_invitations (accepted_by);
create index org_member_limits_user_idx on public.org_member_limits (user_id);
create index org_member_limits_updated_by_idx on public.org_member_limits (updated_by);
create index org_member_usage_user_idx on public.org_member_usage (user_id);
create index org_member_holds_usage_idx on public.org_member_holds (account_id, user_id, month);

-- ===================================================================== RLS
alter table public.organization_invitations enable row level security;
alter table public.org_member_limits enable row level security;
alter table public.org_member_usage enable row level security;
alter table public.org_member_holds enable row level security;

revoke all on public.organization_invitations, public.org_member_limits, public.org_member_usage,
  public.org_member_holds from public, anon, authenticated, service_role;
-- The token hash stays out of reach: authenticated reads every column but it.
grant select (id, org_id, email, role, invited_by, created_at, expires_at, accepted_at, accepted_by,
              revoked_at) on public.organization_invitations to authenticated;
grant select on public.org_member_limits, public.org_member_usage to authenticated;
grant select on public.organization_invitations, public.org_member_limits, public.org_member_usage,
  public.org_member_holds to service_role;

/* Is the caller an owner or admin of the org that owns this wallet? */
create function private.manages_wallet(account uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.accounts a
    join public.organization_members m on m.org_id = a.org_id
    where a.id = account and m.user_id = (select auth.uid()) and m.role in ('owner', 'admin')
  )
$$;
comment on function private.manages_wallet(uuid) is 'True when the caller owns or administers the org of this wallet.';
revoke all on function private.manages_wallet(uuid) from public, anon, authenticated, service_role;
grant execute on function private.manages_wallet(uuid) to authenticated, service_role;

create policy organization_invitations_select on public.organization_invitations for select to authenticated
  using ((select private.org_role(org_id)) in ('owner', 'admin'));
create policy org_member_limits_select on public.org_member_limits for select to authenticated
  using (user_id = (select auth.uid()) or (select private.manages_wallet(account_id)));
create policy org_member_usage_select on public.org_member_usage for select to authenticated
  using (user_id = (select auth.uid()) or (select private.manages_wallet(account_id)));
