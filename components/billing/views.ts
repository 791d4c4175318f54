import type { CreditPackage, Payment } from '@/lib/stripe';
import { formatCredits } from '@/lib/credits/format';
import { formatPrice } from '@/lib/stripe/format';

/**
 * What the billing components show, as plain strings: server pages turn packages and payments
 * into these before handing them to client components (no bigint crosses the boundary).
 */

export interface PackageView {
  id: string;
  name: string;
  description: string;
  credits: string;
  bonusCredits: string | null;
  bonusExpiresDays: number | null;
  price: string;
  /** Credits plus bonus: everything the purchase adds to the wallet. */
  totalCredits: string;
  /** Micro-credits, exact, for inputs that need the number. */
  creditsMicro: string;
}

export function toPackageView(pkg: CreditPackage): PackageView {
  return {
    id: pkg.id,
    name: pkg.name,
    description: pkg.description,
    credits: formatCredits(pkg.credits, { decimals: 0 }),
    bonusCredits: pkg.bonusCredits > 0n ? formatCredits(pkg.bonusCredits, { decimals: 0 }) : null,
    bonusExpiresDays: pkg.bonusExpiresDays,
    price: formatPrice(pkg.priceAmount, pkg.currency),
    totalCredits: formatCredits(pkg.credits + pkg.bonusCredits, { decimals: 0 }),
    creditsMicro: pkg.credits.toString(),
  };
}

export interface PaymentView {
  id: string;
  kind: Payment['kind'];
  status: Payment['status'];
  packageName: string;
  price: string;
  credits: string;
  bonusCredits: string | null;
  refunded: string | null;
  creditsClawedBack: string | null;
  disputeStatus: Payment['disputeStatus'];
  receiptUrl: string | null;
  isTest: boolean;
  buyerName: string | null;
  failureMessage: string | null;
  createdAt: string;
}

export function toPaymentView(payment: Payment): PaymentView {
  return {
    id: payment.id,
    kind: payment.kind,
    status: payment.status,
    packageName: payment.packageName,
    price: formatPrice(payment.amount, payment.currency),
    credits: formatCredits(payment.credits, { decimals: 0 }),
    bonusCredits:
      payment.bonusCredits > 0n ? formatCredits(payment.bonusCredits, { decimals: 0 }) : null,
    refunded:
      payment.amountRefunded > 0n ? formatPrice(payment.amountRefunded, payment.currency) : null,
    creditsClawedBack:
      payment.creditsClawedBack > 0n ? formatCredits(payment.creditsClawedBack) : null,
    disputeStatus: payment.disputeStatus,
    receiptUrl: payment.receiptUrl,
    isTest: payment.isTest,
    buyerName: payment.buyerName,
    failureMessage: payment.failureMessage,
    createdAt: payment.createdAt.toISOString(),
  };
}
