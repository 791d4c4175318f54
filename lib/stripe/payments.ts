import 'server-only';
import { z } from 'zod';
import { withUser, type DbSession } from '@/lib/db';

/**
 * Payment history with Stripe receipt links: a user's own purchases, and an org's for its owners
 * and admins (RLS decides; a plain member sees none). Abandoned checkouts are left out.
 */

export interface Payment {
  id: string;
  kind: 'checkout' | 'auto_recharge';
  status: 'processing' | 'paid' | 'failed' | 'refunded';
  packageName: string;
  amount: bigint;
  currency: string;
  credits: bigint;
  bonusCredits: bigint;
  amountRefunded: bigint;
  creditsClawedBack: bigint;
  disputeStatus: 'open' | 'won' | 'lost' | null;
  receiptUrl: string | null;
  isTest: boolean;
  buyerName: string | null;
  failureMessage: string | null;
  createdAt: Date;
  paidAt: Date | null;
}

export const paymentsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  before: z.iso.datetime({ offset: true }).optional(),
});

interface PaymentRow {
  id: string;
  kind: Payment['kind'];
  status: Payment['status'];
  package_name: string;
  amount: bigint;
  currency: string;
  credits: bigint;
  bonus_credits: bigint;
  amount_refunded: bigint;
  credits_clawed_back: bigint;
  dispute_status: Payment['disputeStatus'];
  receipt_url: string | null;
  provider: string;
  buyer_name: string | null;
  failure_message: string | null;
  created_at: Date;
  paid_at: Date | null;
}

export async function listPayments(
  session: DbSession,
  walletId: string,
  query: z.input<typeof paymentsQuery> = {},
): Promise<Payment[]> {
  const { limit, before } = paymentsQuery.parse(query);
  const rows = await withUser(
    session,
    (tx) => tx<PaymentRow[]>`
      select p.id, p.kind, p.status, p.package_name, p.amount, p.currency, p.credits, p.bonus_credits,
             p.amount_refunded, p.credits_clawed_back, p.dispute_status, p.receipt_url, p.provider,
             nullif(b.full_name, '') as buyer_name, p.failure_message, p.created_at, p.paid_at
      from public.payments p
      left join public.profiles b on b.id = p.buyer_id
      where p.account_id = ${walletId} and p.status not in ('pending', 'expired')
        and p.created_at < ${before ? new Date(before) : new Date('9999-01-01')}
      order by p.created_at desc, p.id desc
      limit ${limit}`,
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status,
    packageName: row.package_name,
    amount: row.amount,
    currency: row.currency,
    credits: row.credits,
    bonusCredits: row.bonus_credits,
    amountRefunded: row.amount_refunded,
    creditsClawedBack: row.credits_clawed_back,
    disputeStatus: row.dispute_status,
    receiptUrl: row.receipt_url,
    isTest: row.provider === 'local',
    buyerName: row.buyer_name,
    failureMessage: row.failure_message,
    createdAt: row.created_at,
    paidAt: row.paid_at,
  }));
}
