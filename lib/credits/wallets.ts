import 'server-only';
import { asService, withUser, type DbSession, type Tx } from '@/lib/db';
import { ledgerError, NotFoundError } from './errors';

/** Wallet lookup and balances. Reads run under the caller's RLS: a stranger's wallet is 404. */

export interface WalletSummary {
  walletId: string;
  kind: 'user_wallet' | 'org_wallet';
  available: bigint;
  /** Posted balance: available plus what pending holds reserve. */
  balance: bigint;
  pending: bigint;
  expiringSoon: bigint;
  nextExpiryAt: Date | null;
  frozen: boolean;
  /** Pay-as-you-go: how far below zero `available` may go (0 without a credit line). */
  creditLimit: bigint;
}

export type WalletRef = { type: 'personal' } | { type: 'org'; orgId: string };

/** The wallet id of the caller's personal wallet or of an org they belong to. */
export async function resolveWallet(session: DbSession, ref: WalletRef): Promise<string> {
  const rows = await withUser(session, (tx) =>
    ref.type === 'personal'
      ? tx<{ id: string }[]>`select id from public.accounts where user_id = ${session.userId}`
      : tx<{ id: string }[]>`select id from public.accounts where org_id = ${ref.orgId}`,
  );
  const wallet = rows[0];
  if (!wallet) {
    throw new NotFoundError(
      ref.type === 'personal' ? 'Your wallet was not found.' : 'Organization not found.',
    );
  }
  return wallet.id;
}

/** Service lookup of any wallet by owner (used by webhooks, jobs and admin tools). */
export async function walletOf(owner: { userId: string } | { orgId: string }): Promise<string> {
  const rows = await asService((tx) =>
    'userId' in owner
      ? tx<{ id: string }[]>`select id from public.accounts where user_id = ${owner.userId}`
      : tx<{ id: string }[]>`select id from public.accounts where org_id = ${owner.orgId}`,
  );
  if (!rows[0]) throw new NotFoundError('Wallet not found.');
  return rows[0].id;
}

interface SummaryRow {
  account_id: string;
  kind: WalletSummary['kind'];
  available: bigint;
  balance: bigint;
  pending: bigint;
  expiring_soon: bigint;
  next_expiry_at: Date | null;
  frozen: boolean;
  credit_limit: bigint;
}

async function summaryIn(tx: Tx, walletId: string): Promise<WalletSummary> {
  const [row] = await tx<SummaryRow[]>`
    select s.account_id, a.kind, s.available, s.balance, s.pending, s.expiring_soon,
           s.next_expiry_at, s.frozen, a.credit_limit
    from public.credit_summary(${walletId}) s
    join public.accounts a on a.id = s.account_id`.catch(ledgerError);
  if (!row) throw new NotFoundError('Wallet not found.');
  return {
    walletId: row.account_id,
    kind: row.kind,
    available: row.available,
    balance: row.balance,
    pending: row.pending,
    expiringSoon: row.expiring_soon,
    nextExpiryAt: row.next_expiry_at,
    frozen: row.frozen,
    creditLimit: row.credit_limit,
  };
}

export function getWalletSummary(session: DbSession, walletId: string): Promise<WalletSummary> {
  return withUser(session, (tx) => summaryIn(tx, walletId));
}

/**
 * A fingerprint of each wallet the caller spends from (their own, their orgs'), keyed `personal`
 * or `org:<id>`: the cached ledger totals, which change with every movement of the wallet (posted
 * totals only grow), so an open page notices money moved by someone else (a refund, a grant, a
 * transfer in) by comparing two cheap reads instead of polling every balance.
 */
export async function getWalletVersions(session: DbSession): Promise<Record<string, string>> {
  const rows = await withUser(
    session,
    (tx) => tx<{ org_id: string | null; version: string }[]>`
      select a.org_id,
             a.credits_posted || '.' || a.debits_posted || '.' || a.debits_pending as version
      from public.accounts a
      where a.user_id = ${session.userId}
         or a.org_id in (select m.org_id from public.organization_members m
                         where m.user_id = ${session.userId})`,
  );
  return Object.fromEntries(
    rows.map((row) => [row.org_id ? `org:${row.org_id}` : 'personal', row.version]),
  );
}

export interface CreditLine {
  /** The line in force now (0 while frozen). */
  creditLimit: bigint;
  /** The admin's limit for this wallet, else its plan's. */
  configuredLimit: bigint;
  override: boolean;
  /** An unpaid invoice paused spending past zero. */
  frozen: boolean;
  /** Postpaid usage not yet settled by a paid invoice. */
  owed: bigint;
  /** Postpaid usage since the calendar month began (UTC). */
  usedThisMonth: bigint;
}

/** Pay-as-you-go: the wallet's credit line and what it owes (null when it has neither). */
export async function getCreditLine(
  session: DbSession,
  walletId: string,
): Promise<CreditLine | null> {
  const [row] = await withUser(session, (tx) =>
    tx<
      {
        credit_limit: bigint;
        configured_limit: bigint;
        override: boolean;
        frozen: boolean;
        owed: bigint;
        owed_this_period: bigint;
      }[]
    >`select credit_limit, configured_limit, override, frozen, owed, owed_this_period
      from public.postpaid_summary(${walletId})`.catch(ledgerError),
  );
  if (!row || (row.configured_limit === 0n && row.owed === 0n && !row.frozen)) return null;
  return {
    creditLimit: row.credit_limit,
    configuredLimit: row.configured_limit,
    override: row.override,
    frozen: row.frozen,
    owed: row.owed,
    usedThisMonth: row.owed_this_period,
  };
}
