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

test('a member the org restricts to two models is offered only those while the org pays', async ({
  browser,
}) => {
  test.slow(); // two people, four pages and the owner's edit twice
  const ownerContext = await browser.newContext({ storageState: storageState('owner') });
  const owner = await ownerContext.newPage();
  const setSubset = async (models: string[], toast: string) => {
    await owner.goto('/organizations/acme-ai/models');
    await expect(owner.getByRole('heading', { name: 'Models of Acme AI' })).toBeVisible();
    const boxes = owner
      .getByRole('group', { name: 'Models members may use' })
      .getByRole('checkbox');
    for (const box of await boxes.all()) if (await box.isChecked()) await box.uncheck();
    for (const name of models) await owner.getByLabel(name, { exact: true }).check();
    await owner.getByRole('button', { name: 'Save models' }).click();
    await expect(owner.getByText(toast)).toBeVisible();
  };
  await setSubset(['Tollgate Local (demo)', 'GPT-4o mini'], 'Members limited to 2 models');

  try {
    const memberContext = await browser.newContext({ storageState: storageState('member') });
    const member = await memberContext.newPage();
    const modelChoices = () =>
      member
        .locator('#ai-model option')
        .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    await member.goto('/ai');
    const payFrom = member.getByLabel('Pay from');
    await payFrom.selectOption({ label: 'Acme AI (organization)' });
    await expect
      .poll(modelChoices)
      .toEqual(['auto', 'auto:simple', 'auto:complex', 'local-demo', 'gpt-4o-mini']);
    await expect(member.getByLabel('Model')).toBeEnabled();
    for (const width of [1280, 390]) {
      await member.setViewportSize({ width, height: 900 });
      await member.screenshot({ path: screenshot(`flags-member-models-${width}`), fullPage: true });
    }
    await member.setViewportSize({ width: 1280, height: 900 });

    // Their own wallet: every model of their plan (Claude among them).
    await payFrom.selectOption({ label: 'Your credits' });
    await expect.poll(async () => (await modelChoices()).length).toBeGreaterThan(5);
    expect(await modelChoices()).toContain('claude-sonnet-4-5');
    // Back on the org wallet, and on a fresh page: the first list is already the org's subset.
    await payFrom.selectOption({ label: 'Acme AI (organization)' });
    await expect.poll(async () => (await modelChoices()).length).toBe(5);
    await member.goto('/features/goal_generation');
    await expect(member.getByLabel('Pay from')).toHaveValue(/^[0-9a-f-]{36}$/);
    expect(await modelChoices()).toEqual([
      'auto',
      'auto:simple',
      'auto:complex',
      'local-demo',
      'gpt-4o-mini',
    ]);
  } finally {
    await setSubset([], 'Members may use every model');
  }
});
