import { expect, test } from '@playwright/test';
import { demoUsers, screenshot } from './users';

test('a visitor signs in as a demo user, sees the dashboard and signs out', async ({ page }) => {
  await page.goto('/');
  await page.screenshot({ path: screenshot('landing'), fullPage: true });
  await page.getByRole('link', { name: 'Sign in' }).first().click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText('Local mode')).toBeVisible();
  for (const user of Object.values(demoUsers)) {
    await expect(page.getByRole('button', { name: `Sign in as ${user.name}` })).toBeVisible();
  }
  await page.screenshot({ path: screenshot('login'), fullPage: true });

  await page.getByRole('button', { name: `Sign in as ${demoUsers.owner.name}` }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText(`Signed in as ${demoUsers.owner.name}`)).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'Wallets' }).getByText('Acme AI', { exact: true }),
  ).toBeVisible();
  const nav = page.getByRole('navigation').first();
  for (const item of ['Credits', 'Allowances', 'AI Assistant', 'Organizations', 'Settings']) {
    await expect(nav.getByRole('link', { name: item })).toBeVisible();
  }
  await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await page.screenshot({ path: screenshot('dashboard'), fullPage: true });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login\?signedOut=1/);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard/);
});

test('the platform admin sees the Admin entry', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('button', { name: `Sign in as ${demoUsers.admin.name}` }).click();
  await expect(
    page.getByRole('navigation').first().getByRole('link', { name: 'Admin' }),
  ).toBeVisible();
});

test('the dashboard fits a phone screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/login');
  await page.getByRole('button', { name: `Sign in as ${demoUsers.pro.name}` }).click();
  await expect(page.getByText(`Signed in as ${demoUsers.pro.name}`)).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshot('dashboard-phone'), fullPage: true });
});
