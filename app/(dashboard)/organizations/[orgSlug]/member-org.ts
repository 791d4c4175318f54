import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { getViewer, type Viewer } from '@/lib/auth';
import type { MemberOrg } from '@/lib/orgs';

/**
 * The organization behind an /organizations/[orgSlug] URL, if the viewer belongs to it. Anyone
 * else gets the same 404 as for an organization that does not exist.
 */
export async function getMemberOrg(orgSlug: string): Promise<{ viewer: Viewer; org: MemberOrg }> {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const org = viewer.orgs.find((candidate) => candidate.slug === orgSlug);
  if (!org) notFound();
  return { viewer, org };
}
