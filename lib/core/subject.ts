import { z } from 'zod';
import type { DbSession } from '@/lib/db';

/**
 * Whose plan, allowances and usage an operation is about: a user or an org. Personal and org
 * subjects never stand in for each other; the SQL functions check the caller may act for it.
 */

const SUBJECT_KINDS = ['user', 'org'] as const;
type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface Subject {
  kind: SubjectKind;
  id: string;
}

export const subjectSchema = z.object({
  kind: z.enum(SUBJECT_KINDS),
  id: z.uuid('must be a user or org id'),
});

export function userSubject(userId: string): Subject {
  return { kind: 'user', id: userId };
}

export function orgSubject(orgId: string): Subject {
  return { kind: 'org', id: orgId };
}

/** The org when one is named, else the signed-in user: what API callers mean by "my". */
export function subjectFor(session: DbSession, orgId?: string | null): Subject {
  return orgId ? orgSubject(orgId) : userSubject(session.userId);
}
