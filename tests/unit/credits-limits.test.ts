import { describe, expect, it } from 'vitest';
import {
  creditSeverity,
  formatBasisPoints,
  headerLevel,
  limitNotices,
  severityAt,
} from '../../components/credits/limits';
import type { PeriodGrantProgress, WalletSummary } from '../../components/credits/queries';

/** The limit thresholds that the banner, the balance card and the header balance share. */

const CREDIT = 1_000_000n;

function summary(available: bigint): WalletSummary {
  return {
    walletId: 'w',
    kind: 'user_wallet',
    available,
    balance: available,
    pending: 0n,
    expiringSoon: 0n,
    nextExpiryAt: null,
    frozen: false,
    creditLimit: 0n,
  };
}

function grant(
  spent: bigint,
  total = 100n * CREDIT,
  allowances: PeriodGrantProgress['allowances'] = [],
) {
  return {
    planId: 'pro',
    planName: 'Pro',
    periodStart: new Date('2026-11-01T00:00:00Z'),
    periodEnd: new Date('2026-12-01T00:00:00Z'),
    grant: total,
    spent,
    usedBasisPoints: total > 0n ? Number((spent * 10_000n) / total) : 0,
    allowances,
  } satisfies PeriodGrantProgress;
}

describe('severityAt', () => {
  it('is silent below 80 %, info from 80 %, warning from 95 %, destructive from 100 %', () => {
    expect(severityAt(7_999)).toBeNull();
    expect(severityAt(8_000)).toBe('info');
    expect(severityAt(9_499)).toBe('info');
    expect(severityAt(9_500)).toBe('warning');
    expect(severityAt(9_999)).toBe('warning');
    expect(severityAt(10_000)).toBe('destructive');
    expect(severityAt(25_000)).toBe('destructive');
  });

  it('rounds percentages down, so 99.99 % never reads as 100 %', () => {
    expect(formatBasisPoints(9_999)).toBe('99%');
    expect(formatBasisPoints(8_000)).toBe('80%');
  });
});

describe('the banner and the header agree', () => {
  it.each([
    [79n, null, 'ok'],
    [80n, 'info', 'ok'],
    [95n, 'warning', 'low'],
    [100n, 'destructive', 'critical'],
    [130n, 'destructive', 'critical'],
  ] as const)('%i of 100 plan credits spent → %s banner, %s header', (spent, banner, header) => {
    const wallet = summary(500n * CREDIT); // plenty of purchased credits: only the grant speaks
    const progress = grant(spent * CREDIT);
    const notices = limitNotices(wallet, progress, 'personal');
    expect(notices[0]?.severity ?? null).toBe(banner);
    expect(creditSeverity(wallet, progress)).toBe(banner);
    expect(headerLevel(creditSeverity(wallet, progress))).toBe(header);
  });

  it('a low or empty balance warns even without a plan grant, loudest first', () => {
    const noGrant = grant(0n, 0n);
    expect(limitNotices(summary(5n * CREDIT), noGrant, 'personal')[0]).toMatchObject({
      key: 'balance',
      severity: 'warning',
    });
    expect(headerLevel(creditSeverity(summary(5n * CREDIT), noGrant))).toBe('low');
    const empty = limitNotices(summary(0n), grant(96n * CREDIT), 'org');
    expect(empty.map((notice) => [notice.key, notice.severity])).toEqual([
      ['balance', 'destructive'],
      ['grant', 'warning'],
    ]);
    expect(empty[0]!.description).toMatch(/owner or admin/);
  });

  it('on a credit line the balance is measured against the line, not zero', () => {
    const noGrant = grant(0n, 0n);
    const onLine = (available: bigint) => ({ ...summary(available), creditLimit: 100n * CREDIT });
    // A little left, or a little owed, is fine on pay-as-you-go.
    expect(creditSeverity(onLine(1n * CREDIT), noGrant)).toBeNull();
    expect(limitNotices(onLine(-50n * CREDIT), noGrant, 'personal')).toEqual([]);
    expect(headerLevel(creditSeverity(onLine(-85n * CREDIT), noGrant))).toBe('ok');
    expect(headerLevel(creditSeverity(onLine(-96n * CREDIT), noGrant))).toBe('low');
    const full = limitNotices(onLine(-100n * CREDIT), noGrant, 'org');
    expect(full[0]).toMatchObject({ key: 'balance', severity: 'destructive' });
    expect(full[0]!.title).toBe('100% of the 100.00-credit line in use');
  });

  it('allowances warn in the banner but leave the credit balance in the header alone', () => {
    const progress = grant(0n, 100n * CREDIT, [
      { tokenType: 'forecast', label: 'Forecast', allowance: 400, used: 400 },
      { tokenType: 'general', label: 'General', allowance: 1000, used: 10 },
    ]);
    const notices = limitNotices(summary(500n * CREDIT), progress, 'personal');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ key: 'allowances', severity: 'destructive', buy: false });
    expect(notices[0]!.description).toContain('Forecast 100%');
    expect(notices[0]!.description).not.toContain('General');
    expect(headerLevel(creditSeverity(summary(500n * CREDIT), progress))).toBe('ok');
  });
});
