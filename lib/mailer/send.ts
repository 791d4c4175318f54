import 'server-only';
import { asService } from '@/lib/db';
import { env } from '@/lib/env';
import { renderEmail, type OutboxEmail } from './render';
import { mailTransport } from './transport';

/**
 * The worker's side of email: claims due outbox rows, renders each and hands it to SMTP, then
 * records the outcome. A failure is tried again later (30 s, 1 min, 2 min … at most 1 h apart,
 * 10 attempts); a claim lapses after a minute, so a crashed worker's mail is taken again. Each
 * message carries the outbox id as its Message-ID, so a receiver can tell a resend from new mail.
 */

interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

const DEFAULT_POLICY: RetryPolicy = {
  firstDelayMs: 30_000,
  maxDelayMs: 60 * 60_000,
  maxAttempts: 10,
};
let policy = DEFAULT_POLICY;

/** Replaces parts of the retry policy (tests); undefined restores the default. */
export function setEmailRetryPolicy(next?: Partial<RetryPolicy>): void {
  policy = { ...DEFAULT_POLICY, ...next };
}

function retryAt(attempt: number, now = Date.now()): Date | null {
  if (attempt >= policy.maxAttempts) return null;
  const delay = Math.min(policy.firstDelayMs * 2 ** Math.min(attempt - 1, 30), policy.maxDelayMs);
  return new Date(now + delay);
}

interface ClaimRow {
  id: string;
  user_id: string | null;
  to_email: string;
  kind: string;
  category: OutboxEmail['category'];
  template: OutboxEmail['template'];
  data: unknown;
  attempts: number;
}

export interface SendResult {
  sent: number;
  retrying: number;
  failed: number;
}

let warned = false;

/** Sends every due email (in rounds of `batchSize`); does nothing when no SMTP is configured. */
export async function sendDueEmails(batchSize = 20): Promise<SendResult> {
  const result: SendResult = { sent: 0, retrying: 0, failed: 0 };
  const transport = mailTransport();
  if (!transport) {
    if (!warned) console.warn('[email] SMTP_URL is not set: emails stay queued, none is sent.');
    warned = true;
    return result;
  }
  const { APP_URL, EMAIL_FROM } = env();
  for (;;) {
    const rows = await asService(
      (tx) => tx<ClaimRow[]>`
        select id::text as id, user_id, to_email, kind, category, template, data, attempts
        from public.email_claim(${batchSize}, 60)`,
    );
    for (const row of rows) {
      let messageId: string | null = null;
      let error: string | null = null;
      try {
        const email = await renderEmail(
          {
            id: row.id,
            userId: row.user_id,
            to: row.to_email,
            kind: row.kind,
            category: row.category,
            template: row.template,
            data: row.data,
          },
          APP_URL,
        );
        const info = await transport.sendMail({
          from: EMAIL_FROM,
          to: row.to_email,
          subject: email.subject,
          html: email.html,
          text: email.text,
          headers: email.headers,
          messageId: `<outbox-${row.id}@tollgate.email>`,
        });
        messageId = String(info.messageId ?? '');
      } catch (cause) {
        error = cause instanceof Error ? cause.message : String(cause);
      }
      const next = error ? retryAt(row.attempts) : null;
      await asService(
        (tx) => tx`
          select public.email_record_attempt(${row.id}::bigint, ${error === null}, ${messageId},
            ${error}, ${next})`,
      );
      if (!error) result.sent += 1;
      else if (next) result.retrying += 1;
      else result.failed += 1;
    }
    if (rows.length < batchSize) return result;
  }
}
