-- Billing, part 4: refunds claw credits back, disputes freeze the wallet, and the auto-recharge
-- dispatcher's queue. All service-only, each event recorded once.

-- ===================================================================== CLAWBACK
/*
 * Takes back the credits of a payment's refunded share, up to what its own purchase and bonus
 * lots still hold (and never more than the wallet has available): a 'clawback' transfer to the
 * `refunded` system account that burns exactly those lots. What was already spent (or expired)
 * is recorded as the payment's shortfall. `refunded_total` is cumulative, as Stripe reports it,
 * so events arriving twice or out of order take nothing twice. Caller holds the payment lock.
 */
create function private.claw_back(payment public.payments, refunded_total bigint) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  target bigint;
  owed bigint;
  room bigint;
  in_lots bigint;
  taken bigint;
  transfer bigint;
  lot record;
  left_to_burn bigint;
  portion bigint;
begin
  refunded_total := least(refunded_total, payment.amount);
  if refunded_total <= payment.amount_refunded then
    return 0;
  end if;
  -- numeric: credits × minor units can pass 2^63 before the division.
  target := floor((payment.credits + payment.bonus_credits)::numeric * refunded_total / payment.amount)::bigint;
  owed := greatest(target - payment.credits_clawed_back - payment.clawback_shortfall, 0);

  -- Burn what earlier spends used first, so the lots show exactly what is left of this purchase.
  perform private.settle_wallet(payment.account_id);
  select greatest(a.credits_posted - a.debits_posted - a.debits_pending, 0) into room
  from public.accounts a where a.id = payment.account_id;
  select coalesce(sum(l.remaining), 0) into in_lots from public.lots l
  where l.id in (payment.purchase_lot_id, payment.bonus_lot_id) and l.remaining > 0;
  taken := least(owed, room, in_lots);

  if taken > 0 then
    insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category, description,
                                  metadata, key_account_id, idempotency_key)
    values (payment.account_id, private.system_account('refunded'), taken, 'clawback', 'other',
            'Refund of ' || payment.package_name || ' package: credits taken back',
            jsonb_build_object('paymentId', payment.id::text, 'amountRefunded', refunded_total::text),
            payment.account_id, 'clawback:' || payment.id || ':' || refunded_total)
    returning id into transfer;
    left_to_burn := taken;
    for lot in
      select l.id, l.remaining from public.lots l
      where l.id in (payment.purchase_lot_id, payment.bonus_lot_id) and l.remaining > 0
      order by (l.id = payment.purchase_lot_id) desc
    loop
      portion := least(lot.remaining, left_to_burn);
      exit when portion = 0;
      update public.lots l set remaining = l.remaining - portion where l.id = lot.id;
      insert into public.lot_burns (account_id, lot_id, amount, transfer_id)
      values (payment.account_id, lot.id, portion, transfer);
      left_to_burn := left_to_burn - portion;
    end loop;
    update public.accounts a set debits_posted = a.debits_posted + taken where a.id = payment.account_id;
  end if;

  update public.payments p
  set amount_refunded = refunded_total,
      credits_clawed_back = p.credits_clawed_back + taken,
      clawback_shortfall = p.clawback_shortfall + owed - taken,
      status = case when refunded_total >= p.amount then 'refunded' else p.status end
  where p.id = payment.id;
  return taken;
end
$$;
comment on function private.claw_back(public.payments, bigint) is
  'Claws back a payment''s refunded credits from its own lots; the already-spent rest becomes shortfall.';

create function public.payment_refunded(
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
    perform private.record_event(p_event_id, p_event_type, 'ignored', payment.id);
    return query select payment.id, 0::bigint, 0::bigint, false;
    return;
  end if;
  if not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, 0::bigint, 0::bigint, true;
    return;
  end if;
  select * into payment from public.payments p where p.id = payment.id for update;
  taken := private.claw_back(payment, p_amount_refunded);
  return query select p.id, taken, p.clawback_shortfall - payment.clawback_shortfall, false
  from public.payments p where p.id = payment.id;
end
$$;
comment on function public.payment_refunded(text, text, text, bigint) is
  'Service only (charge.refunded): claws back the refunded share of a payment''s credits, once per event.';

-- ===================================================================== DISPUTES
create function public.payment_dispute_opened(
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
    perform private.record_event(p_event_id, p_event_type, 'ignored', null);
    return query select null::uuid, false, false;
    return;
  end if;
  if not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, true, true;
    return;
  end if;
  select * into payment from public.payments p where p.id = payment.id for update;
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

create function public.payment_dispute_closed(p_event_id text, p_event_type text, p_dispute_id text, p_status text)
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
    perform private.record_event(p_event_id, p_event_type, 'ignored', null);
    return query select null::uuid, false, false;
    return;
  end if;
  if not private.record_event(p_event_id, p_event_type, 'processed', dispute.payment_id) then
    return query select dispute.payment_id, null::boolean, true;
    return;
  end if;
  select * into payment from public.payments p where p.id = dispute.payment_id for update;
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

-- ===================================================================== AUTO-RECHARGE QUEUE
create function public.auto_recharge_claim(p_limit integer default 10)
returns table (payment_id uuid, account_id uuid, package_id uuid, package_name text, amount bigint,
               currency text, provider text, customer_id text, payment_method_id text)
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  -- skip locked + claimed_at: concurrent dispatchers never take the same payment; a claim left
  -- behind by a crash is taken over after five minutes (the Stripe idempotency key makes it safe).
  return query
  with due as (
    select p.id from public.payments p
    where p.kind = 'auto_recharge' and p.status = 'pending'
      and (p.claimed_at is null or p.claimed_at < now() - interval '5 minutes')
    order by p.created_at
    limit greatest(least(p_limit, 100), 1)
    for update skip locked
  ), claimed as (
    update public.payments p set claimed_at = now() from due where p.id = due.id
    returning p.id, p.account_id, p.package_id, p.package_name, p.amount, p.currency, p.provider
  )
  select c.id, c.account_id, c.package_id, c.package_name, c.amount, c.currency, c.provider,
         b.customer_id, b.payment_method_id
  from claimed c left join public.billing_customers b on b.account_id = c.account_id;
end
$$;
comment on function public.auto_recharge_claim(integer) is
  'Service only: claims queued auto-recharge payments for the dispatcher (each by one dispatcher).';

create function public.auto_recharge_dispatched(p_payment_id uuid, p_payment_intent_id text) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  update public.payments p set payment_intent_id = p_payment_intent_id, status = 'processing'
  where p.id = p_payment_id and p.status = 'pending';
end
$$;
comment on function public.auto_recharge_dispatched(uuid, text) is
  'Service only: records the off-session PaymentIntent created for an auto-recharge payment.';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.assert_service(), private.assert_billing_manager(uuid), private.record_event(text, text, text, uuid),
  private.notify_wallet_managers(uuid, text, text, text), private.disable_auto_recharge(uuid, text),
  private.find_payment(uuid, text, text), private.claw_back(public.payments, bigint)
from public, anon, authenticated, service_role;

revoke all on function
  public.credit_package_upsert(uuid, text, text, text, bigint, bigint, integer, bigint, text, boolean, smallint),
  public.credit_package_set_stripe_ids(uuid, text, text),
  public.billing_customer_save(uuid, text, text),
  public.payment_begin(uuid, uuid, text, text),
  public.payment_attach_checkout(uuid, text, text),
  public.auto_recharge_configure(uuid, boolean, bigint, uuid),
  public.billing_payment_method(uuid),
  public.stripe_event_ignore(text, text),
  public.payment_fulfil(text, text, uuid, text, text, bigint, text, text, text, text, text, text),
  public.payment_mark_processing(text, text, uuid, text, text),
  public.payment_mark_failed(text, text, uuid, text, text, text, text),
  public.payment_refunded(text, text, text, bigint),
  public.payment_dispute_opened(text, text, text, text, bigint, text),
  public.payment_dispute_closed(text, text, text, text),
  public.auto_recharge_claim(integer),
  public.auto_recharge_dispatched(uuid, text)
from public, anon, authenticated, service_role;

-- Signed-in people: what checks its caller inside.
grant execute on function
  public.credit_package_upsert(uuid, text, text, text, bigint, bigint, integer, bigint, text, boolean, smallint),
  public.payment_begin(uuid, uuid, text, text),
  public.auto_recharge_configure(uuid, boolean, bigint, uuid),
  public.billing_payment_method(uuid)
to authenticated;

grant execute on function
  public.credit_package_upsert(uuid, text, text, text, bigint, bigint, integer, bigint, text, boolean, smallint),
  public.credit_package_set_stripe_ids(uuid, text, text),
  public.billing_customer_save(uuid, text, text),
  public.payment_begin(uuid, uuid, text, text),
  public.payment_attach_checkout(uuid, text, text),
  public.auto_recharge_configure(uuid, boolean, bigint, uuid),
  public.billing_payment_method(uuid),
  public.stripe_event_ignore(text, text),
  public.payment_fulfil(text, text, uuid, text, text, bigint, text, text, text, text, text, text),
  public.payment_mark_processing(text, text, uuid, text, text),
  public.payment_mark_failed(text, text, uuid, text, text, text, text),
  public.payment_refunded(text, text, text, bigint),
  public.payment_dispute_opened(text, text, text, text, bigint, text),
  public.payment_dispute_closed(text, text, text, text),
  public.auto_recharge_claim(integer),
  public.auto_recharge_dispatched(uuid, text)
to service_role;
