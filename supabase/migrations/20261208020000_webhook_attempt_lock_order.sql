-- Recording a webhook attempt locks the endpoint before the delivery, the order deleting an
-- endpoint takes them in, so a delete during a delivery no longer deadlocks.

/*
 * Records one attempt. Success completes the delivery and resets the endpoint's failure count;
 * a failure with a next time stays pending; a failure without one fails the delivery, and the
 * 5th failed delivery in a row disables the endpoint.
 */
create or replace function public.webhook_attempt_record(
  p_delivery_id uuid, p_attempt integer, p_status_code integer, p_response_excerpt text, p_error text,
  p_duration_ms integer, p_succeeded boolean, p_next_attempt_at timestamptz
) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  delivery public.webhook_deliveries;
  endpoint public.webhook_endpoints;
  outcome text;
begin
  perform private.assert_service();
  -- The endpoint first, then the delivery: the order deleting an endpoint takes them in (its
  -- deliveries go with it), so an attempt recorded during a delete never deadlocks with it.
  select * into endpoint from public.webhook_endpoints w
  where w.id = (select d.endpoint_id from public.webhook_deliveries d where d.id = p_delivery_id)
  for update;
  select * into delivery from public.webhook_deliveries d where d.id = p_delivery_id for update;
  if delivery.id is null or endpoint.id is null then
    perform private.fail('TG404', 'Delivery not found.', jsonb_build_object('deliveryId', p_delivery_id));
  end if;
  insert into public.webhook_attempts (delivery_id, attempt, status_code, response_excerpt, error, duration_ms, succeeded)
  values (delivery.id, p_attempt, p_status_code, p_response_excerpt, left(p_error, 500), greatest(0, p_duration_ms),
          p_succeeded);
  outcome := case when p_succeeded then 'succeeded' when p_next_attempt_at is not null then 'pending' else 'failed' end;
  update public.webhook_deliveries d
  set status = case when d.status = 'pending' then outcome else d.status end,
      attempts = greatest(d.attempts, p_attempt), last_status_code = p_status_code, claimed_until = null,
      next_attempt_at = coalesce(p_next_attempt_at, d.next_attempt_at),
      completed_at = case when outcome <> 'pending' then now() end
  where d.id = delivery.id;

  if outcome = 'succeeded' then
    update public.webhook_endpoints w set failed_deliveries = 0 where w.id = endpoint.id and w.failed_deliveries <> 0;
  elsif outcome = 'failed' then
    update public.webhook_endpoints w set failed_deliveries = w.failed_deliveries + 1
    where w.id = endpoint.id returning * into endpoint;
    if endpoint.enabled and endpoint.failed_deliveries >= 5 then
      perform private.webhook_disable(endpoint,
        endpoint.failed_deliveries || ' deliveries in a row failed for 24 hours each');
    end if;
  end if;
  return outcome;
end
$$;
comment on function public.webhook_attempt_record(uuid, integer, integer, text, text, integer, boolean, timestamptz) is
  'Service only: records an attempt and moves the delivery (and the endpoint''s failure count) on.';
