import 'server-only';
import { render } from '@react-email/render';
import type { ReactElement } from 'react';
import { z } from 'zod';
import { formatCredits } from '@/lib/credits';
import { openToken, unsubscribeToken, type EmailCategory } from '@/lib/email';
import { InvitationEmail } from './templates/invitation';
import { NotificationEmail } from './templates/notification';
import { ReceiptEmail } from './templates/receipt';

/** An outbox row as the worker claims it. */
export interface OutboxEmail {
  id: string;
  userId: string | null;
  to: string;
  kind: string;
  category: 'transactional' | EmailCategory;
  template: 'invitation' | 'receipt' | 'alert' | 'notification';
  data: unknown;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

const invitationData = z.object({
  sealedToken: z.string(),
  orgName: z.string(),
  inviterName: z.string(),
  role: z.string(),
  expiresAt: z.string(),
});
const receiptData = z.object({
  paymentId: z.string(),
  packageName: z.string(),
  credits: z.string(),
  bonusCredits: z.string(),
  amount: z.string(),
  currency: z.string(),
  paidAt: z.string(),
  receiptUrl: z.string().nullable(),
});
const notificationData = z.object({
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
});

const FOOTERS: Record<string, string> = {
  alerts: 'You receive usage alerts for the wallets you manage.',
  credits: 'You receive an email when credits are granted to you or your organizations.',
  team: 'You receive team news for the organizations you invite people to.',
  transactional: 'This message is about your account or a payment, so it is always sent.',
};

/** Minor units (cents) as a price, without a float. */
function price(amount: string, currency: string): string {
  const formatter = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
  });
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  const minor = amount.padStart(digits + 1, '0');
  const text = digits > 0 ? `${minor.slice(0, -digits)}.${minor.slice(-digits)}` : minor;
  return formatter.format(text as Intl.StringNumericLiteral);
}

function absolute(appUrl: string, path: string): string {
  return new URL(path, appUrl).toString();
}

function element(email: OutboxEmail, appUrl: string): { subject: string; node: ReactElement } {
  switch (email.template) {
    case 'invitation': {
      const data = invitationData.parse(email.data);
      const acceptUrl = absolute(appUrl, `/invitations/${openToken(data.sealedToken)}`);
      return {
        subject: `${data.inviterName} invited you to ${data.orgName} on Tollgate`,
        node: <InvitationEmail {...data} acceptUrl={acceptUrl} />,
      };
    }
    case 'receipt': {
      const data = receiptData.parse(email.data);
      const bonus = BigInt(data.bonusCredits);
      const paid = price(data.amount, data.currency);
      return {
        subject: `Your Tollgate receipt: ${data.packageName} package, ${paid}`,
        node: (
          <ReceiptEmail
            packageName={data.packageName}
            credits={formatCredits(data.credits)}
            bonusCredits={bonus > 0n ? formatCredits(bonus) : null}
            price={paid}
            paidAt={new Date(data.paidAt).toUTCString().replace(/ GMT$/, ' UTC')}
            reference={data.paymentId}
            creditsUrl={absolute(appUrl, '/credits')}
            receiptUrl={data.receiptUrl}
          />
        ),
      };
    }
    case 'alert':
    case 'notification': {
      const data = notificationData.parse(email.data);
      return {
        subject: data.title,
        node: (
          <NotificationEmail
            variant={email.template}
            title={data.title}
            body={data.body}
            actionUrl={absolute(appUrl, data.link ?? '/dashboard')}
            footer={FOOTERS[email.category] ?? FOOTERS.transactional!}
            unsubscribeUrl={unsubscribeUrl(email, appUrl)}
          />
        ),
      };
    }
  }
}

/** The one-click link of optional mail (null for transactional mail). */
function unsubscribeUrl(email: OutboxEmail, appUrl: string): string | null {
  if (email.category === 'transactional' || !email.userId) return null;
  const token = unsubscribeToken(email.userId, email.category);
  return absolute(appUrl, `/unsubscribe?token=${encodeURIComponent(token)}`);
}

/** An outbox email as HTML and plain text, with the List-Unsubscribe headers of optional mail. */
export async function renderEmail(email: OutboxEmail, appUrl: string): Promise<RenderedEmail> {
  const { subject, node } = element(email, appUrl);
  const [html, text] = await Promise.all([render(node), render(node, { plainText: true })]);
  const headers: Record<string, string> = {};
  const link = unsubscribeUrl(email, appUrl);
  if (link) {
    const oneClick = link.replace('/unsubscribe?', '/api/email/unsubscribe?');
    headers['List-Unsubscribe'] = `<${oneClick}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return { subject, html, text, headers };
}
