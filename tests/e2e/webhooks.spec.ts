import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { withE2eDatabase } from './e2e-db';
import { screenshot, storageState } from './users';

/**
 * Settings → Webhooks: add an endpoint (its secret shown once), then point it at a receiver on
 * this machine behind the API's back and send a test event: the production build's worker checks
 * the target again and never connects to it.
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny HTTP receiver on a free port of 127.0.0.1 that records every request. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('received');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/tollgate-hook`, received };
}

async function endpointCount(page: Page): Promise<number> {
  const response = await page.request.get('/api/webhooks/endpoints');
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as { endpoints?: unknown[] } | unknown[];
  return Array.isArray(body) ? body.length : (body.endpoints?.length ?? 0);
}

test.describe('webhooks', () => {
  test.use({ storageState: storageState('pro') });

  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  test.beforeAll(async () => {
    receiver = await startReceiver();
  });
  test.afterAll(async () => {
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  test('adds an endpoint, shows its secret once; the worker never delivers to an internal address', async ({
    page,
  }) => {
    await page.goto('/settings/webhooks');
    await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
    const panel = page.getByTestId('webhooks-personal');
    const form = panel.getByRole('form', { name: 'Add a webhook endpoint' });
    const url = form.getByLabel('Endpoint URL');
    const count = await endpointCount(page);

    // Readable refusals; nothing is created.
    await url.fill('ftp://hooks.example.com/tollgate');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(form.getByRole('alert')).toHaveText('The URL must use https://.');
    await expect(url).toHaveAttribute('aria-invalid', 'true');
    await page.screenshot({ path: screenshot('webhooks-invalid-url') });
    // The e2e server is a production build: plain http, even to this machine, is refused there.
    await url.fill(receiver.url);
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(form.getByRole('alert')).toContainText(
      'must use https:// (http://localhost is allowed in development only)',
    );
    expect(await endpointCount(page)).toBe(count);

    const publicUrl = `https://hooks.example.com/tollgate/${Date.now()}`;
    await url.fill(publicUrl);
    await form.getByLabel('Description (optional)').fill('E2E receiver');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const secretBox = panel.getByTestId('webhook-secret');
    await expect(secretBox).toBeVisible();
    const secret = (await secretBox.textContent())!.trim();
    expect(secret.length).toBeGreaterThanOrEqual(24);
    await expect(panel.getByText('It will not be shown again.')).toBeVisible();
    const item = panel.getByTestId('webhook-endpoint').filter({ hasText: publicUrl });
    await expect(item).toContainText('E2E receiver');
    await expect(item).toContainText(`secret ends in ${secret.slice(-4)}`);
    await expect(item).toContainText('Enabled');
    expect(await endpointCount(page)).toBe(count + 1);
    await page.screenshot({ path: screenshot('webhooks-secret-once'), fullPage: true });

    // Point it at the local receiver behind the API's back, as an attacker with a stale or
    // rebinding DNS name would.
    await withE2eDatabase(
      (sql) =>
        sql`update public.webhook_endpoints set url = ${receiver.url} where url = ${publicUrl}`,
    );

    // Shown once: after a reload only the hint is left.
    await page.reload();
    await expect(panel.getByTestId('webhook-secret')).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);
    const endpoint = panel.getByTestId('webhook-endpoint').filter({ hasText: receiver.url });
    await expect(endpoint).toContainText(`secret ends in ${secret.slice(-4)}`);

    await endpoint.getByRole('button', { name: 'Send test event' }).click();
    await expect(page.getByText('Test event queued')).toBeVisible();
    const delivery = endpoint.getByTestId('webhook-delivery').first();
    await expect(delivery).toContainText('webhook.test');
    // The background worker checks the target again at delivery: in this production build a
    // loopback address is refused (the signed delivery itself is proven in the API tests, where
    // the development exception lets the worker reach a local receiver).
    await expect(delivery).toContainText('a loopback address', { timeout: 30_000 });
    await expect(delivery).toContainText('no response');
    await page.screenshot({ path: screenshot('webhooks-refused-internal'), fullPage: true });
    expect(receiver.received).toHaveLength(0);

    // Phone: the page, the endpoint and its delivery fit 390px.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshot('webhooks-phone'), fullPage: true });

    // Deleting asks first, then the endpoint is gone.
    page.once('dialog', (dialog) => void dialog.accept());
    await endpoint.getByRole('button', { name: `Delete endpoint ${receiver.url}` }).click();
    await expect(endpoint).toHaveCount(0);
    expect(await endpointCount(page)).toBe(count);
  });
});
