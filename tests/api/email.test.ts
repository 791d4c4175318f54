import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as invite } from '../../app/api/orgs/[orgId]/invitations/route';
import { POST as accept } from '../../app/api/invitations/[token]/accept/route';
import {
  GET as getPreferences,
  PATCH as patchPreferences,
} from '../../app/api/me/email-preferences/route';
import { POST as unsubscribeRoute } from '../../app/api/email/unsubscribe/route';
import { spendCredits } from '../../lib/credits';
import { sendDueEmails, setEmailRetryPolicy, useSmtpUrl } from '../../lib/mailer';
import {
  createOrg,
  createUser,
  db,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { CREDIT, grant, walletOf } from '../helpers/ledger';
import { linksIn, rawHeader, startTestSmtp, type TestSmtp } from '../helpers/smtp';
import {
  buy,
  completedSession,
  deliver,
  stripeEvent,
  useFakeStripe,
  type FakeStripe,
} from '../helpers/stripe';

/**
 * Notifications and email end to end: each event writes its notification once and queues one
 * email, which the worker's send run delivers to a real SMTP server (parsed with mailparser);
 * retries after SMTP failures never send twice; unsubscribing stops one kind only.
 */

let smtp: TestSmtp;
let stripe: FakeStripe;
let owner: TestUser, invitee: TestUser;
let org: { id: string; slug: string };

beforeAll(async () => {
  stripe = await useFakeStripe(); // also sets APP_URL = https://app.tollgate.test
  smtp = await startTestSmtp();
  useSmtpUrl(smtp.url);
  owner = await createUser('Olivia Owner');
  invitee = await createUser('Ivan Invitee');
  org = await createOrg(owner);
});
afterAll(async () => {
  useSmtpUrl(undefined);
  setEmailRetryPolicy();
  await smtp.close();
  await stripe.close();
});

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

async function notificationsOf(user: TestUser, kind: string) {
  return db()<{ title: string; body: string; link: string | null }[]>`
    select title, body, link from public.notifications
    where user_id = ${user.id} and kind = ${kind} order by id`;
}

async function outboxRow(key: string) {
  const [row] = await db()<
    { status: string; attempts: number; last_error: string | null; next_attempt_at: Date }[]
  >`select status, attempts, last_error, next_attempt_at from public.email_outbox
    where dedupe_key = ${key}`;
  return row;
}

async function inviteByApi(email: string) {
  const response = await invite(
    await request(`/api/orgs/${org.id}/invitations`, {
      user: owner,
      body: { email, role: 'member' },
    }),
    routeParams({ orgId: org.id }),
  );
  expect(response.status).toBe(200);
  return json(response);
}

describe('invitations', () => {
  it('the invitee gets one email whose link accepts the invitation; both sides are notified', async () => {
    const created = await inviteByApi(invitee.email);
    expect(created.emailed).toBe(true);
    // An invitee who already has an account sees it in the bell too.
    expect((await notificationsOf(invitee, 'org.invitation_received'))[0]!.title).toBe(
      `Invitation to join Org ${org.slug}`,
    );

    const run = await sendDueEmails();
    expect(run.sent).toBeGreaterThanOrEqual(1);
    const [mail, ...more] = smtp.to(invitee.email);
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe(`Olivia Owner invited you to Org ${org.slug} on Tollgate`);
    expect(mail!.text).toContain('Accept the invitation');
    // Transactional: no unsubscribe header.
    expect(rawHeader(mail!, 'list-unsubscribe')).toBeUndefined();
    const link = linksIn(mail!).find((href) => href.includes('/invitations/'))!;
    expect(link).toBe(`https://app.tollgate.test${String(created.path)}`);

    const token = new URL(link).pathname.split('/').pop()!;
    const accepted = await accept(
      await request(`/api/invitations/${token}/accept`, { method: 'POST', user: invitee }),
      routeParams({ token }),
    );
    expect(accepted.status).toBe(200);
    const joined = await notificationsOf(owner, 'org.invitation_accepted');
    expect(joined).toHaveLength(1);
    expect(joined[0]!.title).toBe(`Ivan Invitee joined Org ${org.slug}`);
    expect(joined[0]!.link).toBe(`/organizations/${org.slug}/members`);
    await sendDueEmails();
    expect(smtp.to(owner.email).map((m) => m.subject)).toEqual([
      `Ivan Invitee joined Org ${org.slug}`,
    ]);
  });

  it('is sent exactly once through SMTP failures, backoff, retried and overlapping runs', async () => {
    const address = `later.${Date.now()}@example.test`;
    smtp.failing = true;
    const created = await inviteByApi(address);
    const key = `invitation:${String(created.invitationId)}`;

    const failed = await sendDueEmails();
    expect(failed).toMatchObject({ sent: 0, retrying: 1 });
    expect(smtp.refused).toBeGreaterThanOrEqual(1);
    const waiting = await outboxRow(key);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting!.last_error).toMatch(/451/);
    // Backoff: not due again yet, so a run right away sends nothing and changes nothing.
    expect(waiting!.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 20_000);
    expect(await sendDueEmails()).toMatchObject({ sent: 0, retrying: 0 });
    expect((await outboxRow(key))!.attempts).toBe(1);

    // The server recovers; the retry comes due; several runs (job retries) overlap.
    smtp.failing = false;
    await db()`update public.email_outbox set next_attempt_at = now() where dedupe_key = ${key}`;
    await Promise.all([sendDueEmails(), sendDueEmails(), sendDueEmails()]);
    await sendDueEmails();
    expect(smtp.to(address)).toHaveLength(1);
    expect(await outboxRow(key)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });

    // Queueing the same invitation's email again is a no-op (one row per event and recipient).
    await db().begin(async (tx) => {
      await tx`select set_config('role', 'authenticated', true),
        set_config('request.jwt.claims', ${JSON.stringify({ sub: owner.id, role: 'authenticated' })}, true)`;
      await tx`select public.invitation_email_queue(${String(created.invitationId)}, 'x.y.z')`;
    });
    await sendDueEmails();
    expect(smtp.to(address)).toHaveLength(1);
  });

  it('gives up after the last attempt and marks the email failed', async () => {
    setEmailRetryPolicy({ maxAttempts: 1 });
    smtp.failing = true;
    const address = `never.${Date.now()}@example.test`;
    const created = await inviteByApi(address);
    expect(await sendDueEmails()).toMatchObject({ failed: 1 });
    expect(await outboxRow(`invitation:${String(created.invitationId)}`)).toMatchObject({
      status: 'failed',
    });
    smtp.failing = false;
    setEmailRetryPolicy();
    await sendDueEmails();
    expect(smtp.to(address)).toHaveLength(0);
  });
});

describe('purchases and refunds', () => {
  it('a paid purchase notifies the buyer and emails one receipt (webhook replays included)', async () => {
    const buyer = await createUser('Bea Buyer');
    const paymentId = await buy(buyer, 'growth');
    const session = await completedSession(paymentId);
    const event = stripeEvent('checkout.session.completed', session);
    expect((await deliver(event)).status).toBe(200);
    expect((await deliver(event)).status).toBe(200); // a replay
    expect((await notificationsOf(buyer, 'billing.purchase_completed')).map((n) => n.body)).toEqual(
      ['Growth package: 550.00 credits added.'],
    );

    await sendDueEmails();
    const receipts = smtp.to(buyer.email);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.subject).toBe('Your Tollgate receipt: Growth package, $45.00');
    expect(receipts[0]!.text).toContain('500.00');
    expect(receipts[0]!.text).toContain(paymentId);
    expect(rawHeader(receipts[0]!, 'list-unsubscribe')).toBeUndefined();

    // A refund: notified and emailed (transactional) once.
    const intent = String(session.payment_intent);
    const refund = stripeEvent('charge.refunded', {
      id: `ch_for_${intent}`,
      object: 'charge',
      payment_intent: intent,
      amount: 4500,
      amount_refunded: 4500,
    });
    expect((await deliver(refund)).status).toBe(200);
    await deliver(refund);
    const refunded = await notificationsOf(buyer, 'billing.payment_refunded');
    expect(refunded.map((n) => n.title)).toEqual(['Payment refunded']);
    expect(refunded[0]!.body).toContain(
      'All of your Growth package payment was refunded (45.00 USD)',
    );
    await sendDueEmails();
    expect(smtp.to(buyer.email).map((m) => m.subject)).toEqual([
      'Your Tollgate receipt: Growth package, $45.00',
      'Payment refunded',
    ]);
  });
});

describe('credits granted, unsubscribe and preferences', () => {
  it('an admin grant notifies and emails; one click unsubscribes from that kind only', async () => {
    const user = await createUser('Gina Granted');
    const wallet = await walletOf({ userId: user.id });
    await grant(wallet, 12n * CREDIT, { source: 'admin' });
    await grant(wallet, 3n * CREDIT, { source: 'purchase' }); // not a grant: no notification
    const granted = await notificationsOf(user, 'credits.granted');
    expect(granted.map((n) => n.title)).toEqual(['12.00 credits added']);
    expect(granted[0]!.link).toBe('/credits');

    await sendDueEmails();
    const [mail] = smtp.to(user.email);
    expect(mail!.subject).toBe('12.00 credits added');
    expect(rawHeader(mail!, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const header = String(rawHeader(mail!, 'list-unsubscribe'));
    const oneClick = /<([^>]+)>/.exec(header)![1]!;
    expect(oneClick).toMatch(/^https:\/\/app\.tollgate\.test\/api\/email\/unsubscribe\?token=/);
    expect(linksIn(mail!).some((href) => href.includes('/unsubscribe?token='))).toBe(true);

    // A forged token changes nothing.
    const forged = await unsubscribeRoute(
      new Request(oneClick.replace(/.{4}$/, 'AAAA'), {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
      }),
    );
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(forged)).toMatchObject({ status: 400, code: 'bad_request' });

    // The mail client's one-click POST (no session).
    const done = await unsubscribeRoute(
      new Request(oneClick, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      }),
    );
    expect(done.status).toBe(200);
    expect(await json(done)).toEqual({ unsubscribed: 'credits' });
    expect(
      await json(await getPreferences(await request('/api/me/email-preferences', { user }))),
    ).toEqual({ alerts: true, credits: false, team: true });

    // The next grant is still in the bell but not emailed; a receipt still is.
    await grant(wallet, 5n * CREDIT, { source: 'admin' });
    expect(await notificationsOf(user, 'credits.granted')).toHaveLength(2);
    const paymentId = await buy(user, 'starter');
    await deliver(stripeEvent('checkout.session.completed', await completedSession(paymentId)));
    await sendDueEmails();
    expect(smtp.to(user.email).map((m) => m.subject)).toEqual([
      '12.00 credits added',
      'Your Tollgate receipt: Starter package, $10.00',
    ]);
    const [skipped] = await db()<{ status: string }[]>`
      select o.status from public.email_outbox o
      join public.notifications n on o.dedupe_key = 'notification:' || n.id
      where n.user_id = ${user.id} and n.kind = 'credits.granted' order by n.id desc limit 1`;
    expect(skipped!.status).toBe('skipped');
  });

  it('a batch grant notifies each wallet once, with its reason (org wallets: owners and admins)', async () => {
    const first = await createUser('Bo Batch');
    const team = await createOrg(owner);
    const rows = [
      { email: first.email, amount: (7n * CREDIT).toString() },
      { org: team.slug, amount: (9n * CREDIT).toString() },
    ];
    const run = () =>
      db()`select * from public.admin_credit_batch(${db().json(rows)}, 'Launch week bonus', 'batch-email-1')`;
    await run();
    await run(); // idempotent per row: no second grant, no second notification
    const mine = await notificationsOf(first, 'credits.granted');
    expect(mine.map((n) => [n.title, n.body])).toEqual([
      ['7.00 credits added', 'Reason: Launch week bonus.'],
    ]);
    const ownerRows = (await notificationsOf(owner, 'credits.granted')).filter((n) =>
      n.title.includes(team.slug),
    );
    expect(ownerRows.map((n) => n.title)).toEqual([`9.00 credits added to Org ${team.slug}`]);
  });

  it('the preferences API validates with zod and answers problem+json, changing nothing', async () => {
    const user = await createUser('Pat Prefs');
    const patch = async (body: unknown) =>
      patchPreferences(await request('/api/me/email-preferences', { method: 'PATCH', user, body }));
    for (const body of [{}, { alerts: 'no' }, { newsletters: false }, { team: null }]) {
      const refused = await patch(body);
      expect(refused.status).toBe(422);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(await json(refused)).toMatchObject({ status: 422, code: 'validation_failed' });
    }
    const [none] = await db()`
      select count(*)::int as n from public.email_preferences where user_id = ${user.id}`;
    expect(none!.n).toBe(0);
    expect(await json(await patch({ alerts: false }))).toEqual({
      alerts: false,
      credits: true,
      team: true,
    });
    expect(await json(await patch({ alerts: true, team: false }))).toEqual({
      alerts: true,
      credits: true,
      team: false,
    });
    const anonymous = await patchPreferences(
      await request('/api/me/email-preferences', { method: 'PATCH', body: { alerts: true } }),
    );
    expect(anonymous.status).toBe(401);
  });
});

describe('member monthly limit', () => {
  it('a member refused at their limit is notified once a month (and emailed as an alert)', async () => {
    const member = await createUser('Max Member');
    const team = await createOrg(owner, [{ user: member, role: 'member' }]);
    const orgWallet = await walletOf({ orgId: team.id });
    await grant(orgWallet, 100n * CREDIT);
    await db()`insert into public.org_member_limits (account_id, user_id, monthly_limit, updated_by)
      values (${orgWallet}, ${member.id}, ${(2n * CREDIT).toString()}, ${owner.id})`;
    const spend = (key: string) =>
      spendCredits(member.session, {
        walletId: orgWallet,
        amount: 3n * CREDIT,
        category: 'ai_usage',
        idempotencyKey: key,
      });
    await expect(spend('over-1')).rejects.toMatchObject({ code: 'member_limit_reached' });
    await expect(spend('over-2')).rejects.toMatchObject({ code: 'member_limit_reached' });
    // Recorded in the background, after the refused spend rolled back.
    const deadline = Date.now() + 5_000;
    let rows = await notificationsOf(member, 'usage.limit_reached');
    while (rows.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      rows = await notificationsOf(member, 'usage.limit_reached');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    rows = await notificationsOf(member, 'usage.limit_reached');
    expect(rows.map((n) => n.title)).toEqual([`Monthly limit reached in Org ${team.slug}`]);
    expect(rows[0]!.body).toContain('You have used your 2.00 credits for this month');
    await sendDueEmails();
    const [mail] = smtp.to(member.email);
    expect(mail!.subject).toBe(`Monthly limit reached in Org ${team.slug}`);
    expect(mail!.text).toContain('Usage alert');
    expect(String(rawHeader(mail!, 'list-unsubscribe'))).toContain('/api/email/unsubscribe?token=');
  });
});
