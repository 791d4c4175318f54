-- Group commit in the ledger: public.credit_batch runs many spends, holds, settlements and voids
-- in one call and one transaction, each item as its caller and with its own outcome.
-- ===================================================================== GROUP COMMIT
/*
 * One item of a group commit (credit_batch): calls the public function the item names, as the
 * current role, and returns its row as JSON. It runs with the caller's own privileges and
 * switches nothing, so it gives nobody more than calling those functions directly.
 */
create function private.credit_batch_item(v jsonb) returns jsonb
language plpgsql set search_path = ''
as $$
declare
  r record;
begin
  case v ->> 'op'
    when 'spend' then
      select * into r from public.credit_spend((v ->> 'wallet')::uuid, (v ->> 'amount')::bigint,
        v ->> 'category', v ->> 'key', v ->> 'description', coalesce(v -> 'metadata', '{}'::jsonb)) s;
    when 'reserve' then
      select * into r from public.credit_reserve((v ->> 'wallet')::uuid, (v ->> 'amount')::bigint,
        v ->> 'category', v ->> 'key', (v ->> 'ttl')::integer, v ->> 'description',
        coalesce(v -> 'metadata', '{}'::jsonb)) s;
    when 'settle' then
      select * into r from public.credit_settle((v ->> 'hold')::bigint, (v ->> 'actual')::bigint) s;
    when 'void' then
      select * into r from public.credit_void((v ->> 'hold')::bigint) s;
    else
      perform private.fail('TG422', 'Unknown batch operation.', jsonb_build_object('field', 'op'));
  end case;
  return to_jsonb(r);
end
$$;
comment on function private.credit_batch_item(jsonb) is
  'One group-commit item: the named ledger call as the current role, its row as JSON.';

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
 * user exactly as withUser does; without, as `service_role`. Items are taken in wallet order (a
 * hold's wallet for settle and void), so two batches lock the wallets they share in one order.
 *
 * One failing item never fails its neighbours. The batch first runs every item in one
 * subtransaction (the common case: nothing refused, no per-item cost); if any item raises, that
 * attempt is undone and each item runs again in its own subtransaction, so a refused item
 * (insufficient credits, an idempotency conflict, a deadlock with another instance) rolls back
 * alone and reports its SQLSTATE, message and hint, and its neighbours commit.
 *
 * Not security definer (a role switch is not allowed there); only the service may call it, and
 * it switches back before returning.
 */
create function public.credit_batch(p_items jsonb)
returns table (idx integer, transfer_id bigint, hold_id bigint, amount bigint, expires_at timestamptz,
               posted bigint, released bigint, shortfall bigint, available bigint, replayed boolean,
               error_code text, error_message text, error_hint text)
language plpgsql set search_path = ''
as $$
declare
  caller_role text := current_setting('role');
  caller_claims text := coalesce(current_setting('request.jwt.claims', true), '');
  service_claims text := '{"role":"service_role"}';
  items jsonb[];
  outcomes jsonb[];
  acting text;
  acting_role text;
  one_by_one boolean := false;
  i integer;
  code text;
  message text;
  hint text;
begin
  if jsonb_typeof(p_items) is distinct from 'array' then
    perform private.fail('TG422', 'A batch is a JSON array of items.', jsonb_build_object('field', 'items'));
  end if;
  select array_agg(e.value || jsonb_build_object('idx', e.ordinality)
                   order by coalesce((e.value ->> 'wallet')::uuid, h.account_id), e.ordinality)
  into items
  from jsonb_array_elements(p_items) with ordinality e
  left join public.holds h on e.value ? 'hold' and h.id = (e.value ->> 'hold')::bigint;

  begin
    outcomes := '{}';
    for i in 1 .. coalesce(array_length(items, 1), 0) loop
      -- Switched only when the caller changes (a hot wallet's items are mostly one user's).
      acting := coalesce((items[i] -> 'claims')::text, service_claims);
      acting_role := case when items[i] ? 'claims' then 'authenticated' else 'service_role' end;
      if acting is distinct from current_setting('request.jwt.claims', true) or acting_role <> current_setting('role') then
        perform set_config('role', acting_role, true), set_config('request.jwt.claims', acting, true);
      end if;
      outcomes := outcomes || (private.credit_batch_item(items[i]) || jsonb_build_object('idx', items[i] -> 'idx'));
    end loop;
  exception when others then
    one_by_one := true;
  end;

  if one_by_one then
    outcomes := '{}';
    for i in 1 .. coalesce(array_length(items, 1), 0) loop
      begin
        acting := coalesce((items[i] -> 'claims')::text, service_claims);
        acting_role := case when items[i] ? 'claims' then 'authenticated' else 'service_role' end;
        if acting is distinct from current_setting('request.jwt.claims', true) or acting_role <> current_setting('role') then
          perform set_config('role', acting_role, true), set_config('request.jwt.claims', acting, true);
        end if;
        outcomes := outcomes || (private.credit_batch_item(items[i]) || jsonb_build_object('idx', items[i] -> 'idx'));
      exception when others then
        get stacked diagnostics code = returned_sqlstate, message = message_text, hint = pg_exception_hint;
        outcomes := outcomes || jsonb_build_object('idx', items[i] -> 'idx', 'error_code', code,
          'error_message', message, 'error_hint', nullif(hint, ''));
      end;
    end loop;
  end if;

  perform set_config('role', caller_role, true), set_config('request.jwt.claims', caller_claims, true);
  return query
  select x.idx, x.transfer_id, x.hold_id, x.amount, x.expires_at, x.posted, x.released, x.shortfall,
         x.available, x.replayed, x.error_code, x.error_message, x.error_hint
  from unnest(outcomes) o,
       jsonb_to_record(o) as x(idx integer, transfer_id bigint, hold_id bigint, amount bigint,
                               expires_at timestamptz, posted bigint, released bigint, shortfall bigint,
                               available bigint, replayed boolean, error_code text, error_message text,
                               error_hint text);
end
$$;
comment on function public.credit_batch(jsonb) is
  'Service only: group commit of spends, holds, settlements and voids, each as its caller and with its own outcome.';

revoke all on function public.credit_batch(jsonb) from public, anon, authenticated;
grant execute on function public.credit_batch(jsonb) to service_role;
revoke all on function private.credit_batch_item(jsonb) from public, anon, authenticated, service_role;
grant execute on function private.credit_batch_item(jsonb) to authenticated, service_role;
