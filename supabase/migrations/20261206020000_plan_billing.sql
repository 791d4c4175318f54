-- Plan prices for Stripe Billing: monthly and yearly amounts, trial, grace days and rollover cap.

-- Billing, part 4: what plans cost. Each plan sold through Stripe Billing has a monthly price (and
-- optionally a yearly one) in a currency's minor unit, a free trial, the grace days a failed
-- renewal keeps the plan working, and how many unused plan credits roll into the next period.
-- A plan with no row here (or no amount) is not for sale: checkout answers 422. `npm run
-- stripe:sync` writes each priced plan's Stripe product and prices back here.
--
-- Who sees what: everyone signed in reads the prices (the public pricing page reads them as the
-- service); platform admins edit them through plan_billing_set.

-- ===================================================================== TABLES
create table public.plan_billing (
  plan_id text primary key references public.plans (id) on delete cascade,
  currency text not null default 'usd' check (currency ~ '^[a-z]{3}$'),
  -- Minor units (cents); null = not sold at that interval. Stripe's minimum charge is 50 cents.
  monthly_amount bigint check (monthly_amount between 50 and 100000000),
  yearly_amount bigint check (yearly_amount between 50 and 1000000000),
  trial_days smallint not null default 0 check (trial_days between 0 and 365),
  -- Days a past-due subscription keeps its plan before it falls back to the default plan.
  grace_days smallint not null default 7 check (grace_days between 0 and 60),
  -- Micro-credits of a period's unused plan credits carried into the next period (0 = none).
  rollover_cap bigint not null default 0 check (rollover_cap between 0 and 1000000000000000),
  stripe_product_id text check (stripe_product_id is null or stripe_product_id ~ '^prod_[A-Za-z0-9_]+$'),
  -- Cleared when the amount or currency changes, so a checkout never charges a stale price.
  stripe_monthly_price_id text check (stripe_monthly_price_id is null or stripe_monthly_price_id ~ '^price_[A-Za-z0-9_]+$'),
  stripe_yearly_price_id text check (stripe_yearly_price_id is null or stripe_yearly_price_id ~ '^price_[A-Za-z0-9_]+$'),
  updated_at timestamptz not null default now(),
  constraint plan_billing_yearly_needs_monthly check (yearly_amount is null or monthly_amount is not null)
);
comment on table public.plan_billing is
  'Prices (minor units), trial, grace and rollover cap of the plans sold through Stripe Billing. Edited via plan_billing_set.';

-- ===================================================================== RLS
alter table public.plan_billing enable row level security;
revoke all on public.plan_billing from public, anon, authenticated, service_role;
grant select on public.plan_billing to authenticated, service_role;
create policy plan_billing_select on public.plan_billing for select to authenticated using (true);

-- ===================================================================== REFERENCE DATA
-- Free and Starter cost nothing; Pro and Enterprise are sold monthly and yearly (two months free);
-- Enterprise starts with a 14-day trial.
insert into public.plan_billing (plan_id, currency, monthly_amount, yearly_amount, trial_days, grace_days,
                                 rollover_cap)
values ('pro', 'usd', 2900, 29000, 0, 7, 100000000),
       ('enterprise', 'usd', 9900, 99000, 14, 14, 500000000);

-- ===================================================================== TRIGGERS
create trigger plan_billing_touch before update on public.plan_billing
  for each row execute function private.touch_updated_at();

-- ===================================================================== FUNCTIONS
/* Sets a plan's prices and billing terms. A changed amount or currency forgets its Stripe price. */
create function public.plan_billing_set(
  p_plan_id text, p_currency text, p_monthly_amount bigint, p_yearly_amount bigint, p_trial_days smallint,
  p_grace_days smallint, p_rollover_cap bigint
) returns public.plan_billing
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.plan_billing;
begin
  perform private.assert_plan_admin();
  if not exists (select 1 from public.plans p where p.id = p_plan_id) then
    perform private.fail('TG404', 'Plan not found.', jsonb_build_object('planId', p_plan_id));
  end if;
  if p_currency is null or lower(p_currency) !~ '^[a-z]{3}$' then
    perform private.fail('TG422', 'A currency is a three-letter ISO code.', jsonb_build_object('field', 'currency'));
  end if;
  if p_yearly_amount is not null and p_monthly_amount is null then
    perform private.fail('TG422', 'A yearly price needs a monthly price too.',
      jsonb_build_object('field', 'yearly_amount'));
  end if;
  insert into public.plan_billing as b (plan_id, currency, monthly_amount, yearly_amount, trial_days, grace_days,
                                        rollover_cap)
  values (p_plan_id, lower(p_currency), p_monthly_amount, p_yearly_amount, coalesce(p_trial_days, 0),
          coalesce(p_grace_days, 7), coalesce(p_rollover_cap, 0))
  on conflict (plan_id) do update
  set currency = excluded.currency, monthly_amount = excluded.monthly_amount,
      yearly_amount = excluded.yearly_amount, trial_days = excluded.trial_days,
      grace_days = excluded.grace_days, rollover_cap = excluded.rollover_cap,
      stripe_monthly_price_id = case when b.monthly_amount is not distinct from excluded.monthly_amount
                                      and b.currency = excluded.currency then b.stripe_monthly_price_id end,
      stripe_yearly_price_id = case when b.yearly_amount is not distinct from excluded.yearly_amount
                                     and b.currency = excluded.currency then b.stripe_yearly_price_id end
  returning * into saved;
  return saved;
end
$$;
comment on function public.plan_billing_set(text, text, bigint, bigint, smallint, smallint, bigint) is
  'Platform admins: a plan''s prices, trial, grace and rollover cap. A changed amount clears its Stripe price id.';

create function public.plan_billing_set_stripe_ids(
  p_plan_id text, p_product_id text, p_monthly_price_id text, p_yearly_price_id text
) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  update public.plan_billing b
  set stripe_product_id = p_product_id, stripe_monthly_price_id = p_monthly_price_id,
      stripe_yearly_price_id = p_yearly_price_id
  where b.plan_id = p_plan_id;
  if not found then
    perform private.fail('TG404', 'This plan has no prices.', jsonb_build_object('planId', p_plan_id));
  end if;
end
$$;
comment on function public.plan_billing_set_stripe_ids(text, text, text, text) is
  'Service only (npm run stripe:sync): records the Stripe product and prices of a plan.';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.plan_billing_set(text, text, bigint, bigint, smallint, smallint, bigint),
  public.plan_billing_set_stripe_ids(text, text, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.plan_billing_set(text, text, bigint, bigint, smallint, smallint, bigint)
to authenticated, service_role;
grant execute on function public.plan_billing_set_stripe_ids(text, text, text, text) to service_role;
