import 'server-only';
import { one } from '@/lib/core';
import { asService, withUser, type DbSession } from '@/lib/db';
import { resolveWallet } from '@/lib/credits';
import { type AlertKind, type AlertSettingsValue, type AlertsListQuery } from './schemas';

/**
 * Alerts: thresholds on wallets and allowances, low balance, refused spends, spikes, run-out
 * forecasts, expiring provider keys and failed auto-recharges. The database raises each alert
 * once per period (see the alerts migration); this module reads and configures them and runs the
 * maintenance scan.
 */

export * from './schemas';

interface AlertSettings {
  walletId: string;
  enabled: boolean;
  thresholds: number[];
  /** Micro-credits; 0 is off. */
  lowBalance: bigint;
  updatedAt: Date | null;
  /** The current alert period (UTC month) and its grant, once the wallet has had credits. */
  periodStart: Date | null;
  periodGrant: bigint | null;
  available: bigint;
}

export interface Alert {
  id: bigint;
  kind: AlertKind;
  threshold: bigint;
  periodStart: Date;
  walletId: string | null;
  tokenType: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

interface SettingsRow {
  account_id: string;
  enabled: boolean;
  thresholds: number[];
  low_balance: bigint;
  updated_at: Date | null;
  period_start: Date | null;
  period_grant: bigint | null;
  available: bigint;
}

function toSettings(row: SettingsRow): AlertSettings {
  return {
    walletId: row.account_id,
    enabled: row.enabled,
    thresholds: row.thresholds.map(Number),
    lowBalance: row.low_balance,
    updatedAt: row.updated_at,
    periodStart: row.period_start,
    periodGrant: row.period_grant,
    available: row.available,
  };
}

/** The personal wallet, or the org's (its owners and admins manage it; checked in SQL). */
export function alertWallet(session: DbSession, orgId?: string): Promise<string> {
  return resolveWallet(session, orgId ? { type: 'org', orgId } : { type: 'personal' });
}

export async function getAlertSettings(
  session: DbSession,
  walletId: string,
): Promise<AlertSettings> {
  const row = one(
    await withUser(
      session,
      (tx) => tx<SettingsRow[]>`select * from public.alert_settings_get(${walletId})`,
    ),
    'result of alert_settings_get',
  );
  return toSettings(row);
}

export async function setAlertSettings(
  session: DbSession,
  walletId: string,
  value: AlertSettingsValue,
): Promise<AlertSettings> {
  const row = one(
    await withUser(
      session,
      (tx) => tx<SettingsRow[]>`
      select * from public.alert_settings_set(${walletId}, ${value.enabled},
        ${value.thresholds}::smallint[], ${value.lowBalance.toString()}::bigint)`,
    ),
    'result of alert_settings_set',
  );
  return toSettings(row);
}

/** Alerts of the caller (personal) or of an org they own or administer, newest first. */
export async function listAlerts(
  session: DbSession,
  query: Partial<AlertsListQuery> = {},
): Promise<{ items: Alert[]; nextBefore: string | null }> {
  const { orgId, before } = query;
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 20), 1), 100);
  const rows = await withUser(
    session,
    (tx) => tx<
      {
        id: bigint;
        kind: AlertKind;
        threshold: bigint;
        period_start: Date;
        account_id: string | null;
        token_type: string | null;
        data: Record<string, unknown>;
        created_at: Date;
      }[]
    >`
      select id, kind, threshold, period_start, account_id, token_type, data, created_at
      from public.alerts
      where ${orgId ? tx`org_id = ${orgId}` : tx`user_id = ${session.userId}`}
        ${before ? tx`and id < ${before}::bigint` : tx``}
      order by id desc
      limit ${limit + 1}`,
  );
  const items = rows.slice(0, limit).map((row) => ({
    id: row.id,
    kind: row.kind,
    threshold: row.threshold,
    periodStart: row.period_start,
    walletId: row.account_id,
    tokenType: row.token_type,
    data: row.data,
    createdAt: row.created_at,
  }));
  return { items, nextBefore: rows.length > limit ? String(items.at(-1)!.id) : null };
}

/**
 * The maintenance step: usage spikes, run-out forecasts, expiring provider keys, failed
 * auto-recharges, and wallets due a new month. Returns how many alerts of each kind it raised.
 */
export async function runAlertsScan(limit = 1000): Promise<Partial<Record<AlertKind, number>>> {
  const rows = await asService(
    (tx) => tx<{ kind: AlertKind; raised: number }[]>`select * from public.alerts_scan(${limit})`,
  );
  return Object.fromEntries(rows.map((row) => [row.kind, row.raised]));
}
