import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { withE2eDatabase } from './e2e-db';
import { screenshot, storageState } from './users';

/**
 * The account's home and its end: an org owner's dashboard shows both wallets; a sole owner is
 * told to hand over first; a person deletes their account and can no longer sign in.
 */

test.describe('dashboard home', () => {
  test.use({ storageState: storageState('owner') });

  test('an org owner sees the personal wallet and the org wallet with their month', async ({
    page,
  }) => {
    await page.goto('/dashboard');
    const wallets = page.getByRole('list', { name: 'Wallets' });
    await expect(wallets.getByRole('listitem')).toHaveCount(2);
    await expect(wallets.getByRole('listitem').nth(0)).toContainText('Personal wallet');
    await expect(wallets.getByRole('listitem').nth(1)).toContainText('Acme AI');
    await expect(wallets.getByRole('listitem').nth(1)).toContainText('spent this month');
    await expect(page.getByRole('heading', { name: 'Recent activity' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Alerts this month' })).toBeVisible();
    await page.screenshot({ path: screenshot('dashboard-owner'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshot('dashboard-owner-phone'), fullPage: true });
  });

  test('the sole owner of an org is told to hand it over before deleting the account', async ({
    page,
  }) => {
    await page.goto('/settings');
    await expect(page.getByText(/You are the only owner of Acme AI/)).toBeVisible();
    await expect(page.getByLabel(/to confirm/)).toBeDisabled();
    await expect(page.getByRole('link', { name: 'Export my data' })).toHaveAttribute(
      'href',
      '/api/me/export',
    );
  });
});

test('a person deletes their account and cannot sign in again', async ({ page }) => {
  const id = randomUUID();
  const name = `Dana Delete ${id.slice(0, 6)}`;
  await withE2eDatabase(
    (sql) => sql`
      insert into auth.users (id, email, raw_user_meta_data)
      values (${id}, ${`dana.${id.slice(0, 8)}@example.test`}, ${sql.json({ full_name: name })})`,
  );
  await page.goto('/login');
  await page.getByRole('button', { name: `Sign in as ${name}` }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.goto('/settings');
  const card = page.locator('[data-slot="card"], section, div').filter({
    has: page.getByRole('heading', { name: 'Delete account', level: 2 }),
  });
  await expect(page.getByText(/You forfeit the .* credits/)).toBeVisible();
  const button = page.getByRole('button', { name: 'Delete my account' });
  await expect(button).toBeDisabled();
  await page.getByLabel(/to confirm/).fill('delete my account');
  await expect(card.first()).toBeVisible();
  await page.screenshot({ path: screenshot('account-delete-confirm'), fullPage: true });
  await button.click();
  await expect(page).toHaveURL(/\/login/);

  // Gone from the sign-in list, and the old session opens nothing.
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in to Tollgate' })).toBeVisible();
  await expect(page.getByRole('button', { name: `Sign in as ${name}` })).toHaveCount(0);
  const me = await page.request.get('/api/me');
  expect(me.status()).toBe(401);
  const [row] = await withE2eDatabase(
    (sql) => sql`select email, deleted_at from public.profiles where id = ${id}`,
  );
  expect(row!.email).toMatch(/@deleted\.invalid$/);
  expect(row!.deleted_at).not.toBeNull();
});
