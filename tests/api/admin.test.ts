import { beforeAll, describe, expect, it, vi } from 'vitest';
import { spendCredits } from '../../lib/credits';
import {
  getAdminOverview,
  grantAdminCredits,
  listAdminGrants,
  listTokenTypesForAdmin,
} from '../../lib/admin';
import { updateProfileName } from '../../lib/profile';
import { startLocalSession } from '../../lib/auth/local-sessions';
import { createOrg, createUser, db, outcome, type TestUser } from '../helpers/fixtures';
import { available, CREDIT, grant, ledgerCheck, walletOf } from '../helpers/ledger';

/**
 * lib/admin (platform-wide reads and audited grants), lib/profile and the server actions on top
 * of them. Actions read the session cookie through next/headers, so that one module is faked.
 */

let cookieJar: { name: string; value: string }[] = [];
vi.mock('next/headers', () => ({ cookies: async () => ({ getAll: () => cookieJar }) }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const { grantCreditsAction } = await import('../../app/(admin)/admin/grants/actions');
const { updateProfileNameAction } = await import('../../app/(dashboard)/settings/actions');
const { savePlanAction, saveAllowancesAction, saveTokenTypeAction } =
  await import('../../app/(admin)/admin/plans/actions');

async function signInAs(user: TestUser) {
  cookieJar = [
    {
      name: 'tollgate-session',
      value: await startLocalSession({ id: user.id, email: user.email }),
    },
  ];
}

let admin: TestUser, owner: TestUser, plain: TestUser;
let risky: { id: string; slug: string }, healthy: { id: string; slug: string };

beforeAll(async () => {
  admin = await createUser('Platform Admin');
  owner = await createUser('Org Owner');
  plain = await createUser('Plain User');
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
  risky = await createOrg(owner);
  healthy = await createOrg(owner);
  const riskyWallet = await walletOf({ orgId: risky.id });
  const healthyWallet = await walletOf({ orgId: healthy.id });
  await grant(riskyWallet, 10n * CREDIT);
  await grant(healthyWallet, 100n * CREDIT);
  await spendCredits(owner.session, {
    walletId: riskyWallet,
    amount: 6n * CREDIT,
    category: 'ai_usage',
    idempotencyKey: 'risky-spend',
  });
  await spendCredits(owner.session, {
    walletId: healthyWallet,
    amount: 1n * CREDIT,
    category: 'marketplace',
    idempotencyKey: 'healthy-spend',
  });
});

describe('getAdminOverview', () => {
  it('spending per day and category, top orgs, and orgs out of credits within 7 days', async () => {
    const overview = await getAdminOverview(admin.session);
    expect(overview.usage.daily).toHaveLength(30);
    const today = new Date().toISOString().slice(0, 10);
    const day = overview.usage.daily.find((row) => row.day === today);
    expect(day?.byCategory.ai_usage).toBeGreaterThanOrEqual(6n * CREDIT);
    expect(day?.byCategory.marketplace).toBeGreaterThanOrEqual(1n * CREDIT);
    expect(overview.usage.total).toBe(
      overview.usage.daily.reduce((sum, row) => sum + row.total, 0n),
    );

    const slugs = overview.topOrgs.map((org) => org.slug);
    expect(slugs.indexOf(risky.slug)).toBeLessThan(slugs.indexOf(healthy.slug));
    expect(overview.topOrgs.find((org) => org.slug === risky.slug)?.spent).toBe(6n * CREDIT);

    const atRisk = overview.atRisk.find((org) => org.slug === risky.slug);
    expect(atRisk).toMatchObject({ available: 4n * CREDIT, burn7d: 6n * CREDIT, daysLeft: 4 });
    expect(overview.atRisk.some((org) => org.slug === healthy.slug)).toBe(false);
  });

  it('is not found for anyone but a platform admin', async () => {
    expect(await outcome(() => getAdminOverview(plain.session))).toBe('not_found');
    expect(await outcome(() => getAdminOverview(owner.session))).toBe('not_found');
  });
});

describe('grantAdminCredits', () => {
  it('grants to a user by email with the reason and the admin on the transfer, once per key', async () => {
    const wallet = await walletOf({ userId: plain.id });
    const before = await available(wallet);
    const input = {
      target: plain.email,
      amount: '12.5',
      reason: 'Outage goodwill',
      idempotencyKey: 'grant-1-abc',
    };
    const first = await grantAdminCredits(admin.session, input);
    const again = await grantAdminCredits(admin.session, input);
    expect(first).toMatchObject({ amount: 12_500_000n, walletLabel: plain.email, replayed: false });
    expect(again).toMatchObject({ transferId: first.transferId, replayed: true });
    expect(await available(wallet)).toBe(before + 12_500_000n);

    const [row] = await db()<{ description: string; metadata: Record<string, string> }[]>`
      select description, metadata from public.transfers where id = ${first.transferId.toString()}`;
    expect(row).toMatchObject({
      description: 'Outage goodwill',
      metadata: { reason: 'Outage goodwill', grantedBy: admin.id },
    });
    const listed = await listAdminGrants(admin.session);
    expect(listed[0]).toMatchObject({
      transferId: first.transferId,
      recipient: plain.email,
      reason: 'Outage goodwill',
      grantedBy: admin.email,
    });
    await ledgerCheck();
  });

  it('grants to an org by slug', async () => {
    const result = await grantAdminCredits(admin.session, {
      target: healthy.slug,
      amount: '5',
      reason: 'Pilot credits',
      idempotencyKey: 'grant-org-1',
    });
    expect(result.walletLabel).toBe(healthy.slug);
  });

  it('refuses a missing reason, a bad amount, an unknown wallet and a non-admin', async () => {
    const base = {
      target: plain.email,
      amount: '5',
      reason: 'Because',
      idempotencyKey: 'grant-x-123',
    };
    expect(await outcome(() => grantAdminCredits(admin.session, { ...base, reason: ' ' }))).toBe(
      'validation_failed',
    );
    expect(await outcome(() => grantAdminCredits(admin.session, { ...base, amount: '-3' }))).toBe(
      'validation_failed',
    );
    expect(await outcome(() => grantAdminCredits(admin.session, { ...base, amount: '0' }))).toBe(
      'validation_failed',
    );
    expect(
      await outcome(() => grantAdminCredits(admin.session, { ...base, target: 'nobody-here' })),
    ).toBe('not_found');
    expect(await outcome(() => grantAdminCredits(plain.session, base))).toBe('not_found');
    expect(await outcome(() => listAdminGrants(plain.session))).toBe('not_found');
  });
});

describe('grantCreditsAction', () => {
  it('grants as the signed-in admin and returns readable errors otherwise', async () => {
    await signInAs(admin);
    const ok = await grantCreditsAction({ target: owner.email, amount: '3', reason: 'Thanks' });
    expect(ok).toMatchObject({ ok: true, data: { amount: '3000000', replayed: false } });

    const bad = await grantCreditsAction({ target: owner.email, amount: '3', reason: '' });
    expect(bad).toMatchObject({ ok: false, error: { status: 422 } });
    if (!bad.ok) expect(bad.error.detail).toMatch(/reason/i);

    await signInAs(plain);
    const denied = await grantCreditsAction({ target: plain.email, amount: '3', reason: 'Mine' });
    expect(denied).toMatchObject({ ok: false, error: { status: 404 } });

    cookieJar = [];
    const anonymous = await grantCreditsAction({ target: plain.email, amount: '3', reason: 'x' });
    expect(anonymous).toMatchObject({ ok: false, error: { status: 401 } });
  });
});

describe('profile name', () => {
  it('updates the viewer’s own name only, trimmed, and refuses an empty one', async () => {
    expect(await updateProfileName(plain.session, { fullName: '  Plain Person ' })).toEqual({
      fullName: 'Plain Person',
    });
    expect(await outcome(() => updateProfileName(plain.session, { fullName: '  ' }))).toBe(
      'validation_failed',
    );
    await signInAs(owner);
    expect(await updateProfileNameAction({ fullName: 'Owner Renamed' })).toEqual({
      ok: true,
      data: { fullName: 'Owner Renamed' },
    });
    const names = await db()<{ id: string; full_name: string }[]>`
      select id, full_name from public.profiles where id in (${plain.id}, ${owner.id}) order by full_name`;
    expect(names.map((row) => row.full_name)).toEqual(['Owner Renamed', 'Plain Person']);
  });
});

describe('plan editor actions', () => {
  const team = {
    id: 'team_e2e',
    name: 'Team',
    description: 'For small teams',
    tier: '15',
    monthlyCredits: '50.5',
    monthlyLlmTokenLimit: '',
    requestsPerHour: '500',
    byokCountsTowardLimits: false,
    overagePolicy: 'block' as const,
    overageCreditsPerToken: '0',
    isActive: true,
  };

  it('saves a plan, its allowances and a token type as a platform admin', async () => {
    await signInAs(admin);
    expect(await savePlanAction(team)).toEqual({ ok: true, data: { id: 'team_e2e' } });
    const [plan] = await db()<
      { monthly_credit_grant: bigint; monthly_llm_token_limit: bigint | null }[]
    >`
      select monthly_credit_grant, monthly_llm_token_limit from public.plans where id = 'team_e2e'`;
    expect(plan).toEqual({ monthly_credit_grant: 50_500_000n, monthly_llm_token_limit: null });

    expect(
      await saveAllowancesAction({
        planId: 'team_e2e',
        allowances: [{ tokenType: 'general', monthlyAllowance: 1234 }],
      }),
    ).toEqual({ ok: true, data: { saved: 1 } });
    const [allowance] = await db()<{ monthly_allowance: bigint }[]>`
      select monthly_allowance from public.plan_token_allowances
      where plan_id = 'team_e2e' and token_type = 'general'`;
    expect(allowance?.monthly_allowance).toBe(1234n);

    const general = (await listTokenTypesForAdmin(admin.session)).find((t) => t.name === 'general');
    expect(general).toBeDefined();
    expect(
      await saveTokenTypeAction({ ...general!, label: 'General use', costPerAction: 7 }),
    ).toEqual({ ok: true, data: { name: 'general' } });
    const [type] = await db()<{ label: string; cost_per_action: number; sort_order: number }[]>`
      select label, cost_per_action, sort_order from public.token_types where name = 'general'`;
    expect(type).toEqual({
      label: 'General use',
      cost_per_action: 7,
      sort_order: general!.sortOrder,
    });
  });

  it('explains bad input and refuses non-admins', async () => {
    await signInAs(admin);
    const bad = await savePlanAction({ ...team, requestsPerHour: '0' });
    expect(bad).toMatchObject({ ok: false, error: { status: 422 } });
    if (!bad.ok) expect(bad.error.detail).toMatch(/Requests per hour/);
    const credits = await savePlanAction({ ...team, overagePolicy: 'credits' });
    expect(credits).toMatchObject({ ok: false, error: { status: 422 } });

    await signInAs(plain);
    expect(await savePlanAction(team)).toMatchObject({ ok: false, error: { status: 403 } });
    expect(
      await saveAllowancesAction({
        planId: 'team_e2e',
        allowances: [{ tokenType: 'general', monthlyAllowance: 1 }],
      }),
    ).toMatchObject({ ok: false, error: { status: 403 } });
    expect(await outcome(() => listTokenTypesForAdmin(plain.session))).toBe('not_found');
  });
});
