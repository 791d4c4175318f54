import { beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  claimsFor,
  createOrg,
  createUser,
  db,
  outcome,
  type TestUser,
} from '../helpers/fixtures';
import { walletOf } from '../helpers/ledger';

/**
 * Who may read the billing tables and call the billing and team functions: service-only
 * functions refuse every API role (no execute, and a TG403 inside besides), signed-in people
 * read only their own payments (org payments: owners and admins), and nobody writes directly.
 */

let owner: TestUser, member: TestUser, stranger: TestUser;
let orgWallet: string;
let personal: string;

beforeAll(async () => {
  owner = await createUser('Owner');
  member = await createUser('Member');
  stranger = await createUser('Stranger');
  const org = await createOrg(owner, [{ user: member, role: 'member' }]);
  orgWallet = await walletOf({ orgId: org.id });
  personal = await walletOf({ userId: member.id });
  const [pkg] = await db()`select id from public.credit_packages where slug = 'starter'`;
  for (const [wallet, buyer, key] of [
    [orgWallet, owner.id, 'org-attempt'],
    [personal, member.id, 'own-attempt'],
  ] as const) {
    await db()`
      insert into public.payments (account_id, package_id, buyer_id, kind, provider, attempt_key,
                                   package_name, amount, currency, credits)
      values (${wallet}, ${pkg!.id}, ${buyer}, 'checkout', 'local', ${key}, 'Starter', 1000, 'usd', 100000000)`;
  }
});

const user = (who: TestUser) => ['authenticated', claimsFor(who.id)] as const;

describe('service-only functions', () => {
  const calls: Record<string, string> = {
    stripe_event_ignore: `select public.stripe_event_ignore('evt_x', 'customer.created')`,
    payment_fulfil: `select * from public.payment_fulfil('evt_x', 't', null, 'cs_x', null, 1, 'usd', null, null, null, null, null)`,
    payment_refunded: `select * from public.payment_refunded('evt_x', 't', 'pi_x', 1)`,
    payment_dispute_opened: `select * from public.payment_dispute_opened('evt_x', 't', 'dp_x', 'pi_x', 1, null)`,
    auto_recharge_claim: `select * from public.auto_recharge_claim(1)`,
    billing_customer_save: `select public.billing_customer_save(gen_random_uuid(), 'local', 'cus_x')`,
    credit_package_set_stripe_ids: `select public.credit_package_set_stripe_ids(gen_random_uuid(), null, null)`,
  };
  for (const [name, sql] of Object.entries(calls)) {
    it(`${name}: anon and authenticated have no execute`, async () => {
      expect(await as('anon', null, (tx) => outcome(() => tx.unsafe(sql)))).toBe('42501');
      expect(await as(...user(owner), (tx) => outcome(() => tx.unsafe(sql)))).toBe('42501');
      expect(
        await as('service_role', { role: 'service_role' }, (tx) => outcome(() => tx.unsafe(sql))),
      ).not.toBe('42501');
    });
  }
});

describe('tables', () => {
  it('payments: your own, and an org’s only for its owners and admins', async () => {
    const read = (who: TestUser) =>
      as(...user(who), (tx) => tx`select attempt_key from public.payments order by attempt_key`);
    expect((await read(owner)).map((row) => row.attempt_key)).toEqual(['org-attempt']);
    expect((await read(member)).map((row) => row.attempt_key)).toEqual(['own-attempt']);
    expect(await read(stranger)).toEqual([]);
  });

  it('nobody writes billing or team tables directly', async () => {
    const statements = [
      `insert into public.stripe_events (id, type, status) values ('evt_y', 't', 'ignored')`,
      `update public.payments set status = 'paid'`,
      `insert into public.org_member_limits (account_id, user_id, monthly_limit) values ('${orgWallet}', '${member.id}', 0)`,
      `update public.org_member_usage set used = 0`,
      `update public.credit_packages set price_amount = 50`,
      `update public.accounts set auto_recharge_below = 1`,
      `select token_hash from public.organization_invitations`,
      `select * from public.billing_customers`,
    ];
    for (const statement of statements) {
      expect(await as(...user(owner), (tx) => outcome(() => tx.unsafe(statement))), statement).toBe(
        '42501',
      );
    }
  });

  it('packages: active ones for everyone signed in, edits for platform admins only', async () => {
    const seen = await as(
      ...user(stranger),
      (tx) => tx`select slug from public.credit_packages order by sort_order`,
    );
    expect(seen.map((row) => row.slug)).toEqual(['starter', 'growth', 'scale']);
    const upsert = `select public.credit_package_upsert(null, 'mega', 'Mega', '', 1, 0, null, 100, 'usd', true, 0::smallint)`;
    expect(await as(...user(owner), (tx) => outcome(() => tx.unsafe(upsert)))).toBe('TG403');
    await db()`update public.profiles set is_platform_admin = true where id = ${stranger.id}`;
    expect(await as(...user(stranger), (tx) => outcome(() => tx.unsafe(upsert)))).toBe('ok');
  });

  it('buying for an org: owners yes, members TG403, strangers TG404', async () => {
    const [pkg] = await db()`select id from public.credit_packages where slug = 'growth'`;
    const begin = (who: TestUser) =>
      as(...user(who), (tx) =>
        outcome(
          () => tx`select * from public.payment_begin(${orgWallet}, ${pkg!.id}, 'k', 'local')`,
        ),
      );
    expect(await begin(owner)).toBe('ok');
    expect(await begin(member)).toBe('TG403');
    expect(await begin(stranger)).toBe('TG404');
  });
});
