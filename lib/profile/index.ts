import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/core';
import { withUser, type DbSession } from '@/lib/db';

/** The viewer's own profile fields they may edit (RLS and the column grant allow full_name). */

export const profileNameInput = z.object({
  fullName: z
    .string()
    .trim()
    .min(1, 'Enter your name.')
    .max(120, 'Keep your name under 120 characters.'),
});
type ProfileNameInput = z.input<typeof profileNameInput>;

export async function updateProfileName(
  session: DbSession,
  input: ProfileNameInput,
): Promise<{ fullName: string }> {
  const parsed = profileNameInput.safeParse(input);
  if (!parsed.success) {
    throw new AppError('validation_failed', parsed.error.issues[0]?.message ?? 'Invalid name.');
  }
  const rows = await withUser(
    session,
    (tx) => tx<{ full_name: string }[]>`
      update public.profiles set full_name = ${parsed.data.fullName}
      where id = ${session.userId}
      returning full_name`,
  );
  if (!rows[0]) throw new AppError('not_found', 'Your profile was not found.');
  return { fullName: rows[0].full_name };
}

export {
  deleteAccount,
  deleteAccountInput,
  exportMyData,
  getDeletionImpact,
  DELETE_ACCOUNT_PHRASE,
} from './account';
