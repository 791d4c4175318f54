import { expect, test, type Page } from '@playwright/test';
import { demoUsers, screenshot, storageState } from './users';

/**
 * Email end to end: an owner invites someone, the worker sends the invitation through the local
 * SMTP catcher, it shows up at /dev/mail, and its link lets the invitee join.
 */

/** Full-page shots at desktop width and on a 390px phone, which must not scroll sideways. */
async function shots(page: Page, name: string) {
  await page.screenshot({ path: screenshot(`${name}-desktop`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshot(`${name}-mobile`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
}

test.describe('invitation email', () => {
  test.use({ storageState: storageState('owner') });

  test('arrives in the local inbox and its link lets the invitee join', async ({
    page,
    browser,
  }) => {
    const invitee = demoUsers.admin;
    await page.goto('/organizations/acme-ai/members');
    await page.getByLabel('Email').fill(invitee.email);
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect(page.getByText(`Invitation for ${invitee.email} created`)).toBeVisible();
    await expect(page.getByText('We emailed them the invitation.')).toBeVisible();

    // The worker sends it at once (LISTEN); reload the inbox until it is there.
    const subject = `${demoUsers.owner.name} invited you to Acme AI on Tollgate`;
    const message = page.getByRole('navigation', { name: 'Messages' }).getByRole('link', {
      name: new RegExp(subject),
    });
    await expect(async () => {
      await page.goto('/dev/mail');
      await expect(message).toHaveCount(1);
    }).toPass({ timeout: 30_000 });
    await message.click();
    const article = page.getByRole('article', { name: 'Message' });
    await expect(article.getByRole('heading', { name: subject })).toBeVisible();
    await expect(article).toContainText(`To ${invitee.email}`);
    const frame = page.frameLocator(`iframe[title="Message: ${subject}"]`);
    await expect(frame.getByText('Accept the invitation')).toBeVisible();
    await shots(page, 'email-dev-mail');

    const link = article
      .getByRole('region', { name: 'Links in this message' })
      .getByRole('link', { name: /\/invitations\// })
      .first();
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^http:\/\/localhost:\d+\/invitations\/[A-Za-z0-9_-]{43}$/);

    // The email as rendered on its own.
    const frameSrc = await page.locator(`iframe[title="Message: ${subject}"]`).getAttribute('src');
    await page.goto(frameSrc!);
    await expect(page.getByText('Accept the invitation')).toBeVisible();
    await shots(page, 'email-invitation');

    // The invitee opens the link and joins.
    const context = await browser.newContext({ storageState: storageState('admin') });
    const invitePage = await context.newPage();
    await invitePage.goto(new URL(href).pathname);
    await invitePage.getByRole('button', { name: 'Join Acme AI' }).click();
    await expect(invitePage).toHaveURL(/\/organizations\/acme-ai\/members$/);
    await context.close();

    // The owner hears of it in the bell.
    await page.goto('/dashboard');
    await page.getByTestId('notification-bell').click();
    await expect(
      page
        .getByRole('dialog', { name: 'Notifications' })
        .getByRole('button', { name: new RegExp(`^${invitee.name} joined Acme AI`) }),
    ).toBeVisible();
  });
});
