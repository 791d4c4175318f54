-- Settling a hold both honours a postpaid credit line (the charge may reach the line) and carries
-- the hold's API key onto the hold_post transfer: the two changes of credit_settle, together.
create or replace function public.credit_settle(p_hold_id bigint, p_actual bigint)
returns table (hold_id bigint, transfer_id bigint, posted bigint, released bigint, shortfall bigint,
               available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  hold public.holds;
  charge bigint;
  transfer bigint;
  freed bigint := 0;
begin
  if p_actual is null or p_actual < 0 or p_actual > 1000000000000000 then
    perform private.fail('TG422', 'The actual amount must be a whole number of micro-credits from 0 to 10^15.',
      jsonb_build_object('field', 'actual'));
  end if;
  hold := private.lock_hold(p_hold_id);

  if hold.status = 'posted' then
    if hold.requested_amount <> p_actual then
      perform private.fail('TG409', 'This hold was already settled with a different amount.',
        jsonb_build_object('holdId', hold.id, 'actual', hold.requested_amount::text));
    end if;
    return query select hold.id, hold.transfer_id, hold.posted_amount,
      greatest(hold.amount - hold.posted_amount, 0), hold.shortfall, private.available(hold.account_id), true;
    return;
  elsif hold.status = 'voided' then
    perform private.fail('TG409', 'This hold was voided and can no longer be settled.', jsonb_build_object('holdId', hold.id));
  end if;

  -- End the reservation (unless expiry already did), expire what is due, then charge the
  -- actual amount: at most the hold plus whatever else the wallet has.
  if hold.status = 'pending' then
    freed := private.release_hold(hold, 'posted');
  end if;
  perform private.sweep_if_due(hold.account_id);
  charge := least(p_actual, greatest(private.available(hold.account_id)
    + (select a.credit_limit from public.accounts a where a.id = hold.account_id), 0));
  if charge > 0 then
    insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category, description,
                                  metadata, actor_id, key_account_id, idempotency_key, hold_id, api_key_id)
    values (hold.account_id, private.system_account('revenue:' || hold.category), charge, 'hold_post',
            hold.category, hold.description,
            hold.metadata || jsonb_build_object('held', hold.amount::text, 'actual', p_actual::text),
            hold.actor_id, hold.account_id, 'hold:' || hold.id, hold.id, hold.api_key_id)
    returning id into transfer;
    update public.accounts a
    set debits_posted = a.debits_posted + charge, debits_unallocated = a.debits_unallocated + charge
    where a.id = hold.account_id;
    if private.available(hold.account_id) < 0 then
      perform private.record_postpaid_usage(hold.account_id, charge, transfer);
    end if;
  end if;
  perform private.after_hold_end(hold.id, charge);

  update public.holds h
  set status = 'posted', requested_amount = p_actual, posted_amount = charge,
      shortfall = p_actual - charge, transfer_id = transfer, resolved_at = private.clock()
  where h.id = hold.id;
  return query select hold.id, transfer, charge, greatest(freed - charge, 0), p_actual - charge,
    private.available(hold.account_id), false;
end
$$;
comment on function public.credit_settle(bigint, bigint) is
  'Service only: posts a hold by the actual amount (the rest returns at once); retries replay.';
