import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { screenshot, storageState } from './users';

/**
 * Buying credits end to end: the Purchase tab, the labelled local test checkout, the webhook
 * fulfilment, and the balance and history that show it; org roles around purchases and limits.
 */

const ACME = '00000000-0000-4000-9000-000000000001';

async function available(request: APIRequestContext, path: string): Promise<bigint> {
  const response = await request.get(path);
  expect(response.ok()).toBe(true);
  return BigInt(((await response.json()) as { available: string }).available);
}

async function buyStarter(page: Page, wallet: RegExp) {
  await page.getByRole('tab', { name: 'Purchase' }).click();
  const buy = page.getByRole('button', { name: 'Buy the Starter package' });
  // Escape closes the dialog without buying and gives focus back to the Buy button.
  await buy.click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(buy).toBeFocused();
  await buy.click();
  // The buy dialog confirms package, price, credits and wallet before leaving for checkout.
  const dialog = page.getByRole('dialog', { name: 'Buy the Starter package' });
  await expect(dialog).toBeVisible();
  const summary = dialog.getByTestId('buy-summary');
  await expect(summary).toContainText('$10.00');
  await expect(summary).toContainText('100 credits');
  await expect(summary).toContainText(wallet);
  await expect(dialog.getByRole('button', { name: 'Continue to checkout' })).toBeFocused();
  await page.screenshot({ path: screenshot('buy-dialog') });
  await dialog.getByRole('button', { name: 'Continue to checkout' }).click();
  await expect(page).toHaveURL(/\/checkout\/local\//);
  await expect(page.getByText('Test checkout — no real payment')).toBeVisible();
  await page.screenshot({ path: screenshot('local-checkout'), fullPage: true });
  await page.getByRole('button', { name: /^Pay .* \(test\)$/ }).click();
  await expect(page).toHaveURL(/checkout=success/);
  await expect(page.getByText(/^Payment received/)).toBeVisible();
}

test.describe('a Pro user', () => {
  test.use({ storageState: storageState('pro') });

  test('buys a package through the local checkout; balance and history show it', async ({
    page,
  }) => {
    await page.goto('/credits');
    const before = await available(page.request, '/api/credits');
    await buyStarter(page, /Your personal wallet/);
    await expect.poll(() => available(page.request, '/api/credits')).toBe(before + 100_000_000n);
    await page.screenshot({ path: screenshot('credits-purchase'), fullPage: true });

    await page.getByRole('tab', { name: 'History' }).click();
    const firstRow = page.getByRole('table', { name: 'Transactions' }).getByRole('row').nth(1);
    await expect(firstRow).toContainText('+100.00');
  });
});

test.describe('an org member', () => {
  test.use({ storageState: storageState('member') });

  test('sees the org wallet without a purchase option, and the API refuses with 403', async ({
    page,
  }) => {
    await page.goto('/organizations/acme-ai/credits');
    await expect(page.getByText('Acme AI wallet')).toBeVisible();
    await expect(page.getByRole('tab', { name: 'Purchase' })).toHaveCount(0);
    // Inside the org, the header shows the org wallet.
    await expect(page.getByTestId('header-balance')).toHaveAttribute('data-scope', 'org');
    await expect(page.getByTestId('header-balance')).toHaveAttribute(
      'href',
      '/organizations/acme-ai/credits',
    );
    const listed = await page.request.get('/api/credit-packages');
    expect(listed.status()).toBe(200);
    const { items: packages } = (await listed.json()) as { items: { id: string }[] };
    const response = await page.request.post(`/api/orgs/${ACME}/credits/purchase`, {
      data: { packageId: packages[0]!.id },
    });
    expect(response.status()).toBe(403);
    expect(response.headers()['content-type']).toContain('application/problem+json');
  });
});

test.describe('an org owner', () => {
  test.use({ storageState: storageState('owner') });

  test('buys for the org and sets a member limit', async ({ page }) => {
    await page.goto('/organizations/acme-ai/credits');
    const before = await available(page.request, `/api/orgs/${ACME}/credits`);
    await buyStarter(page, /Acme AI.*organization wallet/);
    await expect
      .poll(() => available(page.request, `/api/orgs/${ACME}/credits`))
      .toBe(before + 100_000_000n);

    await page.getByRole('link', { name: 'Members' }).click();
    await expect(page.getByRole('heading', { name: /Members of Acme AI/ })).toBeVisible();
    const members = page.getByRole('table').first();
    const row = members.getByRole('row', { name: /Mei Lin/ });
    await row.getByRole('button', { name: 'Limit' }).click();
    await page.getByLabel('Credits per month').fill('25');
    await page.getByRole('button', { name: 'Save limit' }).click();
    await expect(page.getByText('Limit for Mei Lin saved')).toBeVisible();
    await expect(row).toContainText('25');
    await page.screenshot({ path: screenshot('org-members'), fullPage: true });
  });
});
