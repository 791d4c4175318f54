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
  perform public.credit_grant(pro, 100000000, 'plan', 'seed-pro-plan', now() + interval '25 days', null, 'Pro plan monthly credits', '{}', 'subscription');
  perform public.credit_grant(org_wallet, 500000000, 'plan', 'seed-org-plan', now() + interval '25 days', null, 'Enterprise plan monthly credits', '{}', 'subscription');

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
