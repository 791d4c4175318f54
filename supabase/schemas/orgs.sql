-- Teams, part 1: invitations and per-member monthly spending limits on org wallets.
--
-- An invitation is a single-use link: only the SHA-256 of its random token is stored, it names
-- the email it was sent to, and it expires. A member limit caps what one member may spend from
-- the org wallet in a calendar month (UTC); the ledger's spend and reserve functions enforce it
-- in the same transaction as the debit, so it holds under any concurrency.
--
-- Who sees what: owners and admins read their org's invitations (never the token hash), every
-- limit and every member's usage; a member reads their own limit and usage. Writes go through
-- the functions below only.

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

-- Ledger, part 3: per-member monthly limits on org wallets and the auto-recharge trigger, woven
-- into the spend and reserve paths.
--
-- The functions below replace their earlier versions with the same signatures, behaviour and
-- grants (CREATE OR REPLACE keeps the grants). The spend hot path stays one insert and one
-- guarded update: the update now also returns the wallet's kind and its armed auto-recharge
-- threshold, so a personal wallet pays nothing extra. Only when the wallet is an org wallet is
-- the member's limit looked up (one primary-key probe), and only when that member has a limit is
-- a counter row upserted, guarded, after the wallet row is locked (lock order: wallet, counter).

-- ===================================================================== HELPERS
/* The first day (UTC) of the month a moment falls in: the key of a member's usage counter. */
create function private.usage_month(at timestamptz) returns date
language sql immutable parallel safe set search_path = ''
as $$ select date_trunc('month', at at time zone 'UTC')::date $$;
comment on function private.usage_month(timestamptz) is 'The UTC month (its first day) a member''s usage is counted in.';

/*
 * Counts `amount` against the member's monthly limit on an org wallet, or does nothing when the
 * member has no limit. Refuses with TG402 (limit, used, needed) and writes nothing when the
 * counter would pass the limit. The caller holds the wallet lock. Returns whether a limit applied.
 */
create function private.charge_member_limit(account uuid, member uuid, amount bigint, at timestamptz)
returns boolean
language plpgsql security definer set search_path = ''
as $$
declare
  cap bigint;
  usage_key date := private.usage_month(at);
  counted bigint;
begin
  select l.monthly_limit into cap from public.org_member_limits l
  where l.account_id = account and l.user_id = member;
  if not found then
    return false;
  end if;
  if amount <= cap then
    insert into public.org_member_usage as u (account_id, user_id, month, used)
    values (account, member, usage_key, amount)
    on conflict (account_id, user_id, month) do update set used = u.used + excluded.used
      where u.used + excluded.used <= cap
    returning u.used into counted;
  end if;
  if counted is null then
    select coalesce(max(u.used), 0) into counted from public.org_member_usage u
    where u.account_id = account and u.user_id = member and u.month = usage_key;
    perform private.fail('TG402',
      format('Member monthly limit reached: %s micro-credits needed, %s of %s used this month.',
             amount, counted, cap),
      jsonb_build_object('reason', 'member_limit', 'limit', cap::text, 'used', counted::text,
                         'needed', amount::text, 'available', greatest(cap - counted, 0)::text,
                         'wallet', account, 'member', member));
  end if;
  return true;
end
$$;
comment on function private.charge_member_limit(uuid, uuid, bigint, timestamptz) is
  'Counts a spend or hold against the member''s monthly limit on an org wallet; TG402 past the limit.';

/* Corrects a member's usage once a counted hold is settled (by what it posted) or voided. */
create function private.release_member_hold(hold bigint, posted bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  counted public.org_member_holds;
begin
  delete from public.org_member_holds h where h.hold_id = hold returning * into counted;
  if not found then
    return;
  end if;
  update public.org_member_usage u set used = greatest(u.used + posted - counted.amount, 0)
  where u.account_id = counted.account_id and u.user_id = counted.user_id and u.month = counted.month;
end
$$;
comment on function private.release_member_hold(bigint, bigint) is
  'Replaces a counted hold''s amount in its member''s usage by what was actually posted.';

/*
 * Attached to private.after_debit for org wallets: counts what the signed-in member took (a
 * spend, or a hold until it ends) against their monthly limit; past it, the whole debit rolls
 * back. Debits made by trusted code on no member's behalf are not counted.
 */
create function private.count_member_debit(account uuid, amount bigint, hold bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  member uuid := auth.uid();
  at timestamptz := private.clock();
begin
  -- Separate statements: Postgres does not promise the order in which an OR's operands run, and
  -- a plan that knows `hold` is null may skip a call inside it; the limit must always be charged.
  if member is null then
    return;
  end if;
  if not private.charge_member_limit(account, member, amount, at) then
    return;
  end if;
  if hold is null then
    return;
  end if;
  -- A hold counts now; settle or void corrects it to the actual usage (release_member_hold).
  insert into public.org_member_holds (hold_id, account_id, user_id, month, amount)
  values (hold, account, member, private.usage_month(at), amount);
end
$$;
comment on function private.count_member_debit(uuid, bigint, bigint) is
  'Counts a member''s spend or hold on an org wallet against their monthly limit; TG402 past it.';

-- ===================================================================== PRIVILEGES
-- Private helpers: they run only inside the ledger's functions, through its hooks.
revoke all on function
  private.usage_month(timestamptz),
  private.charge_member_limit(uuid, uuid, bigint, timestamptz),
  private.release_member_hold(bigint, bigint),
  private.count_member_debit(uuid, bigint, bigint)
from public, anon, authenticated, service_role;

-- Teams, part 2: invitations, roles, leaving and removing, member limits and usage by member.
--
-- Rules: owners manage everyone; admins manage admins and members but never owners; nobody can
-- make or invite an owner except an owner; an org always keeps at least one owner.

-- ===================================================================== HELPERS
/* The caller's role in the org, or TG404 when they are not a member (strangers learn nothing). */
create function private.require_org_role(org uuid, allowed text[]) returns text
language plpgsql stable security definer set search_path = ''
as $$
declare
  caller_role text := private.org_role(org);
begin
  if caller_role is null then
    perform private.fail('TG404', 'Organization not found.', jsonb_build_object('org', org));
  end if;
  if not (caller_role = any (allowed)) then
    perform private.fail('TG403', 'Only owners and admins manage the organization''s members.',
      jsonb_build_object('org', org, 'role', caller_role));
  end if;
  return caller_role;
end
$$;
comment on function private.require_org_role(uuid, text[]) is
  'The caller''s org role when it is one of `allowed`; TG404 for non-members, TG403 otherwise.';

/* Refuses a change that would leave the org without an owner (caller holds the member rows). */
create function private.keep_an_owner(org uuid, leaving uuid) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform 1 from public.organization_members m where m.org_id = org and m.role = 'owner' for update;
  if not exists (select 1 from public.organization_members m
                 where m.org_id = org and m.role = 'owner' and m.user_id <> leaving) then
    perform private.fail('TG422', 'An organization needs an owner: make someone else owner first.',
      jsonb_build_object('reason', 'last_owner'));
  end if;
end
$$;
comment on function private.keep_an_owner(uuid, uuid) is 'TG422 when `leaving` is the org''s last owner.';

-- ===================================================================== INVITATIONS
create function public.org_invite(p_org_id uuid, p_email text, p_role text, p_token_hash text, p_ttl_hours integer default 168)
returns table (invitation_id uuid, expires_at timestamptz)
language plpgsql security definer set search_path = ''
as $$
declare
  invitee text := lower(btrim(p_email));
  invitation uuid;
  expiry timestamptz := now() + make_interval(hours => coalesce(p_ttl_hours, 168));
begin
  perform private.require_org_role(p_org_id, array['owner', 'admin']);
  if p_role is null or p_role not in ('admin', 'member') then
    perform private.fail('TG422', 'Invite people as admin or member.', jsonb_build_object('field', 'role'));
  end if;
  if invitee is null or invitee !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or char_length(invitee) > 254 then
    perform private.fail('TG422', 'Enter a valid email address.', jsonb_build_object('field', 'email'));
  end if;
  if p_ttl_hours is not null and p_ttl_hours not between 1 and 720 then
    perform private.fail('TG422', 'An invitation lives between 1 hour and 30 days.', jsonb_build_object('field', 'ttl_hours'));
  end if;
  if exists (select 1 from public.organization_members m join auth.users u on u.id = m.user_id
             where m.org_id = p_org_id and lower(u.email) = invitee) then
    perform private.fail('TG422', 'That person is already a member.', jsonb_build_object('field', 'email'));
  end if;
  -- A new invitation replaces any still-open one for the same address.
  update public.organization_invitations i set revoked_at = now()
  where i.org_id = p_org_id and i.email = invitee and i.accepted_at is null and i.revoked_at is null;
  insert into public.organization_invitations (org_id, email, role, token_hash, invited_by, expires_at)
  values (p_org_id, invitee, p_role, p_token_hash, auth.uid(), expiry)
  returning id into invitation;
  return query select invitation, expiry;
end
$$;
comment on function public.org_invite(uuid, text, text, text, integer) is
  'Owners and admins invite an email as admin or member; only the token''s SHA-256 is stored.';

create function public.org_invitation_preview(p_token_hash text)
returns table (invitation_id uuid, org_id uuid, org_name text, org_slug text, email text, role text,
               invited_by_name text, expires_at timestamptz, status text, for_caller boolean)
language plpgsql stable security definer set search_path = ''
as $$
begin
  -- Whoever holds the token may see what it invites to (the link is the secret).
  return query
  select i.id, o.id, o.name, o.slug, i.email, i.role, coalesce(p.full_name, ''), i.expires_at,
         case when i.revoked_at is not null then 'revoked' when i.accepted_at is not null then 'accepted'
              when i.expires_at <= now() then 'expired' else 'pending' end,
         lower(coalesce((select u.email from auth.users u where u.id = auth.uid()), '')) = i.email
  from public.organization_invitations i
  join public.organizations o on o.id = i.org_id
  left join public.profiles p on p.id = i.invited_by
  where i.token_hash = p_token_hash;
end
$$;
comment on function public.org_invitation_preview(text) is 'What an invitation token invites to, and whether it is for the caller.';

create function public.org_accept_invitation(p_token_hash text)
returns table (org_id uuid, org_slug text, role text, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  invitation public.organization_invitations;
  caller_email text;
  slug text;
begin
  if caller is null then
    perform private.fail('TG401', 'Sign in to accept the invitation.', '{}'::jsonb);
  end if;
  select * into invitation from public.organization_invitations i where i.token_hash = p_token_hash for update;
  if not found or invitation.revoked_at is not null then
    perform private.fail('TG404', 'This invitation does not exist or was withdrawn.', '{}'::jsonb);
  end if;
  select o.slug into slug from public.organizations o where o.id = invitation.org_id;
  if invitation.accepted_at is not null then
    if invitation.accepted_by = caller then
      return query select invitation.org_id, slug, invitation.role, true;
      return;
    end if;
    perform private.fail('TG404', 'This invitation was already used.', '{}'::jsonb);
  end if;
  if invitation.expires_at <= now() then
    perform private.fail('TG403', 'This invitation has expired. Ask an admin for a new one.',
      jsonb_build_object('reason', 'expired', 'expiredAt', invitation.expires_at));
  end if;
  select lower(u.email) into caller_email from auth.users u where u.id = caller;
  if caller_email is distinct from invitation.email then
    perform private.fail('TG403', 'This invitation was sent to another email address. Sign in as that person to accept it.',
      jsonb_build_object('reason', 'wrong_user'));
  end if;
  insert into public.organization_members (org_id, user_id, role)
  values (invitation.org_id, caller, invitation.role)
  on conflict do nothing;
  update public.organization_invitations i set accepted_at = now(), accepted_by = caller where i.id = invitation.id;
  return query select invitation.org_id, slug, invitation.role, false;
end
$$;
comment on function public.org_accept_invitation(text) is
  'The invited person (same email) joins with the invited role; TG403 when expired or for someone else.';

create function public.org_revoke_invitation(p_invitation_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  org uuid;
begin
  select i.org_id into org from public.organization_invitations i where i.id = p_invitation_id;
  if org is null then
    perform private.fail('TG404', 'Invitation not found.', '{}'::jsonb);
  end if;
  perform private.require_org_role(org, array['owner', 'admin']);
  update public.organization_invitations i set revoked_at = now()
  where i.id = p_invitation_id and i.accepted_at is null and i.revoked_at is null;
end
$$;
comment on function public.org_revoke_invitation(uuid) is 'Owners and admins withdraw an invitation that is not accepted yet.';

-- ===================================================================== MEMBERS
create function public.org_change_role(p_org_id uuid, p_user_id uuid, p_role text) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role text := private.require_org_role(p_org_id, array['owner', 'admin']);
  member_role text;
begin
  if p_role is null or p_role not in ('owner', 'admin', 'member') then
    perform private.fail('TG422', 'Role must be owner, admin or member.', jsonb_build_object('field', 'role'));
  end if;
  select m.role into member_role from public.organization_members m
  where m.org_id = p_org_id and m.user_id = p_user_id for update;
  if member_role is null then
    perform private.fail('TG404', 'That person is not a member.', jsonb_build_object('user', p_user_id));
  end if;
  if caller_role <> 'owner' and (member_role = 'owner' or p_role = 'owner') then
    perform private.fail('TG403', 'Only owners change who is an owner.', jsonb_build_object('role', caller_role));
  end if;
  if member_role = 'owner' and p_role <> 'owner' then
    perform private.keep_an_owner(p_org_id, p_user_id);
  end if;
  update public.organization_members m set role = p_role where m.org_id = p_org_id and m.user_id = p_user_id;
end
$$;
comment on function public.org_change_role(uuid, uuid, text) is
  'Owners change any role; admins move people between admin and member. The last owner stays owner.';

/* Ends a membership and its member limit (the person's history in the org wallet stays). */
create function private.end_membership(org uuid, member uuid) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  delete from public.organization_members m where m.org_id = org and m.user_id = member;
  delete from public.org_member_limits l
  where l.user_id = member and l.account_id = (select a.id from public.accounts a where a.org_id = org);
end
$$;
comment on function private.end_membership(uuid, uuid) is 'Removes a membership and the member''s limit.';

create function public.org_remove_member(p_org_id uuid, p_user_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role text := private.require_org_role(p_org_id, array['owner', 'admin']);
  target_role text;
begin
  if p_user_id = auth.uid() then
    perform private.fail('TG422', 'To remove yourself, leave the organization.', jsonb_build_object('field', 'user'));
  end if;
  select m.role into target_role from public.organization_members m
  where m.org_id = p_org_id and m.user_id = p_user_id for update;
  if target_role is null then
    perform private.fail('TG404', 'That person is not a member.', jsonb_build_object('user', p_user_id));
  end if;
  if target_role = 'owner' and caller_role <> 'owner' then
    perform private.fail('TG403', 'Only owners remove an owner.', jsonb_build_object('role', caller_role));
  end if;
  if target_role = 'owner' then
    perform private.keep_an_owner(p_org_id, p_user_id);
  end if;
  perform private.end_membership(p_org_id, p_user_id);
end
$$;
comment on function public.org_remove_member(uuid, uuid) is 'Owners and admins remove a member (admins never an owner).';

create function public.org_leave(p_org_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role text := private.require_org_role(p_org_id, array['owner', 'admin', 'member']);
begin
  if caller_role = 'owner' then
    perform private.keep_an_owner(p_org_id, auth.uid());
  end if;
  perform private.end_membership(p_org_id, auth.uid());
end
$$;
comment on function public.org_leave(uuid) is 'The caller leaves the org; the last owner must hand over first.';

-- Teams, part 3: setting per-member monthly limits, the member list with limits and usage, and
-- org usage by member.

-- ===================================================================== LIMITS
create function public.org_set_member_limit(p_org_id uuid, p_user_id uuid, p_monthly_limit bigint)
returns void
language plpgsql security definer set search_path = ''
as $$
declare
  wallet uuid;
  this_month date := private.usage_month(private.clock());
begin
  perform private.require_org_role(p_org_id, array['owner', 'admin']);
  if not exists (select 1 from public.organization_members m where m.org_id = p_org_id and m.user_id = p_user_id) then
    perform private.fail('TG404', 'That person is not a member.', jsonb_build_object('user', p_user_id));
  end if;
  if p_monthly_limit is not null and p_monthly_limit not between 0 and 1000000000000000 then
    perform private.fail('TG422', 'A monthly limit is between 0 and 10^15 micro-credits.',
      jsonb_build_object('field', 'monthly_limit'));
  end if;
  select a.id into wallet from public.accounts a where a.org_id = p_org_id;
  -- Under the wallet lock, so a limit never changes halfway through a member's spend.
  perform 1 from public.accounts a where a.id = wallet for no key update;
  if p_monthly_limit is null then
    delete from public.org_member_limits l where l.account_id = wallet and l.user_id = p_user_id;
    return;
  end if;
  insert into public.org_member_limits (account_id, user_id, monthly_limit, updated_by)
  values (wallet, p_user_id, p_monthly_limit, auth.uid())
  on conflict (account_id, user_id) do update
    set monthly_limit = excluded.monthly_limit, updated_by = excluded.updated_by, updated_at = now();
  -- The counter restarts from the truth: what the member already spent this month (also while
  -- they had no limit), plus the holds still counted against it. A new limit below that simply
  -- stops further spending this month.
  insert into public.org_member_usage as u (account_id, user_id, month, used)
  select wallet, p_user_id, this_month,
         coalesce((select sum(t.amount) from public.transfers t
                   where t.key_account_id = wallet and t.actor_id = p_user_id
                     and t.kind in ('spend', 'hold_post')
                     and t.created_at >= this_month::timestamp at time zone 'UTC'
                     and t.created_at < (this_month + 1 * interval '1 month')::timestamp at time zone 'UTC'), 0)
         + coalesce((select sum(h.amount) from public.org_member_holds h
                     where h.account_id = wallet and h.user_id = p_user_id and h.month = this_month), 0)
  on conflict (account_id, user_id, month) do update set used = excluded.used;
end
$$;
comment on function public.org_set_member_limit(uuid, uuid, bigint) is
  'Owners and admins set (or with null remove) a member''s monthly spending limit on the org wallet.';

-- ===================================================================== READS
/*
 * The org's members with their role, limit and what they used this month. Every member sees the
 * list; limits and usage are shown to owners and admins, and to each member for themselves.
 */
create function public.org_members_overview(p_org_id uuid)
returns table (user_id uuid, email text, full_name text, role text, joined_at timestamptz,
               monthly_limit bigint, used_this_month bigint, spent_this_month bigint)
language plpgsql stable security definer set search_path = ''
as $$
declare
  caller_role text := private.require_org_role(p_org_id, array['owner', 'admin', 'member']);
  wallet uuid := (select a.id from public.accounts a where a.org_id = p_org_id);
  this_month date := private.usage_month(private.clock());
begin
  return query
  with spent as (
    select t.actor_id, sum(t.amount)::bigint as amount from public.transfers t
    where t.key_account_id = wallet and t.kind in ('spend', 'hold_post')
      and t.created_at >= this_month::timestamp at time zone 'UTC'
    group by t.actor_id
  )
  select m.user_id, p.email, p.full_name, m.role, m.created_at,
         case when see then l.monthly_limit end,
         case when see then coalesce(u.used, 0) end,
         case when see then coalesce(s.amount, 0) end
  from public.organization_members m
  join public.profiles p on p.id = m.user_id
  left join public.org_member_limits l on l.account_id = wallet and l.user_id = m.user_id
  left join public.org_member_usage u on u.account_id = wallet and u.user_id = m.user_id and u.month = this_month
  left join spent s on s.actor_id = m.user_id
  cross join lateral (select caller_role in ('owner', 'admin') or m.user_id = auth.uid() as see) v
  where m.org_id = p_org_id
  order by case m.role when 'owner' then 0 when 'admin' then 1 else 2 end, p.full_name, p.email;
end
$$;
comment on function public.org_members_overview(uuid) is
  'Members with role, monthly limit and usage this month (limits and usage: admins, or your own row).';

/* Org wallet spending by member over [from, to): owners and admins only. */
create function public.org_usage_by_member(p_org_id uuid, p_from timestamptz, p_to timestamptz)
returns table (user_id uuid, email text, full_name text, spent bigint, transactions bigint)
language plpgsql stable security definer set search_path = ''
as $$
declare
  wallet uuid;
begin
  perform private.require_org_role(p_org_id, array['owner', 'admin']);
  if p_from is null or p_to is null or p_to <= p_from or p_to - p_from > interval '400 days' then
    perform private.fail('TG422', 'Choose a period of at most 400 days.', jsonb_build_object('field', 'from'));
  end if;
  select a.id into wallet from public.accounts a where a.org_id = p_org_id;
  return query
  select t.actor_id, p.email, coalesce(p.full_name, ''), sum(t.amount)::bigint, count(*)::bigint
  from public.transfers t
  left join public.profiles p on p.id = t.actor_id
  where t.key_account_id = wallet and t.kind in ('spend', 'hold_post')
    and t.created_at >= p_from and t.created_at < p_to
  group by t.actor_id, p.email, p.full_name
  order by 4 desc;
end
$$;
comment on function public.org_usage_by_member(uuid, timestamptz, timestamptz) is
  'Credits each member spent from the org wallet in a period (null user = service or removed).';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.require_org_role(uuid, text[]), private.keep_an_owner(uuid, uuid), private.end_membership(uuid, uuid)
from public, anon, authenticated, service_role;

revoke all on function
  public.org_invite(uuid, text, text, text, integer),
  public.org_invitation_preview(text),
  public.org_accept_invitation(text),
  public.org_revoke_invitation(uuid),
  public.org_change_role(uuid, uuid, text),
  public.org_remove_member(uuid, uuid),
  public.org_leave(uuid),
  public.org_set_member_limit(uuid, uuid, bigint),
  public.org_members_overview(uuid),
  public.org_usage_by_member(uuid, timestamptz, timestamptz)
from public, anon, authenticated, service_role;

-- People act as themselves (the functions check their org role); service code never needs these.
grant execute on function
  public.org_invite(uuid, text, text, text, integer),
  public.org_invitation_preview(text),
  public.org_accept_invitation(text),
  public.org_revoke_invitation(uuid),
  public.org_change_role(uuid, uuid, text),
  public.org_remove_member(uuid, uuid),
  public.org_leave(uuid),
  public.org_set_member_limit(uuid, uuid, bigint),
  public.org_members_overview(uuid),
  public.org_usage_by_member(uuid, timestamptz, timestamptz)
to authenticated;
