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
  type InvitationPreview,
} from './invitations';
export {
  getOrgBySlug,
  requireOrgManager,
  listMembers,
  getOrgUsageByMember,
  memberUsageQuery,
} from './members';
export {
  createOrgInput,
  inviteInput,
  invitationToken,
  slugify,
  ORG_ROLES,
  INVITE_ROLES,
} from './schemas';
