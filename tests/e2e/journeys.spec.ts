import { expect, test, type Page } from '@playwright/test';
import { screenshot, storageState } from './users';

/**
 * Journeys across pages: a feature run shows up in /tokens, a chat shows up on the admin Models
 * page, and provider keys are added and deleted in /settings.
 */

/** Full-page shots at desktop width and on a 390px phone, which must not scroll sideways. */
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

/** Units used of the goal generation allowance, as /allowances shows it. */
async function goalAllowanceUsed(page: Page): Promise<number> {
  await page.goto('/allowances');
  const bar = page
    .getByTestId('allowance-goal_generation')
    .getByRole('progressbar', { name: /allowance used/ });
  await expect(bar).toBeVisible();
  return Number(await bar.getAttribute('aria-valuenow'));
}

test.describe('Pro user', () => {
  test.use({ storageState: storageState('pro') });

  test('runs goal generation and /allowances shows the allowance used', async ({ page }) => {
    const before = await goalAllowanceUsed(page);

    await page.goto('/features/goal_generation');
    await expect(page.getByRole('heading', { name: 'AI features', level: 1 })).toBeVisible();
    await page.getByLabel('Brief').fill('Grow weekly active teams by 20% this quarter.');
    await page.getByRole('button', { name: /^Run / }).click();
    const result = page.getByTestId('feature-result');
    await expect(result).toContainText('local demo model', { timeout: 20_000 });
    const used = page.getByTestId('feature-allowance-used');
    await expect(used).toContainText('allowance units');
    const charged = Number(await used.getAttribute('data-tokens'));
    expect(charged).toBeGreaterThan(0);
    await shots(page, 'journey-feature');

    expect(await goalAllowanceUsed(page)).toBe(before + charged);
  });

  test('adds a provider key (shown once) and deletes it in /settings', async ({ page }) => {
    await page.goto('/settings');
    const personal = page.getByTestId('provider-keys-personal');
    await personal.getByLabel('Provider').selectOption('anthropic');
    await personal.getByLabel('API key').fill('short');
    await personal.getByRole('button', { name: 'Save key' }).click();
    await expect(personal.getByText('The API key is too short')).toBeVisible();

    await personal.getByLabel('API key').fill('sk-ant-e2e-journey-9876');
    await personal.getByLabel('Monthly limit (USD)').fill('ten');
    await personal.getByRole('button', { name: 'Save key' }).click();
    await expect(personal.getByText('Enter the monthly limit in dollars')).toBeVisible();

    const nextYear = `${new Date().getFullYear() + 1}-06-30`;
    await personal.getByLabel('Monthly limit (USD)').fill('25');
    await personal.getByLabel('Expires on').fill(nextYear);
    await personal.getByRole('button', { name: 'Save key' }).click();
    await expect(personal.getByText('Anthropic key ending in 9876 saved.')).toBeVisible();
    await expect(personal.getByRole('cell', { name: '••••9876' })).toBeVisible();
    await expect(personal.getByLabel('API key')).toHaveValue('');
    const row = personal.locator('tr[data-provider="anthropic"]');
    await expect(row.getByTestId('key-monthly-limit')).toContainText('of $25.00');
    await expect(row).toContainText(`Jun 30, ${new Date().getFullYear() + 1}`);
    await shots(page, 'journey-settings-keys');

    page.once('dialog', (dialog) => void dialog.accept());
    await personal.getByRole('button', { name: 'Delete Anthropic key' }).click();
    await expect(personal.getByRole('cell', { name: '••••9876' })).toHaveCount(0);
  });
});

test.describe('Starter user', () => {
  test.use({ storageState: storageState('starter') });

  test('sees the upgrade block on a feature page', async ({ page }) => {
    await page.goto('/features/forecast');
    await expect(page.getByTestId('upgrade-block')).toBeVisible();
    await expect(page.getByLabel('Brief')).toHaveCount(0);
  });
});

test.describe('Platform admin', () => {
  test('sees a margin row for the local model after the Pro user chats', async ({ browser }) => {
    const pro = await browser.newContext({ storageState: storageState('pro') });
    const proPage = await pro.newPage();
    await proPage.goto('/ai');
    const chat = await proPage.request.post('/api/ai/chat', {
      data: {
        model: 'local-demo',
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'Margins please' }] }],
      },
    });
    expect(chat.ok()).toBe(true);
    await chat.text(); // the stream ends once the call is settled and recorded
    await pro.close();

    const admin = await browser.newContext({ storageState: storageState('admin') });
    const page = await admin.newPage();
    await page.goto('/admin/models');
    await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
    const row = page
      .getByTestId('admin-models-margins')
      .locator('tr[data-provider="local"][data-model="local-demo"]');
    await expect(row).toBeVisible();
    await expect(row).toContainText('$');
    await expect(row).toContainText('%');
    await expect(
      page.getByTestId('admin-provider-health').locator('tr[data-provider="local"]'),
    ).toBeVisible();
    await shots(page, 'journey-admin-models');
    await admin.close();
  });
});
