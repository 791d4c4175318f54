import 'server-only';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { env } from '@/lib/env';

/**
 * The local inbox of `npm run dev`: its SMTP catcher (scripts/mail-catcher.ts) writes each message
 * it receives as one JSON file in LOCAL_MAIL_DIR. Only a development server shows it (a production
 * build only when LOCAL_MAIL=1, for the end-to-end tests).
 */

export interface CaughtMail {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/** The mailbox directory, or null when there is no local inbox here. */
export function localMailbox(): string | null {
  const { LOCAL_MAIL_DIR, LOCAL_MAIL } = env();
  if (!LOCAL_MAIL_DIR) return null;
  return process.env.NODE_ENV === 'production' && LOCAL_MAIL !== '1' ? null : LOCAL_MAIL_DIR;
}

const MESSAGE_FILE = /^[0-9A-Za-z_-]{1,80}\.json$/;

/** Caught messages, newest first (at most 200). */
export async function readLocalMail(): Promise<CaughtMail[]> {
  const dir = localMailbox();
  if (!dir) return [];
  const names = (await readdir(dir).catch(() => [] as string[]))
    .filter((name) => MESSAGE_FILE.test(name))
    .sort()
    .reverse()
    .slice(0, 200);
  const messages = await Promise.all(
    names.map(async (name) => {
      try {
        return JSON.parse(await readFile(path.join(dir, name), 'utf8')) as CaughtMail;
      } catch {
        return null;
      }
    }),
  );
  return messages.filter((message): message is CaughtMail => message !== null);
}
