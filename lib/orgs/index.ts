export { getProfileWithOrgs, type ProfileWithOrgs, type MemberOrg, type OrgRole } from './profile';
