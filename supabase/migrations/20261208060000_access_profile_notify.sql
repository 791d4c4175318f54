-- The gateway caches each caller's access profile (plan, org role, org model subset) in memory;
-- a change to a subscription, a membership or an org's model subset wakes every instance on
-- the tollgate_access channel, named as the config trigger's argument.

/*
 * Wakes every app instance's cache: it reloads on the next read. The channel is the trigger's
 * argument (tollgate_config by default; tollgate_access for the gateway's access profiles).
 */
create or replace function private.notify_config() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform pg_notify(coalesce(tg_argv[0], 'tollgate_config'), tg_table_name);
  return null;
end
$$;
comment on function private.notify_config() is 'Statement trigger: NOTIFY tollgate_config (or the channel named) after a change.';

create trigger subscriptions_notify_access after insert or update or delete on public.subscriptions
  for each statement execute function private.notify_config('tollgate_access');
create trigger organization_members_notify_access after insert or update or delete on public.organization_members
  for each statement execute function private.notify_config('tollgate_access');
create trigger org_model_restrictions_notify_access after insert or update or delete on public.org_model_restrictions
  for each statement execute function private.notify_config('tollgate_access');
