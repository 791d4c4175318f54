import path from 'node:path';

/** The seeded demo people (supabase/seed.sql) and where each one's saved login state lives. */
export const demoUsers = {
  pro: {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Priya Patel',
    email: 'pro@tollgate.dev',
  },
  owner: {
    id: '00000000-0000-4000-8000-000000000002',
    name: 'Omar Haddad',
    email: 'owner@tollgate.dev',
  },
  member: {
    id: '00000000-0000-4000-8000-000000000003',
    name: 'Mei Lin',
    email: 'member@tollgate.dev',
  },
  starter: {
    id: '00000000-0000-4000-8000-000000000004',
    name: 'Sam Starter',
    email: 'starter@tollgate.dev',
  },
  admin: {
    id: '00000000-0000-4000-8000-000000000005',
    name: 'Ada Admin',
    email: 'admin@tollgate.dev',
  },
} as const;

export type DemoUser = keyof typeof demoUsers;

export const storageState = (user: DemoUser) =>
  path.join(import.meta.dirname, '.auth', `${user}.json`);

export const screenshot = (name: string) =>
  path.join(import.meta.dirname, '../../test-results/screenshots', `${name}.png`);
