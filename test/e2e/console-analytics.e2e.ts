import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { tokenFor } from '../support/tokens.js';
import { launchChromium, openPage } from '../support/browser.js';

/** The console's Analytics view (src/console/public/analytics.js) in headless Chromium. */

let app: TestApp;
let browser: Browser | undefined;

beforeAll(async () => {
  // Chromium first: without it the test app is never started.
  [browser, app] = await Promise.all([launchChromium(), startTestApp({ MEMORY_ENABLED: 'false' })]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signIn(roles: string[]) {
  const page = await openPage(browser!);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.url}/console`);
  await page.getByLabel('Operator token').fill(tokenFor('console-op', { roles }));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { page, errors };
}

describe('the console for analysts', () => {
  it('shows the retention triangle and the DAU/MAU line drawn by the server', async () => {
    const { page, errors } = await signIn(['analyst']);
    await page.getByRole('button', { name: 'Analytics' }).click();
    await page.getByText(/^Drawn at/).waitFor();
    // Decoded images of their own size (an SVG the browser could not read stays 0 wide).
    await page.waitForFunction(
      `[...document.querySelectorAll('#analytics img')].every((i) => i.complete)`,
    );
    const widths = await page.evaluate<number[]>(
      `[...document.querySelectorAll('#analytics img')].map((i) => i.naturalWidth)`,
    );
    expect(widths).toHaveLength(2);
    for (const w of widths) expect(w).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('offers no Analytics tab to a moderator', async () => {
    const { page } = await signIn(['moderator']);
    expect(await page.locator('#analytics-tab').isHidden()).toBe(true);
    await page.close();
  }, 60_000);
});
