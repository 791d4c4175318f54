-- Teams, part 2: invitations, roles, leaving and removing, member limits and usage by member.
--
-- Rules: owners manage everyone; admins manage admins and members but never owners; nobody can
-- make or invite an owner except an owner; an org always keeps at least one owner.

-- ===================================================================== HELPERS
/* The caller's role in the org, or TG404 when they are not a member (strangers learn nothing). */
create function private.require_org_role(org uuid, allowed text[]) returns text
language plpgsql stable security definer set search_path = ''
as $$
declare
  caller_role text := private.org_role(org);
begin
  if caller_role is null then
    perform private.fail('TG404', 'Organization not found.', jsonb_build_object('org', org));
  end if;
  if not (caller_role = any (allowed)) then
    perform private.fail('TG403', 'Only owners and admins manage the organization''s members.',
      jsonb_build_object('org', org, 'role', caller_role));
  end if;
  return caller_role;
end
$$;
comment on function private.require_org_role(uuid, text[]) is
  'The caller''s org role when it is one of `allowed`; TG404 for non-members, TG403 otherwise.';

/* Refuses a change that would leave the org without an owner (caller holds the member rows). */
create function private.keep_an_owner(org uuid, leaving uuid) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform 1 from public.organization_members m where m.org_id = org and m.role = 'owner' for update;
  if not exists (select 1 from public.organization_members m
                 where m.org_id = org and m.role = 'owner' and m.user_id <> leaving) then
    perform private.fail('TG422', 'An organization needs an owner: make someone else owner first.',
      jsonb_build_object('reason', 'last_owner'));
  end if;
end
$$;
comment on function private.keep_an_owner(uuid, uuid) is 'TG422 when `leaving` is the org''s last owner.';

-- ===================================================================== INVITATIONS
create function public.org_invite(p_org_id uuid, p_email text, p_role text, p_token_hash text, p_ttl_hours integer default 168)
returns table (invitation_id uuid, expires_at timestamptz)
language plpgsql security definer set search_path = ''
as $$
declare
  invitee text := lower(btrim(p_email));
  invitation uuid;
  expiry timestamptz := now() + make_interval(hours => coalesce(p_ttl_hours, 168));
begin
  perform private.require_org_role(p_org_id, array['owner', 'admin']);
  if p_role is null or p_role not in ('admin', 'member') then
    perform private.fail('TG422', 'Invite people as admin or member.', jsonb_build_object('field', 'role'));
  end if;
  if invitee is null or invitee !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or char_length(invitee) > 254 then
    perform private.fail('TG422', 'Enter a valid email address.', jsonb_build_object('field', 'email'));
  end if;
  if p_ttl_hours is not null and p_ttl_hours not between 1 and 720 then
    perform private.fail('TG422', 'An invitation lives between 1 hour and 30 days.', jsonb_build_object('field', 'ttl_hours'));
  end if;
  if exists (select 1 from public.organization_members m join auth.users u on u.id = m.user_id
             where m.org_id = p_org_id and lower(u.email) = invitee) then
    perform private.fail('TG422', 'That person is already a member.', jsonb_build_object('field', 'email'));
  end if;
  -- A new invitation replaces any still-open one for the same address.
  update public.organization_invitations i set revoked_at = now()
  where i.org_id = p_org_id and i.email = invitee and i.accepted_at is null and i.revoked_at is null;
  insert into public.organization_invitations (org_id, email, role, token_hash, invited_by, expires_at)
  values (p_org_id, invitee, p_role, p_token_hash, auth.uid(), expiry)
  returning id into invitation;
  return query select invitation, expiry;
end
$$;
comment on function public.org_invite(uuid, text, text, text, integer) is
  'Owners and admins invite an email as admin or member; only the token''s SHA-256 is stored.';

create function public.org_invitation_preview(p_token_hash text)
returns table (invitation_id uuid, org_id uuid, org_name text, org_slug text, email text, role text,
               invited_by_name text, expires_at timestamptz, status text, for_caller boolean)
language plpgsql stable security definer set search_path = ''
as $$
begin
  -- Whoever holds the token may see what it invites to (the link is the secret).
  return query
  select i.id, o.id, o.name, o.slug, i.email, i.role, coalesce(p.full_name, ''), i.expires_at,
         case when i.revoked_at is not null then 'revoked' when i.accepted_at is not null then 'accepted'
              when i.expires_at <= now() then 'expired' else 'pending' end,
         lower(coalesce((select u.email from auth.users u where u.id = auth.uid()), '')) = i.email
  from public.organization_invitations i
  join public.organizations o on o.id = i.org_id
  left join public.profiles p on p.id = i.invited_by
  where i.token_hash = p_token_hash;
end
$$;
comment on function public.org_invitation_preview(text) is 'What an invitation token invites to, and whether it is for the caller.';

create function public.org_accept_invitation(p_token_hash text)
returns table (org_id uuid, org_slug text, role text, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  invitation public.organization_invitations;
  caller_email text;
  slug text;
begin
  if caller is null then
    perform private.fail('TG401', 'Sign in to accept the invitation.', '{}'::jsonb);
  end if;
  select * into invitation from public.organization_invitations i where i.token_hash = p_token_hash for update;
  if not found or invitation.revoked_at is not null then
    perform private.fail('TG404', 'This invitation does not exist or was withdrawn.', '{}'::jsonb);
  end if;
  select o.slug into slug from public.organizations o where o.id = invitation.org_id;
  if invitation.accepted_at is not null then
    if invitation.accepted_by = caller then
      return query select invitation.org_id, slug, invitation.role, true;
      return;
    end if;
    perform private.fail('TG404', 'This invitation was already used.', '{}'::jsonb);
  end if;
  if invitation.expires_at <= now() then
    perform private.fail('TG403', 'This invitation has expired. Ask an admin for a new one.',
      jsonb_build_object('reason', 'expired', 'expiredAt', invitation.expires_at));
  end if;
  select lower(u.email) into caller_email from auth.users u where u.id = caller;
  if caller_email is distinct from invitation.email then
    perform private.fail('TG403', 'This invitation was sent to another email address. Sign in as that person to accept it.',
      jsonb_build_object('reason', 'wrong_user'));
  end if;
  insert into public.organization_members (org_id, user_id, role)
  values (invitation.org_id, caller, invitation.role)
  on conflict do nothing;
  update public.organization_invitations i set accepted_at = now(), accepted_by = caller where i.id = invitation.id;
  return query select invitation.org_id, slug, invitation.role, false;
end
$$;
comment on function public.org_accept_invitation(text) is
  'The invited person (same email) joins with the invited role; TG403 when expired or for someone else.';

create function public.org_revoke_invitation(p_invitation_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  org uuid;
begin
  select i.org_id into org from public.organization_invitations i where i.id = p_invitation_id;
  if org is null then
    perform private.fail('TG404', 'Invitation not found.', '{}'::jsonb);
  end if;
  perform private.require_org_role(org, array['owner', 'admin']);
  update public.organization_invitations i set revoked_at = now()
  where i.id = p_invitation_id and i.accepted_at is null and i.revoked_at is null;
end
$$;
comment on function public.org_revoke_invitation(uuid) is 'Owners and admins withdraw an invitation that is not accepted yet.';

-- ===================================================================== MEMBERS
create function public.org_change_role(p_org_id uuid, p_user_id uuid, p_role text) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role text := private.require_org_role(p_org_id, array['owner', 'admin']);
  member_role text;
begin
  if p_role is null or p_role not in ('owner', 'admin', 'member') then
    perform private.fail('TG422', 'Role must be owner, admin or member.', jsonb_build_object('field', 'role'));
  end if;
  select m.role into member_role from public.organization_members m
  where m.org_id = p_org_id and m.user_id = p_user_id for update;
  if member_role is null then
    perform private.fail('TG404', 'That person is not a member.', jsonb_build_object('user', p_user_id));
  end if;
  if caller_role <> 'owner' and (member_role = 'owner' or p_role = 'owner') then
    perform private.fail('TG403', 'Only owners change who is an owner.', jsonb_build_object('role', caller_role));
  end if;
  if member_role = 'owner' and p_role <> 'owner' then
    perform private.keep_an_owner(p_org_id, p_user_id);
  end if;
  update public.organization_members m set role = p_role where m.org_id = p_org_id and m.user_id = p_user_id;
end
$$;
comment on function public.org_change_role(uuid, uuid, text) is
  'Owners change any role; admins move people between admin and member. The last owner stays owner.';

/* Ends a membership and its member limit (the person's history in the org wallet stays). */
create function private.end_membership(org uuid, member uuid) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  delete from public.organization_members m where m.org_id = org and m.user_id = member;
  delete from public.org_member_limits l
  where l.user_id = member and l.account_id = (select a.id from public.accounts a where a.org_id = org);
end
$$;
comment on function private.end_membership(uuid, uuid) is 'Removes a membership and the member''s limit.';

create function public.org_remove_member(p_org_id uuid, p_user_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role text := private.require_org_role(p_org_id, array['owner', 'admin']);
  target_role text;
begin
  if p_user_id = auth.uid() then
    perform private.fail('TG422', 'To remove yourself, leave the organization.', jsonb_build_object('field', 'user'));
  end if;
  select m.role into target_role from public.organization_members m
  where m.org_id = p_org_id and m.user_id = p_user_id for update;
  if target_role is null then
    perform private.fail('TG404', 'That person is not a member.', jsonb_build_object('user', p_user_id));
  end if;
  if target_role = 'owner' and caller_role <> 'owner' then
    perform private.fail('TG403', 'Only owners remove an owner.', jsonb_build_object('role', caller_role));
  end if;
  if target_role = 'owner' then
    perform private.keep_an_owner(p_org_id, p_user_id);
  end if;
  perform private.end_membership(p_org_id, p_user_id);
end
$$;
comment on function public.org_remove_member(uuid, uuid) is 'Owners and admins remove a member (admins never an owner).';

create function public.org_leave(p_org_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role text := private.require_org_role(p_org_id, array['owner', 'admin', 'member']);
begin
  if caller_role = 'owner' then
    perform private.keep_an_owner(p_org_id, auth.uid());
  end if;
  perform private.end_membership(p_org_id, auth.uid());
end
$$;
comment on function public.org_leave(uuid) is 'The caller leaves the org; the last owner must hand over first.';
