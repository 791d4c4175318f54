export { getProfileWithOrgs, type ProfileWithOrgs, type MemberOrg, type OrgRole } from './profile';
export {
  createOrganization,
  changeMemberRole,
  removeMember,
  leaveOrganization,
  setMemberLimit,
} from './manage';
export {
  inviteMember,
  previewInvitation,
  acceptInvitation,
  revokeInvitation,
  listInvitations,
  INVITATION_TTL_HOURS,
  type CreatedInvitation,
  type InvitationPreview,
  type PendingInvitation,
} from './invitations';
export {
  getOrg,
  getOrgBySlug,
  requireOrgManager,
  listMembers,
  getOrgUsageByMember,
  memberUsageQuery,
  type OrgContext,
  type OrgMember,
  type MemberUsage,
} from './members';
export {
  createOrgInput,
  inviteInput,
  roleInput,
  limitInput,
  invitationToken,
  slugify,
  ORG_ROLES,
  INVITE_ROLES,
} from './schemas';
