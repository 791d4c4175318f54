export { getProfileWithOrgs, type ProfileWithOrgs, type MemberOrg, type OrgRole } from './profile';
export {
  createOrganization,
  changeMemberRole,
  removeMember,
  leaveOrganization,
  setMemberLimit,
} from './manage';
export { renameOrganization, transferOwnership, deleteOrganization } from './lifecycle';
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
  renameOrgInput,
  transferOwnershipInput,
  inviteInput,
  invitationToken,
  slugify,
  ORG_ROLES,
  INVITE_ROLES,
} from './schemas';
