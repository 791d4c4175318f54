-- A transfer out of a wallet is a debit like a spend: it now runs the private.after_debit hook, so a
-- member's monthly limit on an org wallet counts it (and refuses it past the limit), and alerts
-- and auto-recharge see it at once instead of at the next maintenance scan.

create or replace function public.credit_transfer(
  p_from uuid,
  p_to uuid,
  p_amount bigint,
  p_idempotency_key text,
  p_description text default null
) returns table (transfer_id bigint, amount bigint, available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  source record;
  target record;
  caller uuid := (select auth.uid());
  transfer bigint;
  first public.transfers;
  wallet public.accounts;
  left_over bigint;
  is_frozen boolean;
  moved record;
begin
  perform private.check_input(p_amount, p_idempotency_key, '{}'::jsonb, p_description);
  select a.kind, a.user_id, a.org_id into source from public.accounts a where a.id = p_from;
  select a.kind, a.user_id, a.org_id into target from public.accounts a where a.id = p_to;
  if source.kind is null or source.kind = 'system' or target.kind is null or target.kind = 'system' then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('from', p_from, 'to', p_to));
  end if;
  if p_from = p_to then
    perform private.fail('TG422', 'Choose two different wallets.', jsonb_build_object('field', 'to'));
  end if;
  if not private.is_trusted() then
    if source.kind = 'user_wallet' and source.user_id = caller then
      if target.kind <> 'org_wallet' or not private.is_org_member(target.org_id) then
        perform private.fail('TG403', 'Personal credits can only move into an organization you belong to.',
          jsonb_build_object('to', p_to));
      end if;
    elsif source.kind = 'org_wallet' and private.org_role(source.org_id) in ('owner', 'admin') then
      if target.kind <> 'user_wallet' or not exists (
        select 1 from public.organization_members m where m.org_id = source.org_id and m.user_id = target.user_id
      ) then
        perform private.fail('TG403', 'Org credits can only move to a member of the organization.',
          jsonb_build_object('to', p_to));
      end if;
    elsif source.kind = 'org_wallet' and private.is_org_member(source.org_id) then
      perform private.fail('TG403', 'Only owners and admins move credits out of the org wallet.',
        jsonb_build_object('from', p_from));
    else
      perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('from', p_from));
    end if;
  end if;

  insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category,
                                description, actor_id, key_account_id, idempotency_key)
  values (p_from, p_to, p_amount, 'transfer', 'transfer', p_description, caller, p_from, p_idempotency_key)
  on conflict on constraint transfers_idempotency do nothing
  returning id into transfer;
  if transfer is null then
    first := private.replayed_transfer(p_from, p_idempotency_key, 'transfer', p_amount, p_to);
    return query select first.id, first.amount, private.available(p_from), true;
    return;
  end if;

  -- Both wallets locked in one order, so opposite transfers cannot deadlock; both allocated, so
  -- the lots moved are exactly the ones next in burn order.
  perform 1 from public.accounts a where a.id in (p_from, p_to) order by a.id for no key update;
  perform private.settle_wallet(p_from);
  perform private.settle_wallet(p_to);
  update public.accounts a set debits_posted = a.debits_posted + p_amount
  where a.id = p_from and a.frozen_at is null and a.credits_posted - a.debits_posted - a.debits_pending >= p_amount
  returning a.* into wallet;
  if not found then
    select a.credits_posted - a.debits_posted - a.debits_pending, a.frozen_at is not null
    into left_over, is_frozen from public.accounts a where a.id = p_from;
    if is_frozen then
      perform private.fail('TG403', 'Spending from this wallet is frozen while a payment dispute is open.',
        jsonb_build_object('wallet', p_from, 'reason', 'frozen'));
    end if;
    perform private.fail('TG402',
      format('Insufficient credits: %s micro-credits needed, %s available.', p_amount, left_over),
      jsonb_build_object('needed', p_amount::text, 'available', left_over::text, 'wallet', p_from));
  end if;
  -- Money leaving a wallet by transfer is a debit like a spend: a member's limit on an org wallet
  -- counts it (and refuses it past the limit), alerts and auto-recharge see it at once.
  perform private.after_debit(wallet, p_amount, null);
  left_over := wallet.credits_posted - wallet.debits_posted - wallet.debits_pending;
  for moved in select * from private.burn_now(p_from, p_amount, transfer) loop
    perform private.add_lot(p_to, moved.burned, 'transfer', moved.priority, moved.expires_at, transfer);
  end loop;
  return query select transfer, p_amount, left_over, false;
end
$$;
