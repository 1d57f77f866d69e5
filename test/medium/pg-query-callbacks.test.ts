import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { installPgQueryCallbacks } from '../../src/database/pg-query-callbacks.js';
import { testServerUrl } from '../support/pg-server.js';

/** What reaches pg's own `query`: the arguments of each call. */
const calls: unknown[][] = [];

class Recording extends pg.Client {}
const pgQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
Recording.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  calls.push(args);
  return pgQuery.apply(this, args);
} as typeof pg.Client.prototype.query;
class Patched extends Recording {}
installPgQueryCallbacks(Patched);
installPgQueryCallbacks(Patched); // once per class: a second call adds nothing

let client: Patched;

beforeAll(async () => {
  client = new Patched({ connectionString: testServerUrl() });
  await client.connect();
});
afterAll(() => client.end());

describe('installPgQueryCallbacks', () => {
  it("answers a query without a callback with a promise of its result, through pg's callback form", async () => {
    calls.length = 0;
    const result = await client.query<{ n: number; word: string }>(
      'SELECT $1::int AS n, $2::text AS word',
      [7, 'seven'],
    );
    expect(result.rows).toEqual([{ n: 7, word: 'seven' }]);
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBe('SELECT $1::int AS n, $2::text AS word');
    expect(calls[0][1]).toEqual([7, 'seven']);
    expect(typeof calls[0][2]).toBe('function');
  });

  it('takes a query config object, a prepared statement included', async () => {
    const result = await client.query<{ n: number }>({
      name: 'pg_query_callbacks_one',
      text: 'SELECT $1::int + 1 AS n',
      values: [1],
    });
    expect(result.rows[0].n).toBe(2);
    const again = await client.query<{ n: number }>({
      name: 'pg_query_callbacks_one',
      text: 'SELECT $1::int + 1 AS n',
      values: [41],
    });
    expect(again.rows[0].n).toBe(42);
  });

  it("rejects with pg's error, its stack leading back to the caller", async () => {
    const failing = async function readsAMissingTable() {
      return await client.query('SELECT * FROM no_such_table_here');
    };
    const error = (await failing().catch((e: unknown) => e)) as Error & { code?: string };
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('42P01');
    expect(error.stack).toContain('readsAMissingTable');
    // The connection is still usable after the error.
    expect((await client.query<{ ok: number }>('SELECT 1 AS ok')).rows[0].ok).toBe(1);
  });

  it('leaves a call with a callback to pg unchanged', async () => {
    calls.length = 0;
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      const returned = client.query('SELECT 3 AS n', (err: Error | null, res: pg.QueryResult) =>
        err ? reject(err) : resolve(res.rows),
      );
      expect(returned).toBeUndefined();
    });
    expect(rows).toEqual([{ n: 3 }]);
    expect(calls).toHaveLength(1);
    expect(calls[0][1]).toEqual(expect.any(Function));
  });

  it('leaves a submittable query to pg unchanged', async () => {
    const submittable = new pg.Query('SELECT 4 AS n');
    const rows: unknown[] = [];
    submittable.on('row', (row: unknown) => rows.push(row));
    const ended = new Promise((resolve) => submittable.on('end', resolve));
    const returned = client.query(submittable);
    expect(returned).toBe(submittable);
    await ended;
    expect(rows).toEqual([{ n: 4 }]);
  });

  it('throws for a missing query as pg does', () => {
    expect(() => client.query(null as unknown as string)).toThrow(TypeError);
  });
});
