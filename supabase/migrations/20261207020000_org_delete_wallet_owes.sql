-- Deleting an org whose wallet owes on pay-as-you-go is refused with its own reason (wallet_owes,
-- the amount owed), not with the wording for a wallet that still holds credits.

create or replace function public.org_delete(p_org_id uuid) returns void
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
