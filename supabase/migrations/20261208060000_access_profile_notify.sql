-- The gateway caches each caller's access profile (plan, org role, org model subset) in memory;
-- a change to a subscription, a membership or an org's model subset wakes every instance.

/* Wakes every app instance's cache of access profiles (plan, org role, org model subset). */
create function private.notify_access() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform pg_notify('tollgate_access', tg_table_name);
  return null;
end
$$;
comment on function private.notify_access() is 'Statement trigger: NOTIFY tollgate_access after a change.';

create trigger subscriptions_notify_access after insert or update or delete on public.subscriptions
  for each statement execute function private.notify_access();
create trigger organization_members_notify_access after insert or update or delete on public.organization_members
  for each statement execute function private.notify_access();
create trigger org_model_restrictions_notify_access after insert or update or delete on public.org_model_restrictions
  for each statement execute function private.notify_access();

revoke all on function private.notify_access() from public, anon;
