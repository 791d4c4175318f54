-- Billing, part 2: editing packages, starting a purchase, Stripe customers, auto-recharge settings.
--
-- Errors use the ledger's TG SQLSTATEs (TG403 forbidden, TG404 not found, TG409 conflict, TG422
-- invalid input) with JSON details in HINT.

-- ===================================================================== HELPERS
/* Service-only functions refuse everyone else, whatever the grants say. */
create function private.assert_service() returns void
language plpgsql stable set search_path = ''
as $$
begin
  if not private.is_trusted() then
    perform private.fail('TG403', 'Only the service role may do this.', '{}'::jsonb);
  end if;
end
$$;
comment on function private.assert_service() is 'TG403 unless the caller is the service role (or a direct session).';

/*
 * May the caller buy for, and manage the billing of, this wallet? Their own wallet, or an org
 * wallet of an org they own or administer; trusted callers any wallet. A plain member of the
 * org gets TG403; anyone else TG404 (strangers learn nothing).
 */
create function private.assert_billing_manager(account uuid) returns void
language plpgsql stable security definer set search_path = ''
as $$
declare
  target record;
begin
  select a.kind, a.user_id, a.org_id into target from public.accounts a where a.id = account;
  if not found or target.kind = 'system' then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', account));
  end if;
  if private.is_trusted() or target.user_id = (select auth.uid())
     or private.org_role(target.org_id) in ('owner', 'admin') then
    return;
  end if;
  if target.org_id is not null and private.is_org_member(target.org_id) then
    perform private.fail('TG403', 'Only owners and admins buy credits and manage billing for the organization.',
      jsonb_build_object('wallet', account));
  end if;
  perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', account));
end
$$;
comment on function private.assert_billing_manager(uuid) is
  'Own wallet or an org the caller owns/administers; TG403 for plain members, TG404 for strangers.';

-- ===================================================================== PACKAGES
create function public.credit_package_upsert(
  p_id uuid,
  p_slug text,
  p_name text,
  p_description text,
  p_credits bigint,
  p_bonus_credits bigint,
  p_bonus_expires_days integer,
  p_price_amount bigint,
  p_currency text,
  p_active boolean,
  p_sort_order smallint
) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  package_id uuid;
begin
  if not private.is_trusted() and not private.is_platform_admin() then
    perform private.fail('TG403', 'Only platform admins edit credit packages.', '{}'::jsonb);
  end if;
  if p_id is null then
    insert into public.credit_packages (slug, name, description, credits, bonus_credits, bonus_expires_days,
                                        price_amount, currency, active, sort_order)
    values (p_slug, btrim(p_name), coalesce(p_description, ''), p_credits, coalesce(p_bonus_credits, 0),
            p_bonus_expires_days, p_price_amount, lower(p_currency), coalesce(p_active, true),
            coalesce(p_sort_order, 0))
    returning id into package_id;
    return package_id;
  end if;
  -- A new price or currency needs a new Stripe price: forget the old one until stripe:sync runs.
  update public.credit_packages c
  set slug = p_slug, name = btrim(p_name), description = coalesce(p_description, ''), credits = p_credits,
      bonus_credits = coalesce(p_bonus_credits, 0), bonus_expires_days = p_bonus_expires_days,
      price_amount = p_price_amount, currency = lower(p_currency), active = coalesce(p_active, true),
      sort_order = coalesce(p_sort_order, 0),
      stripe_price_id = case when c.price_amount = p_price_amount and c.currency = lower(p_currency)
                             then c.stripe_price_id end
  where c.id = p_id
  returning id into package_id;
  if package_id is null then
    perform private.fail('TG404', 'Credit package not found.', jsonb_build_object('package', p_id));
  end if;
  return package_id;
end
$$;
comment on function public.credit_package_upsert(uuid, text, text, text, bigint, bigint, integer, bigint, text, boolean, smallint) is
  'Platform admins: creates (p_id null) or updates a credit package. A price change clears its Stripe price id.';

create function public.credit_package_set_stripe_ids(p_id uuid, p_product_id text, p_price_id text)
returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  update public.credit_packages c set stripe_product_id = p_product_id, stripe_price_id = p_price_id
  where c.id = p_id;
  if not found then
    perform private.fail('TG404', 'Credit package not found.', jsonb_build_object('package', p_id));
  end if;
end
$$;
comment on function public.credit_package_set_stripe_ids(uuid, text, text) is
  'Service only (npm run stripe:sync): records the Stripe product and price of a package.';

-- ===================================================================== CUSTOMERS
create function public.billing_customer_save(p_account uuid, p_provider text, p_customer_id text)
returns text
language plpgsql security definer set search_path = ''
as $$
declare
  saved text;
begin
  perform private.assert_service();
  -- The first customer of a wallet wins (concurrent checkouts reuse it); a real Stripe customer
  -- replaces a local test one when Stripe keys are added later.
  insert into public.billing_customers as c (account_id, provider, customer_id)
  values (p_account, p_provider, p_customer_id)
  on conflict (account_id) do update
    set provider = excluded.provider, customer_id = excluded.customer_id,
        payment_method_id = null, payment_method_label = null
    where c.provider <> excluded.provider
  returning customer_id into saved;
  if saved is null then
    select c.customer_id into saved from public.billing_customers c where c.account_id = p_account;
  end if;
  return saved;
end
$$;
comment on function public.billing_customer_save(uuid, text, text) is
  'Service only: records the wallet''s customer, or returns the one already recorded (one per wallet).';

-- ===================================================================== PURCHASE
/*
 * Starts a purchase attempt: checks the caller may buy for the wallet, copies the package into a
 * pending payment row and returns what the checkout needs. The same attempt key replays the
 * first attempt (and its checkout URL); with another package it is a conflict.
 */
create function public.payment_begin(p_account uuid, p_package_id uuid, p_attempt_key text, p_provider text)
returns table (payment_id uuid, status text, checkout_url text, amount bigint, currency text,
               package_name text, credits bigint, bonus_credits bigint, stripe_price_id text,
               customer_id text, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  package public.credit_packages;
  payment public.payments;
  is_new boolean := true;
begin
  if p_attempt_key is null or char_length(p_attempt_key) not between 1 and 255 then
    perform private.fail('TG422', 'An attempt key of 1 to 255 characters is required.',
      jsonb_build_object('field', 'attempt_key'));
  end if;
  if p_provider is null or p_provider not in ('stripe', 'local') then
    perform private.fail('TG422', 'Provider must be stripe or local.', jsonb_build_object('field', 'provider'));
  end if;
  perform private.assert_billing_manager(p_account);
  select * into package from public.credit_packages c where c.id = p_package_id and c.active;
  if not found then
    perform private.fail('TG404', 'Credit package not found.', jsonb_build_object('package', p_package_id));
  end if;

  insert into public.payments (account_id, package_id, buyer_id, kind, provider, attempt_key, package_name,
                               amount, currency, credits, bonus_credits, bonus_expires_days)
  values (p_account, package.id, auth.uid(), 'checkout', p_provider, p_attempt_key, package.name,
          package.price_amount, package.currency, package.credits, package.bonus_credits,
          package.bonus_expires_days)
  on conflict on constraint payments_attempt do nothing
  returning * into payment;
  if payment.id is null then
    is_new := false;
    select * into payment from public.payments p where p.account_id = p_account and p.attempt_key = p_attempt_key;
    if payment.package_id is distinct from p_package_id then
      perform private.fail('TG409', 'This idempotency key was already used to buy a different package.',
        jsonb_build_object('idempotencyKey', p_attempt_key, 'paymentId', payment.id));
    end if;
  end if;
  return query
  select payment.id, payment.status, payment.checkout_url, payment.amount, payment.currency, payment.package_name,
         payment.credits, payment.bonus_credits, package.stripe_price_id,
         (select c.customer_id from public.billing_customers c
          where c.account_id = p_account and c.provider = p_provider),
         not is_new;
end
$$;
comment on function public.payment_begin(uuid, uuid, text, text) is
  'Starts (or replays) a purchase attempt for a wallet the caller manages; returns the checkout inputs.';

create function public.payment_attach_checkout(p_payment_id uuid, p_session_id text, p_url text)
returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  update public.payments p set checkout_session_id = p_session_id, checkout_url = p_url
  where p.id = p_payment_id and (p.checkout_session_id is null or p.checkout_session_id = p_session_id);
  if not found then
    perform private.fail('TG409', 'This payment already has another checkout session.',
      jsonb_build_object('paymentId', p_payment_id));
  end if;
end
$$;
comment on function public.payment_attach_checkout(uuid, text, text) is
  'Service only: links a payment attempt to its Checkout Session and URL.';

-- ===================================================================== AUTO-RECHARGE SETTINGS
create function public.auto_recharge_configure(
  p_account uuid, p_enabled boolean, p_threshold bigint, p_package_id uuid
) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  in_flight boolean;
begin
  perform private.assert_billing_manager(p_account);
  if p_threshold is null or p_threshold not between 1 and 1000000000000000 then
    perform private.fail('TG422', 'The threshold must be between 1 and 10^15 micro-credits.',
      jsonb_build_object('field', 'threshold'));
  end if;
  if not exists (select 1 from public.credit_packages c where c.id = p_package_id and c.active) then
    perform private.fail('TG422', 'Choose an available credit package.', jsonb_build_object('field', 'packageId'));
  end if;
  if coalesce(p_enabled, false) and not exists (
    select 1 from public.billing_customers c where c.account_id = p_account and c.payment_method_id is not null
  ) then
    perform private.fail('TG422', 'Buy a package once first: the card you pay with is saved for auto-recharge.',
      jsonb_build_object('field', 'enabled', 'reason', 'no_payment_method'));
  end if;

  perform 1 from public.accounts a where a.id = p_account for no key update;
  insert into public.auto_recharge_settings as s (account_id, enabled, threshold, package_id, updated_by)
  values (p_account, coalesce(p_enabled, false), p_threshold, p_package_id, auth.uid())
  on conflict (account_id) do update
    set enabled = excluded.enabled, threshold = excluded.threshold, package_id = excluded.package_id,
        updated_by = excluded.updated_by, updated_at = now(),
        disabled_reason = case when excluded.enabled then null else s.disabled_reason end,
        disabled_at = case when excluded.enabled then null else s.disabled_at end;
  -- Armed unless off or a recharge is already on its way (that one re-arms when it is paid).
  select exists (select 1 from public.payments p where p.account_id = p_account and p.kind = 'auto_recharge'
                 and p.status in ('pending', 'processing')) into in_flight;
  update public.accounts a
  set auto_recharge_below = case when coalesce(p_enabled, false) and not in_flight then p_threshold end
  where a.id = p_account;
end
$$;
comment on function public.auto_recharge_configure(uuid, boolean, bigint, uuid) is
  'Owner of the wallet (or org owner/admin): turns auto-recharge on or off with a threshold and package.';

create function public.billing_payment_method(p_account uuid)
returns table (has_payment_method boolean, label text)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_billing_manager(p_account);
  return query
  select coalesce(bool_or(c.payment_method_id is not null), false), max(c.payment_method_label)
  from public.billing_customers c where c.account_id = p_account;
end
$$;
comment on function public.billing_payment_method(uuid) is
  'Whether the wallet has a card saved for auto-recharge, and its label (never the ids).';
