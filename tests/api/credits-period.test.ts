import { beforeAll, describe, expect, it } from 'vitest';
import { GET as personalUsage } from '../../app/api/credits/usage/route';
import { GET as orgUsage } from '../../app/api/orgs/[orgId]/credits/usage/route';
import { recordUsage } from '../../lib/usage';
import {
  createOrg,
  createUser,
  db,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { asUser, CREDIT, clocked, grant, walletOf } from '../helpers/ledger';
import { consume, subscribe } from '../helpers/plans';

/**
 * The credits usage API's grant, model, feature and member views: this period's plan grant
 * against what the wallet really spent (spends and usage charges less refunds, never transfers),
 * allowances used, and AI usage by model, feature and member, checked against the database.
 */

let pro: TestUser, owner: TestUser, member: TestUser, stranger: TestUser, free: TestUser;
let org: { id: string };
let personalWallet: string, orgWallet: string;

async function spend(
  user: TestUser,
  wallet: string,
  amount: bigint,
  category: string,
  key: string,
) {
  return asUser(user, async (tx) => {
    const [row] = await tx<{ transfer_id: bigint }[]>`
      select transfer_id from public.credit_spend(${wallet}, ${amount.toString()}::bigint, ${category}, ${key})`;
    return row!.transfer_id;
  });
}

async function personal(user: TestUser | undefined, query: string) {
  return personalUsage(await request(`/api/credits/usage?${query}`, { user }));
}

async function ofOrg(user: TestUser | undefined, query: string) {
  return orgUsage(
    await request(`/api/orgs/${org.id}/credits/usage?${query}`, { user }),
    routeParams({ orgId: org.id }),
  );
}

async function problem(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as { code: string; detail: string };
}

beforeAll(async () => {
  pro = await createUser('Period Pro');
  owner = await createUser('Period Owner');
  member = await createUser('Period Member');
  stranger = await createUser('Period Stranger');
  free = await createUser('Period Free');
  org = await createOrg(owner, [
    { user: member, role: 'member' },
    { user: pro, role: 'admin' },
  ]);
  // Upgrading from Free issues the plan's monthly credits for the current period.
  await subscribe('user', pro.id, 'pro');
  await subscribe('org', org.id, 'enterprise');
  personalWallet = await walletOf({ userId: pro.id });
  orgWallet = await walletOf({ orgId: org.id });
  await grant(personalWallet, 50n * CREDIT); // purchased credits on top of the plan's
});

describe('GET /api/credits/usage?view=grant', () => {
  it("counts this period's spending against the plan grant; refunds come off, transfers do not count", async () => {
    const first = await spend(pro, personalWallet, 70n * CREDIT, 'ai_usage', 'p-1');
    await spend(pro, personalWallet, 20n * CREDIT, 'marketplace', 'p-2');
    await clocked(
      undefined,
      (tx) => tx`
      select * from public.credit_refund(${first.toString()}::bigint, ${(5n * CREDIT).toString()}::bigint, 'p-refund')`,
    );
    await asUser(
      pro,
      (tx) => tx`
      select * from public.credit_transfer(${personalWallet}, ${orgWallet}, ${(3n * CREDIT).toString()}::bigint, 'p-move')`,
    );
    await consume(pro, 'user', pro.id, 'forecast', 2, 'p-forecast');

    const response = await personal(pro, 'view=grant');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      planId: string;
      grant: string;
      spent: string;
      usedBasisPoints: number;
      periodStart: string;
      periodEnd: string;
      allowances: { tokenType: string; allowance: number; used: number }[];
    };

    // The truth, straight from the tables (superuser, no RLS).
    const [sub] = await db()<{ current_period_start: Date; current_period_end: Date }[]>`
      select current_period_start, current_period_end from public.subscriptions
      where subject_kind = 'user' and subject_id = ${pro.id}`;
    const [plan] = await db()<{ monthly_credit_grant: bigint }[]>`
      select monthly_credit_grant from public.plans where id = 'pro'`;

    expect(body.planId).toBe('pro');
    expect(body.grant).toBe(plan!.monthly_credit_grant.toString());
    expect(body.grant).toBe((100n * CREDIT).toString());
    expect(body.spent).toBe((85n * CREDIT).toString()); // 70 + 20 − 5; the transfer is no spend
    expect(body.usedBasisPoints).toBe(8_500);
    expect(new Date(body.periodStart).getTime()).toBe(sub!.current_period_start.getTime());
    expect(new Date(body.periodEnd).getTime()).toBe(sub!.current_period_end.getTime());
    expect(body.allowances.find((row) => row.tokenType === 'forecast')).toMatchObject({
      allowance: 400,
      used: 8,
    });
  });

  it('a plan without a monthly grant reports 0 % rather than dividing by zero', async () => {
    const response = await personal(free, 'view=grant');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      planId: 'free',
      grant: '0',
      spent: '0',
      usedBasisPoints: 0,
      allowances: [],
    });
  });

  it("every org member sees the org's grant progress; a stranger gets 404", async () => {
    await spend(member, orgWallet, 125n * CREDIT, 'ai_usage', 'o-1');
    const response = await ofOrg(member, 'view=grant');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      planId: 'enterprise',
      grant: (500n * CREDIT).toString(),
      spent: (125n * CREDIT).toString(),
      usedBasisPoints: 2_500,
    });
    const hidden = await ofOrg(stranger, 'view=grant');
    expect(hidden.status).toBe(404);
    expect((await problem(hidden)).code).toBe('not_found');
    expect((await ofOrg(undefined, 'view=grant')).status).toBe(401);
  });
});

describe('GET /api/credits/usage?view=model|feature|member', () => {
  it('AI usage by model and by feature, credits and tokens from the usage records', async () => {
    const calls = [
      { model: 'gpt-4o', feature: 'forecast', credits: 3_000_000n, input: 1000, output: 500 },
      { model: 'gpt-4o', feature: 'assistant', credits: 1_000_000n, input: 200, output: 100 },
      { model: 'gpt-4o-mini', feature: 'assistant', credits: 250_000n, input: 400, output: 50 },
    ];
    for (const [n, call] of calls.entries()) {
      await recordUsage({
        subject: { kind: 'user', id: pro.id },
        actorId: pro.id,
        provider: 'openai',
        model: call.model,
        operation: 'chat',
        feature: call.feature,
        inputTokens: call.input,
        outputTokens: call.output,
        creditsCharged: call.credits,
        requestId: `period-call-${n}`,
      });
    }

    const byModel = await personal(pro, 'view=model&period=7d');
    expect(byModel.status).toBe(200);
    expect(await byModel.json()).toMatchObject({
      view: 'model',
      period: '7d',
      total: '4250000',
      rows: [
        { label: 'gpt-4o', detail: 'openai', credits: '4000000', tokens: 1800, events: 2 },
        { label: 'gpt-4o-mini', detail: 'openai', credits: '250000', tokens: 450, events: 1 },
      ],
    });

    const byFeature = await personal(pro, 'view=feature');
    expect(await byFeature.json()).toMatchObject({
      view: 'feature',
      total: '4250000',
      rows: [
        { key: 'forecast', label: 'Forecast', credits: '3000000', tokens: 1500 },
        { key: 'assistant', label: 'Assistant', credits: '1250000', tokens: 750 },
      ],
    });
  });

  it('members: owners see what each member spent from the org wallet; members get 403', async () => {
    await spend(owner, orgWallet, 10n * CREDIT, 'premium_feature', 'o-2');
    const response = await ofOrg(owner, 'view=member&period=30d');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      total: string;
      rows: { key: string; credits: string; events: number }[];
    };
    expect(body.total).toBe((135n * CREDIT).toString());
    expect(body.rows.map((row) => [row.key, row.credits, row.events])).toEqual([
      [member.id, (125n * CREDIT).toString(), 1],
      [owner.id, (10n * CREDIT).toString(), 1],
    ]);

    const refused = await ofOrg(member, 'view=member');
    expect(refused.status).toBe(403);
    await problem(refused);
  });

  it('bad input is a clear 422 and changes nothing', async () => {
    const [before] = await db()<
      { n: bigint }[]
    >`select count(*)::bigint as n from public.transfers`;
    const personalMembers = await personal(pro, 'view=member');
    expect(personalMembers.status).toBe(422);
    expect((await problem(personalMembers)).detail).toMatch(/organization wallets/);
    const unknownView = await personal(pro, 'view=planets');
    expect(unknownView.status).toBe(422);
    expect((await problem(unknownView)).detail).toMatch(/^query\.view/);
    expect((await personal(pro, 'view=model&period=1y')).status).toBe(422);
    const [after] = await db()<{ n: bigint }[]>`select count(*)::bigint as n from public.transfers`;
    expect(after!.n).toBe(before!.n);
  });

  it('the default view is still the category report with its daily series', async () => {
    const response = await personal(pro, 'period=7d');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      total: string;
      byCategory: { category: string; amount: string }[];
      daily: unknown[];
    };
    expect(body.total).toBe((85n * CREDIT).toString());
    expect(body.daily).toHaveLength(7);
    expect(body.byCategory).toEqual([
      { category: 'ai_usage', amount: (65n * CREDIT).toString() },
      { category: 'marketplace', amount: (20n * CREDIT).toString() },
    ]);
  });
});
