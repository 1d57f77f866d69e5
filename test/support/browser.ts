import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * How long a console test waits for one step of the page (a click's result, a heading, a row).
 * The suite runs its files in parallel on the machine's cores, with a server and Chromium each;
 * a step that takes a few hundred milliseconds alone took over 5 s there once (the conversation
 * view's heading after "Open the conversation"), so a step may take up to this before it fails.
 */
export const PAGE_STEP_TIMEOUT_MS = 15_000;

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium, headless, for the console's tests; throws at once when it is missing. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the console tests drive Debian's Chromium at ${CHROMIUM}, which is not installed ` +
        '(apt-get install chromium; .ci/run installs it)',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A new page whose steps wait up to PAGE_STEP_TIMEOUT_MS. */
export async function openPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(PAGE_STEP_TIMEOUT_MS);
  return page;
}
