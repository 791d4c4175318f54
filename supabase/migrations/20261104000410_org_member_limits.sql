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
