import 'server-only';
import { asService } from '@/lib/db';

/** Local mode only: the seeded people the dev sign-in offers. */

interface DemoUser {
  id: string;
  email: string;
  fullName: string;
  demoRole: string;
}

export async function listDemoUsers(): Promise<DemoUser[]> {
  return asService(async (tx) => {
    const rows = await tx<
      { id: string; email: string; full_name: string; demo_role: string | null }[]
    >`
      select p.id, p.email, p.full_name, u.raw_user_meta_data ->> 'demo_role' as demo_role
      from public.profiles p
      join auth.users u on u.id = p.id
      where p.deleted_at is null
      order by (u.raw_user_meta_data ? 'demo_role') desc, p.created_at, p.email
      limit 50`;
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      fullName: row.full_name,
      demoRole: row.demo_role ?? 'User',
    }));
  });
}

export async function findUserForLocalSignIn(
  userId: string,
): Promise<{ id: string; email: string } | null> {
  return asService(async (tx) => {
    const [row] = await tx<{ id: string; email: string }[]>`
      select id, email from public.profiles where id = ${userId} and deleted_at is null`;
    return row ?? null;
  });
}
