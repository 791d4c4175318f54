-- Graduated access: feature flags with targeting, the models each plan includes and the subset an
-- org restricts its members to, experiments that split a feature's traffic between models, the
-- users' feedback on a call, and the audit of every change to any of it.
--
-- The app reads flags, plan models and experiments once into an in-process cache and reloads it
-- when a NOTIFY on `tollgate_config` says something changed (decision 18), so evaluating a flag
-- costs no round trip. Kill switches (ai_feature_flags) notify the same channel and win over
-- every rule. Precedence of a flag's rules: user > org > plan > role > percentage > default.

-- ===================================================================== TABLES
alter table public.ai_models add column quality smallint not null default 2 check (quality between 1 and 3);
comment on column public.ai_models.quality is
  'What model: "auto" may use it for: 1 simple, 2 standard, 3 complex tasks (it serves every hint up to it).';

create table public.flags (
  kind text not null check (kind in ('feature', 'model', 'provider', 'capability')),
  target text not null check (char_length(target) between 1 and 100),
  description text not null default '' check (char_length(description) <= 300),
  -- The "everyone" rule: on for whoever no other rule decides.
  default_enabled boolean not null default false,
  -- Users whose bucket (hash of flag and user, 0..9999) is below percent × 100 get it.
  rollout_percent smallint not null default 0 check (rollout_percent between 0 and 100),
  updated_by uuid,
  updated_at timestamptz not null default now(),
  primary key (kind, target)
);
comment on table public.flags is
  'Feature flags over a feature, model, provider or capability: no row means on for everyone.';

create table public.flag_rules (
  kind text not null,
  target text not null,
  rule text not null check (rule in ('user', 'org', 'plan', 'role')),
  value text not null check (char_length(value) between 1 and 100),
  enabled boolean not null,
  primary key (kind, target, rule, value),
  foreign key (kind, target) references public.flags (kind, target) on delete cascade
);
comment on table public.flag_rules is
  'Targeting of a flag: on or off for one user, org, plan or org role (values checked to exist).';

create table public.plan_models (
  plan_id text not null references public.plans (id) on delete cascade,
  model_id text not null references public.ai_models (id) on delete cascade,
  primary key (plan_id, model_id)
);
comment on table public.plan_models is
  'The models a plan includes. A plan with no rows includes every model of the catalog.';

create table public.org_model_restrictions (
  org_id uuid not null references public.organizations (id) on delete cascade,
  model_id text not null references public.ai_models (id) on delete cascade,
  primary key (org_id, model_id)
);
comment on table public.org_model_restrictions is
  'The subset of models an org''s owners and admins allow its members; no rows = no restriction.';

create table public.ai_experiments (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(btrim(name)) between 1 and 80),
  feature text not null check (char_length(feature) between 1 and 100),
  status text not null default 'running' check (status in ('running', 'stopped', 'promoted')),
  promoted_arm text,
  created_by uuid,
  created_at timestamptz not null default now(),
  ended_at timestamptz,
  constraint ai_experiments_promoted check ((status = 'promoted') = (promoted_arm is not null))
);
comment on table public.ai_experiments is
  'A split of one feature''s calls between models by weight, sticky per user. A promoted arm serves all of them.';

create table public.ai_experiment_arms (
  experiment_id uuid not null references public.ai_experiments (id) on delete cascade,
  arm text not null check (arm ~ '^[a-z0-9][a-z0-9_-]{0,29}$'),
  model_id text not null references public.ai_models (id) on delete restrict,
  weight integer not null check (weight between 1 and 10000),
  primary key (experiment_id, arm)
);
comment on table public.ai_experiment_arms is 'The arms of an experiment: a model and its share of the traffic.';

create table public.ai_feedback (
  request_id text primary key check (request_id ~ '^ai:[0-9a-f-]{36}$'),
  user_id uuid not null references public.profiles (id) on delete cascade,
  rating smallint not null check (rating in (-1, 1)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.ai_feedback is
  'Thumbs up (1) or down (-1) on one AI call, keyed like its usage row (request_id ai:<call id>).';

create table public.config_audit (
  id bigint generated always as identity primary key,
  actor_id uuid,
  entity text not null check (entity in ('flag', 'experiment', 'plan_models', 'org_models')),
  entity_key text not null check (char_length(entity_key) between 1 and 200),
  action text not null check (action in ('save', 'delete', 'start', 'stop', 'promote')),
  before jsonb,
  after jsonb,
  created_at timestamptz not null default now()
);
comment on table public.config_audit is
  'Append-only: who changed which flag, experiment or model list, and what it was before and after.';

-- ===================================================================== INDEXES
create unique index ai_experiments_one_live on public.ai_experiments (feature)
  where status in ('running', 'promoted');
create index usage_events_experiment on public.usage_events ((metadata ->> 'experimentId'))
  where metadata ? 'experimentId';
create index config_audit_recent on public.config_audit (created_at desc);

-- ===================================================================== RLS
alter table public.flags enable row level security;
alter table public.flag_rules enable row level security;
alter table public.plan_models enable row level security;
alter table public.org_model_restrictions enable row level security;
alter table public.ai_experiments enable row level security;
alter table public.ai_experiment_arms enable row level security;
alter table public.ai_feedback enable row level security;
alter table public.config_audit enable row level security;
revoke all on public.flags, public.flag_rules, public.plan_models, public.org_model_restrictions,
  public.ai_experiments, public.ai_experiment_arms, public.ai_feedback, public.config_audit
  from public, anon, authenticated, service_role;
grant select on public.flags, public.flag_rules, public.plan_models, public.org_model_restrictions,
  public.ai_experiments, public.ai_experiment_arms, public.ai_feedback, public.config_audit to service_role;
grant select on public.plan_models, public.org_model_restrictions to authenticated;
create policy plan_models_read on public.plan_models for select to authenticated using (true);
create policy org_model_restrictions_read on public.org_model_restrictions for select to authenticated
  using (private.is_org_member(org_id));

-- ===================================================================== FUNCTIONS
/*
 * Wakes every app instance's cache: it reloads on the next read. The channel is the trigger's
 * argument (tollgate_config by default; tollgate_access for the gateway's access profiles).
 */
create function private.notify_config() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform pg_notify(coalesce(tg_argv[0], 'tollgate_config'), tg_table_name);
  return null;
end
$$;
comment on function private.notify_config() is 'Statement trigger: NOTIFY tollgate_config (or the channel named) after a change.';

create function private.audit_config(p_entity text, p_key text, p_action text, p_before jsonb, p_after jsonb)
returns void
language sql security definer set search_path = ''
as $$
  insert into public.config_audit (actor_id, entity, entity_key, action, before, after)
  values (auth.uid(), p_entity, p_key, p_action, p_before, p_after)
$$;
comment on function private.audit_config(text, text, text, jsonb, jsonb) is 'Appends one row to config_audit.';

/* True when a flag's target names something that exists (TG422 otherwise, from flag_save). */
create function private.flag_target_exists(p_kind text, p_target text) returns boolean
language sql stable security definer set search_path = ''
as $$
  select case p_kind
    when 'feature' then p_target in ('assistant', 'completions', 'embeddings', 'images', 'transcription', 'batch')
      or exists (select 1 from public.token_types t where t.name = p_target)
    when 'model' then exists (select 1 from public.ai_models m where m.id = p_target)
    when 'provider' then exists (select 1 from public.ai_models m where m.provider = p_target)
    when 'capability' then exists (select 1 from public.ai_models m where p_target = any (m.capabilities))
    else false end
$$;
comment on function private.flag_target_exists(text, text) is 'Whether a flag target names an existing feature, model, provider or capability.';

create function private.flag_json(p_kind text, p_target text) returns jsonb
language sql stable security definer set search_path = ''
as $$
  select jsonb_build_object('description', f.description, 'defaultEnabled', f.default_enabled,
    'rolloutPercent', f.rollout_percent,
    'rules', coalesce((select jsonb_agg(jsonb_build_object('rule', r.rule, 'value', r.value, 'enabled', r.enabled)
                                        order by r.rule, r.value)
                       from public.flag_rules r where r.kind = f.kind and r.target = f.target), '[]'::jsonb))
  from public.flags f where f.kind = p_kind and f.target = p_target
$$;
comment on function private.flag_json(text, text) is 'A flag and its rules as JSON (for the audit).';

/*
 * Creates or replaces a flag with its rules, in one transaction, audited. Rules are
 * [{rule: user|org|plan|role, value, enabled}]; every value must name an existing user, org,
 * plan or role (TG422 naming the first that does not).
 */
create function public.flag_save(
  p_kind text, p_target text, p_description text, p_default_enabled boolean, p_rollout_percent smallint,
  p_rules jsonb
) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  item jsonb;
  before jsonb;
  known boolean;
begin
  perform private.assert_ai_admin();
  if p_kind is null or p_kind not in ('feature', 'model', 'provider', 'capability')
     or not private.flag_target_exists(p_kind, p_target) then
    perform private.fail('TG422', format('There is no %s named “%s”.', coalesce(p_kind, 'target'), p_target),
      jsonb_build_object('field', 'target'));
  end if;
  if jsonb_typeof(coalesce(p_rules, '[]'::jsonb)) <> 'array' or jsonb_array_length(coalesce(p_rules, '[]'::jsonb)) > 500 then
    perform private.fail('TG422', 'Rules are a list of at most 500.', jsonb_build_object('field', 'rules'));
  end if;
  for item in select * from jsonb_array_elements(coalesce(p_rules, '[]'::jsonb)) loop
    known := case item ->> 'rule'
      when 'user' then exists (select 1 from public.profiles p where p.id::text = item ->> 'value')
      when 'org' then exists (select 1 from public.organizations o where o.id::text = item ->> 'value')
      when 'plan' then exists (select 1 from public.plans p where p.id = item ->> 'value')
      when 'role' then (item ->> 'value') in ('owner', 'admin', 'member')
      else false end;
    if not coalesce(known, false) or jsonb_typeof(item -> 'enabled') <> 'boolean' then
      perform private.fail('TG422', format('Unknown %s “%s”.', coalesce(item ->> 'rule', 'rule'), item ->> 'value'),
        jsonb_build_object('field', 'rules', 'rule', item ->> 'rule', 'value', item ->> 'value'));
    end if;
  end loop;
  before := private.flag_json(p_kind, p_target);
  insert into public.flags as f (kind, target, description, default_enabled, rollout_percent, updated_by)
  values (p_kind, p_target, coalesce(btrim(p_description), ''), coalesce(p_default_enabled, false),
          coalesce(p_rollout_percent, 0), auth.uid())
  on conflict (kind, target) do update
  set description = excluded.description, default_enabled = excluded.default_enabled,
      rollout_percent = excluded.rollout_percent, updated_by = excluded.updated_by, updated_at = now();
  delete from public.flag_rules r where r.kind = p_kind and r.target = p_target;
  insert into public.flag_rules (kind, target, rule, value, enabled)
  select distinct on (x ->> 'rule', x ->> 'value') p_kind, p_target, x ->> 'rule', x ->> 'value', (x ->> 'enabled')::boolean
  from jsonb_array_elements(coalesce(p_rules, '[]'::jsonb)) x;
  perform private.audit_config('flag', p_kind || ':' || p_target, 'save', before, private.flag_json(p_kind, p_target));
end
$$;
comment on function public.flag_save(text, text, text, boolean, smallint, jsonb) is
  'Platform admins: creates or replaces a flag and its targeting rules (audited).';

create function public.flag_delete(p_kind text, p_target text) returns boolean
language plpgsql security definer set search_path = ''
as $$
declare
  before jsonb;
begin
  perform private.assert_ai_admin();
  before := private.flag_json(p_kind, p_target);
  if before is null then
    return false;
  end if;
  delete from public.flags f where f.kind = p_kind and f.target = p_target;
  perform private.audit_config('flag', p_kind || ':' || p_target, 'delete', before, null);
  return true;
end
$$;
comment on function public.flag_delete(text, text) is 'Platform admins: deletes a flag (the target is then on for everyone).';

/* Platform admins: the models a plan includes (empty = every model). */
create function public.plan_models_set(p_plan_id text, p_models text[]) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  before jsonb;
  unknown text;
begin
  perform private.assert_ai_admin();
  if not exists (select 1 from public.plans p where p.id = p_plan_id) then
    perform private.fail('TG422', format('Unknown plan “%s”.', p_plan_id), jsonb_build_object('field', 'planId'));
  end if;
  select m into unknown from unnest(coalesce(p_models, '{}')) m
  where not exists (select 1 from public.ai_models x where x.id = m) limit 1;
  if unknown is not null then
    perform private.fail('TG422', format('Unknown model “%s”.', unknown), jsonb_build_object('field', 'models'));
  end if;
  select to_jsonb(coalesce(array_agg(x.model_id order by x.model_id), '{}')) into before
  from public.plan_models x where x.plan_id = p_plan_id;
  delete from public.plan_models x where x.plan_id = p_plan_id;
  insert into public.plan_models (plan_id, model_id) select distinct p_plan_id, m from unnest(coalesce(p_models, '{}')) m;
  perform private.audit_config('plan_models', p_plan_id, 'save', before,
    to_jsonb(coalesce((select array_agg(x.model_id order by x.model_id) from public.plan_models x
                       where x.plan_id = p_plan_id), '{}')));
end
$$;
comment on function public.plan_models_set(text, text[]) is 'Platform admins: the models a plan includes (audited).';

/*
 * Org owners and admins: restrict the org's members to a subset of the models (empty = no
 * restriction). A model the org's plan does not include cannot be allowed (TG422).
 */
create function public.org_models_set(p_org_id uuid, p_models text[]) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  plan text;
  unknown text;
  before jsonb;
begin
  if not private.is_trusted() and coalesce(private.org_role(p_org_id), '') not in ('owner', 'admin') then
    perform private.fail('TG403', 'Only org owners and admins choose the org''s models.', '{}'::jsonb);
  end if;
  select sp.plan_id into plan from private.subject_plan('org', p_org_id, private.clock()) sp;
  select m into unknown from unnest(coalesce(p_models, '{}')) m
  where not exists (select 1 from public.ai_models x where x.id = m and x.is_active)
     or (exists (select 1 from public.plan_models pm where pm.plan_id = plan)
         and not exists (select 1 from public.plan_models pm where pm.plan_id = plan and pm.model_id = m))
  limit 1;
  if unknown is not null then
    perform private.fail('TG422', format('“%s” is not a model of the org''s plan.', unknown),
      jsonb_build_object('field', 'models', 'model', unknown));
  end if;
  select to_jsonb(coalesce(array_agg(x.model_id order by x.model_id), '{}')) into before
  from public.org_model_restrictions x where x.org_id = p_org_id;
  delete from public.org_model_restrictions x where x.org_id = p_org_id;
  insert into public.org_model_restrictions (org_id, model_id)
  select distinct p_org_id, m from unnest(coalesce(p_models, '{}')) m;
  perform private.audit_config('org_models', p_org_id::text, 'save', before, to_jsonb(coalesce(p_models, '{}')));
end
$$;
comment on function public.org_models_set(uuid, text[]) is
  'Org owners and admins: the models members may use (a subset of the plan''s; audited).';

/* What access checks need about a call's subject: its plan, the caller's org role, the org's subset. */
create function public.ai_access_profile(p_subject_kind text, p_subject_id uuid)
returns table (plan_id text, org_role text, org_models text[])
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  return query
  select (select sp.plan_id from private.subject_plan(p_subject_kind, p_subject_id, private.clock()) sp),
         case when p_subject_kind = 'org' then
           (select m.role from public.organization_members m
            where m.org_id = p_subject_id and m.user_id = (select auth.uid())) end,
         case when p_subject_kind = 'org' then
           (select array_agg(r.model_id order by r.model_id) from public.org_model_restrictions r
            where r.org_id = p_subject_id) end;
end
$$;
comment on function public.ai_access_profile(text, uuid) is
  'The subject''s plan, the caller''s role in it (orgs) and the org''s model subset (null = none).';

/* Platform admins: starts an experiment on a feature with arms [{arm, model, weight}]. */
create function public.ai_experiment_start(p_name text, p_feature text, p_arms jsonb) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  created uuid;
begin
  perform private.assert_ai_admin();
  if not private.flag_target_exists('feature', p_feature) then
    perform private.fail('TG422', format('There is no feature named “%s”.', p_feature), jsonb_build_object('field', 'feature'));
  end if;
  if jsonb_typeof(p_arms) <> 'array' or jsonb_array_length(p_arms) not between 2 and 10 then
    perform private.fail('TG422', 'An experiment has 2 to 10 arms.', jsonb_build_object('field', 'arms'));
  end if;
  if exists (select 1 from jsonb_array_elements(p_arms) a
             where not exists (select 1 from public.ai_models m where m.id = a ->> 'model' and m.is_active)) then
    perform private.fail('TG422', 'Every arm needs an active model of the catalog.', jsonb_build_object('field', 'arms'));
  end if;
  if exists (select 1 from public.ai_experiments e where e.feature = p_feature and e.status in ('running', 'promoted')) then
    perform private.fail('TG422', 'That feature already has a live experiment: stop it first.',
      jsonb_build_object('field', 'feature'));
  end if;
  insert into public.ai_experiments (name, feature, created_by) values (btrim(p_name), p_feature, auth.uid())
  returning id into created;
  insert into public.ai_experiment_arms (experiment_id, arm, model_id, weight)
  select created, a ->> 'arm', a ->> 'model', (a ->> 'weight')::integer from jsonb_array_elements(p_arms) a;
  perform private.audit_config('experiment', created::text, 'start', null,
    jsonb_build_object('name', btrim(p_name), 'feature', p_feature, 'arms', p_arms));
  return created;
end
$$;
comment on function public.ai_experiment_start(text, text, jsonb) is
  'Platform admins: splits a feature''s calls between models by weight (audited).';

/* Platform admins: stops an experiment, or promotes one of its arms to serve all its feature's calls. */
create function public.ai_experiment_end(p_id uuid, p_promote_arm text default null) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  e public.ai_experiments;
begin
  perform private.assert_ai_admin();
  select * into e from public.ai_experiments x where x.id = p_id for update;
  if not found then
    perform private.fail('TG404', 'Experiment not found.', '{}'::jsonb);
  end if;
  if p_promote_arm is not null then
    if e.status <> 'running' then
      perform private.fail('TG422', 'Only a running experiment can promote an arm.', '{}'::jsonb);
    end if;
    if not exists (select 1 from public.ai_experiment_arms a where a.experiment_id = p_id and a.arm = p_promote_arm) then
      perform private.fail('TG422', format('No arm “%s”.', p_promote_arm), jsonb_build_object('field', 'arm'));
    end if;
    update public.ai_experiments x set status = 'promoted', promoted_arm = p_promote_arm, ended_at = now()
    where x.id = p_id;
  elsif e.status <> 'stopped' then
    update public.ai_experiments x set status = 'stopped', promoted_arm = null, ended_at = coalesce(x.ended_at, now())
    where x.id = p_id;
  end if;
  perform private.audit_config('experiment', p_id::text, case when p_promote_arm is null then 'stop' else 'promote' end,
    jsonb_build_object('status', e.status, 'promotedArm', e.promoted_arm),
    jsonb_build_object('status', case when p_promote_arm is null then 'stopped' else 'promoted' end,
                       'promotedArm', p_promote_arm));
end
$$;
comment on function public.ai_experiment_end(uuid, text) is 'Platform admins: stops an experiment or promotes an arm (audited).';

/* The caller rates one of their own AI calls: 1 (up) or -1 (down); again replaces the rating. */
create function public.ai_feedback_set(p_call_id uuid, p_rating smallint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  key text := 'ai:' || p_call_id::text;
begin
  if p_rating is null or p_rating not in (-1, 1) then
    perform private.fail('TG422', 'A rating is 1 (up) or -1 (down).', jsonb_build_object('field', 'rating'));
  end if;
  if not exists (select 1 from public.usage_events u where u.request_id = key and u.actor_id = (select auth.uid())) then
    perform private.fail('TG404', 'No call of yours has that id.', '{}'::jsonb);
  end if;
  insert into public.ai_feedback as f (request_id, user_id, rating) values (key, auth.uid(), p_rating)
  on conflict (request_id) do update set rating = excluded.rating, updated_at = now();
end
$$;
comment on function public.ai_feedback_set(uuid, smallint) is 'Thumbs up or down on one of the caller''s AI calls.';

-- ===================================================================== TRIGGERS
create trigger flags_notify after insert or update or delete on public.flags
  for each statement execute function private.notify_config();
create trigger flag_rules_notify after insert or update or delete on public.flag_rules
  for each statement execute function private.notify_config();
create trigger plan_models_notify after insert or update or delete on public.plan_models
  for each statement execute function private.notify_config();
create trigger ai_experiments_notify after insert or update or delete on public.ai_experiments
  for each statement execute function private.notify_config();
create trigger ai_experiment_arms_notify after insert or update or delete on public.ai_experiment_arms
  for each statement execute function private.notify_config();
create trigger ai_feature_flags_notify after insert or update or delete on public.ai_feature_flags
  for each statement execute function private.notify_config();
-- The gateway's catalog cache: models, prices in force, credit settings, who has their own keys.
create trigger ai_models_notify after insert or update or delete on public.ai_models
  for each statement execute function private.notify_config();
create trigger ai_model_prices_notify after insert or update or delete on public.ai_model_prices
  for each statement execute function private.notify_config();
create trigger ai_settings_notify after insert or update or delete on public.ai_settings
  for each statement execute function private.notify_config();
create trigger ai_provider_keys_notify after insert or update or delete on public.ai_provider_keys
  for each statement execute function private.notify_config();
-- The gateway's access profiles: a subject's plan, a member's role, an org's model subset.
create trigger subscriptions_notify_access after insert or update or delete on public.subscriptions
  for each statement execute function private.notify_config('tollgate_access');
create trigger organization_members_notify_access after insert or update or delete on public.organization_members
  for each statement execute function private.notify_config('tollgate_access');
create trigger org_model_restrictions_notify_access after insert or update or delete on public.org_model_restrictions
  for each statement execute function private.notify_config('tollgate_access');
create trigger config_audit_append_only before update or delete on public.config_audit
  for each row execute function private.refuse_change();

-- ===================================================================== PRIVILEGES
revoke all on function private.notify_config(), private.audit_config(text, text, text, jsonb, jsonb),
  private.flag_target_exists(text, text), private.flag_json(text, text) from public, anon;
revoke all on function
  public.flag_save(text, text, text, boolean, smallint, jsonb),
  public.flag_delete(text, text),
  public.plan_models_set(text, text[]),
  public.org_models_set(uuid, text[]),
  public.ai_access_profile(text, uuid),
  public.ai_experiment_start(text, text, jsonb),
  public.ai_experiment_end(uuid, text),
  public.ai_feedback_set(uuid, smallint)
from public, anon;
grant execute on function
  public.flag_save(text, text, text, boolean, smallint, jsonb),
  public.flag_delete(text, text),
  public.plan_models_set(text, text[]),
  public.org_models_set(uuid, text[]),
  public.ai_access_profile(text, uuid),
  public.ai_experiment_start(text, text, jsonb),
  public.ai_experiment_end(uuid, text),
  public.ai_feedback_set(uuid, smallint)
to authenticated, service_role;

-- ===================================================================== SEED
-- What "auto" may use each model for; embeddings and media models stay at the default.
update public.ai_models set quality = 1 where id in ('gpt-4o-mini');
update public.ai_models set quality = 3
where id in ('local-demo', 'gpt-4o', 'claude-sonnet-4-5', 'gemini-2.5-pro');
