import { expect, test, type Page } from '@playwright/test';
import { formatCredits } from '@/lib/credits/format';
import { screenshot, storageState } from './users';

/**
 * /ai/batches: a small batch on the local model runs in the background worker, shows its
 * progress and results, and leaves the wallet short by exactly what it charged.
 */

interface Batch {
  id: string;
  status: string;
  itemCount: number;
  progress: Record<'pending' | 'running' | 'done' | 'failed' | 'cancelled', number>;
  creditsReserved: string;
  creditsCharged: string;
}

async function availableMicro(page: Page): Promise<bigint> {
  const response = await page.request.get('/api/credits');
  expect(response.ok()).toBe(true);
  return BigInt(((await response.json()) as { available: string }).available);
}

async function latestBatch(page: Page): Promise<Batch> {
  const response = await page.request.get('/api/ai/batch');
  expect(response.ok()).toBe(true);
  const { batches } = (await response.json()) as { batches: Batch[] };
  expect(batches.length).toBeGreaterThan(0);
  return batches[0]!;
}

test.describe('AI batches', () => {
  test.use({ storageState: storageState('pro') });

  test('a batch of 3 runs to completion with results; the balance falls by what it charged', async ({
    page,
  }) => {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(message.text());
      }
    });
    await page.goto('/ai/batches');
    await expect(page.getByRole('heading', { name: 'AI batches', level: 1 })).toBeVisible();
    await expect(page.getByLabel('Model')).toHaveValue('local-demo');
    await page.getByLabel('Feature').selectOption('lead_generation');
    const before = await availableMicro(page);

    await page
      .getByLabel('Items, one per line')
      .fill(
        [
          'Bookkeeping software for dental clinics in Ohio',
          '',
          'Coffee catering for tech offices in Berlin',
          'Bike repair subscriptions for couriers in Lyon',
        ].join('\n'),
      );
    await expect(page.getByText('3 of 1,000 items')).toBeVisible();
    await page.getByRole('button', { name: 'Run 3 items' }).click();

    const detail = page.getByTestId('batch-detail');
    await expect(detail.getByRole('heading', { name: /Batch of 3/ })).toBeVisible();
    // The worker runs it; the detail polls until it is done.
    await expect(detail.getByRole('heading', { name: /Batch of 3/ })).toContainText('completed', {
      timeout: 45_000,
    });
    await expect(detail.getByRole('progressbar', { name: 'Batch progress' })).toHaveAttribute(
      'aria-valuenow',
      '3',
    );
    const rows = detail.locator('tbody tr');
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0)).toContainText('Bookkeeping software for dental clinics in Ohio');
    await expect(rows.nth(2)).toContainText('Bike repair subscriptions for couriers in Lyon');
    for (let index = 0; index < 3; index += 1) {
      const cells = rows.nth(index).locator('td');
      await expect(cells.nth(2)).toHaveText('done');
      // A real reply from the local model, not the waiting placeholder.
      await expect(cells.nth(3)).not.toHaveText(/^(Waiting…|Not run)?$/);
    }

    const batch = await latestBatch(page);
    expect(batch.status).toBe('completed');
    expect(batch.progress.done).toBe(3);
    const charged = BigInt(batch.creditsCharged);
    expect(charged).toBeGreaterThan(0n);
    expect(charged).toBeLessThanOrEqual(BigInt(batch.creditsReserved));
    await expect(detail.getByTestId('batch-charged')).toHaveText(formatCredits(charged));
    // Every hold settled or released: the wallet is short by exactly the charge.
    expect(await availableMicro(page)).toBe(before - charged);
    await expect(page.getByTestId('header-balance-amount')).toHaveText(
      formatCredits(before - charged),
    );

    // The list on the side shows it finished.
    const list = page.getByRole('link', { name: /Lead generation/i }).first();
    await expect(list).toContainText('3 of 3 processed');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshot('batches-completed'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshot('batches-phone'), fullPage: true });

    // The batch has its own address, over the page's width, with its results as downloads.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/ai/batches/${batch.id}`);
    const own = page.getByTestId('batch-detail');
    await expect(own.getByRole('heading', { name: /Batch of 3/ })).toContainText('completed');
    await expect(own.locator('tbody tr')).toHaveCount(3);
    const ownBox = await own.boundingBox();
    expect(ownBox!.width).toBeGreaterThan(900);
    await page.screenshot({ path: screenshot('batch-own-page'), fullPage: true });
    const csv = await page.request.get(`/api/ai/batch/${batch.id}/export?format=csv`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const csvLines = (await csv.text()).trim().split('\r\n');
    expect(csvLines[0]).toBe(
      'index,status,input,result,error,attempts,input_tokens,output_tokens,credits_charged,micro_credits_charged',
    );
    expect(csvLines).toHaveLength(4);
    expect(csvLines[1]).toContain('Bookkeeping software for dental clinics in Ohio');
    const jsonl = await page.request.get(`/api/ai/batch/${batch.id}/export?format=jsonl`);
    const records = (await jsonl.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { index: number; status: string });
    expect(records.map((record) => [record.index, record.status])).toEqual([
      [1, 'done'],
      [2, 'done'],
      [3, 'done'],
    ]);
    const download = page.waitForEvent('download');
    await own.getByRole('link', { name: 'CSV' }).click();
    expect((await download).suggestedFilename()).toMatch(/^tollgate-batch-.+\.csv$/);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshot('batch-own-page-phone'), fullPage: true });
    expect(problems).toEqual([]);
  });

  test('cancelling a running batch stops the rest and releases their reservation', async ({
    page,
  }) => {
    await page.goto('/ai/batches');
    const before = await availableMicro(page);
    const items = Array.from({ length: 200 }, (_, index) => `Prospect list ${index + 1}`);
    await page.getByLabel('Items, one per line').fill(items.join('\n'));
    await page.getByRole('button', { name: 'Run 200 items' }).click();
    const detail = page.getByTestId('batch-detail');
    const cancel = detail.getByRole('button', { name: 'Cancel the rest' });
    await expect(cancel).toBeVisible();
    // While it runs, the worst case of every item is held.
    const running = await latestBatch(page);
    expect(BigInt(running.creditsReserved)).toBeGreaterThan(0n);
    await cancel.click();

    const heading = detail.getByRole('heading', { name: /Batch of 200/ });
    await expect(heading).toContainText('cancelled', { timeout: 30_000 });
    await expect(cancel).toHaveCount(0);
    const batch = await latestBatch(page);
    expect(batch.status).toBe('cancelled');
    expect(batch.progress.cancelled).toBeGreaterThan(0);
    expect(batch.progress.pending + batch.progress.running).toBe(0);
    expect(batch.progress.done + batch.progress.failed + batch.progress.cancelled).toBe(200);
    await expect(
      detail.locator('tbody tr td:nth-child(3)', { hasText: 'cancelled' }).first(),
    ).toBeVisible();
    // Only the items that ran were charged; the rest of the reservation came back.
    expect(await availableMicro(page)).toBe(before - BigInt(batch.creditsCharged));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshot('batches-cancelled'), fullPage: true });
  });
});
