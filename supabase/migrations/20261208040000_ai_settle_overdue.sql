-- Settlement after the last chunk: a stream's last chunk says what the call came to before the
-- settlement commits. A process that dies in between leaves a pending hold past its `settleBy`;
-- the maintenance tick settles it by the accuracy rules (the hold is charged, the usage row says
-- settlement_lost), once, before the hold expires.

/*
 * Settles the holds of metered calls whose process is gone: a live process settles a call by its
 * hold's `settleBy` (the call's timeout and a margin), so a hold still pending past it lost its
 * settlement — the process died after the provider call, or before it could post. Nothing of
 * the call's usage is known here, so the accuracy rules charge the hold (status `held`), and the
 * usage row says so (error `settlement_lost`). Runs in the maintenance tick, before holds expire;
 * each hold is settled once (ai_settle is idempotent by the hold, and a late process that tries
 * another amount is refused), one failure never stopping the rest.
 */
create function public.ai_settle_overdue(p_limit integer default 100)
returns table (holds_settled integer)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  due record;
  done integer := 0;
begin
  if not private.is_trusted() then
    perform private.fail('TG403', 'Only the service settles calls.', '{}'::jsonb);
  end if;
  for due in
    select h.id, h.amount, h.actor_id, h.api_key_id, h.idempotency_key, h.metadata, h.created_at,
           a.user_id, a.org_id, m.provider
    from public.holds h
    join public.accounts a on a.id = h.account_id
    left join public.ai_models m on m.id = h.metadata ->> 'model'
    where h.status = 'pending' and h.idempotency_key like 'ai:%' and h.metadata ? 'settleBy'
      and (h.metadata ->> 'settleBy')::timestamptz <= at and h.expires_at > at
    order by h.expires_at
    limit greatest(p_limit, 1)
  loop
    begin
      perform 1 from public.ai_settle(due.id, due.amount, jsonb_build_object(
        'subject_kind', case when due.org_id is null then 'user' else 'org' end,
        'subject_id', coalesce(due.org_id, due.user_id),
        'actor_id', due.actor_id, 'source', 'platform', 'provider', coalesce(due.provider, 'unknown'),
        'model', due.metadata ->> 'model', 'operation', coalesce(due.metadata ->> 'operation', 'chat'),
        'feature', coalesce(due.metadata ->> 'feature', 'assistant'),
        'input_tokens', 0, 'output_tokens', 0, 'cached_tokens', 0, 'images', 0, 'audio_seconds', 0,
        'latency_ms', least(extract(epoch from at - due.created_at) * 1000, 2147483647)::integer,
        'provider_cost_micro_usd', 0, 'success', false, 'error_code', 'settlement_lost',
        'request_id', due.idempotency_key, 'api_key_id', due.api_key_id,
        'metadata', jsonb_build_object('status', 'held', 'holdId', due.id::text,
                                       'priceId', due.metadata ->> 'priceId', 'settledBy', 'overdue')));
      done := done + 1;
    exception when others then
      raise warning 'ai_settle_overdue: hold % was not settled: %', due.id, sqlerrm;
    end;
  end loop;
  return query select done;
end
$$;
comment on function public.ai_settle_overdue(integer) is
  'Service: charges the hold of each metered call whose process never settled it (maintenance tick).';
revoke all on function public.ai_settle_overdue(integer) from public, anon, authenticated;
grant execute on function public.ai_settle_overdue(integer) to service_role;
