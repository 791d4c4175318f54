import type * as React from 'react';
import { getMemberOrg } from './member-org';

/**
 * Checks membership above the pages' loading boundaries, so a stranger gets a real 404 status
 * before anything streams (a notFound() inside a streamed page could only send 200).
 */
export default async function OrgLayout({
  params,
  children,
}: {
  params: Promise<{ orgSlug: string }>;
  children: React.ReactNode;
}) {
  await getMemberOrg((await params).orgSlug);
  return children;
}
