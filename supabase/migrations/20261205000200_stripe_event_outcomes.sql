-- Stripe webhooks: one lock order and an outcome for every event.
--
-- Every event that acts on a payment now locks the payment row first (private.lock_payment) and
-- only then records its event row, whose foreign key would otherwise take a share lock that two
-- concurrent events then both tried to upgrade (deadlock detected). Parallel events for one
-- payment now queue on that row.
--
-- An event that can never succeed is recorded as 'rejected' with the reason (an amount that does
-- not match the payment, a malformed object) and answered 2xx, so Stripe stops retrying it and
-- platform admins see it; ignored events say why.

alter table public.stripe_events drop constraint stripe_events_status_check;
alter table public.stripe_events add constraint stripe_events_status_check
  check (status in ('processed', 'ignored', 'rejected'));
alter table public.stripe_events add column detail text check (char_length(detail) <= 500);
comment on table public.stripe_events is
  'Every Stripe event the webhook accepted, by event id: a replay finds its row and changes nothing. '
  'rejected: it can never succeed (an amount that does not match, a malformed object); answered 2xx.';

drop function private.record_event(text, text, text, uuid);
create function private.record_event(event_id text, event_type text, event_status text, payment uuid,
                                     why text default null)
returns boolean
language plpgsql security definer set search_path = ''
as $$
declare
  recorded text;
begin
  perform private.assert_service();
  if event_id is null or event_id !~ '^evt_[A-Za-z0-9_]+$' then
    perform private.fail('TG422', 'A Stripe event id (evt_…) is required.', jsonb_build_object('field', 'event_id'));
  end if;
  insert into public.stripe_events (id, type, status, payment_id, detail)
  values (event_id, left(event_type, 100), event_status, payment, left(why, 500))
  on conflict (id) do nothing
  returning id into recorded;
  return recorded is not null;
end
$$;
comment on function private.record_event(text, text, text, uuid, text) is
  'Records a Stripe event id once (with why, when ignored or rejected); false on a replay.';

create function private.lock_payment(payment uuid) returns public.payments
language sql security definer set search_path = ''
as $$ select p.* from public.payments p where p.id = payment for no key update $$;

create or replace function public.stripe_event_ignore(p_event_id text, p_event_type text) returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  return private.record_event(p_event_id, p_event_type, 'ignored', null, 'Not an event Tollgate acts on.');
end
$$;
comment on function public.stripe_event_ignore(text, text) is
  'Service only: records an event the webhook does not act on. False when already recorded.';

create function public.stripe_event_reject(p_event_id text, p_event_type text, p_detail text) returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  return private.record_event(p_event_id, p_event_type, 'rejected', null,
                              coalesce(nullif(btrim(p_detail), ''), 'Rejected.'));
end
$$;
comment on function public.stripe_event_reject(text, text, text) is
  'Service only: records an event the webhook can never act on, with the reason. False when already recorded.';

create or replace function public.payment_fulfil(
  p_event_id text, p_event_type text, p_payment_id uuid, p_checkout_session_id text,
  p_payment_intent_id text, p_amount bigint, p_currency text, p_customer_id text,
  p_payment_method_id text, p_payment_method_label text, p_charge_id text, p_receipt_url text
) returns table (payment_id uuid, status text, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  payment public.payments;
  purchase_lot bigint;
  bonus_lot bigint;
  detail jsonb;
begin
  perform private.assert_service();
  payment := private.find_payment(p_payment_id, p_checkout_session_id, p_payment_intent_id);
  if payment.id is null then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No payment matches this event.');
    return query select null::uuid, 'unknown'::text, false;
    return;
  end if;
  payment := private.lock_payment(payment.id);
  if not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, payment.status, true;
    return;
  end if;
  if payment.status in ('paid', 'refunded') then
    return query select payment.id, payment.status, true;
    return;
  end if;
  -- A mismatch can never succeed, however often Stripe retries: recorded for platform admins,
  -- nothing credited, and the webhook answers 2xx.
  if p_amount is distinct from payment.amount or lower(p_currency) is distinct from payment.currency then
    update public.stripe_events e
    set status = 'rejected',
        detail = format('Paid %s %s but the payment expects %s %s; not fulfilled.',
                        coalesce(p_amount::text, 'no amount'), coalesce(p_currency, '?'), payment.amount, payment.currency)
    where e.id = p_event_id;
    return query select payment.id, 'rejected'::text, false;
    return;
  end if;

  detail := jsonb_build_object('paymentId', payment.id::text, 'paymentIntent', p_payment_intent_id);
  select g.lot_id into purchase_lot from public.credit_grant(payment.account_id, payment.credits, 'purchase',
    'payment:' || payment.id || ':purchase', null, null, payment.package_name || ' package', detail, 'other') g;
  if payment.bonus_credits > 0 then
    select g.lot_id into bonus_lot from public.credit_grant(payment.account_id, payment.bonus_credits, 'promo',
      'payment:' || payment.id || ':bonus', private.clock() + make_interval(days => payment.bonus_expires_days),
      null, payment.package_name || ' package bonus', detail, 'other') g;
  end if;

  update public.payments p
  set status = 'paid', paid_at = now(), purchase_lot_id = purchase_lot, bonus_lot_id = bonus_lot,
      checkout_session_id = coalesce(p_checkout_session_id, p.checkout_session_id),
      payment_intent_id = coalesce(p_payment_intent_id, p.payment_intent_id),
      charge_id = coalesce(p_charge_id, p.charge_id), receipt_url = coalesce(p_receipt_url, p.receipt_url),
      failure_message = null
  where p.id = payment.id;

  if p_payment_method_id is not null then
    update public.billing_customers c
    set payment_method_id = p_payment_method_id, payment_method_label = left(p_payment_method_label, 80)
    where c.account_id = payment.account_id and (p_customer_id is null or c.customer_id = p_customer_id);
  end if;
  if payment.kind = 'auto_recharge' then
    update public.accounts a set auto_recharge_below = s.threshold
    from public.auto_recharge_settings s
    where a.id = payment.account_id and s.account_id = a.id and s.enabled;
  end if;
  return query select payment.id, 'paid'::text, false;
end
$$;
comment on function public.payment_fulfil(text, text, uuid, text, text, bigint, text, text, text, text, text, text) is
  'Service only (webhook): fulfils a paid purchase exactly once through credit_grant.';

create or replace function public.payment_mark_processing(
  p_event_id text, p_event_type text, p_payment_id uuid, p_checkout_session_id text, p_payment_intent_id text
) returns table (payment_id uuid, status text, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  payment public.payments;
begin
  perform private.assert_service();
  payment := private.find_payment(p_payment_id, p_checkout_session_id, p_payment_intent_id);
  if payment.id is null then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No payment matches this event.');
    return query select null::uuid, 'unknown'::text, false;
    return;
  end if;
  payment := private.lock_payment(payment.id);
  if not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, payment.status, true;
    return;
  end if;
  update public.payments p
  set status = case when p.status = 'pending' then 'processing' else p.status end,
      checkout_session_id = coalesce(p_checkout_session_id, p.checkout_session_id),
      payment_intent_id = coalesce(p_payment_intent_id, p.payment_intent_id)
  where p.id = payment.id
  returning p.status into payment.status;
  return query select payment.id, payment.status, false;
end
$$;
comment on function public.payment_mark_processing(text, text, uuid, text, text) is
  'Service only (webhook): a checkout completed but its payment is still clearing.';

create or replace function public.payment_mark_failed(
  p_event_id text, p_event_type text, p_payment_id uuid, p_checkout_session_id text,
  p_payment_intent_id text, p_status text, p_message text
) returns table (payment_id uuid, status text, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  payment public.payments;
begin
  perform private.assert_service();
  if p_status not in ('failed', 'expired') then
    perform private.fail('TG422', 'Status must be failed or expired.', jsonb_build_object('field', 'status'));
  end if;
  payment := private.find_payment(p_payment_id, p_checkout_session_id, p_payment_intent_id);
  if payment.id is null then
    if p_event_id is not null then
      perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No payment matches this event.');
    end if;
    return query select null::uuid, 'unknown'::text, false;
    return;
  end if;
  payment := private.lock_payment(payment.id);
  if p_event_id is not null and not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, payment.status, true;
    return;
  end if;
  if payment.status not in ('pending', 'processing') then
    return query select payment.id, payment.status, true;
    return;
  end if;
  update public.payments p
  set status = p_status, failure_message = left(p_message, 500),
      payment_intent_id = coalesce(p_payment_intent_id, p.payment_intent_id)
  where p.id = payment.id;
  if payment.kind = 'auto_recharge' then
    perform private.disable_auto_recharge(payment.account_id, coalesce(p_message, 'payment failed'));
  end if;
  return query select payment.id, p_status, false;
end
$$;
comment on function public.payment_mark_failed(text, text, uuid, text, text, text, text) is
  'Service only: records a failed or expired payment; a failed auto-recharge is switched off.';

create or replace function public.payment_refunded(
  p_event_id text, p_event_type text, p_payment_intent_id text, p_amount_refunded bigint
) returns table (payment_id uuid, clawed_back bigint, shortfall bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  payment public.payments;
  taken bigint;
begin
  perform private.assert_service();
  if p_amount_refunded is null or p_amount_refunded < 0 then
    perform private.fail('TG422', 'The refunded amount must be zero or more.', jsonb_build_object('field', 'amount_refunded'));
  end if;
  payment := private.find_payment(null, null, p_payment_intent_id);
  if payment.id is null or payment.status not in ('paid', 'refunded') then
    perform private.record_event(p_event_id, p_event_type, 'ignored', payment.id,
      'The charge belongs to no paid payment.');
    return query select payment.id, 0::bigint, 0::bigint, false;
    return;
  end if;
  payment := private.lock_payment(payment.id);
  if not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, 0::bigint, 0::bigint, true;
    return;
  end if;
  taken := private.claw_back(payment, p_amount_refunded);
  return query select p.id, taken, p.clawback_shortfall - payment.clawback_shortfall, false
  from public.payments p where p.id = payment.id;
end
$$;
comment on function public.payment_refunded(text, text, text, bigint) is
  'Service only (charge.refunded): claws back the refunded share of a payment''s credits, once per event.';

create or replace function public.payment_dispute_opened(
  p_event_id text, p_event_type text, p_dispute_id text, p_payment_intent_id text, p_amount bigint, p_reason text
) returns table (payment_id uuid, frozen boolean, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  payment public.payments;
begin
  perform private.assert_service();
  payment := private.find_payment(null, null, p_payment_intent_id);
  if payment.id is null then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No payment matches this event.');
    return query select null::uuid, false, false;
    return;
  end if;
  payment := private.lock_payment(payment.id);
  if not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, true, true;
    return;
  end if;
  insert into public.payment_disputes (id, payment_id, account_id, amount, reason)
  values (p_dispute_id, payment.id, payment.account_id, greatest(coalesce(p_amount, payment.amount), 1), left(p_reason, 100))
  on conflict (id) do nothing;
  update public.payments p set dispute_status = 'open' where p.id = payment.id;
  update public.accounts a
  set frozen_at = coalesce(a.frozen_at, now()),
      frozen_reason = coalesce(a.frozen_reason, 'Payment dispute ' || p_dispute_id || ' is open.')
  where a.id = payment.account_id;
  perform private.notify_wallet_managers(payment.account_id, 'billing.dispute_opened',
    'Spending is paused by a payment dispute',
    'A card payment for the ' || payment.package_name || ' package was disputed. Credits cannot be spent until the dispute is resolved.');
  return query select payment.id, true, false;
end
$$;
comment on function public.payment_dispute_opened(text, text, text, text, bigint, text) is
  'Service only (charge.dispute.created): freezes spending from the wallet the disputed payment paid into.';

create or replace function public.payment_dispute_closed(p_event_id text, p_event_type text, p_dispute_id text, p_status text)
returns table (payment_id uuid, frozen boolean, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  dispute public.payment_disputes;
  payment public.payments;
  still_frozen boolean;
begin
  perform private.assert_service();
  select * into dispute from public.payment_disputes d where d.id = p_dispute_id;
  if not found then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No dispute matches this event.');
    return query select null::uuid, false, false;
    return;
  end if;
  payment := private.lock_payment(dispute.payment_id);
  if not private.record_event(p_event_id, p_event_type, 'processed', dispute.payment_id) then
    return query select dispute.payment_id, null::boolean, true;
    return;
  end if;
  update public.payment_disputes d
  set status = case when p_status = 'lost' then 'lost' else 'won' end, closed_at = now()
  where d.id = dispute.id and d.status = 'open';
  update public.payments p set dispute_status = case when p_status = 'lost' then 'lost' else 'won' end
  where p.id = payment.id;
  -- A lost dispute returned the money to the card: its credits go back like a refund.
  if p_status = 'lost' then
    perform private.claw_back(payment, payment.amount_refunded + dispute.amount);
  end if;
  perform 1 from public.accounts a where a.id = dispute.account_id for no key update;
  if not exists (select 1 from public.payment_disputes d where d.account_id = dispute.account_id and d.status = 'open') then
    update public.accounts a set frozen_at = null, frozen_reason = null
    where a.id = dispute.account_id and a.frozen_reason like 'Payment dispute %';
  end if;
  select a.frozen_at is not null into still_frozen from public.accounts a where a.id = dispute.account_id;
  return query select payment.id, still_frozen, false;
end
$$;
comment on function public.payment_dispute_closed(text, text, text, text) is
  'Service only (charge.dispute.closed): a lost dispute claws back; the wallet unfreezes when none is open.';

revoke all on function private.record_event(text, text, text, uuid, text), private.lock_payment(uuid),
  public.stripe_event_reject(text, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.stripe_event_reject(text, text, text) to service_role;
