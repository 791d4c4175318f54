-- Lifecycle of organizations and accounts: rename, hand over, delete, and what a deleted account
-- leaves behind.
--
-- The ledger never loses a row, and its accounts reference their org or profile with
-- `on delete restrict`, so nothing here deletes an organization or a profile row. Deleting an
-- org ends every membership and invitation, frees its address and freezes its (empty) wallet;
-- deleting an account removes what is personal (memberships, chats, keys, webhooks, sessions,
-- notifications), anonymises the profile and the auth user, and freezes the wallet. The
-- transfers stay, naming only account ids.
--
-- Refusals that depend on the state of things (money still in the wallet, a sole owner) are
-- SQLSTATE TGC09, which the app answers as 409 Conflict with the reason.

-- ===================================================================== ORGANIZATIONS
create function public.org_rename(p_org_id uuid, p_name text) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  new_name text := btrim(coalesce(p_name, ''));
begin
  perform private.require_org_role(p_org_id, array['owner', 'admin']);
  if char_length(new_name) not between 1 and 80 then
    perform private.fail('TG422', 'A name has 1 to 80 characters.', jsonb_build_object('field', 'name'));
  end if;
  update public.organizations set name = new_name, updated_at = now() where id = p_org_id;
end
$$;
comment on function public.org_rename(uuid, text) is 'Owners and admins rename the org; its address stays.';
revoke all on function public.org_rename(uuid, text) from public, anon;
grant execute on function public.org_rename(uuid, text) to authenticated, service_role;

create function public.org_transfer_ownership(p_org_id uuid, p_user_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  caller_role text := private.require_org_role(p_org_id, array['owner', 'admin']);
  target_role text;
begin
  if caller_role <> 'owner' then
    perform private.fail('TG403', 'Only an owner hands the organization over.', jsonb_build_object('role', caller_role));
  end if;
  if p_user_id = caller then
    perform private.fail('TG422', 'Choose another member to hand the organization to.', jsonb_build_object('field', 'user'));
  end if;
  -- Both rows locked in a stable order so two hand-overs in opposite directions cannot deadlock.
  perform 1 from public.organization_members m
  where m.org_id = p_org_id and m.user_id in (caller, p_user_id) order by m.user_id for update;
  select m.role into target_role from public.organization_members m
  where m.org_id = p_org_id and m.user_id = p_user_id;
  if target_role is null then
    perform private.fail('TG404', 'That person is not a member.', jsonb_build_object('user', p_user_id));
  end if;
  update public.organization_members set role = 'owner' where org_id = p_org_id and user_id = p_user_id;
  update public.organization_members set role = 'admin' where org_id = p_org_id and user_id = caller;
end
$$;
comment on function public.org_transfer_ownership(uuid, uuid) is
  'An owner makes another member owner and becomes an admin, in one step.';
revoke all on function public.org_transfer_ownership(uuid, uuid) from public, anon;
grant execute on function public.org_transfer_ownership(uuid, uuid) to authenticated, service_role;

create function public.org_delete(p_org_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role text := private.require_org_role(p_org_id, array['owner', 'admin', 'member']);
  wallet public.accounts;
begin
  if caller_role <> 'owner' then
    perform private.fail('TG403', 'Only an owner deletes the organization.', jsonb_build_object('role', caller_role));
  end if;
  select a.* into wallet from public.accounts a where a.org_id = p_org_id;
  if wallet.id is not null then
    -- Expired lots and holds count as gone; the sweep is undone with everything else on refusal.
    perform private.sweep_if_due(wallet.id);
    select a.* into wallet from public.accounts a where a.id = wallet.id for update;
    if wallet.debits_pending > 0 then
      perform private.fail('TGC09', 'The organization wallet has AI calls in progress. Try again when they have finished.',
        jsonb_build_object('reason', 'holds_pending', 'pending', wallet.debits_pending::text));
    end if;
    -- A wallet below zero owes its pay-as-you-go usage: that is settled first, never forgiven.
    if wallet.credits_posted - wallet.debits_posted < 0 then
      perform private.fail('TGC09', format(
        'The organization wallet owes %s credits on pay-as-you-go. Settle that first (buy credits to cover it, or pay the invoice that bills it), then delete the organization.',
        private.format_credits(wallet.debits_posted - wallet.credits_posted)),
        jsonb_build_object('reason', 'wallet_owes',
          'owed', (wallet.debits_posted - wallet.credits_posted)::text,
          'available', (wallet.credits_posted - wallet.debits_posted)::text));
    end if;
    if wallet.credits_posted - wallet.debits_posted > 0 then
      perform private.fail('TGC09', format(
        'The organization wallet still holds %s credits. Move them to a member''s wallet first, then delete the organization.',
        private.format_credits(wallet.credits_posted - wallet.debits_posted)),
        jsonb_build_object('reason', 'wallet_not_empty',
          'available', (wallet.credits_posted - wallet.debits_posted)::text));
    end if;
    update public.accounts set frozen_at = now(), frozen_reason = 'Organization deleted.',
      auto_recharge_below = null, alert_below = null
    where id = wallet.id;
  end if;
  update public.organization_invitations set revoked_at = now()
  where org_id = p_org_id and accepted_at is null and revoked_at is null;
  delete from public.org_member_limits where account_id = wallet.id;
  delete from public.organization_members where org_id = p_org_id;
  delete from public.webhook_endpoints where org_id = p_org_id;
  delete from public.api_keys where subject_kind = 'org' and subject_id = p_org_id;
  delete from public.ai_provider_keys where subject_kind = 'org' and subject_id = p_org_id;
  update public.organizations
  set deleted_at = now(), updated_at = now(), slug = 'deleted-' || replace(id::text, '-', '')
  where id = p_org_id;
end
$$;
comment on function public.org_delete(uuid) is
  'An owner deletes the org once its wallet is at zero (TGC09 while it holds credits or owes on pay-as-you-go): members, invitations and keys go, the wallet is frozen, the ledger stays.';
revoke all on function public.org_delete(uuid) from public, anon;
grant execute on function public.org_delete(uuid) to authenticated, service_role;

-- ===================================================================== ACCOUNTS
create function public.account_delete() returns void
language plpgsql security definer set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  sole_owned text;
begin
  if caller is null then
    perform private.fail('TG401', 'Sign in to continue.');
  end if;
  -- Lock the caller's owner rows, then name any org nobody else owns.
  perform 1 from public.organization_members m
  where m.org_id in (select o.org_id from public.organization_members o where o.user_id = caller and o.role = 'owner')
    and m.role = 'owner' order by m.org_id, m.user_id for update;
  select string_agg(o.name, ', ' order by o.name) into sole_owned
  from public.organization_members mine
  join public.organizations o on o.id = mine.org_id
  where mine.user_id = caller and mine.role = 'owner'
    and not exists (select 1 from public.organization_members other
                    where other.org_id = mine.org_id and other.role = 'owner' and other.user_id <> caller);
  if sole_owned is not null then
    perform private.fail('TGC09', format(
      'You are the only owner of %s. Hand each organization to another member or delete it first.', sole_owned),
      jsonb_build_object('reason', 'sole_owner'));
  end if;

  delete from public.org_member_limits where user_id = caller;
  delete from public.organization_members where user_id = caller;
  delete from public.conversations where user_id = caller;
  delete from public.prompt_templates where user_id = caller;
  delete from public.notifications where user_id = caller;
  delete from public.webhook_endpoints where user_id = caller;
  delete from public.api_keys where created_by = caller or (subject_kind = 'user' and subject_id = caller);
  delete from public.ai_provider_keys where subject_kind = 'user' and subject_id = caller;
  delete from public.auto_recharge_settings where account_id = (select a.id from public.accounts a where a.user_id = caller);
  delete from private.local_sessions where user_id = caller;
  delete from private.idempotent_requests where user_id = caller;
  update public.ai_batches set status = 'cancelled', finished_at = coalesce(finished_at, now())
  where user_id = caller and status in ('queued', 'running');
  update public.organization_invitations set revoked_at = now()
  where accepted_at is null and revoked_at is null
    and email = (select lower(u.email) from auth.users u where u.id = caller);

  update public.accounts set frozen_at = now(), frozen_reason = 'Account deleted.',
    auto_recharge_below = null, alert_below = null
  where user_id = caller;
  update public.profiles
  set email = 'deleted-' || replace(id::text, '-', '') || '@deleted.invalid', full_name = '',
      avatar_url = null, deleted_at = now(), updated_at = now()
  where id = caller;
  update auth.users
  set email = 'deleted-' || replace(id::text, '-', '') || '@deleted.invalid',
      raw_user_meta_data = '{}'::jsonb, encrypted_password = null
  where id = caller;
end
$$;
comment on function public.account_delete() is
  'Deletes the caller''s account: personal data removed, profile anonymised, wallet frozen, ledger kept. TGC09 for a sole org owner.';
revoke all on function public.account_delete() from public, anon;
grant execute on function public.account_delete() to authenticated, service_role;
