import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { storageState, type DemoUser } from './users';

/**
 * Every page of the app, as the person it is for, at desktop width and on a 390px phone: its
 * main heading renders, no error boundary shows, the phone layout does not scroll sideways, and
 * a full-page screenshot is kept for review in test-results/screenshots/pages/.
 */

interface PageCase {
  name: string;
  path: string;
  /** Who opens it; null is a visitor who is not signed in. */
  user: DemoUser | null;
  heading: string | RegExp;
  /** Where the page settles after redirects, when that is not `path`. */
  url?: RegExp;
  /** What to do on the page before it is checked (open a view that only shows on demand). */
  act?: (page: Page) => Promise<void>;
}

const FEATURES = ['goal_generation', 'strategy_analysis', 'forecast', 'lead_generation'];

const PAGES: PageCase[] = [
  { name: 'landing', path: '/', user: null, heading: 'Credits and metering for AI products' },
  { name: 'login', path: '/login', user: null, heading: 'Sign in to Tollgate' },
  { name: 'pricing', path: '/pricing', user: null, heading: 'Plans and pricing' },
  { name: 'pricing-owner', path: '/pricing', user: 'owner', heading: 'Plans and pricing' },
  { name: 'docs', path: '/docs', user: null, heading: 'Developer docs' },
  { name: 'dashboard', path: '/dashboard', user: 'pro', heading: 'Welcome back, Priya' },
  { name: 'credits-usage', path: '/credits', user: 'pro', heading: 'Credits' },
  {
    name: 'credits-usage-model',
    path: '/credits',
    user: 'pro',
    heading: 'Credits',
    act: async (page) => {
      await page
        .getByRole('group', { name: 'Break usage down by' })
        .getByText('Model', { exact: true })
        .click();
      await expect(page.getByRole('table', { name: 'AI usage by model' })).toBeVisible();
    },
  },
  { name: 'credits-history', path: '/credits?tab=history', user: 'pro', heading: 'Credits' },
  { name: 'credits-purchase', path: '/credits?tab=purchase', user: 'pro', heading: 'Credits' },
  { name: 'allowances', path: '/allowances', user: 'pro', heading: 'Allowances' },
  { name: 'allowances-starter', path: '/allowances', user: 'starter', heading: 'Allowances' },
  { name: 'ai', path: '/ai', user: 'pro', heading: 'AI Assistant' },
  { name: 'ai-batches', path: '/ai/batches', user: 'pro', heading: 'AI batches' },
  {
    name: 'features',
    path: '/features',
    user: 'pro',
    heading: 'AI features',
    url: /\/features\/goal_generation$/,
  },
  ...FEATURES.map((feature) => ({
    name: `feature-${feature}`,
    path: `/features/${feature}`,
    user: 'pro' as const,
    heading: 'AI features',
  })),
  { name: 'feature-starter', path: '/features/forecast', user: 'starter', heading: 'AI features' },
  { name: 'organizations', path: '/organizations', user: 'owner', heading: 'Organizations' },
  {
    name: 'organizations-new',
    path: '/organizations/new',
    user: 'owner',
    heading: 'New organization',
  },
  {
    name: 'org-credits',
    path: '/organizations/acme-ai/credits',
    user: 'owner',
    heading: 'Acme AI credits',
  },
  {
    name: 'org-members',
    path: '/organizations/acme-ai/members',
    user: 'owner',
    heading: /Members of Acme AI/,
  },
  {
    name: 'org-settings',
    path: '/organizations/acme-ai/settings',
    user: 'owner',
    heading: /Acme AI settings/,
  },
  { name: 'dashboard-owner', path: '/dashboard', user: 'owner', heading: 'Welcome back, Omar' },
  { name: 'billing', path: '/billing', user: 'pro', heading: 'Billing' },
  { name: 'settings', path: '/settings', user: 'owner', heading: 'Settings' },
  { name: 'settings-webhooks', path: '/settings/webhooks', user: 'owner', heading: 'Webhooks' },
  { name: 'admin', path: '/admin', user: 'admin', heading: 'Platform overview' },
  { name: 'admin-models', path: '/admin/models', user: 'admin', heading: 'Models' },
  { name: 'admin-flags', path: '/admin/flags', user: 'admin', heading: 'Flags and AI settings' },
  {
    name: 'admin-rollouts',
    path: '/admin/rollouts',
    user: 'admin',
    heading: 'Rollouts and model access',
  },
  {
    name: 'admin-experiments',
    path: '/admin/experiments',
    user: 'admin',
    heading: 'Model experiments',
  },
  {
    name: 'org-models',
    path: '/organizations/acme-ai/models',
    user: 'owner',
    heading: 'Models of Acme AI',
  },
  { name: 'admin-grants', path: '/admin/grants', user: 'admin', heading: 'Grant credits' },
  {
    name: 'admin-grants-batch-preview',
    path: '/admin/grants',
    user: 'admin',
    heading: 'Grant credits',
    // A preview with a row in error; nothing is applied.
    act: async (page) => {
      await page
        .getByRole('form', { name: 'Batch grant' })
        .getByLabel('Or paste CSV')
        .fill(
          'email,org,credits,expires_at,key\npro@tollgate.dev,,7,,\nstarter@tollgate.dev,,lots,,',
        );
      await expect(page.getByTestId('batch-preview')).toBeVisible();
    },
  },
  {
    name: 'org-credits-owing',
    path: '/organizations/nimbus-labs/credits',
    user: 'admin',
    heading: 'Nimbus Labs credits',
  },
  {
    name: 'org-settings-owing',
    path: '/organizations/nimbus-labs/settings',
    user: 'admin',
    heading: /Nimbus Labs settings/,
  },
  { name: 'admin-packages', path: '/admin/packages', user: 'admin', heading: 'Credit packages' },
  { name: 'admin-payments', path: '/admin/payments', user: 'admin', heading: 'Payments' },
  { name: 'admin-plans', path: '/admin/plans', user: 'admin', heading: 'Plans' },
  {
    name: 'admin-plan-overrides',
    path: '/admin/plan-overrides',
    user: 'admin',
    heading: 'Plan overrides',
  },
  {
    name: 'admin-subscriptions',
    path: '/admin/subscriptions',
    user: 'admin',
    heading: 'Subscriptions',
  },
  { name: 'not-found', path: '/no-such-page', user: 'pro', heading: 'Page not found' },
  { name: 'dev-mail', path: '/dev/mail', user: null, heading: 'Local mail' },
  { name: 'unsubscribe', path: '/unsubscribe', user: null, heading: 'This link is not valid' },
];

const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

const shotPath = (name: string, width: number) =>
  path.join(import.meta.dirname, '../../test-results/screenshots/pages', `${name}-${width}.png`);

async function openAs(browser: Browser, user: DemoUser | null) {
  return browser.newContext(user ? { storageState: storageState(user) } : {});
}

for (const entry of PAGES) {
  test(`${entry.name} (${entry.path}) renders at desktop and phone widths`, async ({ browser }) => {
    const context = await openAs(browser, entry.user);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(message.text());
      }
    });
    try {
      for (const size of WIDTHS) {
        await page.setViewportSize(size);
        const response = await page.goto(entry.path);
        expect(response?.status()).toBe(entry.name === 'not-found' ? 404 : 200);
        if (entry.url) await expect(page).toHaveURL(entry.url);
        await expect(page.getByRole('heading', { level: 1, name: entry.heading })).toBeVisible();
        await entry.act?.(page);
        await page.waitForLoadState('networkidle');
        // Nothing is left loading: every skeleton placeholder has been replaced.
        await expect(page.locator('.animate-pulse')).toHaveCount(0, { timeout: 10_000 });
        await expect(page.getByText('Something went wrong')).toHaveCount(0);
        await expect(page.getByText('Application error')).toHaveCount(0);
        if (size.width === 390) {
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          expect(scrollWidth, `${entry.path} scrolls sideways at 390px`).toBeLessThanOrEqual(
            390 + 1,
          );
          // No action hides sideways, in the page or in a scrolling box inside a card.
          const outside = await page.evaluate(() =>
            [...document.querySelectorAll('a[href], button, input, select, textarea')]
              .filter((element) => element.checkVisibility({ visibilityProperty: true }))
              .filter((element) => !element.closest('[aria-hidden="true"], [inert]'))
              .map((element) => ({ element, box: element.getBoundingClientRect() }))
              // sr-only elements (1px, clipped) are for screen readers, not for fingers.
              .filter(({ box }) => box.width > 1 && box.height > 1)
              .filter(({ box }) => box.left < -1 || box.right > window.innerWidth + 1)
              .map(
                ({ element, box }) =>
                  `${element.tagName.toLowerCase()} "${(element.textContent || element.getAttribute('aria-label') || '').trim().slice(0, 40)}" at ${Math.round(box.left)}–${Math.round(box.right)}px`,
              ),
          );
          expect(outside, `${entry.path}: actions outside the 390px viewport`).toEqual([]);
          // Nor does any box inside the page scroll sideways: tables stack into rows on a phone.
          // Code samples (<pre>) may scroll; they are read, not tapped.
          const scrolling = await page.evaluate(() =>
            [...document.querySelectorAll('body *')]
              .filter((element) => !element.closest('pre'))
              .filter((element) => element.checkVisibility({ visibilityProperty: true }))
              .filter((element) => ['auto', 'scroll'].includes(getComputedStyle(element).overflowX))
              .filter((element) => element.scrollWidth > element.clientWidth + 1)
              .map(
                (element) =>
                  `${element.tagName.toLowerCase()} "${(element.textContent || '').trim().slice(0, 40)}" scrolls ${element.scrollWidth}px in ${element.clientWidth}px`,
              ),
          );
          expect(scrolling, `${entry.path}: boxes that scroll sideways at 390px`).toEqual([]);
        }
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: shotPath(entry.name, size.width), fullPage: true });
      }
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
}
