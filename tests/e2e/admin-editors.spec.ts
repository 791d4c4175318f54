import { expect, test, type Page } from '@playwright/test';
import { withE2eDatabase } from './e2e-db';
import { demoUsers, screenshot, storageState } from './users';

/** The platform admin's editors: model prices, kill switches, and batch grants from a CSV. */

/** Available micro-credits of a demo user's personal wallet, read from the database. */
async function walletOf(userId: string): Promise<bigint> {
  const [row] = await withE2eDatabase(
    (sql) => sql<{ available: string }[]>`
      select (credits_posted - debits_posted - debits_pending)::text as available
      from public.accounts where user_id = ${userId}`,
  );
  return BigInt(row!.available);
}

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(message.text());
    }
  });
  return problems;
}

test.describe('platform admin editors', () => {
  test.use({ storageState: storageState('admin') });

  test('sets a new model price; the history shows it in force and the old one as previous', async ({
    page,
  }) => {
    const problems = watchProblems(page);
    await page.goto('/admin/models');
    await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
    const catalog = page.getByTestId('admin-models-catalog');
    // Media models show the unit they are sold by, not $0.00 per 1M tokens.
    await expect(catalog.locator('tr[data-model="gpt-image-1"]')).toContainText('$0.042 / image');
    await expect(catalog.locator('tr[data-model="whisper-1"]')).toContainText('$0.006 / minute');
    const row = catalog.locator('tr[data-model="gpt-4o-mini"]');
    await row.getByRole('button', { name: 'Prices of GPT-4o mini' }).click();
    const dialog = page.getByRole('dialog', { name: 'GPT-4o mini prices' });
    await expect(dialog).toBeVisible();
    const history = dialog.getByTestId('price-history');
    await expect(history.locator('tbody tr')).toHaveCount(1);
    await expect(dialog.getByLabel('Input, $ per 1M tokens', { exact: true })).toHaveValue('0.15');

    // A readable refusal for a price that is not an amount.
    await dialog.getByLabel('Input, $ per 1M tokens', { exact: true }).fill('cheap');
    await dialog.getByRole('button', { name: 'Save new price' }).click();
    await expect(dialog.getByRole('alert')).toContainText(
      'Input per 1M tokens: enter dollars like 2.5 or 0.075',
    );

    await dialog.getByLabel('Input, $ per 1M tokens', { exact: true }).fill('0.17');
    await dialog.getByLabel('Cached input, $ per 1M tokens').fill('0.085');
    await dialog.getByLabel('Output, $ per 1M tokens').fill('0.68');
    await dialog.getByRole('button', { name: 'Save new price' }).click();
    await expect(page.getByText('New price for GPT-4o mini saved')).toBeVisible();
    await expect(dialog).toHaveCount(0);

    await row.getByRole('button', { name: 'Prices of GPT-4o mini' }).click();
    await expect(history.locator('tbody tr')).toHaveCount(2);
    const current = history.locator('tbody tr', { hasText: 'In force' });
    await expect(current).toContainText('$0.17');
    await expect(current).toContainText('$0.085');
    await expect(current).toContainText('$0.68');
    await expect(history.locator('tbody tr', { hasText: 'Previous' })).toContainText('$0.15');
    await expect(dialog.getByLabel('Input, $ per 1M tokens', { exact: true })).toHaveValue('0.17');
    await page.screenshot({ path: screenshot('admin-price-dialog') });
    await page.keyboard.press('Escape');

    // The models API that users read now prices it at the new version.
    const models = await page.request.get('/api/ai/models');
    expect(models.ok()).toBe(true);
    expect(JSON.stringify(await models.json())).toContain('gpt-4o-mini');
    expect(problems).toEqual([]);
  });

  test.describe('kill switch', () => {
    test.afterAll(async () => {
      // Never leave the assistant switched off for the specs that follow.
      await withE2eDatabase(
        (sql) =>
          sql`delete from public.ai_feature_flags where scope = 'feature' and key = 'assistant'`,
      );
    });

    test('blocking the assistant refuses a user’s chat with the reason; allowing it again works', async ({
      page,
      browser,
    }) => {
      const reason = `Paused for maintenance ${Date.now().toString(36)}`;
      await page.goto('/admin/flags');
      await expect(
        page.getByRole('heading', { name: 'Flags and AI settings', level: 1 }),
      ).toBeVisible();
      const form = page.getByRole('form', { name: 'Feature flag' });
      await form.getByRole('button', { name: 'Create flag' }).click();
      await expect(form.getByRole('alert')).toHaveText('Choose the feature to switch.');
      await form.getByLabel('Scope').selectOption('feature');
      await form.getByLabel('Key').selectOption('assistant');
      await form.getByLabel('Reason (shown to callers when blocked)').fill(reason);
      await expect(form.getByLabel(/Calls allowed/)).not.toBeChecked();
      await form.getByRole('button', { name: 'Create flag' }).click();
      const flag = page.getByTestId('admin-flags').locator('tr[data-flag="feature:assistant"]');
      await expect(flag).toContainText('Blocked');
      await expect(flag).toContainText(reason);
      await page.screenshot({ path: screenshot('admin-flags-blocked'), fullPage: true });

      // Priya's chat is refused before anything is held, and she is told why.
      const pro = await browser.newContext({ storageState: storageState('pro') });
      const proPage = await pro.newPage();
      await proPage.goto('/ai');
      const availableBefore = await proPage.request.get('/api/credits');
      await proPage.getByLabel('Message').fill('Are you there?');
      await proPage.getByRole('button', { name: 'Send' }).click();
      await expect(proPage.getByRole('alert').filter({ hasText: reason })).toBeVisible({
        timeout: 15_000,
      });
      await proPage.screenshot({ path: screenshot('admin-flags-refused-chat') });
      const refused = await proPage.request.post('/api/ai/chat', {
        data: {
          model: 'local-demo',
          messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] }],
        },
      });
      expect(refused.status()).toBe(403);
      expect(((await refused.json()) as { detail: string }).detail).toBe(reason);
      const availableAfter = await proPage.request.get('/api/credits');
      expect(((await availableAfter.json()) as { available: string }).available).toBe(
        ((await availableBefore.json()) as { available: string }).available,
      );

      // Allowed again: the same call goes through.
      await flag.getByRole('button', { name: 'Allow calls for feature assistant' }).click();
      await expect(flag).toContainText('Allowed');
      const allowed = await proPage.request.post('/api/ai/chat', {
        data: {
          model: 'local-demo',
          messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'Hello again' }] }],
        },
      });
      expect(allowed.status()).toBe(200);
      await allowed.text();
      await pro.close();

      // Deleting the flag asks first.
      await flag.getByRole('button', { name: 'Delete flag feature assistant' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete flag' }).click();
      await expect(flag).toHaveCount(0);
    });
  });

  test('a batch grant from pasted CSV: bad rows are marked and nothing is written; good rows are granted', async ({
    page,
  }) => {
    const problems = watchProblems(page);
    await page.goto('/admin/grants');
    const form = page.getByRole('form', { name: 'Batch grant' });
    const csv = form.getByLabel('Or paste CSV');
    const apply = form.getByRole('button', { name: /^Apply batch/ });
    const preview = form.getByTestId('batch-preview');
    const proBefore = await walletOf(demoUsers.pro.id);
    const starterBefore = await walletOf(demoUsers.starter.id);
    const reason = `E2E cohort ${Date.now().toString(36)}`;
    await form.getByLabel(/^Reason/).fill(reason);

    // A row the preview can check: marked, and the batch cannot be sent.
    await csv.fill(
      'email,org,credits,expires_at,key\npro@tollgate.dev,,7,,\nstarter@tollgate.dev,,lots,,',
    );
    await expect(
      form.getByRole('heading', { name: /Preview: 2 rows, 1 with errors/ }),
    ).toBeVisible();
    await expect(preview.locator('tbody tr').nth(0)).not.toHaveAttribute('data-invalid');
    await expect(preview.locator('tbody tr').nth(1)).toHaveAttribute('data-invalid', 'true');
    await expect(preview.locator('tbody tr').nth(1).getByRole('note')).not.toBeEmpty();
    await expect(apply).toBeDisabled();
    await page.screenshot({ path: screenshot('admin-batch-grant-invalid'), fullPage: true });

    // A row only the server can refuse (nobody has that email): marked, and nothing written.
    await csv.fill(
      'email,org,credits,expires_at,key\npro@tollgate.dev,,7,,\nnobody@tollgate.dev,,3,,',
    );
    await expect(form.getByRole('heading', { name: /Preview: 2 rows, all valid/ })).toBeVisible();
    await apply.click();
    await expect(form.getByRole('alert').first()).toContainText('nobody@tollgate.dev');
    await expect(preview.locator('tbody tr').nth(1)).toHaveAttribute('data-invalid', 'true');
    await expect(form.getByRole('heading', { name: /1 with errors/ })).toBeVisible();
    expect(await walletOf(demoUsers.pro.id)).toBe(proBefore);

    // Two good rows: both granted, and the result lists each transfer.
    await csv.fill(
      'email,org,credits,expires_at,key\npro@tollgate.dev,,7,,\nstarter@tollgate.dev,,3,,',
    );
    await expect(
      form.getByRole('heading', { name: /2 rows, all valid · grants 10/ }),
    ).toBeVisible();
    await apply.click();
    const result = form.getByTestId('batch-result');
    await expect(result).toBeVisible();
    await expect(form.getByRole('heading', { name: /Result: granted 10/ })).toBeVisible();
    await expect(result.locator('tbody tr')).toHaveCount(2);
    await expect(result.locator('tbody tr', { hasText: 'pro@tollgate.dev' })).toContainText(
      'Applied',
    );
    await expect(result.locator('tbody tr', { hasText: 'starter@tollgate.dev' })).toContainText(
      '+3',
    );
    expect(await walletOf(demoUsers.pro.id)).toBe(proBefore + 7_000_000n);
    expect(await walletOf(demoUsers.starter.id)).toBe(starterBefore + 3_000_000n);
    await page.screenshot({ path: screenshot('admin-batch-grant-result'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
