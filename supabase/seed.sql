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
