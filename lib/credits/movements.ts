import 'server-only';
import { one } from '@/lib/core';
import { z } from 'zod';
import { asService, withUser, type DbSession, type Tx } from '@/lib/db';
import { batched, emptyRow, type BatchRow } from './batch';
import { ledgerError } from './errors';
import {
  CATEGORIES,
  LOT_SOURCES,
  description,
  holdId,
  idempotencyKey,
  metadata,
  microAmount,
  microAmountOrZero,
  walletId,
} from './schemas';

/**
 * Every movement of value, each one SQL function call. Inputs are parsed with zod first, so bad
 * input never reaches the database; the database then checks the caller and the balance.
 */

const spendInput = z.object({
  walletId,
  amount: microAmount,
  category: z.enum(CATEGORIES),
  idempotencyKey,
  description,
  metadata,
});
type SpendInput = z.input<typeof spendInput>;

interface SpendResult {
  transferId: bigint;
  amount: bigint;
  available: bigint;
  replayed: boolean;
}

export async function spendCredits(session: DbSession, input: SpendInput): Promise<SpendResult> {
  const args = spendInput.parse(input);
  const single = async () => {
    const row = one(
      await withUser(
        session,
        (tx) =>
          tx<Pick<BatchRow, 'transfer_id' | 'amount' | 'available' | 'replayed'>[]>`
        select transfer_id, amount, available, replayed from public.credit_spend(${args.walletId},
          ${args.amount.toString()}::bigint, ${args.category}, ${args.idempotencyKey},
          ${args.description ?? null}, ${tx.json(args.metadata)})`,
      ),
      'result of credit_spend',
    );
    return { ...emptyRow, ...row };
  };
  // Group commit: the same credit_spend, as the same user, sharing one commit with its neighbours.
  const row = await batched(
    {
      op: 'spend',
      claims: session.claims,
      wallet: args.walletId,
      amount: args.amount.toString(),
      category: args.category,
      key: args.idempotencyKey,
      description: args.description ?? null,
      metadata: args.metadata,
    },
    single,
  ).catch(ledgerError);
  return {
    transferId: row.transfer_id!,
    amount: row.amount!,
    available: row.available!,
    replayed: row.replayed!,
  };
}

const reserveInput = spendInput.extend({
  ttlSeconds: z.number().int().min(1).max(86_400).default(300),
});
export type ReserveInput = z.input<typeof reserveInput>;

export interface Hold {
  holdId: bigint;
  amount: bigint;
  expiresAt: Date;
  available: bigint;
  replayed: boolean;
}

/**
 * Holds credits for a call whose cost is known afterwards. Pass `tx` (a transaction already open
 * as the same user) to reserve inside it: the gateway's admission does, so a refused hold also
 * undoes the rate-limit hit taken in the same transaction.
 */
export async function reserveCredits(
  session: DbSession,
  input: ReserveInput,
  tx?: Tx,
): Promise<Hold> {
  const args = reserveInput.parse(input);
  const run = (t: Tx) =>
    t<
      {
        hold_id: bigint;
        amount: bigint;
        expires_at: Date;
        available: bigint;
        replayed: boolean;
      }[]
    >`
      select * from public.credit_reserve(${args.walletId}, ${args.amount.toString()}::bigint, ${args.category},
        ${args.idempotencyKey}, ${args.ttlSeconds}, ${args.description ?? null}, ${t.json(args.metadata)})`;
  const single = async (t: Tx) => one(await run(t), 'result of credit_reserve');
  if (tx) {
    const row = await single(tx).catch(ledgerError);
    return {
      holdId: row.hold_id,
      amount: row.amount,
      expiresAt: row.expires_at,
      available: row.available,
      replayed: row.replayed,
    };
  }
  const row = await batched(
    {
      op: 'reserve',
      claims: session.claims,
      wallet: args.walletId,
      amount: args.amount.toString(),
      category: args.category,
      key: args.idempotencyKey,
      ttl: args.ttlSeconds,
      description: args.description ?? null,
      metadata: args.metadata,
    },
    async () => ({ ...emptyRow, ...(await withUser(session, single)) }),
  ).catch(ledgerError);
  return {
    holdId: row.hold_id!,
    amount: row.amount!,
    expiresAt: row.expires_at!,
    available: row.available!,
    replayed: row.replayed!,
  };
}

export interface Settlement {
  holdId: bigint;
  transferId: bigint | null;
  posted: bigint;
  released: bigint;
  shortfall: bigint;
  available: bigint;
  replayed: boolean;
}

/**
 * Posts a hold by the actual amount (0 allowed); retries with the same amount replay. Settling is
 * the server's word on what a call cost, so it runs as the service (users cannot settle or void
 * holds themselves); pass `tx` to settle inside a service transaction already open.
 */
export async function settleHold(
  input: { holdId: bigint | number | string; actual: bigint | number | string },
  tx?: Tx,
): Promise<Settlement> {
  const args = z.object({ holdId, actual: microAmountOrZero }).parse(input);
  const run = (t: Tx) =>
    t<
      {
        hold_id: bigint;
        transfer_id: bigint | null;
        posted: bigint;
        released: bigint;
        shortfall: bigint;
        available: bigint;
        replayed: boolean;
      }[]
    >`
      select * from public.credit_settle(${args.holdId.toString()}::bigint, ${args.actual.toString()}::bigint)`;
  const single = async (t: Tx) => one(await run(t), 'result of credit_settle');
  const row = tx
    ? await single(tx).catch(ledgerError)
    : await batched(
        { op: 'settle', hold: args.holdId.toString(), actual: args.actual.toString() },
        async () => ({ ...emptyRow, ...(await asService(single)) }),
      ).catch(ledgerError);
  return {
    holdId: row.hold_id!,
    transferId: row.transfer_id,
    posted: row.posted!,
    released: row.released!,
    shortfall: row.shortfall!,
    available: row.available!,
    replayed: row.replayed!,
  };
}

/** Releases a pending hold in full; as the service, like settling (pass `tx` to join one). */
export async function voidHold(
  input: { holdId: bigint | number | string },
  tx?: Tx,
): Promise<{ holdId: bigint; released: bigint; available: bigint; replayed: boolean }> {
  const args = z.object({ holdId }).parse(input);
  const run = (t: Tx) =>
    t<{ hold_id: bigint; released: bigint; available: bigint; replayed: boolean }[]>`
      select * from public.credit_void(${args.holdId.toString()}::bigint)`;
  const single = async (t: Tx) => one(await run(t), 'result of credit_void');
  const row = tx
    ? await single(tx).catch(ledgerError)
    : await batched({ op: 'void', hold: args.holdId.toString() }, async () => ({
        ...emptyRow,
        ...(await asService(single)),
      })).catch(ledgerError);
  return {
    holdId: row.hold_id!,
    released: row.released!,
    available: row.available!,
    replayed: row.replayed!,
  };
}

const grantInput = z.object({
  walletId,
  amount: microAmount,
  source: z.enum(LOT_SOURCES),
  idempotencyKey,
  expiresAt: z.date().optional(),
  priority: z.number().int().min(-100).max(100).optional(),
  description,
  metadata,
  category: z.enum(CATEGORIES).default('other'),
});
type GrantInput = z.input<typeof grantInput>;

/** Service only: issues credits as a new lot. Callers check that the actor may grant. */
export async function grantCredits(
  input: GrantInput,
): Promise<{ transferId: bigint; lotId: bigint; available: bigint; replayed: boolean }> {
  const args = grantInput.parse(input);
  const row = one(
    await asService(
      (tx) =>
        tx<{ transfer_id: bigint; lot_id: bigint; available: bigint; replayed: boolean }[]>`
      select * from public.credit_grant(${args.walletId}, ${args.amount.toString()}::bigint, ${args.source},
        ${args.idempotencyKey}, ${args.expiresAt ?? null}, ${args.priority ?? null}::smallint,
        ${args.description ?? null}, ${tx.json(args.metadata)}, ${args.category})`,
    ).catch(ledgerError),
    'result of credit_grant',
  );
  return {
    transferId: row.transfer_id,
    lotId: row.lot_id,
    available: row.available,
    replayed: row.replayed,
  };
}

const transferInput = z.object({
  fromWalletId: walletId,
  toWalletId: walletId,
  amount: microAmount,
  idempotencyKey,
  description,
});
type TransferInput = z.input<typeof transferInput>;

export async function transferCredits(
  session: DbSession,
  input: TransferInput,
): Promise<SpendResult> {
  const args = transferInput.parse(input);
  const row = one(
    await withUser(
      session,
      (tx) =>
        tx<{ transfer_id: bigint; amount: bigint; available: bigint; replayed: boolean }[]>`
      select * from public.credit_transfer(${args.fromWalletId}, ${args.toWalletId},
        ${args.amount.toString()}::bigint, ${args.idempotencyKey}, ${args.description ?? null})`,
    ).catch(ledgerError),
    'result of credit_transfer',
  );
  return {
    transferId: row.transfer_id,
    amount: row.amount,
    available: row.available,
    replayed: row.replayed,
  };
}

/** Expires due holds and lots; called by the maintenance tick. */
export async function runLedgerMaintenance(limit = 1000) {
  const row = one(
    await asService(
      (tx) =>
        tx<{ accounts_swept: number; holds_expired: number; lots_expired: number }[]>`
      select * from public.credit_maintenance(${limit})`,
    ),
    'result of credit_maintenance',
  );
  return {
    accountsSwept: row.accounts_swept,
    holdsExpired: row.holds_expired,
    lotsExpired: row.lots_expired,
  };
}
