import { expect, test, type Page } from '@playwright/test';
import { screenshot, storageState } from './users';

/** Allowances on /allowances (Pro and Starter, /tokens redirecting there), the admin area, and its 404 for everyone else. */

const TOKEN_TYPES = [
  'lead_generation',
  'goal_generation',
  'strategy_analysis',
  'forecast',
  'general',
];

/** Full-page shots of a scrolled page would paint the sticky header mid-page. */
async function shots(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshot(`${name}-desktop`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshot(`${name}-mobile`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
}

function watchProblems(page: Page): string[] {
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
  return problems;
}

test.describe('allowances for Pro', () => {
  test.use({ storageState: storageState('pro') });

  test('shows every allowance with status, the next refresh, a refresh button and the usage widget', async ({
    page,
  }) => {
    const problems = watchProblems(page);
    await page.goto('/tokens');
    await page.waitForURL('**/allowances');
    await expect(page.getByRole('heading', { name: 'Allowances', level: 1 })).toBeVisible();
    for (const type of TOKEN_TYPES) {
      await expect(page.getByTestId(`allowance-${type}`)).toBeVisible();
    }
    await expect(page.getByTestId('allowance-general').getByRole('progressbar')).toBeVisible();
    await expect(page.getByTestId('next-refresh')).toContainText('Next refresh');
    await expect(page.getByTestId('upgrade-block')).toHaveCount(0);

    const refetch = page.waitForResponse((response) =>
      response.url().includes('/api/v1/allowances/stats'),
    );
    await page.getByRole('button', { name: 'Refresh allowances' }).click();
    expect((await refetch).ok()).toBe(true);

    const widget = page.getByTestId('usage-widget');
    await expect(widget).toBeVisible();
    await expect(widget).toContainText('AI usage');
    await expect(widget).toContainText('LLM tokens');
    await shots(page, 'allowances-pro');
    expect(problems).toEqual([]);
  });

  test('settings shows the profile, auto-recharge and organizations', async ({ page }) => {
    await page.goto('/settings');
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
    await expect(page.getByLabel('Full name')).toHaveValue('Priya Patel');
    await expect(page.getByRole('heading', { name: 'Auto-recharge' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Manage organizations' })).toBeVisible();
    await expect(page.getByTestId('usage-widget')).toBeVisible();
    await expect(page.getByTestId('header-balance-amount')).toBeVisible();
    await shots(page, 'settings-pro');
  });

  test('a non-admin visiting /admin gets the 404 page', async ({ page }) => {
    const response = await page.goto('/admin');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Platform overview' })).toHaveCount(0);
    expect((await page.goto('/admin/grants'))?.status()).toBe(404);
  });
});

test.describe('allowances for an org owner', () => {
  test.use({ storageState: storageState('owner') });

  test('switches to the org allowances with the selector', async ({ page }) => {
    await page.goto('/allowances');
    await page.getByLabel('Allowances of').selectOption('acme-ai');
    await page.waitForURL('**/allowances?org=acme-ai');
    await expect(page.getByText(/Acme AI's AI feature allowances/)).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Allowances on Enterprise' })).toBeVisible();
    await expect(page.getByTestId('allowance-forecast')).toBeVisible();
  });
});

test.describe('allowances for Starter', () => {
  test.use({ storageState: storageState('starter') });

  test('sees the upgrade prompt instead of allowances', async ({ page }) => {
    await page.goto('/allowances');
    const block = page.getByTestId('upgrade-block');
    await expect(block).toBeVisible();
    await expect(block.getByRole('heading', { name: 'Upgrade to use AI features' })).toBeVisible();
    await expect(block.getByRole('link', { name: 'See plans and upgrade' })).toHaveAttribute(
      'href',
      '/pricing',
    );
    await expect(page.getByTestId('allowance-general')).toHaveCount(0);
    await shots(page, 'allowances-starter');
  });
});

test.describe('platform admin', () => {
  test.use({ storageState: storageState('admin') });

  test('sees system-wide usage and grants credits with a required reason', async ({ page }) => {
    const problems = watchProblems(page);
    await page.goto('/admin');
    await expect(page.getByRole('heading', { name: 'Platform overview', level: 1 })).toBeVisible();
    await expect(page.getByTestId('admin-total-spent')).toContainText('credits in 30 days');
    await expect(page.getByRole('figure')).toBeVisible();
    await shots(page, 'admin-overview');

    await page.getByRole('link', { name: 'Grant credits' }).first().click();
    await expect(page.getByRole('heading', { name: 'Grant credits', level: 1 })).toBeVisible();
    await page.getByLabel('User email or org slug').fill('starter@tollgate.dev');
    await page.getByLabel('Credits', { exact: true }).fill('15');
    await page.getByRole('button', { name: 'Grant credits' }).click();
    await expect(
      page.getByRole('form', { name: 'Grant credits' }).getByRole('alert'),
    ).toContainText('reason');

    const reason = `E2E goodwill ${Date.now()}`;
    const single = page.getByRole('form', { name: 'Grant credits' });
    await single.getByLabel(/Reason/).fill(reason);
    await single.getByLabel(/Reason/).press('Enter'); // keyboard submit
    const row = page.getByTestId('admin-grants').getByRole('row', { name: new RegExp(reason) });
    await expect(row).toBeVisible();
    await expect(row).toContainText('starter@tollgate.dev');
    await expect(row).toContainText('15');
    await expect(row).toContainText('admin@tollgate.dev');
    await shots(page, 'admin-grants');
    expect(problems).toEqual([]);
  });

  test('edits packages and plans with readable validation errors', async ({ page }) => {
    const problems = watchProblems(page);
    await page.goto('/admin/packages');
    await expect(page.getByRole('heading', { name: 'Credit packages', level: 1 })).toBeVisible();
    await page
      .getByTestId('admin-packages')
      .getByRole('button', { name: /^Edit / })
      .first()
      .click();
    const form = page.getByRole('form', { name: 'Credit package' });
    await form.getByLabel('Price').fill('abc');
    await form.getByRole('button', { name: 'Save package' }).click();
    await expect(form.getByRole('alert')).toContainText('Price: enter an amount');
    await shots(page, 'admin-packages');

    await page.goto('/admin/plans');
    await expect(page.getByRole('heading', { name: 'Plans', level: 1 })).toBeVisible();
    await page.getByLabel('Plan', { exact: true }).selectOption('pro');
    const allowances = page.getByRole('form', { name: 'Allowances' });
    await expect(allowances.getByLabel('Forecast')).not.toHaveValue('0');
    const terms = page.getByRole('form', { name: 'Plan terms' });
    await terms.getByLabel('Requests per hour').fill('0');
    await terms.getByRole('button', { name: 'Save plan' }).click();
    await expect(terms.getByRole('alert')).toContainText('Requests per hour');
    await shots(page, 'admin-plans');
    expect(problems).toEqual([]);
  });
});
