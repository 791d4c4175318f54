-- Demo data: the people and organizations the local sign-in lists, so a fresh install has
-- something true to show. Run on an empty database by `npm run dev` / `npm run db:seed`, and by
-- `supabase db reset` on Supabase (where these users have no password: use a magic link).

-- ===================================================================== USERS
insert into auth.users (id, aud, role, email, email_confirmed_at, raw_user_meta_data)
values
  ('00000000-0000-4000-8000-000000000001', 'authenticated', 'authenticated', 'pro@tollgate.dev',
   now(), '{"full_name": "Priya Patel", "demo_role": "Pro user"}'),
  ('00000000-0000-4000-8000-000000000002', 'authenticated', 'authenticated', 'owner@tollgate.dev',
   now(), '{"full_name": "Omar Haddad", "demo_role": "Org owner (Acme AI)"}'),
  ('00000000-0000-4000-8000-000000000003', 'authenticated', 'authenticated', 'member@tollgate.dev',
   now(), '{"full_name": "Mei Lin", "demo_role": "Org member (Acme AI)"}'),
  ('00000000-0000-4000-8000-000000000004', 'authenticated', 'authenticated', 'starter@tollgate.dev',
   now(), '{"full_name": "Sam Starter", "demo_role": "Starter user"}'),
  ('00000000-0000-4000-8000-000000000005', 'authenticated', 'authenticated', 'admin@tollgate.dev',
   now(), '{"full_name": "Ada Admin", "demo_role": "Platform admin"}')
on conflict (id) do nothing;

update public.profiles set is_platform_admin = true
where id = '00000000-0000-4000-8000-000000000005';

-- ===================================================================== ORGANIZATIONS
insert into public.organizations (id, slug, name, created_by)
values ('00000000-0000-4000-9000-000000000001', 'acme-ai', 'Acme AI',
        '00000000-0000-4000-8000-000000000002')
on conflict (id) do nothing;

insert into public.organization_members (org_id, user_id, role)
values
  ('00000000-0000-4000-9000-000000000001', '00000000-0000-4000-8000-000000000002', 'owner'),
  ('00000000-0000-4000-9000-000000000001', '00000000-0000-4000-8000-000000000003', 'member')
on conflict do nothing;

-- ===================================================================== CREDITS
-- Realistic wallets: a purchase weeks ago, an expiring promo, a plan allowance, and four weeks
-- of spending across categories, written through the ledger functions with a back-dated clock
-- (the clock row is removed again at the end, so the database keeps real time afterwards).
insert into private.test_clock default values on conflict do nothing;

do $$
declare
  pro uuid := (select id from public.accounts where user_id = '00000000-0000-4000-8000-000000000001');
  owner_wallet uuid := (select id from public.accounts where user_id = '00000000-0000-4000-8000-000000000002');
  starter uuid := (select id from public.accounts where user_id = '00000000-0000-4000-8000-000000000004');
  org_wallet uuid := (select id from public.accounts where org_id = '00000000-0000-4000-9000-000000000001');
  spender record;
  day integer;
  n integer;
  category text;
  amount bigint;
  categories text[] := array['ai_usage', 'ai_usage', 'ai_usage', 'premium_feature', 'marketplace', 'other'];
begin
  perform setseed(0.42);
  perform set_config('tollgate.clock', (now() - interval '35 days')::text, true);
  perform public.credit_grant(pro, 250000000, 'purchase', 'seed-pro-purchase', null, null, 'Growth pack (250 credits)');
  perform public.credit_grant(owner_wallet, 50000000, 'purchase', 'seed-owner-purchase', null, null, 'Starter pack (50 credits)');
  perform public.credit_grant(starter, 10000000, 'promo', 'seed-starter-welcome', now() + interval '20 days', null, 'Welcome bonus');
  perform public.credit_grant(org_wallet, 2000000000, 'purchase', 'seed-org-purchase', null, null, 'Scale pack (2,000 credits)');

  perform set_config('tollgate.clock', (now() - interval '29 days')::text, true);
  perform public.credit_grant(pro, 40000000, 'promo', 'seed-pro-promo', now() + interval '12 days', null, 'Launch promo');
  perform set_config('tollgate.clock', (now() - interval '5 days')::text, true);
  -- Whole seconds, like Stripe's periods: the plan lots end exactly when the periods below do.
  perform public.credit_grant(pro, 100000000, 'plan', 'seed-pro-plan', date_trunc('second', now()) + interval '25 days', null, 'Pro plan monthly credits', '{}', 'subscription');
  perform public.credit_grant(org_wallet, 500000000, 'plan', 'seed-org-plan', date_trunc('second', now()) + interval '25 days', null, 'Enterprise plan monthly credits', '{}', 'subscription');

  for spender in
    select * from (values
      (pro, '00000000-0000-4000-8000-000000000001'::uuid, 6),
      (org_wallet, '00000000-0000-4000-8000-000000000002'::uuid, 5),
      (org_wallet, '00000000-0000-4000-8000-000000000003'::uuid, 8)
    ) as s(wallet, actor, per_day)
  loop
    perform set_config('request.jwt.claims', json_build_object('sub', spender.actor, 'role', 'authenticated')::text, true);
    for day in reverse 27..0 loop
      for n in 1 .. 1 + floor(random() * spender.per_day)::integer loop
        category := categories[1 + floor(random() * array_length(categories, 1))::integer];
        amount := (20000 + floor(random() * 900000))::bigint * case when category = 'ai_usage' then 1 else 2 end;
        perform set_config('tollgate.clock',
          (now() - make_interval(days => day, mins => 5 + floor(random() * 600)::integer))::text, true);
        perform public.credit_spend(spender.wallet, amount, category,
          format('seed-%s-%s-%s', spender.actor, day, n),
          case category when 'ai_usage' then 'AI assistant chat' when 'premium_feature' then 'Strategy analysis'
                        when 'marketplace' then 'Template purchase' else 'Export' end);
      end loop;
    end loop;
  end loop;
  perform set_config('request.jwt.claims', '', true);
  perform set_config('tollgate.clock', '', true);
end
$$;

delete from private.test_clock;

-- ===================================================================== PLANS, ALLOWANCES AND USAGE
-- Demo subscriptions: Priya (pro@) and Ada (admin@) on Pro, Acme AI on Enterprise, Sam
-- (starter@) on Starter; Omar and Mei keep the default Free plan for themselves. All anchored five
-- days ago. The credits section above already issued this period's plan credits to Priya (100)
-- and Acme AI (500), so their period counts as settled; Ada's and Sam's are settled (granted)
-- right here. Then two weeks of AI usage and a few feature deductions, so the usage pages and the
-- assistant widget have something true to show.
update public.subscriptions s
set plan_id = v.plan_id,
    anchor_at = date_trunc('second', now()) - interval '5 days',
    current_period_start = date_trunc('second', now()) - interval '5 days' - case when v.settled then interval '0' else interval '30 days' end,
    current_period_end = date_trunc('second', now()) + interval '25 days' - case when v.settled then interval '0' else interval '30 days' end,
    period_credits_granted = case when v.settled then p.monthly_credit_grant else 0 end
from (values
  ('user', '00000000-0000-4000-8000-000000000001'::uuid, 'pro', true),
  ('user', '00000000-0000-4000-8000-000000000005'::uuid, 'pro', false),
  ('org', '00000000-0000-4000-9000-000000000001'::uuid, 'enterprise', true),
  ('user', '00000000-0000-4000-8000-000000000004'::uuid, 'starter', false)
) as v(kind, id, plan_id, settled)
join public.plans p on p.id = v.plan_id
where s.subject_kind = v.kind and s.subject_id = v.id;

select public.subscription_current('user', '00000000-0000-4000-8000-000000000005');
select public.subscription_current('user', '00000000-0000-4000-8000-000000000004');

do $$
declare
  caller record;
  models text[][] := array[
    array['openai', 'gpt-4o', 'chat'], array['openai', 'gpt-4o-mini', 'chat'],
    array['anthropic', 'claude-sonnet-4', 'chat'], array['openai', 'text-embedding-3-small', 'embedding'],
    array['openai', 'gpt-image-1', 'image'], array['openai', 'whisper-1', 'transcription']];
  features text[] := array['assistant', 'assistant', 'lead_generation', 'forecast', 'strategy_analysis'];
  pick integer;
  input bigint;
  output bigint;
  n integer;
begin
  perform setseed(0.44);
  for caller in
    select * from (values
      ('user', '00000000-0000-4000-8000-000000000001'::uuid, '00000000-0000-4000-8000-000000000001'::uuid, 160),
      ('org', '00000000-0000-4000-9000-000000000001'::uuid, '00000000-0000-4000-8000-000000000002'::uuid, 140),
      ('org', '00000000-0000-4000-9000-000000000001'::uuid, '00000000-0000-4000-8000-000000000003'::uuid, 220)
    ) as c(kind, subject, actor, calls)
  loop
    for n in 1 .. caller.calls loop
      pick := 1 + floor(random() * array_length(models, 1))::integer;
      input := case models[pick][3] when 'chat' then 200 + floor(random() * 3000) when 'embedding' then 50 + floor(random() * 800) else 0 end;
      output := case models[pick][3] when 'chat' then 50 + floor(random() * 900) else 0 end;
      perform public.usage_record(caller.kind, caller.subject, caller.actor,
        case when random() < 0.15 then 'byok' else 'platform' end, models[pick][1], models[pick][2], models[pick][3],
        features[1 + floor(random() * array_length(features, 1))::integer], input, output,
        floor(input * random() * 0.3)::bigint, 0, case when models[pick][3] = 'image' then 1 else 0 end,
        case when models[pick][3] = 'transcription' then round((5 + random() * 120)::numeric, 3) else 0 end, 0,
        (150 + floor(random() * 2500))::integer, (input * 3 + output * 12)::bigint,
        -- charged at the catalog's 10 credits per USD with its 1.5x markup, so margins read true
        ((input * 3 + output * 12) * 15)::bigint,
        random() < 0.08, random() > 0.03, null, format('seed-usage-%s-%s-%s', caller.subject, caller.actor, n), '{}',
        now() - make_interval(days => floor(random() * 14)::integer, mins => floor(random() * 1200)::integer));
    end loop;
  end loop;

  -- Feature allowances in use this period.
  perform set_config('request.jwt.claims', '{"sub": "00000000-0000-4000-8000-000000000001", "role": "authenticated"}', true);
  perform public.token_consume('user', '00000000-0000-4000-8000-000000000001', t.name, t.actions, t.name, 'seed-tokens-pro-' || t.name)
  from (values ('lead_generation', 12), ('goal_generation', 7), ('forecast', 21), ('general', 140)) as t(name, actions);
  perform set_config('request.jwt.claims', '{"sub": "00000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);
  perform public.token_consume('org', '00000000-0000-4000-9000-000000000001', t.name, t.actions, t.name, 'seed-tokens-org-' || t.name)
  from (values ('lead_generation', 180), ('strategy_analysis', 64), ('forecast', 90), ('general', 900)) as t(name, actions);
  perform set_config('request.jwt.claims', '', true);
end
$$;

-- ===================================================================== BILLING AND TEAMS (demo)
-- A completed Growth purchase for Priya (pro@), paid through the local test checkout and
-- fulfilled by the same function the Stripe webhook calls, so her payments page has a row and
-- her card is saved for auto-recharge; and a pending invitation for Sam (starter@) to join
-- Acme AI. Sign in as Sam Starter and open
--   /invitations/AcmeDemoInvite_StarterJoinsAcme_0123456789a
-- to accept it (the link is valid for 7 days after seeding).
do $$
declare
  pro_wallet uuid := (select id from public.accounts where user_id = '00000000-0000-4000-8000-000000000001');
  growth public.credit_packages := (select p from public.credit_packages p where p.slug = 'growth');
  payment uuid;
begin
  insert into public.billing_customers (account_id, provider, customer_id, payment_method_id, payment_method_label)
  values (pro_wallet, 'local', 'cus_local_' || replace(pro_wallet::text, '-', ''), 'pm_local_test_card',
          'Test card •••• 4242')
  on conflict (account_id) do nothing;
  insert into public.payments (account_id, package_id, buyer_id, kind, provider, attempt_key, package_name,
                               amount, currency, credits, bonus_credits, bonus_expires_days, checkout_session_id,
                               created_at)
  values (pro_wallet, growth.id, '00000000-0000-4000-8000-000000000001', 'checkout', 'local', 'seed-pro-growth',
          growth.name, growth.price_amount, growth.currency, growth.credits, growth.bonus_credits,
          growth.bonus_expires_days, 'cs_local_5eed00000000000000000001', now() - interval '2 minutes')
  on conflict on constraint payments_attempt do nothing
  returning id into payment;
  if payment is not null then
    perform public.payment_fulfil('evt_local_seed_pro_growth', 'checkout.session.completed', payment,
      'cs_local_5eed00000000000000000001', 'pi_local_5eed00000000000000000001', growth.price_amount,
      growth.currency, 'cus_local_' || replace(pro_wallet::text, '-', ''), 'pm_local_test_card',
      'Test card •••• 4242', null, null);
  end if;

  insert into public.organization_invitations (org_id, email, role, token_hash, invited_by, expires_at)
  values ('00000000-0000-4000-9000-000000000001', 'starter@tollgate.dev', 'member',
          encode(sha256(convert_to('AcmeDemoInvite_StarterJoinsAcme_0123456789a', 'UTF8')), 'hex'),
          '00000000-0000-4000-8000-000000000002', now() + interval '7 days')
  on conflict (token_hash) do nothing;
end
$$;

-- Pay-as-you-go: Nimbus Labs (owned by Ada Admin, admin@) spends past its credits on a 250-credit
-- line set by support, so its credits page shows a negative balance and what it owes this period.
insert into public.organizations (id, slug, name, created_by)
values ('00000000-0000-4000-9000-000000000002', 'nimbus-labs', 'Nimbus Labs',
        '00000000-0000-4000-8000-000000000005')
on conflict (id) do nothing;
insert into public.organization_members (org_id, user_id, role)
values ('00000000-0000-4000-9000-000000000002', '00000000-0000-4000-8000-000000000005', 'owner')
on conflict do nothing;

do $$
declare
  nimbus uuid := (select id from public.accounts where org_id = '00000000-0000-4000-9000-000000000002');
  n integer;
begin
  perform public.billing_customer_save(nimbus, 'local', 'cus_local_' || replace(nimbus::text, '-', ''));
  perform public.admin_set_credit_limit(nimbus, 250000000, 'Demo: Nimbus Labs pays as it goes');
  perform public.credit_grant(nimbus, 20000000, 'promo', 'seed-nimbus-welcome', now() + interval '60 days', null,
    'Welcome credits');
  for n in 1..12 loop
    perform public.credit_spend(nimbus, (3000000 + n * 500000)::bigint,
      case when n % 3 = 0 then 'premium_feature' else 'ai_usage' end, 'seed-nimbus-spend-' || n,
      'Demo usage');
  end loop;
end
$$;

-- ===================================================================== NOTIFICATIONS (demo)
-- A few real events, so each bell has something to show (the purchase above and Sam's
-- invitation notify too): Mei joined Acme AI through Omar's invitation a month ago (Omar hears of
-- it), Ada invites Mei to Nimbus Labs (open, so Mei's bell has it unread), and platform grants to
-- Priya and Ada. Each notification also queues its email, which `npm run dev` catches at /dev/mail.
do $$
declare
  joined uuid;
begin
  insert into public.organization_invitations (org_id, email, role, token_hash, invited_by, created_at, expires_at)
  values ('00000000-0000-4000-9000-000000000001', 'member@tollgate.dev', 'member',
          encode(sha256(convert_to('AcmeDemoInvite_MeiJoinedAcme_0123456789abc', 'UTF8')), 'hex'),
          '00000000-0000-4000-8000-000000000002', now() - interval '30 days', now() - interval '23 days')
  on conflict (token_hash) do nothing
  returning id into joined;
  if joined is not null then
    update public.organization_invitations
    set accepted_at = now() - interval '30 days', accepted_by = '00000000-0000-4000-8000-000000000003'
    where id = joined;
    -- Long since accepted: Mei's own "you were invited" is read.
    update public.notifications set read_at = now()
    where user_id = '00000000-0000-4000-8000-000000000003' and kind = 'org.invitation_received';
  end if;
  insert into public.organization_invitations (org_id, email, role, token_hash, invited_by, expires_at)
  values ('00000000-0000-4000-9000-000000000002', 'member@tollgate.dev', 'member',
          encode(sha256(convert_to('NimbusDemoInvite_MeiJoinsNimbus_0123456789a', 'UTF8')), 'hex'),
          '00000000-0000-4000-8000-000000000005', now() + interval '7 days')
  on conflict (token_hash) do nothing;
  perform public.credit_grant((select id from public.accounts where user_id = '00000000-0000-4000-8000-000000000001'),
    20000000, 'admin', 'seed-pro-admin-feedback', null, null, 'Thanks for the beta feedback',
    '{"reason": "Thanks for the beta feedback"}', 'other');
  perform public.credit_grant((select id from public.accounts where user_id = '00000000-0000-4000-8000-000000000005'),
    10000000, 'admin', 'seed-admin-admin-trial', now() + interval '30 days', null, 'Trial credits for testing',
    '{"reason": "Trial credits for testing"}', 'other');
end
$$;

-- The demo history above is dated over the past weeks, but its credits arrived as the seed ran:
-- open each wallet's alert period (this UTC month) as if that history had happened in real time,
-- so "used this month" counts only this month's spending, and arm the next alert from there.
update public.wallet_alert_periods p
set period_grant = greatest(private.available(p.account_id) + coalesce((
  select sum(t.amount) from public.transfers t
  where t.debit_account_id = p.account_id and t.created_at >= p.period_start), 0), 0);
select private.arm_wallet_alerts(p.account_id, p) from public.wallet_alert_periods p;

-- Priya (pro@) pays for Pro monthly through the local test checkout: mid-subscription, with two
-- paid invoices (last period's and this one's). This period's plan credits were granted above;
-- the mirror and invoices record how they were paid, and billed_until hands her periods to the
-- invoices (the next one arrives with "Simulate renewal" on the local test portal).
do $$
declare
  pro_wallet uuid := (select id from public.accounts where user_id = '00000000-0000-4000-8000-000000000001');
  period_start timestamptz := (select s.current_period_start from public.subscriptions s
                               where s.subject_kind = 'user' and s.subject_id = '00000000-0000-4000-8000-000000000001');
  period_end timestamptz := (select s.current_period_end from public.subscriptions s
                             where s.subject_kind = 'user' and s.subject_id = '00000000-0000-4000-8000-000000000001');
begin
  insert into public.billing_subscriptions (id, account_id, subject_kind, subject_id, provider, customer_id, plan_id,
    price_id, billing_interval, status, current_period_start, current_period_end, synced_at, created_at)
  values ('sub_local_5eed00000000000000000001', pro_wallet, 'user', '00000000-0000-4000-8000-000000000001', 'local',
          'cus_local_' || replace(pro_wallet::text, '-', ''), 'pro', 'price_local_pro_month', 'month', 'active',
          period_start, period_end, now(), period_start - interval '30 days')
  on conflict (id) do nothing;
  insert into public.billing_invoices (id, account_id, subscription_id, plan_id, status, billing_reason, amount_paid,
    tax, currency, period_start, period_end, paid_at, created_at)
  values
    ('in_local_5eed00000000000000000001', pro_wallet, 'sub_local_5eed00000000000000000001', 'pro', 'paid',
     'subscription_create', 2900, 0, 'usd', period_start - interval '30 days', period_start,
     period_start - interval '30 days', period_start - interval '30 days'),
    ('in_local_5eed00000000000000000002', pro_wallet, 'sub_local_5eed00000000000000000001', 'pro', 'paid',
     'subscription_cycle', 2900, 0, 'usd', period_start, period_end, period_start, period_start)
  on conflict (id) do nothing;
  update public.subscriptions s set billed_until = period_end + interval '7 days'
  where s.subject_kind = 'user' and s.subject_id = '00000000-0000-4000-8000-000000000001';
end
$$;
