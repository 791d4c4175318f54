import { beforeAll, describe, expect, it } from 'vitest';
import { GET as maintenance } from '../../app/api/cron/maintenance/route';
import { GET as autoRecharge } from '../../app/api/cron/auto-recharge/route';
import { createUser, db, type TestUser } from '../helpers/fixtures';
import { CREDIT, asUser, grant, ledgerCheck, walletOf } from '../helpers/ledger';

const SECRET = 'cron-secret-for-tests-0123456789';
let user: TestUser;

beforeAll(() => {
  // env() is read lazily, so the secret only has to be in place before the first request.
  process.env.CRON_SECRET = SECRET;
});

const call = (handler: (request: Request) => Promise<Response>, authorization?: string) =>
  handler(
    new Request('http://localhost:3000/api/cron/maintenance', {
      headers: authorization ? { authorization } : {},
    }),
  );

describe('cron routes', () => {
  it.each([
    ['no header', undefined],
    ['a wrong secret', 'Bearer not-the-secret'],
    ['a secret of another length', `Bearer ${SECRET}x`],
  ])('refuse %s with 401 problem+json', async (_label, authorization) => {
    for (const handler of [maintenance, autoRecharge]) {
      const response = await call(handler, authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('the maintenance tick expires an abandoned hold and keeps the books balanced', async () => {
    user = await createUser('Abandoned');
    const wallet = await walletOf({ userId: user.id });
    await grant(wallet, 10n * CREDIT);
    const [hold] = await asUser(
      user,
      (tx) =>
        tx`select hold_id from public.credit_reserve(${wallet}, ${(4n * CREDIT).toString()}::bigint, 'ai_usage', 'left-behind', 1)`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    const response = await call(maintenance, `Bearer ${SECRET}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      ledger: { holdsExpired: number };
      allowances: Record<string, number>;
      autoRecharge: { dispatched: number };
    };
    expect(body.ledger.holdsExpired).toBeGreaterThanOrEqual(1);
    expect(body.autoRecharge).toEqual({ dispatched: 0 });
    const [row] =
      await db()`select status from public.holds where id = ${String(hold!.hold_id)}::bigint`;
    expect(row!.status).toBe('expired');
    const [account] = await db()`select debits_pending from public.accounts where id = ${wallet}`;
    expect(account!.debits_pending).toBe(0n);
    expect(await ledgerCheck()).toEqual([]);
  });
});
