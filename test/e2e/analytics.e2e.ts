import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parquetReadObjects } from 'hyparquet';
import { AnalyticsService } from '../../src/analytics/analytics.service.js';
import { sql } from '../support/sql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { tokenFor } from '../support/tokens.js';

/**
 * The analytics API over HTTP: who may read it (analyst and admin; not a moderator, not a user),
 * an export downloaded and read back, and the charts as SVG.
 */

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({
    MEMORY_ENABLED: 'false',
    ANALYTICS_PSEUDONYM_KEY: 'an-e2e-key-that-is-at-least-32-chars',
  });
  // Two users in Shanghai time: u-1 writes on 03-01 and 03-02, u-2 on 03-01 only.
  await sql(
    app.db.url,
    `INSERT INTO users (id) VALUES ('u-1'), ('u-2');
     INSERT INTO conversations (id, user_id, last_seq) VALUES
       ('00000000-0000-7000-8000-000000000001', 'u-1', 2), ('00000000-0000-7000-8000-000000000002', 'u-2', 1);
     INSERT INTO messages (id, conversation_id, user_id, seq, role, status, created_at) VALUES
       (gen_random_uuid(), '00000000-0000-7000-8000-000000000001', 'u-1', 1, 'user', 'received', '2026-03-01T02:00:00Z'),
       (gen_random_uuid(), '00000000-0000-7000-8000-000000000001', 'u-1', 2, 'user', 'received', '2026-03-02T02:00:00Z'),
       (gen_random_uuid(), '00000000-0000-7000-8000-000000000002', 'u-2', 1, 'user', 'received', '2026-03-01T02:00:00Z')`,
  );
  await app.running.app.get(AnalyticsService).rollupDays('2026-03-01', '2026-03-02');
});
afterAll(() => app.close());

const QUERY = 'from=2026-03-01&to=2026-03-02&offsets=1';

function get(path: string, roles?: string[]) {
  const token = roles ? tokenFor('op-1', { roles }) : tokenFor('u-1');
  return fetch(`${app.url}/v1/operator/analytics/${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

describe('the analytics API', () => {
  it('answers an analyst and an admin with the retention cells', async () => {
    for (const role of ['analyst', 'admin']) {
      const res = await get(`retention?${QUERY}`, [role]);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { metadata: object; rows: object[] };
      expect(body.metadata).toMatchObject({ timeZone: 'Asia/Shanghai', dataThrough: '2026-03-02' });
      expect(body.rows).toEqual([
        {
          cohort: '2026-03-01',
          dimension: 'all',
          value: 'all',
          size: 2,
          offset: 1,
          returned: 1,
          rate: 0.5,
        },
      ]);
    }
  });

  it('refuses a moderator and a user token: 403 forbidden', async () => {
    for (const res of [
      await get(`retention?${QUERY}`, ['moderator']),
      await get(`retention?${QUERY}`),
    ]) {
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'forbidden' });
    }
  });

  it('refuses an unknown parameter and a bad date with a stable code', async () => {
    const unknown = await get('retention?limit=5', ['analyst']);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ code: 'invalid_payload' });
    const bad = await get('retention?from=2026-02-30', ['analyst']);
    expect(await bad.json()).toMatchObject({ code: 'invalid_payload' });
  });

  it('streams an export as Parquet that another reader opens', async () => {
    const res = await get(`export?${QUERY}&dataset=activity&format=parquet`, ['analyst']);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    const file = await res.arrayBuffer();
    const rows = await parquetReadObjects({ file });
    expect(rows.map((r): unknown[] => [String(r.day), Number(r.dau), Number(r.mau)])).toEqual([
      ['2026-03-01', 2, 2],
      ['2026-03-02', 1, 2],
    ]);
  });

  it('draws the retention triangle and the DAU/MAU line as SVG', async () => {
    const triangle = await get(`charts/retention.svg?${QUERY}`, ['analyst']);
    expect(triangle.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await triangle.text();
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('2026-03-01 (2)');
    expect(svg).toContain('50%');
    const line = await (await get(`charts/dau-mau.svg?${QUERY}`, ['analyst'])).text();
    expect(line).toContain('<polyline');
    expect(line).not.toMatch(/<script/i);
  });
});
