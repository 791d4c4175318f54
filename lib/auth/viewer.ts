import 'server-only';
import { cache } from 'react';
import { getProfileWithOrgs, type ProfileWithOrgs } from '@/lib/orgs';
import { getSession, type Session } from './session';

/** Who is looking at the page: the session plus profile and orgs, read under their own RLS. */
export interface Viewer extends ProfileWithOrgs {
  session: Session;
}

/** The signed-in viewer for this request (cached per request), or null when signed out. */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const session = await getSession();
  if (!session) return null;
  const profile = await getProfileWithOrgs(session);
  return profile ? { ...profile, session } : null;
});
