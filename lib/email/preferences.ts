import 'server-only';
import { one } from '@/lib/core';
import { asService, withUser, type DbSession } from '@/lib/db';
import { readUnsubscribeToken } from './secret';
import {
  emailPreferencesInput,
  type EmailCategory,
  type EmailPreferences,
  type EmailPreferencesInput,
} from './schemas';

/** Which optional emails a person receives; the worker checks them just before sending. */

export async function getEmailPreferences(session: DbSession): Promise<EmailPreferences> {
  const rows = await withUser(
    session,
    (tx) => tx<EmailPreferences[]>`select * from public.email_preferences_get()`,
  );
  return one(rows, 'email preferences');
}

export async function setEmailPreferences(
  session: DbSession,
  input: EmailPreferencesInput,
): Promise<EmailPreferences> {
  const value = emailPreferencesInput.parse(input);
  const rows = await withUser(
    session,
    (tx) => tx<EmailPreferences[]>`
      select * from public.email_preferences_set(${value.alerts ?? null}::boolean,
        ${value.credits ?? null}::boolean, ${value.team ?? null}::boolean)`,
  );
  return one(rows, 'email preferences');
}

/** Turns a category off from a signed unsubscribe token; null when the token is not valid. */
export async function unsubscribe(token: string): Promise<{ category: EmailCategory } | null> {
  const named = readUnsubscribeToken(token);
  if (!named) return null;
  const [row] = await asService(
    (tx) => tx<{ done: boolean }[]>`
      select public.email_unsubscribe(${named.userId}, ${named.category}) as done`,
  );
  return row?.done ? { category: named.category } : null;
}
