import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { expect, test, type Page } from '@playwright/test';
import { formatCredits } from '@/lib/credits/format';
import { demoUsers, screenshot, storageState } from './users';

/** The credits pages people use every day: balance, usage, history, export, org wallet. */

async function apiAvailable(page: Page, url: string): Promise<string> {
  const response = await page.request.get(url);
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as { available: string };
  return formatCredits(body.available);
}

/** Full-page shots of a scrolled page would paint the sticky header mid-page. */
async function fullShot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshot(name), fullPage: true });
}

/** An option of the usage breakdown's "Break usage down by" control. */
function breakdownBy(page: Page, option: string) {
  return page
    .getByRole('group', { name: 'Break usage down by' })
    .getByText(option, { exact: true });
}

async function expectNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test.describe('personal credits', () => {
  test.use({ storageState: storageState('pro') });

  test('the Pro user sees balance and usage, filters history, loads more and exports CSV', async ({
    page,
  }) => {
    // Hydration or runtime errors, and any failing API call. (Failed resource loads are left
    // out: the sidebar prefetches sections that other work has not built yet.)
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(message.text());
      }
    });
    page.on('response', (response) => {
      if (response.url().includes('/api/') && response.status() >= 400) {
        problems.push(`${response.status()} ${response.url()}`);
      }
    });
    await page.goto('/credits');
    await expect(page.getByRole('heading', { name: 'Credits', level: 1 })).toBeVisible();

    const available = await apiAvailable(page, '/api/credits');
    await expect(page.getByTestId('balance-available')).toHaveText(available);
    await expect(page.getByTestId('header-balance-amount')).toHaveText(available);
    await expect(page.getByTestId('header-balance')).toHaveAttribute('href', '/credits');

    // Usage: the seeded month of spending, stacked by category, with a breakdown.
    await expect(page.getByRole('tab', { name: 'Usage' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('heading', { name: 'Daily usage' })).toBeVisible();
    const breakdown = page.getByRole('table', { name: 'Spending by category' });
    await expect(breakdown.getByRole('cell', { name: 'AI usage' })).toBeVisible();
    await page.getByText('7 days', { exact: true }).click();
    await expect(page.getByText('Last 7 days', { exact: false }).first()).toBeVisible();
    await expect(page.getByRole('radio', { name: '7 days' })).toBeChecked();
    await page.getByText('30 days', { exact: true }).click();
    await expect(breakdown).toBeVisible();
    // The plan grant's progress sits on the balance card.
    await expect(page.getByTestId('grant-progress')).toContainText('Pro plan grant used');
    await fullShot(page, 'credits-usage');
    // The same spending by model and by feature (the seeded AI calls).
    await breakdownBy(page, 'Model').click();
    await expect(
      page
        .getByRole('table', { name: 'AI usage by model' })
        .getByRole('cell', { name: /gpt-4o/ })
        .first(),
    ).toBeVisible();
    await breakdownBy(page, 'Feature').click();
    await expect(page.getByRole('table', { name: 'AI usage by feature' })).toBeVisible();
    await fullShot(page, 'credits-usage-feature');
    await breakdownBy(page, 'Category').click();
    await expect(breakdown).toBeVisible();

    // History: filter by category, page with the cursor, export the same filter.
    await page.getByRole('tab', { name: 'History' }).click();
    const table = page.getByRole('table', { name: 'Transactions' });
    await expect(table).toBeVisible();
    await page.getByLabel('Category').selectOption({ label: 'AI usage' });
    const rows = table.locator('tbody tr');
    await expect(rows).toHaveCount(25);
    await expect(table.locator('tbody tr td:nth-child(4)')).toHaveText(
      Array.from({ length: 25 }, () => 'AI usage'),
    );
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(25);
    await expect(page.getByText(/Showing \d+ transactions/)).toBeVisible();
    await fullShot(page, 'credits-history');

    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/^tollgate-credits-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,created_at,type,category,direction,amount_credits,amount_micro_credits,description,counterparty,hold_id,refund_of,activity,feature',
    );
    // The export holds every matching row, not just the pages loaded on screen.
    expect(lines.length - 1).toBeGreaterThanOrEqual(await rows.count());
    expect(lines.slice(1).every((line) => line.split(',')[3] === 'ai_usage')).toBe(true);

    // A one-day range (To is inclusive) shows only that day, in the reader's time zone: the day
    // of the oldest row on screen, so the range is never an empty day of the demo history.
    const oldest = await table
      .locator('tbody tr td:nth-child(1) time')
      .last()
      .getAttribute('datetime');
    const [day, dayLabel] = await page.evaluate((iso) => {
      const date = new Date(iso!);
      const pad = (value: number) => String(value).padStart(2, '0');
      return [
        `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
        new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(date),
      ];
    }, oldest);
    await page.getByLabel('From', { exact: true }).fill(day);
    await page.getByLabel('To', { exact: true }).fill(day);
    await expect(table.locator('tbody tr td:nth-child(1)').first()).toContainText(dayLabel);
    const dates = await table.locator('tbody tr td:nth-child(1)').allTextContents();
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.every((text) => text.startsWith(dayLabel))).toBe(true);
    expect(problems).toEqual([]);
  });

  test('the credits page fits a phone screen', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/credits');
    await expect(page.getByTestId('balance-available')).toBeVisible();
    await expect(page.getByTestId('header-balance')).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await page.getByRole('tab', { name: 'History' }).click();
    const table = page.getByRole('table', { name: 'Transactions' });
    await expect(table).toBeVisible();
    // The amount stays on screen without scrolling the table sideways.
    const firstRow = table.locator('tbody tr').first();
    await firstRow.locator('td').nth(1).scrollIntoViewIfNeeded();
    await expect(firstRow.locator('td').last()).toBeInViewport({ ratio: 1 });
    await expectNoHorizontalOverflow(page);
    await fullShot(page, 'credits-phone-history');
    await page.getByRole('tab', { name: 'Usage' }).click();
    await fullShot(page, 'credits-phone');
  });
});

test.describe('a wallet without spending', () => {
  test.use({ storageState: storageState('starter') });

  test('the Starter user is told what to do when there is no usage yet', async ({ page }) => {
    await page.goto('/credits');
    await expect(page.getByRole('heading', { name: 'No usage in the last 30 days' })).toBeVisible();
    await page.getByRole('button', { name: 'Show the last 90 days' }).click();
    await expect(page.getByRole('heading', { name: 'No usage in the last 90 days' })).toBeVisible();
    await expect(page.getByRole('radio', { name: '90 days' })).toBeChecked();
    await fullShot(page, 'credits-empty');

    await page.getByRole('tab', { name: 'History' }).click();
    const table = page.getByRole('table', { name: 'Transactions' });
    await expect(table.getByRole('cell', { name: /Welcome bonus/ })).toBeVisible();
    await page.getByLabel('Type').selectOption({ label: 'Refund' });
    await expect(
      page.getByRole('heading', { name: 'No transactions match these filters' }),
    ).toBeVisible();
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect(table.getByRole('cell', { name: /Welcome bonus/ })).toBeVisible();
  });
});

test.describe('organization credits', () => {
  test.use({ storageState: storageState('member') });

  test('an org member opens Acme AI from the list and sees the org balance', async ({ page }) => {
    await page.goto('/organizations');
    await page.getByRole('link', { name: /Acme AI/ }).click();
    await expect(page).toHaveURL(/\/organizations\/acme-ai\/credits$/);
    await expect(page.getByRole('heading', { name: 'Acme AI credits', level: 1 })).toBeVisible();

    const me = await page.request.get('/api/me');
    const { orgs } = (await me.json()) as { orgs: { id: string; slug: string }[] };
    const acme = orgs.find((org) => org.slug === 'acme-ai');
    expect(acme).toBeDefined();
    const available = await apiAvailable(page, `/api/orgs/${acme!.id}/credits`);
    await expect(page.getByTestId('balance-available')).toHaveText(available);
    await expect(
      page
        .getByRole('table', { name: 'Spending by category' })
        .getByRole('cell', { name: 'AI usage' }),
    ).toBeVisible();
    // Members see the org's breakdowns but not who spent what.
    await expect(breakdownBy(page, 'Model')).toBeVisible();
    await expect(breakdownBy(page, 'Member')).toHaveCount(0);
    await fullShot(page, 'org-credits');
  });

  test('an org owner breaks the org wallet down by member', async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageState('owner') });
    const page = await context.newPage();
    await page.goto('/organizations/acme-ai/credits');
    await breakdownBy(page, 'Member').click();
    const table = page.getByRole('table').filter({ hasText: 'Mei Lin' });
    await expect(table.getByRole('cell', { name: /Mei Lin/ })).toBeVisible();
    await expect(table.getByRole('cell', { name: /Omar Haddad/ })).toBeVisible();
    await fullShot(page, 'org-credits-owner');
    await context.close();
  });

  test('a stranger to the org gets a 404', async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageState('pro') });
    const page = await context.newPage();
    const response = await page.goto('/organizations/acme-ai/credits');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await context.close();
  });
});

/**
 * Spends from a demo user's wallet straight through the ledger function, as that user, on the
 * throwaway database the e2e server runs on (its port is in the data directory's pid file).
 */
async function spendAs(userId: string, micro: bigint, key: string) {
  const dataDir = path.join(process.env.E2E_DATA_DIR!, 'postgres');
  const port = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
  const sql = postgres(`postgres://postgres:postgres@127.0.0.1:${port}/tollgate`, {
    max: 1,
    onnotice: () => {},
  });
  try {
    await sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: userId, role: 'authenticated' })}, true)`;
      const [wallet] = await tx<
        { id: string }[]
      >`select id from public.accounts where user_id = ${userId}`;
      await tx`select * from public.credit_spend(${wallet!.id}, ${micro.toString()}::bigint, 'ai_usage', ${key}, 'AI assistant chat')`;
    });
  } finally {
    await sql.end();
  }
}

interface GrantProgress {
  grant: string;
  spent: string;
  usedBasisPoints: number;
}

test.describe('limit warnings', () => {
  test.use({ storageState: storageState('admin') });

  test('at 96 % of the plan grant the banner warns and the header agrees; at 100 % both turn red', async ({
    page,
  }) => {
    const grantOf = async () => {
      const response = await page.request.get('/api/credits/usage?view=grant');
      expect(response.ok()).toBe(true);
      return (await response.json()) as GrantProgress;
    };
    const before = await grantOf();
    const grant = BigInt(before.grant);
    expect(grant).toBeGreaterThan(0n); // Ada is on Pro: 100 credits a period
    const target = (grant * 96n) / 100n;
    await spendAs(demoUsers.admin.id, target - BigInt(before.spent), `e2e-limit-96-${Date.now()}`);
    expect((await grantOf()).usedBasisPoints).toBe(9_600);

    await page.goto('/credits');
    const banner = page.getByTestId('limit-warning');
    await expect(banner).toBeVisible();
    await expect(banner).toHaveAttribute('data-severity', 'warning');
    await expect(banner).toContainText("96% of this period's Pro plan credits");
    await expect(page.getByTestId('grant-spent')).toHaveText(formatCredits(target));
    await expect(page.getByTestId('grant-total')).toHaveText(formatCredits(grant));
    await expect(page.getByRole('progressbar', { name: /plan grant used/ })).toHaveAttribute(
      'aria-valuenow',
      '9600',
    );
    await expect(page.getByTestId('header-balance')).toHaveAttribute('data-level', 'low');
    await fullShot(page, 'credits-limit-warning');

    // The banner's Buy credits opens the Purchase tab.
    await banner.getByRole('button', { name: 'Buy credits' }).click();
    await expect(page.getByRole('tab', { name: 'Purchase' })).toHaveAttribute(
      'aria-selected',
      'true',
    );

    await page.goto('/dashboard');
    await expect(page.getByTestId('limit-warning')).toHaveAttribute('data-severity', 'warning');

    await spendAs(demoUsers.admin.id, grant - target, `e2e-limit-100-${Date.now()}`);
    await page.goto('/credits');
    await expect(banner).toHaveAttribute('data-severity', 'destructive');
    await expect(banner).toContainText("used all of this period's Pro plan credits");
    await expect(page.getByTestId('header-balance')).toHaveAttribute('data-level', 'critical');
    await page.goto('/dashboard');
    await expect(page.getByTestId('limit-warning')).toHaveAttribute('data-severity', 'destructive');
    await page.getByTestId('limit-warning').getByRole('link', { name: 'Buy credits' }).click();
    await expect(page).toHaveURL(/\/credits\?tab=purchase$/);
    await expect(page.getByRole('tab', { name: 'Purchase' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });
});
