import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import { sendAndAwaitReply, startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_JWT_SECRET } from '../support/tokens.js';

let app: TestApp;
const clients: ChatClient[] = [];
let n = 0;
const newUser = () => `tz-${process.pid}-${++n}`;

beforeAll(async () => {
  app = await startTestApp({ DEFAULT_TIME_ZONE: 'America/New_York' });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(() => app.close());

/** The calendar day in a zone now, as the prompt writes it. */
const dayIn = (timeZone: string, at = new Date()) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);

/** Connects as a phone does, with optional handshake hints and token claims. */
async function connect(
  userId: string,
  hints: { timeZone?: string; locale?: string } = {},
  claims: Record<string, unknown> = {},
): Promise<ChatClient> {
  const token = jwt.sign(claims, TEST_JWT_SECRET, {
    subject: userId,
    expiresIn: '1h',
    algorithm: 'HS256',
  });
  const client = await ChatClient.connect(app.url, userId, { token, hints });
  clients.push(client);
  return client;
}

/** The prompt's "Today is …" for one message, and the days it may be (a turn may cross midnight). */
async function todayOf(c: ChatClient, timeZone: string) {
  const before = dayIn(timeZone);
  const turn = await sendAndAwaitReply(app, c, 'What day is it?');
  const after = dayIn(timeZone);
  const today = /Today is (\d{4}-\d{2}-\d{2})\./.exec(turn.prompt[0].content)?.[1];
  return { today, expected: [before, after] };
}

const storedZone = async (userId: string) =>
  (
    await sql<{ time_zone: string | null; locale: string | null }>(
      app.db.url,
      'SELECT time_zone, locale FROM users WHERE id = $1',
      [userId],
    )
  )[0];

describe("the user's own day", () => {
  it('dates the prompt in the zone the app sends, and keeps it on the user', async () => {
    // UTC+14 and UTC-11 are 25 hours apart: at any moment their days differ.
    const east = newUser();
    const west = newUser();
    const a = await todayOf(
      await connect(east, { timeZone: 'Pacific/Kiritimati' }),
      'Pacific/Kiritimati',
    );
    const b = await todayOf(
      await connect(west, { timeZone: 'Pacific/Pago_Pago' }),
      'Pacific/Pago_Pago',
    );
    expect(a.expected).toContain(a.today);
    expect(b.expected).toContain(b.today);
    expect(a.today).not.toBe(b.today);
    expect(await storedZone(east)).toMatchObject({ time_zone: 'Pacific/Kiritimati' });
  });

  it("takes the token's zoneinfo and locale claims when the app sends none", async () => {
    const user = newUser();
    const c = await connect(user, {}, { zoneinfo: 'Asia/Shanghai', locale: 'zh-CN' });
    const { today, expected } = await todayOf(c, 'Asia/Shanghai');
    expect(expected).toContain(today);
    expect(await storedZone(user)).toEqual({ time_zone: 'Asia/Shanghai', locale: 'zh-CN' });
  });

  it('ignores a zone it does not know, and uses the configured default', async () => {
    const user = newUser();
    const c = await connect(user, { timeZone: 'Mars/Olympus_Mons' });
    const { today, expected } = await todayOf(c, 'America/New_York');
    expect(expected).toContain(today);
    expect(await storedZone(user)).toMatchObject({ time_zone: null });
  });
});
