import { expect, test, type Page } from '@playwright/test';
import { screenshot, storageState } from './users';

/** The assistant: a streamed reply whose shown cost is exactly what left the wallet. */

async function availableMicro(page: Page): Promise<bigint> {
  const response = await page.request.get('/api/credits');
  expect(response.ok()).toBe(true);
  return BigInt(((await response.json()) as { available: string }).available);
}

test.describe('AI assistant', () => {
  test.use({ storageState: storageState('pro') });

  test('the Pro user chats; the balance falls by exactly the credits shown', async ({ page }) => {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(message.text());
      }
    });
    await page.goto('/ai');
    await expect(page.getByRole('heading', { name: 'AI Assistant', level: 1 })).toBeVisible();
    await expect(page.getByLabel('Model')).toHaveValue('local-demo');
    await expect(page.locator('#ai-model-price')).toContainText('credits per 1K input tokens');

    const before = await availableMicro(page);
    await page.getByLabel('Message').fill('What does Tollgate do?');
    await page.getByRole('button', { name: 'Send' }).click();
    // The header balance refetches once the reply is settled.
    const headerRefresh = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/credits' &&
        response.request().method() === 'GET',
    );

    const reply = page.getByTestId('assistant-message').last();
    // Streaming: the reply shows before its cost does.
    await expect(reply).toContainText('local demo model', { timeout: 15_000 });
    await page.screenshot({ path: screenshot('assistant-streaming') });
    const cost = reply.getByTestId('message-cost');
    await expect(cost).toBeVisible({ timeout: 20_000 });
    const charged = BigInt((await cost.getAttribute('data-micro-credits')) ?? 'x');
    expect(charged).toBeGreaterThan(0n);
    await expect(cost).toContainText('credits');

    expect(await availableMicro(page)).toBe(before - charged);
    const refreshed = await headerRefresh;
    expect(BigInt(((await refreshed.json()) as { available: string }).available)).toBe(
      before - charged,
    );
    await page.screenshot({ path: screenshot('assistant-desktop'), fullPage: true });
    expect(problems).toEqual([]);
  });

  test('fits a 390px phone', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/ai');
    await page.getByLabel('Message').fill('Hello from a phone');
    await page.getByLabel('Message').press('Enter');
    await expect(page.getByTestId('message-cost').last()).toBeVisible({ timeout: 20_000 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshot('assistant-mobile'), fullPage: true });
  });

  test('a chat persists: after a reload it is listed and shows each reply with its cost', async ({
    page,
  }) => {
    await page.goto('/ai');
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.getByLabel('Message').fill('Remember this chat about ledgers');
    await page.getByRole('button', { name: 'Send' }).click();
    const cost = page.getByTestId('message-cost').last();
    await expect(cost).toBeVisible({ timeout: 20_000 });
    const charged = await cost.getAttribute('data-micro-credits');
    await expect(page).toHaveURL(/\/ai\?c=[0-9a-f-]{36}$/);
    const chats = page.getByRole('navigation', { name: 'Chats' });
    await expect(
      chats.getByRole('button', { name: 'Remember this chat about ledgers' }),
    ).toHaveAttribute('aria-current', 'page');

    await page.reload();
    await expect(page.getByTestId('user-message')).toHaveText(/Remember this chat about ledgers/);
    await expect(page.getByTestId('message-cost')).toHaveAttribute('data-micro-credits', charged!);
    await expect(page.getByTestId('message-cost')).toContainText('tokens');

    // Rename, then delete: the list follows.
    await chats.getByRole('button', { name: 'Rename chat' }).click();
    await page.getByRole('dialog').getByLabel('Title').fill('Ledger notes');
    await page.getByRole('button', { name: 'Save title' }).click();
    await expect(chats.getByRole('button', { name: 'Ledger notes' })).toBeVisible();
    await page.screenshot({ path: screenshot('assistant-conversations'), fullPage: true });
    await chats.getByRole('button', { name: 'Delete chat' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete chat' }).click();
    await expect(chats.getByRole('button', { name: 'Ledger notes' })).toHaveCount(0);
    await expect(page).toHaveURL(/\/ai$/);
  });

  test('a template fills the composer', async ({ page }) => {
    await page.goto('/ai');
    await page.getByRole('button', { name: 'Use template' }).click();
    await page.getByRole('button', { name: 'Create a template' }).click();
    await page.getByLabel('Name', { exact: true }).fill(`Brief ${Date.now().toString(36)}`);
    await page.getByLabel('Template text').fill('Explain {{topic}} to {{audience}}.');
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('textbox', { name: /^topic/ }).fill('double-entry ledgers');
    await page.getByRole('button', { name: 'Insert prompt' }).click();
    await expect(page.getByRole('dialog').getByRole('alert')).toContainText('audience');
    await page.getByRole('textbox', { name: /^audience/ }).fill('new engineers');
    await page.screenshot({ path: screenshot('assistant-template-picker') });
    await page.getByRole('button', { name: 'Insert prompt' }).click();
    await expect(page.getByLabel('Message')).toHaveValue(
      'Explain double-entry ledgers to new engineers.',
    );
  });

  test.describe('org wallet', () => {
    test.use({ storageState: storageState('owner') });

    test('an org owner pays from the org wallet; the personal wallet is untouched', async ({
      page,
    }) => {
      await page.goto('/ai');
      const payFrom = page.getByLabel('Pay from');
      await payFrom.selectOption({ index: 1 });
      const orgId = await payFrom.inputValue();
      const orgBalance = async () => {
        const response = await page.request.get(`/api/orgs/${orgId}/credits`);
        expect(response.ok()).toBe(true);
        return BigInt(((await response.json()) as { available: string }).available);
      };
      const orgBefore = await orgBalance();
      const personalBefore = await availableMicro(page);
      await page.getByLabel('Message').fill('Charge the team');
      await page.getByRole('button', { name: 'Send' }).click();
      const cost = page.getByTestId('message-cost').last();
      await expect(cost).toBeVisible({ timeout: 20_000 });
      const charged = BigInt((await cost.getAttribute('data-micro-credits')) ?? 'x');
      expect(await orgBalance()).toBe(orgBefore - charged);
      expect(await availableMicro(page)).toBe(personalBefore);
      await page.screenshot({ path: screenshot('assistant-org-wallet') });
    });
  });
});
