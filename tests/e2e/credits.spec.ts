import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { formatCredits } from '@/lib/credits/format';
import { screenshot, storageState } from './users';

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
    await fullShot(page, 'credits-usage');

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
      'id,created_at,type,category,direction,amount_credits,amount_micro_credits,description,counterparty,hold_id,refund_of',
    );
    // The export holds every matching row, not just the pages loaded on screen.
    expect(lines.length - 1).toBeGreaterThanOrEqual(await rows.count());
    expect(lines.slice(1).every((line) => line.split(',')[3] === 'ai_usage')).toBe(true);

    // A one-day range (To is inclusive) shows only that day, in the reader's time zone.
    const [day, dayLabel] = await page.evaluate(() => {
      const date = new Date(Date.now() - 3 * 86_400_000);
      const pad = (value: number) => String(value).padStart(2, '0');
      return [
        `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
        new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(date),
      ];
    });
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
    await fullShot(page, 'org-credits');
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
