-- A member's monthly limit is charged on every debit of an org wallet. The check sat inside one
-- OR with `hold is null`; Postgres may evaluate an OR's operands in any order, and a re-planned
-- statement that knew the spend carried no hold skipped the charge (seen through group commit,
-- whose retry of a refused batch re-plans it). Each condition is now its own statement.
create or replace function private.count_member_debit(account uuid, amount bigint, hold bigint) returns void
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
