import { expect, test as setup } from '@playwright/test';
import { demoUsers, storageState, type DemoUser } from './users';

/** Signs in once as each demo user through the real login page and saves the session. */
for (const key of Object.keys(demoUsers) as DemoUser[]) {
  setup(`sign in as ${key}`, async ({ page }) => {
    const user = demoUsers[key];
    await page.goto('/login');
    await page.getByRole('button', { name: `Sign in as ${user.name}` }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await page.context().storageState({ path: storageState(key) });
  });
}
