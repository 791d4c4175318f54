import { expect, test, type Page } from '@playwright/test';
import { endSubscriptionOf } from './e2e-db';
import { demoUsers, screenshot, storageState } from './users';

/**
 * Plans sold through the local test checkout and portal: a Starter user opens /pricing,
 * subscribes to Pro, an AI feature unlocks, the billing page shows the invoice, the local
 * portal cancels at the period end, and an upgrade to Enterprise shows its proration first.
 */

async function shots(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 1280 ? 800 : 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshot(`${name}-${width}`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test.describe('subscribing to a plan', () => {
  // Later specs expect the Starter user on the Starter plan.
  test.afterAll(() => endSubscriptionOf(demoUsers.starter.email, 'starter'));
  test.use({ storageState: storageState('starter') });

  test('Starter → Pro through the local checkout; the portal cancels at period end', async ({
    page,
  }) => {
    // Four pages, each shot at two widths, on a cold server.
    test.setTimeout(240_000);
    await page.goto('/features/forecast');
    await page
      .getByTestId('upgrade-block')
      .getByRole('link', { name: 'See plans and upgrade' })
      .click();
    await expect(page).toHaveURL(/\/pricing$/);
    await expect(page.getByTestId('plan-starter').getByText('Current plan')).toBeVisible();
    await expect(page.getByTestId('plan-pro')).toContainText('about 100 goal generations a month');
    await shots(page, 'pricing-starter');

    await page.getByTestId('plan-pro').getByRole('button', { name: 'Upgrade to Pro' }).click();
    await expect(page).toHaveURL(/\/checkout\/subscribe\?offer=/);
    await expect(page.getByText('Test checkout — no real payment')).toBeVisible();
    await shots(page, 'checkout-subscribe');
    await page.getByRole('button', { name: 'Subscribe for $29.00 (test)' }).click();

    await expect(page).toHaveURL(/\/billing\?checkout=success$/);
    await expect(page.getByTestId('subscription-summary')).toContainText('Pro plan');
    await expect(page.getByTestId('invoice-row')).toHaveCount(1);
    await expect(page.getByTestId('invoice-row')).toContainText('$29.00');
    await expect(page.getByTestId('subscription-next')).toContainText('Next invoice on');
    await shots(page, 'billing-pro');

    await page.goto('/features/forecast');
    await expect(page.getByTestId('allowance-forecast')).toBeVisible();
    await expect(page.getByTestId('upgrade-block')).toHaveCount(0);

    await page.goto('/billing');
    await page.getByRole('button', { name: 'Manage billing' }).click();
    await expect(page).toHaveURL(/\/billing\/portal$/);
    await expect(page.getByText('Test billing portal — no real payment')).toBeVisible();
    await shots(page, 'billing-portal');
    await page.getByRole('button', { name: 'Cancel at period end' }).click();
    await expect(page).toHaveURL(/\/billing$/);
    await expect(page.getByTestId('subscription-next')).toContainText(
      'Cancels at the end of the period',
    );
    await shots(page, 'billing-cancelled');

    // Upgrading the live subscription: the preview shows the proration, confirming applies it
    // (and calls the cancellation off).
    await page.getByRole('link', { name: 'Change plan', exact: true }).click();
    await expect(page).toHaveURL(/\/pricing$/);
    await page
      .getByTestId('plan-enterprise')
      .getByRole('button', { name: 'Upgrade to Enterprise' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Upgrade to Enterprise (monthly)' });
    await expect(dialog.getByTestId('change-plan-due')).toHaveText(/^\$\d+\.\d\d$/);
    const due = (await dialog.getByTestId('change-plan-due').textContent())!;
    await expect(dialog.getByTestId('change-plan-summary')).toContainText('$99.00 on');
    await shots(page, 'pricing-change-plan');
    await dialog.getByRole('button', { name: `Confirm and pay ${due}` }).click();
    await expect(page).toHaveURL(/\/billing\?changed=upgrade$/);
    await expect(page.getByTestId('subscription-summary')).toContainText('Enterprise plan');
    await expect(page.getByTestId('subscription-next')).toContainText('Next invoice on');
    await expect(page.getByTestId('invoice-row').first()).toContainText(due);
    await shots(page, 'billing-upgraded');
  });
});

/** `date` plus whole calendar months (UTC), the last day of a shorter month kept, as Stripe. */
function addMonths(date: Date, months: number): Date {
  const next = new Date(date);
  const day = next.getUTCDate();
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + months);
  const last = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, last));
  return next;
}

const longDate = (date: Date) =>
  date.toLocaleDateString('en-US', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });

test.describe('a yearly plan', () => {
  test.afterAll(() => endSubscriptionOf(demoUsers.starter.email, 'starter'));
  test.use({ storageState: storageState('starter'), timezoneId: 'UTC' });

  test('Pro yearly through the local checkout: billed for the year, renewed each month', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await page.goto('/pricing');
    const interval = page.getByRole('group', { name: 'Billing interval' });
    await interval.getByText('Yearly', { exact: true }).click();
    await expect(interval.getByRole('radio', { name: 'Yearly' })).toBeChecked();
    await expect(page.getByTestId('plan-pro')).toContainText('/ year');
    await page.getByTestId('plan-pro').getByRole('button', { name: 'Upgrade to Pro' }).click();
    await expect(page).toHaveURL(/\/checkout\/subscribe\?offer=/);
    const started = new Date();
    await page.getByRole('button', { name: 'Subscribe for $290.00 (test)' }).click();

    await expect(page).toHaveURL(/\/billing\?checkout=success$/);
    const summary = page.getByTestId('subscription-summary');
    await expect(summary).toContainText('Pro plan');
    await expect(summary).toContainText('Billed yearly.');
    await expect(page.getByTestId('subscription-next')).toContainText(
      `Next invoice on ${longDate(addMonths(started, 12))}: $290.00.`,
    );
    // The year is paid once; its credits and allowances come a month at a time.
    await expect(page.getByTestId('subscription-month')).toContainText(
      `renew each month, next on ${longDate(addMonths(started, 1))}.`,
    );
    // Newest first (the monthly journey above left its invoices on this user).
    await expect(page.getByTestId('invoice-row').first()).toContainText('$290.00');
    await expect(page.getByTestId('invoice-row').first()).toContainText(
      `${longDate(started)} – ${longDate(addMonths(started, 12))}`,
    );
    // What the page already held is read again: the sidebar's plan and the header's balance
    // (now with the first month's plan credits).
    await expect(page.getByTestId('usage-widget')).toContainText('Pro');
    const summaryBody = (await (await page.request.get('/api/credits')).json()) as {
      available: string;
    };
    const available = Number(BigInt(summaryBody.available)) / 1e6;
    await expect
      .poll(async () =>
        Number(
          ((await page.getByTestId('header-balance-amount').textContent()) ?? '').replace(
            /[^\d.]/g,
            '',
          ),
        ),
      )
      .toBeCloseTo(available, 2);
    await shots(page, 'billing-pro-yearly');

    await page.goto('/tokens');
    const monthEnd = addMonths(started, 1).toLocaleDateString('en-US', {
      dateStyle: 'medium',
      timeZone: 'UTC',
    });
    await expect(page.getByTestId('allowance-goal_generation')).toContainText(
      `refreshes ${monthEnd}`,
    );
    await shots(page, 'tokens-pro-yearly');
  });
});
