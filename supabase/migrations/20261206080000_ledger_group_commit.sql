-- Group commit in the ledger: public.credit_batch runs many spends, holds, settlements and voids
-- in one call and one transaction, each item as its caller and with its own outcome.
-- ===================================================================== GROUP COMMIT
/*
 * Group commit: many value moves of one process in one call and one transaction, so they share
 * one commit (lib/credits gathers them while the previous batch commits). `p_items` is a JSON
 * array; each item is one call of credit_spend, credit_reserve, credit_settle or credit_void:
 *
 *   {"op": "spend",   "claims": {…}?, "wallet", "amount", "category", "key", "description"?, "metadata"?}
 *   {"op": "reserve", "claims": {…}?, "wallet", "amount", "category", "key", "ttl", "description"?, "metadata"?}
 *   {"op": "settle",  "hold", "actual"}          {"op": "void", "hold"}
 *
 * Each item runs the public function itself, as the role its caller would have used: with
 * `claims`, as `authenticated` with those (verified) JWT claims, so every check inside sees that
 * user exactly as withUser does; without, as `service_role`. Each item runs in its own
 * subtransaction: a refused item (insufficient credits, an idempotency conflict, a deadlock with
 * another instance) rolls back alone and reports its SQLSTATE, message and hint, and its
 * neighbours commit. Items are taken in wallet order (a hold's wallet for settle and void), so
 * two batches lock the wallets they share in the same order. Not security definer (a role switch
 * is not allowed there); only the service may call it, and it switches back before returning.
 */
create function public.credit_batch(p_items jsonb)
returns table (idx integer, transfer_id bigint, hold_id bigint, amount bigint, expires_at timestamptz,
               posted bigint, released bigint, shortfall bigint, available bigint, replayed boolean,
               error_code text, error_message text, error_hint text)
language plpgsql set search_path = ''
as $$
#variable_conflict use_column
declare
  caller_role text := current_setting('role');
  caller_claims text := coalesce(current_setting('request.jwt.claims', true), '');
  service_claims text := '{"role":"service_role"}';
  item record;
  r record;
  code text;
  message text;
  hint text;
begin
  if jsonb_typeof(p_items) is distinct from 'array' then
    perform private.fail('TG422', 'A batch is a JSON array of items.', jsonb_build_object('field', 'items'));
  end if;
  for item in
    select e.ordinality::integer as i, e.value as v
    from jsonb_array_elements(p_items) with ordinality e
    left join public.holds h on e.value ? 'hold' and h.id = (e.value ->> 'hold')::bigint
    order by coalesce((e.value ->> 'wallet')::uuid, h.account_id), e.ordinality
  loop
    begin
      if item.v ? 'claims' then
        perform set_config('role', 'authenticated', true),
                set_config('request.jwt.claims', (item.v -> 'claims')::text, true);
      else
        perform set_config('role', 'service_role', true),
                set_config('request.jwt.claims', service_claims, true);
      end if;
      case item.v ->> 'op'
        when 'spend' then
          select * into r from public.credit_spend((item.v ->> 'wallet')::uuid, (item.v ->> 'amount')::bigint,
            item.v ->> 'category', item.v ->> 'key', item.v ->> 'description',
            coalesce(item.v -> 'metadata', '{}'::jsonb)) s;
          return query select item.i, r.transfer_id, null::bigint, r.amount, null::timestamptz, null::bigint,
            null::bigint, null::bigint, r.available, r.replayed, null::text, null::text, null::text;
        when 'reserve' then
          select * into r from public.credit_reserve((item.v ->> 'wallet')::uuid, (item.v ->> 'amount')::bigint,
            item.v ->> 'category', item.v ->> 'key', (item.v ->> 'ttl')::integer, item.v ->> 'description',
            coalesce(item.v -> 'metadata', '{}'::jsonb)) s;
          return query select item.i, null::bigint, r.hold_id, r.amount, r.expires_at, null::bigint,
            null::bigint, null::bigint, r.available, r.replayed, null::text, null::text, null::text;
        when 'settle' then
          select * into r from public.credit_settle((item.v ->> 'hold')::bigint, (item.v ->> 'actual')::bigint) s;
          return query select item.i, r.transfer_id, r.hold_id, null::bigint, null::timestamptz, r.posted,
            r.released, r.shortfall, r.available, r.replayed, null::text, null::text, null::text;
        when 'void' then
          select * into r from public.credit_void((item.v ->> 'hold')::bigint) s;
          return query select item.i, null::bigint, r.hold_id, null::bigint, null::timestamptz, null::bigint,
            r.released, null::bigint, r.available, r.replayed, null::text, null::text, null::text;
        else
          perform private.fail('TG422', 'Unknown batch operation.', jsonb_build_object('field', 'op'));
      end case;
    exception when others then
      get stacked diagnostics code = returned_sqlstate, message = message_text, hint = pg_exception_hint;
      return query select item.i, null::bigint, null::bigint, null::bigint, null::timestamptz, null::bigint,
        null::bigint, null::bigint, null::bigint, null::boolean, code, message, nullif(hint, '');
    end;
  end loop;
  perform set_config('role', caller_role, true), set_config('request.jwt.claims', caller_claims, true);
end
$$;
comment on function public.credit_batch(jsonb) is
  'Service only: group commit of spends, holds, settlements and voids, each as its caller and with its own outcome.';

revoke all on function public.credit_batch(jsonb) from public, anon, authenticated;
grant execute on function public.credit_batch(jsonb) to service_role;
