-- Billing, part 3: what the Stripe webhook does, each step one service-only function that
-- records the event id in the same transaction as its effect. A replayed event id (even 20 at
-- once: they queue on the primary key) finds its row and changes nothing.

-- ===================================================================== HELPERS
/* Records an event id; false when it was already recorded (a replay). */
create function private.record_event(event_id text, event_type text, event_status text, payment uuid)
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
  insert into public.stripe_events (id, type, status, payment_id)
  values (event_id, left(event_type, 100), event_status, payment)
  on conflict (id) do nothing
  returning id into recorded;
  return recorded is not null;
end
$$;
comment on function private.record_event(text, text, text, uuid) is 'Records a Stripe event id once; false on a replay.';

/* A message to whoever manages the wallet: the user, or the org's owners and admins. */
create function private.notify_wallet_managers(account uuid, kind text, title text, body text)
returns void
language plpgsql security definer set search_path = ''
as $$
declare
  wallet record;
begin
  select a.user_id, a.org_id, o.slug into wallet
  from public.accounts a left join public.organizations o on o.id = a.org_id where a.id = account;
  insert into public.notifications (user_id, kind, title, body, link)
  select recipient, kind, left(title, 200), left(body, 1000),
         case when wallet.org_id is null then '/credits' else '/organizations/' || wallet.slug || '/credits' end
  from (
    select wallet.user_id as recipient where wallet.user_id is not null
    union
    select m.user_id from public.organization_members m
    where m.org_id = wallet.org_id and m.role in ('owner', 'admin')
  ) recipients;
end
$$;
comment on function private.notify_wallet_managers(uuid, text, text, text) is
  'Notifies the wallet''s user, or its org''s owners and admins.';

/* Turns auto-recharge off after a failed charge and tells the people who manage the wallet. */
create function private.disable_auto_recharge(account uuid, reason text) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  update public.auto_recharge_settings s
  set enabled = false, disabled_reason = left(reason, 500), disabled_at = now(), updated_at = now()
  where s.account_id = account;
  update public.accounts a set auto_recharge_below = null where a.id = account;
  perform private.notify_wallet_managers(account, 'billing.auto_recharge_disabled',
    'Auto-recharge was turned off',
    'An automatic top-up could not be charged (' || coalesce(reason, 'payment failed')
      || '). Update your card by buying a package, then turn auto-recharge on again.');
end
$$;
comment on function private.disable_auto_recharge(uuid, text) is
  'After a failed recharge: switches auto-recharge off, disarms the wallet, notifies its managers.';

/* The payment an event is about: by our id (metadata), else by Checkout Session or PaymentIntent. */
create function private.find_payment(payment uuid, session_id text, intent_id text) returns public.payments
language sql stable security definer set search_path = ''
as $$
  select p.* from public.payments p
  where (payment is not null and p.id = payment)
     or (session_id is not null and p.checkout_session_id = session_id)
     or (intent_id is not null and p.payment_intent_id = intent_id)
  order by (p.id = payment) desc nulls last
  limit 1
$$;
comment on function private.find_payment(uuid, text, text) is
  'The payment an event names: by payment id, else Checkout Session id, else PaymentIntent id.';

-- ===================================================================== FUNCTIONS
create function public.stripe_event_ignore(p_event_id text, p_event_type text) returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  return private.record_event(p_event_id, p_event_type, 'ignored', null);
end
$$;
comment on function public.stripe_event_ignore(text, text) is
  'Service only: records an event the webhook does not act on. False when already recorded.';

/*
 * Fulfils a paid purchase exactly once: the package's credits as a purchase lot, its bonus as an
 * expiring promo lot, the payment marked paid with its receipt, and the card kept for
 * auto-recharge. A paid auto-recharge re-arms the wallet.
 */
create function public.payment_fulfil(
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
    perform private.record_event(p_event_id, p_event_type, 'ignored', null);
    return query select null::uuid, 'unknown'::text, false;
    return;
  end if;
  if not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, payment.status, true;
    return;
  end if;
  select * into payment from public.payments p where p.id = payment.id for update;
  if payment.status in ('paid', 'refunded') then
    return query select payment.id, payment.status, true;
    return;
  end if;
  if p_amount is distinct from payment.amount or lower(p_currency) is distinct from payment.currency then
    perform private.fail('TG409',
      format('Paid %s %s but the payment expects %s %s; not fulfilled.', p_amount, p_currency, payment.amount, payment.currency),
      jsonb_build_object('paymentId', payment.id));
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

/* A completed checkout whose (asynchronous) payment has not cleared yet. */
create function public.payment_mark_processing(
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
    perform private.record_event(p_event_id, p_event_type, 'ignored', null);
    return query select null::uuid, 'unknown'::text, false;
    return;
  end if;
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

/*
 * A payment that failed (async payment failed, card declined) or a checkout that expired. A
 * failed auto-recharge switches auto-recharge off and tells the wallet's managers.
 */
create function public.payment_mark_failed(
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
      perform private.record_event(p_event_id, p_event_type, 'ignored', null);
    end if;
    return query select null::uuid, 'unknown'::text, false;
    return;
  end if;
  if p_event_id is not null and not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, payment.status, true;
    return;
  end if;
  select * into payment from public.payments p where p.id = payment.id for update;
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
