import { expect as baseExpect, test, type Page } from '@playwright/test';
import { withE2eDatabase } from './e2e-db';
import { demoUsers, screenshot, storageState } from './users';

/**
 * Money shows at once, in the right wallet, with the right reason: a purchase raises the header
 * without a reload; an org member spends the org's wallet and the header says so; the member's
 * monthly limit is named as such; a Starter user is refused a batch of a paid feature.
 */

const ACME = '00000000-0000-4000-9000-000000000001';
// Pages wait for the header's first read and a checkout's fulfilment: give a busy machine time.
const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

/** The header's figure, as a number of micro-credits (it shows two decimals). */
async function headerMicro(page: Page): Promise<bigint> {
  const text = (await page.getByTestId('header-balance-amount').textContent()) ?? '';
  const [whole, fraction = '00'] = text.replace(/[^\d.-]/g, '').split('.');
  return BigInt(whole!) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
}

async function availableMicro(page: Page, path: string): Promise<bigint> {
  const response = await page.request.get(path);
  expect(response.ok()).toBe(true);
  return BigInt(((await response.json()) as { available: string }).available);
}

/** Whether the header's figure (rounded to the hundredth of a credit) shows this amount. */
const shows = (header: bigint, micro: bigint) => {
  const gap = header - micro;
  return gap >= -5_000n && gap <= 5_000n;
};

async function phoneShot(page: Page, name: string) {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: screenshot(`${name}-mobile`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
}

test.describe('a Pro user buying credits', () => {
  test.use({ storageState: storageState('pro') });

  test('sees the header balance rise after the local checkout, without a reload', async ({
    page,
  }) => {
    await page.goto('/credits?tab=purchase');
    await expect(page.getByTestId('header-balance-amount')).toBeVisible();
    const before = await availableMicro(page, '/api/credits');
    await page.getByRole('button', { name: 'Buy the Starter package' }).click();
    await page
      .getByRole('dialog', { name: 'Buy the Starter package' })
      .getByRole('button', { name: 'Continue to checkout' })
      .click();
    await expect(page).toHaveURL(/\/checkout\/local\//);
    await expect(page.getByTestId('header-balance-amount')).toBeVisible();
    // The header on the checkout page already holds the old figure in its cache.
    expect(shows(await headerMicro(page), before)).toBe(true);
    await page.evaluate(() => {
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });
    await page.getByRole('button', { name: /^Pay .* \(test\)$/ }).click();
    await expect(page).toHaveURL(/checkout=success/);
    await expect(page.getByTestId('checkout-message')).toHaveAttribute('data-state', 'fulfilled');
    await expect.poll(async () => shows(await headerMicro(page), before + 100_000_000n)).toBe(true);
    // The same document: the figure changed in place.
    expect(
      await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere),
    ).toBe(true);
    await page.screenshot({ path: screenshot('checkout-fulfilled'), fullPage: true });
    await phoneShot(page, 'checkout-fulfilled');
  });
});

test.describe('an org member with an empty personal wallet', () => {
  test.use({ storageState: storageState('member') });

  test('spends the org wallet by default and the header shows it, named', async ({ page }) => {
    await page.goto('/ai');
    const header = page.getByTestId('header-balance');
    await expect(header).toHaveAttribute('data-scope', 'org');
    await expect(header.getByTestId('header-balance-wallet')).toContainText('Acme AI');
    await expect(header).toHaveAttribute('href', '/organizations/acme-ai/credits');
    await expect(page.getByLabel('Pay from')).toHaveValue(ACME);
    // No warning about the empty personal wallet on the dashboard: it is not the one in use.
    await page.goto('/dashboard');
    await expect(page.getByTestId('limit-warning')).toHaveCount(0);

    await page.goto('/ai');
    const before = await availableMicro(page, `/api/orgs/${ACME}/credits`);
    await page.getByLabel('Message').fill('Summarise our plan in one line');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('assistant-message').last()).toBeVisible();
    // The reply is settled before its last chunk: once the chat is idle, the charge is final.
    await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);
    await expect.poll(() => availableMicro(page, `/api/orgs/${ACME}/credits`)).toBeLessThan(before);
    const after = await availableMicro(page, `/api/orgs/${ACME}/credits`);
    await expect.poll(async () => shows(await headerMicro(page), after)).toBe(true);
    await page.screenshot({ path: screenshot('member-org-wallet'), fullPage: true });
    await phoneShot(page, 'member-org-wallet');
  });

  test('at the monthly limit sees that reason, not "not enough credits"', async ({ page }) => {
    await withE2eDatabase(
      (sql) => sql`
        insert into public.org_member_limits (account_id, user_id, monthly_limit)
        select id, ${demoUsers.member.id}, 1 from public.accounts where org_id = ${ACME}
        on conflict (account_id, user_id) do update set monthly_limit = 1`,
    );
    try {
      await page.goto('/ai');
      await page.getByLabel('Message').fill('One more question');
      await page.getByRole('button', { name: 'Send' }).click();
      const refusal = page.getByTestId('refusal');
      await expect(refusal).toHaveAttribute('data-code', 'member_limit_reached');
      await expect(refusal).toContainText('Your monthly limit in this organization is reached');
      await expect(refusal).toContainText('ask an admin');
      await expect(refusal).toContainText('resets on');
      // The refused prompt is not kept: it is back in the composer, not in the conversation.
      await expect(page.getByLabel('Message')).toHaveValue('One more question');
      await expect(page.getByRole('list', { name: 'Conversation' })).toHaveCount(0);
      await page.screenshot({ path: screenshot('member-limit-refusal'), fullPage: true });
      await phoneShot(page, 'member-limit-refusal');
    } finally {
      await withE2eDatabase(
        (sql) => sql`
          delete from public.org_member_limits
          where user_id = ${demoUsers.member.id}
            and account_id = (select id from public.accounts where org_id = ${ACME})`,
      );
    }
  });
});

test.describe('a Starter user', () => {
  test.use({ storageState: storageState('starter') });

  test('is refused a batch of a paid feature, with a way to the plans', async ({ page }) => {
    await page.goto('/ai/batches');
    await page.getByLabel('Feature').selectOption('lead_generation');
    await page.getByLabel('Items, one per line').fill('Dentists in Ohio\nBakeries in Lyon');
    await page.getByRole('button', { name: /^Run 2 items$/ }).click();
    const refusal = page.getByTestId('refusal');
    await expect(refusal).toHaveAttribute('data-code', 'upgrade_required');
    await expect(refusal).toContainText('Your plan does not include this feature');
    await expect(refusal.getByRole('link', { name: 'See plans' })).toHaveAttribute(
      'href',
      '/pricing',
    );
    const batches = await page.request.get('/api/ai/batch');
    expect(((await batches.json()) as { batches: unknown[] }).batches).toHaveLength(0);
    await page.screenshot({ path: screenshot('starter-batch-refused'), fullPage: true });
    await phoneShot(page, 'starter-batch-refused');
  });
});
