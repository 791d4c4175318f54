import 'server-only';
import { z } from 'zod';
import { AppError, orgSubject, userSubject } from '@/lib/core';
import type { DbSession } from '@/lib/db';
import { getOrgUsageByMember } from '@/lib/orgs';
import { listTokenTypes } from '@/lib/plans';
import { getUsageStats, periodDays } from '@/lib/usage';
import type { UsagePeriod } from './history';
import type { WalletRef } from './wallets';

/**
 * Where a wallet's spending went by model, feature or (org wallets, for owners and admins) member
 * over 7, 30 or 90 days. Models and features come from the usage rollups (AI calls: credits
 * charged and tokens); members from the org ledger (everything spent from the org wallet).
 */

const BREAKDOWN_VIEWS = ['model', 'feature', 'member'] as const;
export type BreakdownView = (typeof BREAKDOWN_VIEWS)[number];
export const breakdownView = z.enum(BREAKDOWN_VIEWS);

interface BreakdownRow {
  key: string;
  label: string;
  /** A second line: the provider of a model, the email of a member. */
  detail: string | null;
  /** Micro-credits charged. */
  credits: bigint;
  /** LLM tokens (input + output); null where the source does not count tokens (members). */
  tokens: number | null;
  /** Calls (model, feature) or ledger transactions (member). */
  events: number;
}

export interface UsageBreakdownReport {
  view: BreakdownView;
  period: UsagePeriod;
  /** Inclusive UTC days. */
  from: string;
  to: string;
  total: bigint;
  rows: BreakdownRow[];
}

/** "lead_generation" → "Lead generation", for features the price list does not name. */
function humanize(key: string): string {
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Other';
}

function byCredits(a: BreakdownRow, b: BreakdownRow): number {
  if (a.credits !== b.credits) return b.credits > a.credits ? 1 : -1;
  return (b.tokens ?? 0) - (a.tokens ?? 0) || a.label.localeCompare(b.label);
}

export async function getUsageBreakdown(
  session: DbSession,
  ref: WalletRef,
  view: BreakdownView,
  period: UsagePeriod = '30d',
): Promise<UsageBreakdownReport> {
  const { from, to } = periodDays(period);
  let rows: BreakdownRow[];

  if (view === 'member') {
    if (ref.type !== 'org') {
      throw new AppError(
        'validation_failed',
        'query.view: the member breakdown is for organization wallets.',
      );
    } else {
      const members = await getOrgUsageByMember(session, ref.orgId, {
        from: new Date(`${from}T00:00:00Z`).toISOString(),
        to: new Date().toISOString(),
      });
      rows = members.map((member) => ({
        key: member.userId ?? 'service',
        label: member.fullName || member.email || 'Service calls',
        detail: member.fullName ? member.email : null,
        credits: member.spent,
        tokens: null,
        events: Number(member.transactions),
      }));
    }
  } else {
    const subject = ref.type === 'org' ? orgSubject(ref.orgId) : userSubject(session.userId);
    const [stats, tokenTypes] = await Promise.all([
      getUsageStats(session, subject, period),
      view === 'feature' ? listTokenTypes(session) : [],
    ]);
    const labels = new Map(tokenTypes.map((type) => [type.name, type.label]));
    rows =
      view === 'model'
        ? stats.byModel.map((row) => ({
            key: `${row.provider}/${row.model}`,
            label: row.model,
            detail: row.provider || null,
            credits: row.creditsCharged,
            tokens: row.totalTokens,
            events: row.events,
          }))
        : stats.byFeature.map((row) => ({
            key: row.feature,
            label: labels.get(row.feature) ?? humanize(row.feature),
            detail: null,
            credits: row.creditsCharged,
            tokens: row.totalTokens,
            events: row.events,
          }));
  }

  rows.sort(byCredits);
  return {
    view,
    period,
    from,
    to,
    total: rows.reduce((sum, row) => sum + row.credits, 0n),
    rows,
  };
}
