import { expect, test } from '@playwright/test';
import { screenshot, storageState } from './users';

/**
 * An org whose wallet owes on pay-as-you-go (the seeded Nimbus Labs, 55 credits owed) cannot be
 * deleted: its settings say what it owes and how to settle it, and trying anyway is refused with
 * the same words, nothing deleted.
 */

test.use({ storageState: storageState('admin') });

test('deleting an org that owes names the debt and how to settle it', async ({ page }) => {
  await page.goto('/organizations/nimbus-labs/settings');
  const wallet = page.getByTestId('delete-org-wallet');
  await expect(wallet).toHaveText(
    'The wallet owes 55.00 credits on pay-as-you-go. Settle that before deleting: buy credits to cover it, or pay the invoice that bills it.',
  );
  await expect(wallet.getByRole('link', { name: 'buy credits' })).toHaveAttribute(
    'href',
    '/organizations/nimbus-labs/credits?tab=purchase',
  );
  await expect(page.getByText('holds −55.00')).toHaveCount(0);

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Delete organization' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'owes' })).toHaveText(
    'The organization wallet owes 55.00 credits on pay-as-you-go. Settle that first (buy credits to cover it, or pay the invoice that bills it), then delete the organization.',
  );
  await page.screenshot({ path: screenshot('org-delete-owing'), fullPage: true });

  // Still there.
  await page.goto('/organizations');
  await expect(page.getByRole('link', { name: /Nimbus Labs/ }).first()).toBeVisible();
});
