-- AI batches: up to 1,000 requests submitted at once (lead generation for a list of offers, say),
-- reserved up front, processed in the background, settled item by item by real usage.
--
-- Money: every item gets its own hold, all placed in ONE transaction at submission, so a batch is
-- either fully reserved or not written at all (TG402 with the whole batch's worst case). Each item
-- is then settled through its own hold by the existing two-phase path (credit_settle by usage,
-- credit_void when nothing was produced); cancelling voids the holds of items not started. The
-- item's state change and its settlement happen in the same transaction, so an item is never
-- charged twice and never left half-settled.
--
-- Admission: a batch counts as ONE request against the hourly rate limit and its whole worst-case
-- token estimate (Σ input estimate + max output per item) against the monthly token limit, checked
-- once at submission, so a 1,000-item batch is not refused item by item by a 100/hour limiter.
-- Kill switches are checked at submission and again by the processor before each item.
--
-- Privacy: the original item text is needed only until the model has answered. It is kept in
-- `input` (never readable by API roles) and nulled once the item is done, failed or cancelled;
-- `input_redacted` (PII removed) is what stays.

-- ===================================================================== TABLES
create table public.ai_batches (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  org_id uuid references public.organizations (id) on delete cascade,
  account_id uuid not null references public.accounts (id),
  model text not null,
  feature text not null check (char_length(feature) between 1 and 100),
  status text not null default 'queued'
    check (status in ('queued', 'running', 'completed', 'cancelled', 'failed')),
  item_count integer not null check (item_count between 1 and 1000),
  done_count integer not null default 0 check (done_count >= 0),
  failed_count integer not null default 0 check (failed_count >= 0),
  cancelled_count integer not null default 0 check (cancelled_count >= 0),
  max_output_tokens integer not null check (max_output_tokens between 1 and 100000),
  -- The price in force at submission: the holds were sized by it and items are charged by it.
  price_id bigint not null references public.ai_model_prices (id),
  input_per_mtok bigint not null,
  cached_input_per_mtok bigint not null,
  output_per_mtok bigint not null,
  credits_per_usd bigint not null,
  markup_bps integer not null,
  credits_reserved bigint not null check (credits_reserved > 0),
  credits_charged bigint not null default 0 check (credits_charged >= 0),
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  idempotency_key text check (char_length(idempotency_key) between 1 and 255),
  error text check (char_length(error) <= 500),
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  constraint ai_batches_idempotency unique (user_id, idempotency_key),
  constraint ai_batches_counts check (done_count + failed_count + cancelled_count <= item_count)
);
comment on table public.ai_batches is
  'A batch of AI requests on one wallet: status, progress counters and totals in micro-credits.';

create table public.ai_batch_items (
  batch_id uuid not null references public.ai_batches (id) on delete cascade,
  index integer not null check (index >= 0 and index < 1000),
  input text check (char_length(input) <= 8000),
  input_redacted text not null check (char_length(input_redacted) <= 8000),
  input_estimate integer not null check (input_estimate >= 0),
  status text not null default 'pending'
    check (status in ('pending', 'running', 'done', 'failed', 'cancelled')),
  attempts integer not null default 0 check (attempts >= 0),
  result text check (char_length(result) <= 100000),
  input_tokens integer,
  cached_tokens integer,
  output_tokens integer,
  credits_held bigint not null check (credits_held > 0),
  credits_charged bigint not null default 0 check (credits_charged >= 0),
  error text check (char_length(error) <= 500),
  hold_id bigint references public.holds (id),
  lease_until timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  primary key (batch_id, index),
  -- The original text is dropped once the item is finished.
  constraint ai_batch_items_input_dropped check (status in ('pending', 'running') or input is null)
);
comment on table public.ai_batch_items is
  'One request of a batch: its redacted input, status, attempts, result, usage, charge and hold.';

-- ===================================================================== INDEXES
create index ai_batches_user_created on public.ai_batches (user_id, created_at desc);
create index ai_batches_org_created on public.ai_batches (org_id, created_at desc) where org_id is not null;
create index ai_batch_items_open on public.ai_batch_items (batch_id, index)
  where status in ('pending', 'running');

-- ===================================================================== RLS
-- Readable by whom it bills: the creator (while still a member, for an org batch) and the org's
-- owners and admins. Writes go through the functions below only.
alter table public.ai_batches enable row level security;
alter table public.ai_batch_items enable row level security;
revoke all on public.ai_batches, public.ai_batch_items from public, anon, authenticated, service_role;
grant select on public.ai_batches to authenticated, service_role;
-- The original input never reaches an API role: only the redacted copy is selectable.
grant select (batch_id, index, input_redacted, status, attempts, result, input_tokens, cached_tokens,
              output_tokens, credits_held, credits_charged, error, started_at, finished_at)
  on public.ai_batch_items to authenticated;
grant select on public.ai_batch_items to service_role;

create function private.can_read_batch(batch public.ai_batches) returns boolean
language sql stable security definer set search_path = ''
as $$
  select case
    when batch.org_id is null then batch.user_id = (select auth.uid())
    else (batch.user_id = (select auth.uid()) and private.is_org_member(batch.org_id))
      or coalesce(private.org_role(batch.org_id) in ('owner', 'admin'), false)
  end
$$;
comment on function private.can_read_batch(public.ai_batches) is
  'The creator (a member still, for an org batch) or an owner/admin of the batch''s org.';

create policy ai_batches_select on public.ai_batches for select to authenticated
  using (private.can_read_batch(ai_batches));
create policy ai_batch_items_select on public.ai_batch_items for select to authenticated
  using (exists (select 1 from public.ai_batches b where b.id = batch_id and private.can_read_batch(b)));
create policy ai_batches_service on public.ai_batches for select to service_role using (true);
create policy ai_batch_items_service on public.ai_batch_items for select to service_role using (true);

-- ===================================================================== FUNCTIONS
/* Marks a batch finished once every item is; a batch whose items all failed has failed. */
create function private.ai_batch_finalize(batch uuid) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  update public.ai_batches b
  set status = case when b.done_count = 0 and b.cancelled_count = 0 then 'failed' else 'completed' end,
      finished_at = private.clock()
  where b.id = batch and b.status in ('queued', 'running')
    and b.done_count + b.failed_count + b.cancelled_count = b.item_count;
end
$$;

/*
 * Submits a batch: kill switches, one request against the hourly limit, the whole worst case
 * against the monthly token limit, then one hold per item on the subject's wallet, all in this
 * one transaction. p_items is a JSON array of {"input", "redacted", "tokens"} (tokens: the input
 * estimate of the item with the feature's system prompt). The hold of an item is its worst case at
 * the price in force: (tokens × input price + max output × output price), rounded up.
 * Refuses with TG402 {needed, available} for the whole batch and writes nothing.
 */
create function public.ai_batch_create(
  p_org_id uuid,
  p_model text,
  p_feature text,
  p_max_output_tokens integer,
  p_items jsonb,
  p_idempotency_key text default null
) returns table (batch_id uuid, item_count integer, credits_reserved bigint, available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  kind text := case when p_org_id is null then 'user' else 'org' end;
  subject uuid := coalesce(p_org_id, auth.uid());
  ctx record;
  model public.ai_models;
  max_out integer;
  n integer;
  bad integer;
  estimate bigint;
  limit_check record;
  wallet uuid;
  total bigint;
  batch uuid;
  existing public.ai_batches;
  item record;
  reserved record;
begin
  if caller is null then
    perform private.fail('TG401', 'Sign in to submit a batch.', '{}'::jsonb);
  end if;
  if p_items is null or jsonb_typeof(p_items) <> 'array' then
    perform private.fail('TG422', 'Items must be a JSON array.', jsonb_build_object('field', 'items'));
  end if;
  n := jsonb_array_length(p_items);
  if n not between 1 and 1000 then
    perform private.fail('TG422', 'A batch has 1 to 1,000 items.', jsonb_build_object('field', 'items', 'count', n));
  end if;
  select min(e.ord - 1) into bad from jsonb_array_elements(p_items) with ordinality e(v, ord)
  where not coalesce(case
    when jsonb_typeof(e.v -> 'input') = 'string' and jsonb_typeof(e.v -> 'redacted') = 'string'
         and jsonb_typeof(e.v -> 'tokens') = 'number'
    then char_length(e.v ->> 'input') between 1 and 8000 and char_length(e.v ->> 'redacted') <= 8000
         and (e.v ->> 'tokens')::numeric between 0 and 1000000
         and (e.v ->> 'tokens')::numeric = trunc((e.v ->> 'tokens')::numeric)
    end, false);
  if bad is not null then
    perform private.fail('TG422', format('Item %s is invalid: 1 to 8,000 characters of text.', bad),
      jsonb_build_object('field', 'items', 'index', bad));
  end if;
  if p_max_output_tokens is null or p_max_output_tokens not between 1 and 100000 then
    perform private.fail('TG422', 'maxOutputTokens must be between 1 and 100,000.',
      jsonb_build_object('field', 'maxOutputTokens'));
  end if;
  if p_idempotency_key is not null and char_length(p_idempotency_key) not between 1 and 255 then
    perform private.fail('TG422', 'An idempotency key has 1 to 255 characters.',
      jsonb_build_object('field', 'idempotencyKey'));
  end if;

  -- Subject access, model, price in force and kill switches (TG404 for a stranger's org).
  select c.model_id, c.display_name, c.context_window, c.max_output_tokens, c.price_id, c.input_per_mtok,
         c.cached_input_per_mtok, c.output_per_mtok, c.credits_per_usd, c.markup_bps,
         c.blocked_scope, c.blocked_reason
  into ctx from public.ai_call_context(kind, subject, p_model, p_feature) c;

  if p_idempotency_key is not null then
    select * into existing from public.ai_batches b
    where b.user_id = caller and b.idempotency_key = p_idempotency_key;
    if found then
      if existing.item_count <> n or existing.model <> ctx.model_id or existing.feature <> p_feature
         or existing.org_id is distinct from p_org_id then
        perform private.fail('TG409', 'This idempotency key was already used for a different batch.',
          jsonb_build_object('idempotencyKey', p_idempotency_key, 'batchId', existing.id));
      end if;
      return query select existing.id, existing.item_count, existing.credits_reserved,
        private.available(existing.account_id), true;
      return;
    end if;
  end if;

  if ctx.blocked_scope is not null then
    perform private.fail('TG403', coalesce(ctx.blocked_reason, format('AI calls are turned off for this %s.', ctx.blocked_scope)),
      jsonb_build_object('scope', ctx.blocked_scope));
  end if;
  select * into model from public.ai_models m where m.id = ctx.model_id;
  if not ('completion' = any (model.capabilities)) then
    perform private.fail('TG422', format('%s cannot do completion.', ctx.display_name),
      jsonb_build_object('model', ctx.model_id));
  end if;
  max_out := least(p_max_output_tokens, ctx.max_output_tokens);
  select min(e.ord - 1) into bad from jsonb_array_elements(p_items) with ordinality e(v, ord)
  where (e.v ->> 'tokens')::bigint + max_out > ctx.context_window;
  if bad is not null then
    perform private.fail('TG422', format('Item %s is too long for this model.', bad),
      jsonb_build_object('field', 'items', 'index', bad, 'contextWindow', ctx.context_window));
  end if;

  -- One request of the hour for the whole batch; its whole worst case against the token limit.
  perform 1 from public.rate_limit_hit(kind, subject, false, true);
  select sum((e.v ->> 'tokens')::bigint + max_out) into estimate from jsonb_array_elements(p_items) e(v);
  select * into limit_check from public.quota_check(kind, subject, estimate, false);
  if not limit_check.allowed then
    perform private.fail('TG412', 'This period''s LLM token limit of your plan cannot cover this batch.',
      jsonb_build_object('needed', estimate, 'available', coalesce(limit_check.remaining, 0)));
  end if;

  -- The whole batch's worst case must fit now: one clear refusal instead of a partial batch.
  wallet := private.subject_wallet(kind, subject);
  if wallet is null then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('subjectId', subject));
  end if;
  perform private.settle_wallet(wallet);
  select sum(greatest(ceil(((e.v ->> 'tokens')::numeric * ctx.input_per_mtok + max_out::numeric * ctx.output_per_mtok)
                            * ctx.credits_per_usd * ctx.markup_bps / 1e10), 1))::bigint
  into total from jsonb_array_elements(p_items) e(v);
  if private.available(wallet) < total then
    perform private.fail('TG402',
      format('Insufficient credits for this batch: %s micro-credits needed, %s available.', total, private.available(wallet)),
      jsonb_build_object('needed', total::text, 'available', private.available(wallet)::text, 'wallet', wallet));
  end if;

  insert into public.ai_batches (user_id, org_id, account_id, model, feature, item_count, max_output_tokens,
                                 price_id, input_per_mtok, cached_input_per_mtok, output_per_mtok,
                                 credits_per_usd, markup_bps, credits_reserved, idempotency_key, created_at)
  values (caller, p_org_id, wallet, ctx.model_id, p_feature, n, max_out, ctx.price_id, ctx.input_per_mtok,
          ctx.cached_input_per_mtok, ctx.output_per_mtok, ctx.credits_per_usd, ctx.markup_bps, total,
          p_idempotency_key, private.clock())
  returning id into batch;

  for item in
    select (e.ord - 1)::integer as idx, e.v ->> 'input' as input, e.v ->> 'redacted' as redacted,
           (e.v ->> 'tokens')::integer as tokens,
           greatest(ceil(((e.v ->> 'tokens')::numeric * ctx.input_per_mtok + max_out::numeric * ctx.output_per_mtok)
                         * ctx.credits_per_usd * ctx.markup_bps / 1e10), 1)::bigint as amount
    from jsonb_array_elements(p_items) with ordinality e(v, ord)
    order by e.ord
  loop
    -- 24 hours, the longest a hold lives; an item not started by then fails and is not charged.
    select r.hold_id into reserved from public.credit_reserve(wallet, item.amount, 'ai_usage',
      'batch:' || batch || ':' || item.idx, 86400, 'AI batch: ' || ctx.display_name,
      jsonb_build_object('batchId', batch, 'index', item.idx, 'model', ctx.model_id,
                         'priceId', ctx.price_id::text)) r;
    insert into public.ai_batch_items (batch_id, index, input, input_redacted, input_estimate, credits_held, hold_id)
    values (batch, item.idx, item.input, item.redacted, item.tokens, item.amount, reserved.hold_id);
  end loop;

  return query select batch, n, total, private.available(wallet), false;
end
$$;
comment on function public.ai_batch_create(uuid, text, text, integer, jsonb, text) is
  'Submits a batch: kill switches, one request of the hour, the token limit, one hold per item; all or nothing.';

/*
 * Processor: claims up to p_limit items of a batch to run (pending ones, and running ones whose
 * lease lapsed because a worker died), each leased for p_lease_seconds. An item whose hold has
 * expired, or would expire within the lease, fails here and its hold is voided: it is never run,
 * so it is never charged. Returns nothing once the batch is finished or cancelled.
 */
create function public.ai_batch_claim(p_batch_id uuid, p_limit integer default 1, p_lease_seconds integer default 900)
returns table (item_index integer, input text, credits_held bigint, attempts integer)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  batch public.ai_batches;
  item record;
  claimed integer := 0;
  expired integer := 0;
begin
  if not private.is_trusted() then
    perform private.fail('TG403', 'Only the batch processor claims items.', '{}'::jsonb);
  end if;
  select * into batch from public.ai_batches b where b.id = p_batch_id for no key update;
  if not found then
    perform private.fail('TG404', 'Batch not found.', jsonb_build_object('batchId', p_batch_id));
  end if;
  if batch.status not in ('queued', 'running') then
    return;
  end if;
  if batch.status = 'queued' then
    update public.ai_batches b set status = 'running', started_at = at where b.id = batch.id;
  end if;

  for item in
    select i.index, i.hold_id, h.status as hold_status, h.expires_at as hold_expires_at
    from public.ai_batch_items i join public.holds h on h.id = i.hold_id
    where i.batch_id = p_batch_id
      and (i.status = 'pending' or (i.status = 'running' and i.lease_until <= at))
    order by i.index
    for update of i skip locked
  loop
    exit when claimed >= greatest(p_limit, 1);
    if item.hold_status <> 'pending' or item.hold_expires_at <= at + make_interval(secs => p_lease_seconds) then
      perform 1 from public.credit_void(item.hold_id);
      update public.ai_batch_items i
      set status = 'failed', error = 'hold_expired: the reservation lapsed before the item could run',
          input = null, lease_until = null, finished_at = at
      where i.batch_id = p_batch_id and i.index = item.index;
      expired := expired + 1;
      continue;
    end if;
    update public.ai_batch_items i
    set status = 'running', lease_until = at + make_interval(secs => p_lease_seconds), started_at = coalesce(i.started_at, at)
    where i.batch_id = p_batch_id and i.index = item.index;
    claimed := claimed + 1;
    return query select i.index, i.input, i.credits_held, i.attempts
      from public.ai_batch_items i where i.batch_id = p_batch_id and i.index = item.index;
  end loop;

  if expired > 0 then
    update public.ai_batches b set failed_count = b.failed_count + expired where b.id = p_batch_id;
    perform private.ai_batch_finalize(p_batch_id);
  end if;
end
$$;
comment on function public.ai_batch_claim(uuid, integer, integer) is
  'Processor: leases the next items of a batch (SKIP LOCKED); items whose hold lapsed fail uncharged.';

/*
 * Processor: ends one running item and settles its hold in the same transaction. p_charge null
 * voids the hold (nothing was produced); otherwise the hold is posted by p_charge (real usage ×
 * the batch's price, or the hold when usage is unknown). A second call for an item that is no
 * longer running changes nothing.
 */
create function public.ai_batch_finish_item(
  p_batch_id uuid,
  p_index integer,
  p_status text,
  p_result text,
  p_input_tokens integer,
  p_cached_tokens integer,
  p_output_tokens integer,
  p_charge bigint,
  p_error text,
  p_attempts integer
) returns table (status text, credits_charged bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  item public.ai_batch_items;
  hold_status text;
  posted bigint := 0;
begin
  if not private.is_trusted() then
    perform private.fail('TG403', 'Only the batch processor finishes items.', '{}'::jsonb);
  end if;
  if p_status is null or p_status not in ('done', 'failed') then
    perform private.fail('TG422', 'An item ends done or failed.', jsonb_build_object('field', 'status'));
  end if;
  if p_charge is not null and p_charge < 0 then
    perform private.fail('TG422', 'A charge is never negative.', jsonb_build_object('field', 'charge'));
  end if;
  -- Batch first, then item: the same lock order as claim and cancel.
  perform 1 from public.ai_batches b where b.id = p_batch_id for no key update;
  select * into item from public.ai_batch_items i
  where i.batch_id = p_batch_id and i.index = p_index for update;
  if not found then
    perform private.fail('TG404', 'Batch item not found.', jsonb_build_object('batchId', p_batch_id, 'index', p_index));
  end if;
  if item.status <> 'running' then
    return query select item.status, item.credits_charged, true;
    return;
  end if;

  select h.status into hold_status from public.holds h where h.id = item.hold_id;
  if p_charge is null or p_charge = 0 then
    if hold_status in ('pending', 'expired') then
      perform 1 from public.credit_void(item.hold_id);
    end if;
  elsif hold_status in ('pending', 'expired') then
    select s.posted into posted from public.credit_settle(item.hold_id, p_charge) s;
  end if;

  update public.ai_batch_items i
  set status = p_status, result = left(p_result, 100000), input_tokens = p_input_tokens,
      cached_tokens = p_cached_tokens, output_tokens = p_output_tokens, credits_charged = posted,
      error = left(p_error, 500), attempts = i.attempts + greatest(coalesce(p_attempts, 0), 0),
      input = null, lease_until = null, finished_at = at
  where i.batch_id = p_batch_id and i.index = p_index;
  update public.ai_batches b
  set done_count = b.done_count + case when p_status = 'done' then 1 else 0 end,
      failed_count = b.failed_count + case when p_status = 'failed' then 1 else 0 end,
      credits_charged = b.credits_charged + posted,
      input_tokens = b.input_tokens + coalesce(p_input_tokens, 0),
      output_tokens = b.output_tokens + coalesce(p_output_tokens, 0)
  where b.id = p_batch_id;
  perform private.ai_batch_finalize(p_batch_id);
  return query select p_status, posted, false;
end
$$;
comment on function public.ai_batch_finish_item(uuid, integer, text, text, integer, integer, integer, bigint, text, integer) is
  'Processor: finishes a running item and settles (or voids) its hold in the same transaction.';

/*
 * Cancels a batch: items not started are cancelled and their holds voided at once; items already
 * running finish and settle normally. The creator, an owner/admin of its org, or the processor
 * (a kill switch turned on mid-batch, with p_reason). Strangers get TG404. Cancelling twice
 * replays; a finished batch cannot be cancelled (TG409).
 */
create function public.ai_batch_cancel(p_batch_id uuid, p_reason text default null)
returns table (status text, cancelled integer, released bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  batch public.ai_batches;
  item record;
  freed bigint := 0;
  n integer := 0;
  one bigint;
begin
  select * into batch from public.ai_batches b where b.id = p_batch_id for no key update;
  if not found or not (private.is_trusted() or private.can_read_batch(batch)) then
    perform private.fail('TG404', 'Batch not found.', jsonb_build_object('batchId', p_batch_id));
  end if;
  if batch.status = 'cancelled' then
    return query select batch.status, 0, 0::bigint, true;
    return;
  elsif batch.status not in ('queued', 'running') then
    perform private.fail('TG409', 'This batch has already finished.',
      jsonb_build_object('batchId', p_batch_id, 'batchStatus', batch.status));
  end if;

  for item in
    select i.index, i.hold_id from public.ai_batch_items i
    where i.batch_id = p_batch_id and i.status = 'pending'
    order by i.index
    for update
  loop
    select v.released into one from public.credit_void(item.hold_id) v;
    freed := freed + one;
    n := n + 1;
  end loop;
  update public.ai_batch_items i
  set status = 'cancelled', input = null, lease_until = null, finished_at = at
  where i.batch_id = p_batch_id and i.status = 'pending';
  update public.ai_batches b
  set status = 'cancelled', cancelled_count = b.cancelled_count + n, finished_at = at,
      error = coalesce(left(p_reason, 500), b.error)
  where b.id = p_batch_id;
  return query select 'cancelled'::text, n, freed, false;
end
$$;
comment on function public.ai_batch_cancel(uuid, text) is
  'Cancels a batch: pending items are cancelled and their holds released; running items finish.';

-- ===================================================================== PRIVILEGES
revoke all on function private.ai_batch_finalize(uuid), private.can_read_batch(public.ai_batches)
  from public, anon, authenticated, service_role;
grant execute on function private.can_read_batch(public.ai_batches) to authenticated, service_role;

revoke all on function
  public.ai_batch_create(uuid, text, text, integer, jsonb, text),
  public.ai_batch_claim(uuid, integer, integer),
  public.ai_batch_finish_item(uuid, integer, text, text, integer, integer, integer, bigint, text, integer),
  public.ai_batch_cancel(uuid, text)
from public, anon, authenticated;
grant execute on function
  public.ai_batch_create(uuid, text, text, integer, jsonb, text),
  public.ai_batch_cancel(uuid, text)
to authenticated;
grant execute on function
  public.ai_batch_claim(uuid, integer, integer),
  public.ai_batch_finish_item(uuid, integer, text, text, integer, integer, integer, bigint, text, integer),
  public.ai_batch_cancel(uuid, text)
to service_role;

-- AI assistant, memory: prompt templates and conversations. Users read and write their own rows
-- directly under RLS (nothing here moves value). Every text is redacted by the app before it is
-- stored (e-mail addresses, card-like numbers). What a reply cost (tokens, credits, call id) is
-- written by the service from the settled call only, never by the client.

-- ===================================================================== TABLES
create table public.prompt_templates (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 100),
  description text check (description is null or char_length(description) <= 500),
  -- The text with {{variable}} placeholders.
  body text not null check (char_length(body) between 1 and 20000),
  -- Declared variables: [{name, description, required, default, maxLength}].
  variables jsonb not null default '[]'::jsonb
    check (jsonb_typeof(variables) = 'array' and jsonb_array_length(variables) <= 20
           and pg_column_size(variables) <= 16384),
  visibility text not null default 'private' check (visibility in ('private', 'public')),
  -- A suggested model id for this prompt; the user may pick another.
  model text check (model is null or char_length(model) between 1 and 64),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint prompt_templates_name unique (user_id, name)
);
comment on table public.prompt_templates is
  'Reusable prompts with declared variables; private to the owner or readable by every signed-in user.';

create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  -- The org wallet the chat spends; null = the personal wallet.
  org_id uuid references public.organizations (id) on delete set null,
  title text check (title is null or char_length(btrim(title)) between 1 and 200),
  model text check (model is null or char_length(model) between 1 and 64),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  archived_at timestamptz
);
comment on table public.conversations is 'Assistant chats of one user; the title comes from the first message.';

create table public.conversation_messages (
  id bigint generated always as identity primary key,
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  role text not null check (role in ('user', 'assistant', 'system')),
  -- Redacted before it is stored.
  content text not null check (char_length(content) <= 100000),
  model text check (model is null or char_length(model) between 1 and 64),
  -- Set for assistant replies from the settled call (service only).
  call_id uuid,
  status text check (status is null or status in ('charged', 'voided', 'counted', 'held', 'cached', 'byok')),
  input_tokens integer not null default 0 check (input_tokens >= 0),
  output_tokens integer not null default 0 check (output_tokens >= 0),
  cached_tokens integer not null default 0 check (cached_tokens >= 0),
  credits_charged bigint not null default 0 check (credits_charged >= 0),
  created_at timestamptz not null default now()
);
comment on table public.conversation_messages is
  'Messages of a conversation, redacted; assistant rows carry the tokens and micro-credits of their call.';
comment on column public.conversation_messages.credits_charged is 'Micro-credits the settled call charged.';

-- ===================================================================== INDEXES
create index prompt_templates_public_idx on public.prompt_templates (updated_at desc, id)
  where visibility = 'public';
create index prompt_templates_user_idx on public.prompt_templates (user_id, updated_at desc);
create index conversations_user_idx on public.conversations (user_id, updated_at desc, id desc);
create index conversation_messages_conversation_idx on public.conversation_messages (conversation_id, id);

-- ===================================================================== TRIGGERS
create trigger prompt_templates_touch before update on public.prompt_templates
  for each row execute function private.touch_updated_at();
create trigger conversations_touch before update on public.conversations
  for each row execute function private.touch_updated_at();

/* A new message moves its conversation to the top of the list. */
create function private.touch_conversation() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.conversations set updated_at = now() where id = new.conversation_id;
  return new;
end
$$;
comment on function private.touch_conversation() is 'Bumps conversations.updated_at when a message is added.';
revoke all on function private.touch_conversation() from public, anon, authenticated;

create trigger conversation_messages_touch after insert on public.conversation_messages
  for each row execute function private.touch_conversation();

-- ===================================================================== RLS
alter table public.prompt_templates enable row level security;
alter table public.conversations enable row level security;
alter table public.conversation_messages enable row level security;

revoke all on public.prompt_templates, public.conversations, public.conversation_messages
  from public, anon, authenticated;
grant select, delete on public.prompt_templates, public.conversations, public.conversation_messages
  to authenticated;
grant insert (name, description, body, variables, visibility, model) on public.prompt_templates to authenticated;
grant update (name, description, body, variables, visibility, model) on public.prompt_templates to authenticated;
grant insert (org_id, title, model) on public.conversations to authenticated;
grant update (org_id, title, model, archived_at) on public.conversations to authenticated;
-- Users add (import) messages; tokens, credits and the call id are the service's to write.
grant insert (conversation_id, role, content, model) on public.conversation_messages to authenticated;
grant all on public.prompt_templates, public.conversations, public.conversation_messages to service_role;

create policy prompt_templates_select on public.prompt_templates for select to authenticated
  using (user_id = (select auth.uid()) or visibility = 'public');
create policy prompt_templates_insert on public.prompt_templates for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy prompt_templates_update on public.prompt_templates for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy prompt_templates_delete on public.prompt_templates for delete to authenticated
  using (user_id = (select auth.uid()));

create policy conversations_select on public.conversations for select to authenticated
  using (user_id = (select auth.uid()));
create policy conversations_insert on public.conversations for insert to authenticated
  with check (user_id = (select auth.uid()) and (org_id is null or (select private.is_org_member(org_id))));
create policy conversations_update on public.conversations for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()) and (org_id is null or (select private.is_org_member(org_id))));
create policy conversations_delete on public.conversations for delete to authenticated
  using (user_id = (select auth.uid()));

create policy conversation_messages_select on public.conversation_messages for select to authenticated
  using (exists (select 1 from public.conversations c
                 where c.id = conversation_id and c.user_id = (select auth.uid())));
create policy conversation_messages_insert on public.conversation_messages for insert to authenticated
  with check (exists (select 1 from public.conversations c
                      where c.id = conversation_id and c.user_id = (select auth.uid())));
create policy conversation_messages_delete on public.conversation_messages for delete to authenticated
  using (exists (select 1 from public.conversations c
                 where c.id = conversation_id and c.user_id = (select auth.uid())));
