import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { ChatClient } from '../support/chat-client.js';
import { sendAndAwaitReply, startTestApp, type TestApp } from '../support/test-app.js';
import { tokenFor } from '../support/tokens.js';
import { launchChromium, openPage } from '../support/browser.js';

let app: TestApp;
let browser: Browser | undefined;
const clients: ChatClient[] = [];

beforeAll(async () => {
  // Chromium first: without it the test app is never started.
  [browser, app] = await Promise.all([launchChromium(), startTestApp({ MEMORY_ENABLED: 'false' })]);
}, 60_000);
afterAll(async () => {
  for (const c of clients.splice(0)) c.close();
  await browser?.close();
  await app?.close();
});

const send = (c: ChatClient, text: string) =>
  c.request<{ ok: boolean; error?: { code: string } }>('message:send', {
    clientMsgId: randomUUID(),
    text,
  });

describe('the operator console', () => {
  it('shows a crisis flag live, opens it, mutes the user, and their next message is refused', async () => {
    const page = await openPage(browser!);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    const opened = await page.goto(`${app.url}/console`);
    expect(opened?.status()).toBe(200);
    await page.getByLabel('Operator token').fill(tokenFor('console-mod', { roles: ['moderator'] }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Live: new flags appear').waitFor();

    const user = `console-${process.pid}`;
    const c = await ChatClient.connect(app.url, user);
    clients.push(c);
    expect((await send(c, "I'm going to kill myself tonight, I have the pills")).ok).toBe(true);

    // The flag arrives over /operator: no reload.
    const row = page.getByRole('row').filter({ hasText: user });
    await row.waitFor();
    expect(await row.getAttribute('data-priority')).toBe('1');
    expect(await row.getAttribute('class')).toBe('fresh');
    await row.getByRole('button', { name: /^crisis:/ }).click();
    await page.getByRole('heading', { name: /^crisis flag/ }).waitFor();
    expect(await page.locator('#flag-message blockquote').textContent()).toContain('kill myself');

    await page.getByLabel('Duration in minutes').fill('60');
    await page.getByRole('button', { name: 'Mute', exact: true }).click();
    await page.getByText(/^Done: mute until/).waitFor();

    const refused = await send(c, 'hello?');
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('muted');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it('opens the conversation with its mood chart, takes it over and writes to the user', async () => {
    const page = await openPage(browser!);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const user = `console-talk-${process.pid}`;
    const c = await ChatClient.connect(app.url, user);
    clients.push(c);
    const first = await sendAndAwaitReply(app, c, 'I feel so lonely and sad tonight');
    const report = await c.request<{ ok: boolean }>('report:send', {
      clientMsgId: randomUUID(),
      messageId: first.ack.messageId,
      reason: 'check on me',
    });
    expect(report.ok).toBe(true);

    await page.goto(`${app.url}/console`);
    await page
      .getByLabel('Operator token')
      .fill(tokenFor('console-mod-2', { roles: ['moderator'] }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('row').filter({ hasText: user }).getByRole('button').click();
    await page.getByRole('button', { name: 'Open the conversation' }).click();
    await page.getByRole('heading', { name: `Conversation of ${user}` }).waitFor();
    const chart = page.getByRole('img', { name: 'Mood across the conversation' });
    expect(await chart.getAttribute('data-points')).toBe('1');
    expect(await page.locator('li.message').count()).toBe(2);

    await page.getByRole('button', { name: /^Take over/ }).click();
    await page.getByText('You hold the conversation').waitFor();
    expect((await c.next('notice', (n) => n.kind === 'operator_joined')).conversationId).toBe(
      first.ack.conversationId,
    );
    await page.getByLabel(/^Write to the user/).fill('I am a person on the care team. I am here.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const said = await c.next('message:new', (m) => m.message.source === 'operator');
    expect(said.message.content).toBe('I am a person on the care team. I am here.');
    await page.locator('li.message[data-source="operator"]').waitFor();
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it('serves only its own files', async () => {
    const res = await fetch(`${app.url}/console/package.json`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('not_found');
    const script = await fetch(`${app.url}/console/socket.io.esm.min.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
  });
});
