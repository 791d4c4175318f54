import { formatCredits } from '@/lib/credits/format';
import { balanceLevel, type BalanceLevel } from './labels';
import type { PeriodGrantProgress, WalletSummary } from './queries';

/**
 * When a wallet is warned about its limits, and how loudly. One place, so the limit banner, the
 * balance card and the header balance always agree: 80 % of this period's plan grant (or of an
 * allowance) is information, 95 % a warning, 100 % an error; a low or nearly empty balance is a
 * warning or an error whatever the grant says.
 */

type LimitSeverity = 'info' | 'warning' | 'destructive';

/** Thresholds in basis points of the period's grant or allowance, loudest first. */
const LIMIT_THRESHOLDS: readonly { at: number; severity: LimitSeverity }[] = [
  { at: 10_000, severity: 'destructive' },
  { at: 9_500, severity: 'warning' },
  { at: 8_000, severity: 'info' },
];

const rank: Record<LimitSeverity, number> = { info: 1, warning: 2, destructive: 3 };

export function severityAt(basisPoints: number): LimitSeverity | null {
  return LIMIT_THRESHOLDS.find(({ at }) => basisPoints >= at)?.severity ?? null;
}

function louder(a: LimitSeverity | null, b: LimitSeverity | null): LimitSeverity | null {
  if (!a) return b;
  if (!b) return a;
  return rank[a] >= rank[b] ? a : b;
}

/** 8_549 → "85%": rounded down, so 99.9 % never reads as 100 %. */
export function formatBasisPoints(basisPoints: number): string {
  return `${Math.floor(basisPoints / 100).toLocaleString('en-US')}%`;
}

/** Pay-as-you-go: the share of the credit line in use, in basis points (0 when above zero). */
export function creditLineBasisPoints(summary: Pick<WalletSummary, 'available' | 'creditLimit'>) {
  if (summary.creditLimit <= 0n || summary.available >= 0n) return 0;
  return Number((-summary.available * 10_000n) / summary.creditLimit);
}

/**
 * How loudly the credits themselves (grant and balance, not allowances) call for attention. On a
 * credit line the balance is measured against the line (80 / 95 / 100 % of it in use), not zero.
 */
export function creditSeverity(
  summary: Pick<WalletSummary, 'available' | 'creditLimit'>,
  grant: Pick<PeriodGrantProgress, 'grant' | 'usedBasisPoints'> | undefined,
): LimitSeverity | null {
  const balance = balanceLevel(summary.available);
  const fromBalance: LimitSeverity | null =
    summary.creditLimit > 0n
      ? severityAt(creditLineBasisPoints(summary))
      : balance === 'critical'
        ? 'destructive'
        : balance === 'low'
          ? 'warning'
          : null;
  const fromGrant = grant && grant.grant > 0n ? severityAt(grant.usedBasisPoints) : null;
  return louder(fromBalance, fromGrant);
}

/** The header balance's state: the same verdict as the limit banner, in its three tones. */
export function headerLevel(severity: LimitSeverity | null): BalanceLevel {
  return severity === 'destructive' ? 'critical' : severity === 'warning' ? 'low' : 'ok';
}

interface LimitNotice {
  key: string;
  severity: LimitSeverity;
  title: string;
  description: string;
  /** Whether buying credits is the remedy (the banner then links to the Purchase tab). */
  buy: boolean;
}

type Whose = 'personal' | 'org';

function grantNotice(grant: PeriodGrantProgress, whose: Whose): LimitNotice | null {
  if (grant.grant <= 0n) return null;
  const severity = severityAt(grant.usedBasisPoints);
  if (!severity) return null;
  const we = whose === 'personal' ? 'You have' : 'The organization has';
  const spent = formatCredits(grant.spent);
  const total = formatCredits(grant.grant);
  const title =
    severity === 'destructive'
      ? `${we} used all of this period's ${grant.planName} plan credits`
      : `${we} used ${formatBasisPoints(grant.usedBasisPoints)} of this period's ${grant.planName} plan credits`;
  const next =
    severity === 'destructive'
      ? 'Further spending draws on purchased credits until the plan renews; buy a package so nothing stops.'
      : 'When they are gone, spending draws on purchased credits.';
  return {
    key: 'grant',
    severity,
    title,
    description: `${spent} of ${total} credits spent since the period started. ${next}`,
    buy: true,
  };
}

function creditLineNotice(summary: WalletSummary, whose: Whose): LimitNotice | null {
  const basisPoints = creditLineBasisPoints(summary);
  const severity = severityAt(basisPoints);
  if (!severity) return null;
  const owed = formatCredits(-summary.available);
  const line = formatCredits(summary.creditLimit);
  return {
    key: 'balance',
    severity,
    title: `${formatBasisPoints(basisPoints)} of the ${line}-credit line in use`,
    description: `${owed} credits spent on pay-as-you-go, billed on ${whose === 'personal' ? 'your' : 'the'} next invoice. Spending stops at the end of the line; credits bought meanwhile are spent first.`,
    buy: true,
  };
}

function balanceNotice(summary: WalletSummary, whose: Whose): LimitNotice | null {
  if (summary.creditLimit > 0n) return creditLineNotice(summary, whose);
  const level = balanceLevel(summary.available);
  if (level === 'ok') return null;
  const available = formatCredits(summary.available);
  return {
    key: 'balance',
    severity: level === 'critical' ? 'destructive' : 'warning',
    title: level === 'critical' ? 'Almost out of credits' : 'Credits are running low',
    description:
      whose === 'personal'
        ? `${available} credits available. Buy a package or turn on auto-recharge so AI features keep working.`
        : `${available} credits available in the organization wallet. An owner or admin can buy more.`,
    buy: true,
  };
}

function allowanceNotice(grant: PeriodGrantProgress): LimitNotice | null {
  let severity: LimitSeverity | null = null;
  const parts: string[] = [];
  for (const row of grant.allowances) {
    const basisPoints = row.allowance > 0 ? Math.floor((row.used * 10_000) / row.allowance) : 0;
    const found = severityAt(basisPoints);
    if (!found) continue;
    severity = louder(severity, found);
    parts.push(`${row.label} ${formatBasisPoints(basisPoints)}`);
  }
  if (!severity) return null;
  return {
    key: 'allowances',
    severity,
    title:
      severity === 'destructive'
        ? 'A feature allowance is used up for this period'
        : 'Feature allowances are running low',
    description: `Used so far: ${parts.join(', ')}. Allowances refresh when the plan period renews.`,
    buy: false,
  };
}

/** Every notice for a wallet, loudest first. */
export function limitNotices(
  summary: WalletSummary,
  grant: PeriodGrantProgress | undefined,
  whose: Whose,
): LimitNotice[] {
  const notices = [
    balanceNotice(summary, whose),
    grant ? grantNotice(grant, whose) : null,
    grant ? allowanceNotice(grant) : null,
  ].filter((notice): notice is LimitNotice => notice !== null);
  return notices.sort((a, b) => rank[b.severity] - rank[a.severity]);
}
