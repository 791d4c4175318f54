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
  status text check (status is null or status in ('charged', 'voided', 'held', 'cached', 'byok')),
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
