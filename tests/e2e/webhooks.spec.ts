import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { verifyTollgateSignature } from '@/lib/webhooks/verify';
import { withE2eDatabase } from './e2e-db';
import { screenshot, storageState } from './users';

/**
 * Settings → Webhooks: add an endpoint (its secret shown once), send a test event that the
 * background worker delivers to a receiver running in this test, and check its signature.
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

  test('adds an endpoint, shows its secret once, and a test event arrives signed', async ({
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

    // Point it at the local receiver, as the database allows for loopback http.
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
    // The background worker sends it; the list polls while it is pending.
    await expect(delivery).toContainText('Delivered', { timeout: 30_000 });
    await delivery.getByText(/1 attempt/).click();
    await expect(delivery).toContainText('#1 · HTTP 200');
    await expect(delivery).toContainText('received');
    await page.screenshot({ path: screenshot('webhooks-delivered'), fullPage: true });

    // The receiver got one signed request that verifies with the secret shown once.
    await expect.poll(() => receiver.received.length).toBe(1);
    const request = receiver.received[0]!;
    expect(request.path).toBe('/tollgate-hook');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['tollgate-event-type']).toBe('webhook.test');
    const signature = request.headers['tollgate-signature'];
    expect(typeof signature).toBe('string');
    expect(verifyTollgateSignature(request.body, signature as string, secret)).toBe(true);
    expect(verifyTollgateSignature(request.body, signature as string, `${secret}x`)).toBe(false);
    expect(verifyTollgateSignature(`${request.body} `, signature as string, secret)).toBe(false);
    const event = JSON.parse(request.body) as { id: string; type: string };
    expect(event.type).toBe('webhook.test');
    expect(request.headers['tollgate-event-id']).toBe(event.id);

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
