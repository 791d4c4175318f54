import { expect, test } from '@playwright/test';
import { screenshot, storageState } from './users';

/**
 * Graduated access in the browser: a platform admin rolls a feature out to one org on the
 * rollouts page; a member of that org is offered the feature, a user outside it is not.
 */

test('an admin rolls a feature out to one org: its member sees it, another user does not', async ({
  browser,
}) => {
  const adminContext = await browser.newContext({ storageState: storageState('admin') });
  const admin = await adminContext.newPage();
  await admin.goto('/admin/rollouts');
  await expect(admin.getByRole('heading', { name: 'Rollouts and model access' })).toBeVisible();
  await admin.getByLabel('Covers').selectOption('feature');
  await admin.getByLabel('Feature', { exact: true }).selectOption('strategy_analysis');
  await admin.getByLabel('Description').fill('Strategy analysis beta for Acme');
  await admin.getByRole('button', { name: 'Add rule' }).click();
  await admin.getByLabel('Rule 1 kind').selectOption('org');
  await admin.getByLabel('Rule 1 organization').selectOption({ label: 'Acme AI (acme-ai)' });
  await admin.getByRole('button', { name: 'Create flag' }).click();
  await expect(admin.getByText('Flag feature strategy_analysis saved')).toBeVisible();
  const flags = admin.getByRole('list', { name: 'Flags' });
  await expect(flags).toContainText('strategy_analysis');
  await expect(flags).toContainText('org Acme AI: on');
  await expect(admin.getByText('flag feature:strategy_analysis')).toBeVisible();
  for (const width of [1280, 390]) {
    await admin.setViewportSize({ width, height: 900 });
    await admin.screenshot({ path: screenshot(`flags-rollouts-${width}`), fullPage: true });
  }

  try {
    const memberContext = await browser.newContext({ storageState: storageState('member') });
    const member = await memberContext.newPage();
    await member.goto('/features/strategy_analysis');
    await expect(member.getByRole('heading', { name: 'AI features' })).toBeVisible();
    await expect(member.getByRole('link', { name: 'Strategy analysis' })).toBeVisible();
    await expect(member.getByTestId('feature-unavailable')).toHaveCount(0);
    await expect(member.getByRole('button', { name: /^Run/ })).toBeVisible();

    const proContext = await browser.newContext({ storageState: storageState('pro') });
    const pro = await proContext.newPage();
    await pro.goto('/features/strategy_analysis');
    await expect(pro.getByTestId('feature-unavailable')).toContainText('not available to you');
    await expect(pro.getByRole('link', { name: 'Strategy analysis' })).toHaveCount(0);
    await expect(pro.getByRole('link', { name: 'Goal generation' })).toBeVisible();
    await pro.screenshot({ path: screenshot('flags-feature-unavailable'), fullPage: true });
  } finally {
    await admin.setViewportSize({ width: 1280, height: 900 });
    await admin.getByRole('button', { name: 'Delete flag feature strategy_analysis' }).click();
    await expect(admin.getByText('Flag feature strategy_analysis deleted')).toBeVisible();
  }
});

test('the experiments page shows the form and the arms table', async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageState('admin') });
  const page = await context.newPage();
  await page.goto('/admin/experiments');
  await expect(page.getByRole('heading', { name: 'Model experiments' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('mini vs haiku');
  await page.getByLabel('Feature').selectOption('forecast');
  await page.getByLabel('Arm 1 model').selectOption('local-demo');
  await page.getByLabel('Arm 2 model').selectOption('gpt-4o-mini');
  await page.getByRole('button', { name: 'Start experiment' }).click();
  await expect(page.getByRole('table', { name: 'Arms of mini vs haiku' })).toBeVisible();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: screenshot(`flags-experiments-${width}`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByText('Stopped', { exact: true })).toBeVisible();
});
