import 'server-only';
import { AppError } from '@/lib/core';
import { withUser, type DbSession } from '@/lib/db';

/** True when the signed-in caller is a platform admin (read under their own RLS). */
export async function isPlatformAdmin(session: DbSession): Promise<boolean> {
  const [row] = await withUser(
    session,
    (tx) => tx<{ is_platform_admin: boolean }[]>`
      select is_platform_admin from public.profiles where id = ${session.userId}`,
  );
  return row?.is_platform_admin === true;
}

/**
 * Every lib/admin entry point calls this before it opens the service door: the platform-wide
 * reads bypass RLS, so the caller is checked here. Non-admins get a 404, as the pages do.
 */
export async function requirePlatformAdmin(session: DbSession): Promise<void> {
  if (!(await isPlatformAdmin(session))) throw new AppError('not_found', 'Not found.');
}
