import { expect, test, type Page } from '@playwright/test';
import { endSubscriptionOf } from './e2e-db';
import { demoUsers, screenshot, storageState } from './users';

/**
 * Rollover on the credits page: a Starter user subscribes to Pro through the local test checkout
 * and renews through the local test portal; the unused plan credits come back as a lot of their
 * own, marked "Rolled over", that expires with the new period, beside the new plan credits.
 */

async function shots(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 1280 ? 800 : 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshot(`${name}-${width}`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test.describe('rollover', () => {
  // Later specs expect the Starter user on the Starter plan.
  test.afterAll(() => endSubscriptionOf(demoUsers.starter.email, 'starter'));
  test.use({ storageState: storageState('starter') });

  test('a renewal carries unused Pro credits into a rolled-over lot on /credits', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.goto('/pricing');
    await page.getByTestId('plan-pro').getByRole('button', { name: 'Upgrade to Pro' }).click();
    await expect(page).toHaveURL(/\/checkout\/subscribe\?offer=/);
    await page.getByRole('button', { name: 'Subscribe for $29.00 (test)' }).click();
    await expect(page).toHaveURL(/\/billing\?checkout=success$/);
    await expect(page.getByTestId('invoice-row')).toHaveCount(1);

    await page.goto('/credits');
    await expect(page.getByTestId('credit-lots')).toContainText('Pro plan credits');
    await expect(page.getByTestId('credit-lots')).not.toContainText('Rolled over');

    await page.goto('/billing');
    await page.getByRole('button', { name: 'Manage billing' }).click();
    await expect(page).toHaveURL(/\/billing\/portal$/);
    await page.getByRole('button', { name: 'Simulate renewal' }).click();
    await expect(page).toHaveURL(/\/billing$/);
    await expect(page.getByTestId('invoice-row')).toHaveCount(2);

    await page.goto('/credits');
    const rolled = page.getByTestId('credit-lot').filter({ hasText: 'Rolled over' });
    await expect(rolled).toHaveCount(1);
    await expect(rolled).toContainText('Rolled-over plan credits');
    await shots(page, 'credits-rollover');
  });
});
