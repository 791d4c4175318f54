-- Notifications for what happens to a person (credits granted, purchases, refunds, invitations,
-- a member's monthly limit) and the email outbox that carries them; see supabase/schemas/email.sql.

-- Notifications for what happens to a person, and the email outbox that carries them.
--
-- Events that are rows (a lot granted by an admin, a payment paid or refunded, an invitation
-- written or accepted) notify through triggers on those rows, so each event writes its
-- notification exactly once, in the transaction that made it, wherever the change came from.
--
-- Email: every notification queues one email (public.email_outbox, unique per event and
-- recipient: dedupe_key), except kinds that have their own mail (a purchase queues a receipt, an
-- invitation is queued by whoever invites, since only they hold the link's token). The worker
-- (lib/email) claims due rows, renders and sends them over SMTP, and marks each sent, or failed
-- with the next attempt's time. A kind's category decides whether a person can turn it off:
-- transactional mail (invitations, receipts, refunds, billing trouble) is always sent; alerts,
-- credits and team news follow public.email_preferences, checked when the mail is about to go.

-- ===================================================================== TABLES
create table public.email_preferences (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  alerts boolean not null default true,
  credits boolean not null default true,
  team boolean not null default true,
  updated_at timestamptz not null default now()
);
comment on table public.email_preferences is
  'Which optional emails a person receives (alerts, credits, team); transactional mail is always sent.';

create table public.email_outbox (
  id bigint generated always as identity primary key,
  -- One email per event and recipient: invitation:<id>, receipt:<payment>, notification:<id>.
  dedupe_key text not null unique check (char_length(dedupe_key) between 1 and 200),
  user_id uuid references public.profiles (id) on delete cascade,
  to_email text not null check (char_length(to_email) between 3 and 254 and to_email ~ '^[^@\s]+@[^@\s]+$'),
  kind text not null check (kind ~ '^[a-z][a-z0-9_.]{1,59}$'),
  category text not null check (category in ('transactional', 'alerts', 'credits', 'team')),
  template text not null check (template in ('invitation', 'receipt', 'alert', 'notification')),
  data jsonb not null default '{}'::jsonb check (jsonb_typeof(data) = 'object' and pg_column_size(data) <= 8192),
  status text not null default 'pending' check (status in ('pending', 'sent', 'skipped', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  -- A worker holds the row until then; a crashed worker's claim lapses and another takes it.
  claimed_until timestamptz,
  last_error text check (char_length(last_error) <= 1000),
  message_id text check (char_length(message_id) <= 300),
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
comment on table public.email_outbox is
  'Emails to send, one per event and recipient (dedupe_key); the worker sends, retries and marks them.';

-- ===================================================================== INDEXES
create index email_outbox_due_idx on public.email_outbox (next_attempt_at) where status = 'pending';
create index email_outbox_user_idx on public.email_outbox (user_id) where user_id is not null;

-- ===================================================================== RLS
alter table public.email_preferences enable row level security;
alter table public.email_outbox enable row level security;
revoke all on public.email_preferences, public.email_outbox from public, anon, authenticated, service_role;
grant select on public.email_preferences to authenticated;
grant select on public.email_preferences, public.email_outbox to service_role;
create policy email_preferences_select on public.email_preferences for select to authenticated
  using (user_id = (select auth.uid()));

-- ===================================================================== HELPERS
/* Which preference a kind of mail falls under; transactional mail cannot be turned off. */
create function private.email_category(kind text) returns text
language sql immutable parallel safe set search_path = ''
as $$
  select case
    when kind in ('invitation', 'receipt') or kind like 'billing.%' then 'transactional'
    when kind like 'credits.%' then 'credits'
    when kind like 'org.%' then 'team'
    else 'alerts'
  end
$$;

/* A message for one person (and so, through the trigger below, an email). */
create function private.notify(recipient uuid, kind text, title text, body text, link text) returns void
language sql security definer set search_path = ''
as $$
  insert into public.notifications (user_id, kind, title, body, link)
  select recipient, kind, left(title, 200), left(coalesce(body, ''), 1000), link
  where recipient is not null
$$;
comment on function private.notify(uuid, text, text, text, text) is
  'Writes one notification for a person (which queues its email).';

/* Queues one email (nothing when this event already queued it for this recipient). */
create function private.queue_email(p_key text, p_user uuid, p_to text, p_kind text, p_template text, p_data jsonb)
returns void
language plpgsql security definer set search_path = ''
as $$
begin
  if p_to is null or p_to !~ '^[^@\s]+@[^@\s]+$' then
    return;
  end if;
  insert into public.email_outbox (dedupe_key, user_id, to_email, kind, category, template, data)
  values (p_key, p_user, p_to, p_kind, private.email_category(p_kind), p_template, coalesce(p_data, '{}'::jsonb))
  on conflict (dedupe_key) do nothing;
  perform pg_notify('tollgate_email', '');
end
$$;
comment on function private.queue_email(text, uuid, text, text, text, jsonb) is
  'Adds one email to the outbox, once per dedupe key, and wakes the worker.';

-- ===================================================================== TRIGGERS: notifications → email
create function private.notification_email() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  -- These kinds have their own mail (receipt, invitation) or none.
  if new.kind in ('billing.purchase_completed', 'org.invitation_received') then
    return null;
  end if;
  perform private.queue_email('notification:' || new.id, new.user_id,
    (select p.email from public.profiles p where p.id = new.user_id), new.kind,
    case when new.kind ~ '^(balance|allowance|usage|spend|key|auto_recharge)\.' then 'alert' else 'notification' end,
    jsonb_build_object('notificationId', new.id::text, 'title', new.title, 'body', new.body, 'link', new.link));
  return null;
end
$$;
create trigger notifications_email after insert on public.notifications
  for each row execute function private.notification_email();

-- ===================================================================== TRIGGERS: events → notifications
/* Credits granted by a platform admin (one grant or a batch row): whoever manages the wallet. */
create function private.notify_admin_grant() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  wallet record;
  reason text;
begin
  select a.user_id, a.org_id, o.name as org_name, o.slug into wallet
  from public.accounts a left join public.organizations o on o.id = a.org_id where a.id = new.account_id;
  select coalesce(t.metadata ->> 'reason', t.description) into reason
  from public.transfers t where t.id = new.origin_transfer_id;
  perform private.notify(recipient, 'credits.granted',
    format('%s credits added%s', private.format_credits(new.amount),
           case when wallet.org_id is null then '' else ' to ' || wallet.org_name end),
    coalesce('Reason: ' || nullif(btrim(reason), '') || case when btrim(reason) ~ '[.!?]$' then '' else '.' end,
             'Granted by the Tollgate team.')
      || case when new.expires_at is null then ''
         else ' They expire on ' || to_char(new.expires_at at time zone 'UTC', 'FMMonth FMDD, YYYY') || '.' end,
    case when wallet.org_id is null then '/credits' else '/organizations/' || wallet.slug || '/credits' end)
  from (
    select wallet.user_id as recipient where wallet.user_id is not null
    union
    select m.user_id from public.organization_members m
    where m.org_id = wallet.org_id and m.role in ('owner', 'admin')
  ) recipients;
  return null;
end
$$;
create trigger lots_notify_admin_grant after insert on public.lots
  for each row when (new.source = 'admin') execute function private.notify_admin_grant();

/* A purchase paid (notification and receipt for the buyer) or refunded (notification). */
create function private.notify_payment() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  recipient uuid := coalesce(new.buyer_id, (select a.user_id from public.accounts a where a.id = new.account_id));
  link text := '/credits';
  credits_text text := private.format_credits(new.credits + new.bonus_credits);
begin
  if recipient is null then
    return null;
  end if;
  if new.status = 'paid' and old.status is distinct from 'paid' then
    perform private.notify(recipient, 'billing.purchase_completed', 'Purchase completed',
      format('%s package: %s credits added.', new.package_name, credits_text), link);
    perform private.queue_email('receipt:' || new.id, recipient,
      (select p.email from public.profiles p where p.id = recipient), 'receipt', 'receipt',
      jsonb_build_object('paymentId', new.id, 'packageName', new.package_name, 'credits', new.credits::text,
        'bonusCredits', new.bonus_credits::text, 'amount', new.amount::text, 'currency', new.currency,
        'paidAt', coalesce(new.paid_at, now()), 'receiptUrl', new.receipt_url));
  end if;
  if new.amount_refunded > old.amount_refunded then
    perform private.notify(recipient, 'billing.payment_refunded', 'Payment refunded',
      format('%s of your %s package payment was refunded (%s %s); the matching credits were taken back.',
             case when new.amount_refunded >= new.amount then 'All' else 'Part' end, new.package_name,
             to_char((new.amount_refunded - old.amount_refunded) / 100.0, 'FM999,999,990.00'), upper(new.currency)),
      link);
  end if;
  return null;
end
$$;
create trigger payments_notify after update of status, amount_refunded on public.payments
  for each row execute function private.notify_payment();

/* An invitation written (the invitee, when they have an account) or accepted (the inviter). */
create function private.notify_invitation() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  org record;
  invitee uuid;
begin
  select o.name, o.slug into org from public.organizations o where o.id = new.org_id;
  if tg_op = 'INSERT' then
    select p.id into invitee from public.profiles p where lower(p.email) = new.email limit 1;
    perform private.notify(invitee, 'org.invitation_received', format('Invitation to join %s', org.name),
      format('%s invited you to join %s as %s. Open the link in your email to accept.',
             coalesce((select nullif(p.full_name, '') from public.profiles p where p.id = new.invited_by), 'Someone'),
             org.name, new.role), null);
  elsif new.accepted_at is not null and old.accepted_at is null then
    perform private.notify(new.invited_by, 'org.invitation_accepted', format('%s joined %s',
        coalesce((select coalesce(nullif(p.full_name, ''), p.email) from public.profiles p where p.id = new.accepted_by),
                 new.email), org.name),
      format('Your invitation to %s was accepted; they are now a%s %s.', new.email,
             case when new.role = 'admin' then 'n' else '' end, new.role),
      '/organizations/' || org.slug || '/members');
  end if;
  return null;
end
$$;
create trigger organization_invitations_notify after insert or update of accepted_at on public.organization_invitations
  for each row execute function private.notify_invitation();

-- ===================================================================== FUNCTIONS
/*
 * The inviter queues the invitation's email in the transaction that wrote it: the link's token
 * is sealed by the app (only the app can open it), since the database keeps only its hash.
 */
create function public.invitation_email_queue(p_invitation_id uuid, p_sealed_token text) returns boolean
language plpgsql security definer set search_path = ''
as $$
declare
  invitation public.organization_invitations;
begin
  select * into invitation from public.organization_invitations i
  where i.id = p_invitation_id and i.invited_by = auth.uid() and i.accepted_at is null and i.revoked_at is null;
  if invitation.id is null then
    perform private.fail('TG404', 'No open invitation of yours has this id.', jsonb_build_object('field', 'invitationId'));
  end if;
  if p_sealed_token is null or char_length(p_sealed_token) not between 1 and 500 then
    perform private.fail('TG422', 'A sealed token is required.', jsonb_build_object('field', 'sealedToken'));
  end if;
  perform private.queue_email('invitation:' || invitation.id, null, invitation.email, 'invitation', 'invitation',
    jsonb_build_object('invitationId', invitation.id, 'sealedToken', p_sealed_token,
      'orgName', (select o.name from public.organizations o where o.id = invitation.org_id),
      'inviterName', (select coalesce(nullif(p.full_name, ''), p.email) from public.profiles p where p.id = invitation.invited_by),
      'role', invitation.role, 'expiresAt', invitation.expires_at));
  return true;
end
$$;
comment on function public.invitation_email_queue(uuid, text) is
  'The inviter queues the email of their open invitation (once per invitation), with the sealed link token.';

/*
 * Service only: a member was refused past their monthly limit on an org wallet (the refusal
 * rolled back, so it is recorded afterwards). One alert and notification per member, wallet and month.
 */
create function public.member_limit_reached(p_account uuid, p_member uuid) returns boolean
language plpgsql security definer set search_path = ''
as $$
declare
  wallet record;
  cap bigint;
begin
  perform private.assert_service();
  select a.org_id, o.name, o.slug into wallet
  from public.accounts a join public.organizations o on o.id = a.org_id where a.id = p_account;
  select l.monthly_limit into cap from public.org_member_limits l
  where l.account_id = p_account and l.user_id = p_member;
  if wallet.org_id is null or cap is null then
    return false;
  end if;
  return private.raise_alert(p_member, null, p_account, null, 'member:' || p_account || ':' || p_member,
    'usage.limit_reached', 100, private.alert_month(private.clock()),
    jsonb_build_object('walletId', p_account, 'orgId', wallet.org_id, 'limit', cap::text),
    format('Monthly limit reached in %s', wallet.name),
    format('You have used your %s credits for this month in %s. Ask an owner or admin to raise it; it resets on %s.',
           private.format_credits(cap), wallet.name,
           to_char(private.alert_month(private.clock()) + interval '1 month', 'FMMonth FMDD')),
    '/organizations/' || wallet.slug) is not null;
end
$$;
comment on function public.member_limit_reached(uuid, uuid) is
  'Service only: records that a member reached their monthly limit on an org wallet, once a month.';

/* The caller's email preferences (defaults when never set). */
create function public.email_preferences_get()
returns table (alerts boolean, credits boolean, team boolean)
language sql stable security definer set search_path = ''
as $$
  select coalesce(p.alerts, true), coalesce(p.credits, true), coalesce(p.team, true)
  from (select auth.uid() as id) me left join public.email_preferences p on p.user_id = me.id
  where me.id is not null
$$;

/* Sets the caller's email preferences; a null leaves that one unchanged. */
create function public.email_preferences_set(p_alerts boolean, p_credits boolean, p_team boolean)
returns table (alerts boolean, credits boolean, team boolean)
language plpgsql security definer set search_path = ''
as $$
#variable_conflict use_column
begin
  if auth.uid() is null then
    perform private.fail('TG401', 'Sign in first.', '{}'::jsonb);
  end if;
  insert into public.email_preferences as e (user_id, alerts, credits, team)
  values (auth.uid(), coalesce(p_alerts, true), coalesce(p_credits, true), coalesce(p_team, true))
  on conflict (user_id) do update
    set alerts = coalesce(p_alerts, e.alerts), credits = coalesce(p_credits, e.credits),
        team = coalesce(p_team, e.team), updated_at = now();
  return query select * from public.email_preferences_get();
end
$$;

/* Service only (a verified unsubscribe link): turns one optional category off for a person. */
create function public.email_unsubscribe(p_user uuid, p_category text) returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  if p_category is null or p_category not in ('alerts', 'credits', 'team') then
    perform private.fail('TG422', 'Only alerts, credits and team emails can be turned off.',
      jsonb_build_object('field', 'category'));
  end if;
  if not exists (select 1 from public.profiles p where p.id = p_user) then
    return false;
  end if;
  insert into public.email_preferences as e (user_id, alerts, credits, team)
  values (p_user, p_category <> 'alerts', p_category <> 'credits', p_category <> 'team')
  on conflict (user_id) do update
    set alerts = e.alerts and p_category <> 'alerts', credits = e.credits and p_category <> 'credits',
        team = e.team and p_category <> 'team', updated_at = now();
  return true;
end
$$;

/*
 * Service only (the worker): skips due mail its recipient turned off, then claims up to p_limit
 * due emails for p_lease_seconds (a claim that lapses is taken again).
 */
create function public.email_claim(p_limit integer, p_lease_seconds integer default 60)
returns table (id bigint, user_id uuid, to_email text, kind text, category text, template text, data jsonb,
               attempts integer)
language plpgsql security definer set search_path = ''
as $$
#variable_conflict use_column
begin
  perform private.assert_service();
  update public.email_outbox o set status = 'skipped', claimed_until = null
  from public.email_preferences p
  where o.status = 'pending' and o.next_attempt_at <= now() and p.user_id = o.user_id
    and ((o.category = 'alerts' and not p.alerts) or (o.category = 'credits' and not p.credits)
         or (o.category = 'team' and not p.team));
  return query
  update public.email_outbox o set claimed_until = now() + make_interval(secs => greatest(p_lease_seconds, 5)),
                                   attempts = o.attempts + 1
  where o.id in (
    select c.id from public.email_outbox c
    where c.status = 'pending' and c.next_attempt_at <= now() and (c.claimed_until is null or c.claimed_until < now())
    order by c.next_attempt_at, c.id
    limit least(greatest(p_limit, 1), 500)
    for update skip locked)
  returning o.id, o.user_id, o.to_email, o.kind, o.category, o.template, o.data, o.attempts;
end
$$;

/*
 * Service only: the outcome of one attempt. Sent: marked sent. Failed: pending again from
 * p_retry_at, or failed for good when p_retry_at is null.
 */
create function public.email_record_attempt(p_id bigint, p_sent boolean, p_message_id text, p_error text,
                                            p_retry_at timestamptz)
returns text
language plpgsql security definer set search_path = ''
as $$
declare
  outcome text;
begin
  perform private.assert_service();
  update public.email_outbox o
  set status = case when p_sent then 'sent' when p_retry_at is null then 'failed' else 'pending' end,
      sent_at = case when p_sent then now() end,
      message_id = left(p_message_id, 300),
      last_error = case when p_sent then null else left(p_error, 1000) end,
      next_attempt_at = coalesce(p_retry_at, o.next_attempt_at),
      claimed_until = null
  where o.id = p_id and o.status = 'pending'
  returning o.status into outcome;
  return coalesce(outcome, 'unknown');
end
$$;

-- ===================================================================== PRIVILEGES
revoke all on function private.email_category(text), private.notify(uuid, text, text, text, text),
  private.queue_email(text, uuid, text, text, text, jsonb), private.notification_email(),
  private.notify_admin_grant(), private.notify_payment(), private.notify_invitation()
from public, anon, authenticated, service_role;
revoke all on function public.invitation_email_queue(uuid, text), public.member_limit_reached(uuid, uuid),
  public.email_preferences_get(), public.email_preferences_set(boolean, boolean, boolean),
  public.email_unsubscribe(uuid, text), public.email_claim(integer, integer),
  public.email_record_attempt(bigint, boolean, text, text, timestamptz)
from public, anon;
grant execute on function public.invitation_email_queue(uuid, text), public.email_preferences_get(),
  public.email_preferences_set(boolean, boolean, boolean) to authenticated;
grant execute on function public.member_limit_reached(uuid, uuid), public.email_unsubscribe(uuid, text),
  public.email_claim(integer, integer), public.email_record_attempt(bigint, boolean, text, text, timestamptz)
to service_role;
revoke execute on function public.member_limit_reached(uuid, uuid), public.email_unsubscribe(uuid, text),
  public.email_claim(integer, integer), public.email_record_attempt(bigint, boolean, text, text, timestamptz)
from authenticated;

-- A member-limit refusal names the member, so the refusal can be recorded for them afterwards.
create or replace function private.charge_member_limit(account uuid, member uuid, amount bigint, at timestamptz)
returns boolean
language plpgsql security definer set search_path = ''
as $$
declare
  cap bigint;
  usage_key date := private.usage_month(at);
  counted bigint;
begin
  select l.monthly_limit into cap from public.org_member_limits l
  where l.account_id = account and l.user_id = member;
  if not found then
    return false;
  end if;
  if amount <= cap then
    insert into public.org_member_usage as u (account_id, user_id, month, used)
    values (account, member, usage_key, amount)
    on conflict (account_id, user_id, month) do update set used = u.used + excluded.used
      where u.used + excluded.used <= cap
    returning u.used into counted;
  end if;
  if counted is null then
    select coalesce(max(u.used), 0) into counted from public.org_member_usage u
    where u.account_id = account and u.user_id = member and u.month = usage_key;
    perform private.fail('TG402',
      format('Member monthly limit reached: %s micro-credits needed, %s of %s used this month.',
             amount, counted, cap),
      jsonb_build_object('reason', 'member_limit', 'limit', cap::text, 'used', counted::text,
                         'needed', amount::text, 'available', greatest(cap - counted, 0)::text,
                         'wallet', account, 'member', member));
  end if;
  return true;
end
$$;
