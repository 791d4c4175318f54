import { expect, test, type Page } from '@playwright/test';
import { spendAs } from './e2e-db';
import { demoUsers, screenshot, storageState } from './users';

/**
 * Alerts end to end: the owner sets thresholds in Settings, spending crosses them, the bell in the
 * header counts the new notifications, and reading them clears the count.
 */

interface AlertSettings {
  thresholds: number[];
  periodGrant: string | null;
  available: string;
}

async function unreadCount(page: Page): Promise<number> {
  const response = await page.request.get('/api/notifications?limit=1');
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { unreadCount: number }).unreadCount;
}

test.describe('notification bell', () => {
  // Omar's personal wallet: 50 purchased credits, nothing else spends from it.
  test.use({ storageState: storageState('owner') });

  test('thresholds set in Settings raise notifications the bell counts and marks read', async ({
    page,
  }) => {
    await page.goto('/settings');
    const form = page.getByRole('form', { name: 'Alerts for your wallet' });
    await expect(form).toBeVisible();
    const thresholds = form.getByLabel('At these percentages used (this month)');

    // Bad input is explained and nothing is saved.
    await thresholds.fill('80, 120');
    await form.getByRole('button', { name: 'Save alerts' }).click();
    await expect(form.getByRole('alert')).toHaveText(
      '“120” is not a whole percentage from 1 to 100.',
    );
    await expect(thresholds).toHaveAttribute('aria-invalid', 'true');
    await thresholds.fill('10, 10');
    await form.getByRole('button', { name: 'Save alerts' }).click();
    await expect(form.getByRole('alert')).toHaveText('Each percentage only once, please.');
    const unchanged = await page.request.get('/api/alerts/settings');
    expect(((await unchanged.json()) as AlertSettings).thresholds).toEqual([80, 95, 100]);
    await page.screenshot({ path: screenshot('notifications-settings-invalid') });

    // Low thresholds, so one spend crosses two of them.
    await thresholds.fill('20 %, 10');
    await form.getByLabel('When fewer credits than this are left').fill('0');
    await form.getByRole('button', { name: 'Save alerts' }).click();
    await expect(page.getByText('Alerts saved')).toBeVisible();
    await expect(thresholds).toHaveValue('10, 20');
    await expect(form.getByRole('alert')).toHaveCount(0);
    const saved = (await (await page.request.get('/api/alerts/settings')).json()) as AlertSettings;
    expect(saved.thresholds).toEqual([10, 20]);

    const before = await unreadCount(page);
    const available = BigInt(saved.available);
    const grant = saved.periodGrant ? BigInt(saved.periodGrant) : available;
    expect(grant).toBeGreaterThan(0n);
    // Leave 75 % of the month's grant: past 10 % and 20 %, far from 100 %.
    await spendAs(demoUsers.owner.id, available - (grant * 75n) / 100n, `e2e-alerts-${Date.now()}`);
    expect(await unreadCount(page)).toBe(before + 2);

    await page.goto('/dashboard');
    const bell = page.getByTestId('notification-bell');
    await expect(bell).toHaveAccessibleName(`Notifications, ${before + 2} unread`);
    await expect(bell).toContainText(String(before + 2));
    await bell.click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await expect(panel).toBeVisible();
    await expect(panel.getByRole('heading')).toContainText(`${before + 2} unread`);
    const twenty = panel.getByRole('button', { name: /You have used 20% of your credits/ });
    const ten = panel.getByRole('button', { name: /You have used 10% of your credits/ });
    await expect(twenty.first()).toBeVisible();
    await expect(ten.first()).toBeVisible();
    await expect(twenty.first()).toContainText('credits left this month');
    // The first entry has focus; arrow keys move through the list.
    await expect(panel.locator('[data-notification-item]').first()).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(panel.locator('[data-notification-item]').nth(1)).toBeFocused();
    await page.screenshot({ path: screenshot('notifications-panel') });

    // One marked read: the count drops by one.
    await panel
      .getByRole('button', { name: 'Mark “You have used 10% of your credits” as read' })
      .click();
    await expect(bell).toHaveAccessibleName(`Notifications, ${before + 1} unread`);
    expect(await unreadCount(page)).toBe(before + 1);

    // Mark all read: the badge goes away, here and on the server.
    await panel.getByRole('button', { name: 'Mark all read' }).click();
    await expect(bell).toHaveAccessibleName('Notifications');
    await expect(panel.getByRole('button', { name: 'Mark all read' })).toBeDisabled();
    expect(await unreadCount(page)).toBe(0);

    // Escape closes the panel and gives focus back to the bell.
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    await expect(bell).toBeFocused();

    // A notification links to where it happened.
    await bell.click();
    await twenty.first().click();
    await expect(page).toHaveURL(/\/credits$/);
  });

  test('the panel fits a 390px phone', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/dashboard');
    await page.getByTestId('notification-bell').click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await expect(panel).toBeVisible();
    await expect(panel).toBeInViewport({ ratio: 1 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshot('notifications-panel-phone') });
  });
});

test.describe('notification bell for the platform admin', () => {
  test.use({ storageState: storageState('admin') });

  test('the bell is in the header of the admin area too', async ({ page }) => {
    await page.goto('/admin');
    await expect(page.getByRole('heading', { name: 'Platform overview', level: 1 })).toBeVisible();
    const bell = page.getByTestId('notification-bell');
    await expect(bell).toBeVisible();
    await bell.click();
    await expect(page.getByRole('dialog', { name: 'Notifications' })).toBeVisible();
  });
});
