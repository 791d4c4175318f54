-- Extension points of the ledger. The ledger (ledger.sql) calls these at fixed moments, inside the
-- function that moves the credits and under the wallet's row lock, so what is attached here is
-- atomic with the movement: a handler that raises rolls the whole movement back. Each hook lists
-- the handlers other domains attach, one line each; a domain adds behaviour to the ledger by
-- writing a handler in its own file and a line here, never by restating a ledger function.
--
-- The hooks get the wallet row as the ledger's UPDATE … RETURNING left it, so a handler decides
-- from columns already in hand (no extra read or lock on the hot path).

-- ===================================================================== HOOKS
/*
 * After credits left a wallet's available balance through private.take_credits, the spend fast
 * path or a transfer out: a posted debit (`hold` null) or hold `hold`'s reservation, `amount`
 * micro-credits.
 */
create function private.after_debit(wallet public.accounts, amount bigint, hold bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  left_over bigint := wallet.credits_posted - wallet.debits_posted - wallet.debits_pending;
begin
  -- billing: auto-recharge below the armed threshold (single flight).
  if left_over < wallet.auto_recharge_below then
    perform private.request_auto_recharge(wallet.id);
  end if;
  -- alerts: thresholds and low balance, once per period.
  if left_over < wallet.alert_below then
    perform private.raise_wallet_alerts(wallet.id, amount);
  end if;
  -- orgs: a member's monthly limit on an org wallet.
  if wallet.kind = 'org_wallet' then
    perform private.count_member_debit(wallet.id, amount, hold);
  end if;
  -- api_keys: the month's spend of the API key the request came with, against its limit.
  perform private.count_api_key_debit(amount, hold);
end
$$;
comment on function private.after_debit(public.accounts, bigint, bigint) is
  'Ledger hook: runs after a debit or reservation, under the wallet lock; handlers may refuse it.';

/* After `amount` credits arrived in a wallet as a new lot (private.add_lot). */
create function private.after_credit(wallet public.accounts, amount bigint) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  -- alerts: the period's grant grows; arm the next alert.
  perform private.note_wallet_credit(wallet.id, amount);
end
$$;
comment on function private.after_credit(public.accounts, bigint) is
  'Ledger hook: runs after credits arrive in a wallet, under the wallet lock.';

/* After a hold ended: settled with `posted` micro-credits, or voided (posted 0). */
create function private.after_hold_end(hold bigint, posted bigint) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  -- orgs: a member's counted hold becomes what was really posted.
  perform private.release_member_hold(hold, posted);
  -- api_keys: a key's counted hold becomes what was really posted.
  perform private.release_api_key_hold(hold, posted);
end
$$;
comment on function private.after_hold_end(bigint, bigint) is
  'Ledger hook: runs after a hold is settled or voided, under the wallet lock.';

-- ===================================================================== PRIVILEGES
-- Hooks run only inside the ledger's functions (as their owner).
revoke all on function
  private.after_debit(public.accounts, bigint, bigint),
  private.after_credit(public.accounts, bigint),
  private.after_hold_end(bigint, bigint)
from public, anon, authenticated, service_role;
